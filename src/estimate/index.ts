// Public face of src/estimate/: multiple systems estimation. Pure: no I/O, no imports from the
// rest of src/, no npm packages. Input is validated capture histories (built by
// `parseHistories` or `historiesFromRows`); outputs are tagged unions (`kind: 'estimate'` or
// `kind: 'not_estimable'` with a reason); bad input throws `EstimateInputError`.

export {
  EstimateInputError,
  MAX_LISTS,
  countOf,
  historiesFromRows,
  historyText,
  parseHistories,
} from './histories.js'
export type { CaptureHistories, HistoryRow, HistoryTable, InputErrorCode, InputIssue } from './histories.js'

export { MAX_LOGLINEAR_LISTS, fitLoglinear, forEachHierarchicalModel, modelName, parseModel, selectLoglinear } from './loglinear.js'
export type {
  CandidateSummary,
  Coefficient,
  Criterion,
  HeterogeneityForm,
  LoglinearEstimate,
  LoglinearModel,
  LoglinearNotEstimable,
  LoglinearOptions,
  LoglinearResult,
  LoglinearSelection,
  NotEstimableReason,
  SelectionOptions,
} from './loglinear.js'

export { LcmcrSampler, effectiveSampleSize, estimateLcmcr, splitRhat } from './lcmcr.js'
export type { LcmcrDiagnostics, LcmcrEstimate, LcmcrOptions, LcmcrSettings } from './lcmcr.js'

export { SPARSE_OVERLAP, estimateStratified } from './stratified.js'
export type { StratifiedMethod, StratifiedResult, StratifiedTotal, StratumInput, StratumResult } from './stratified.js'

export { Rng } from './rng.js'

// Published tables and a seeded synthetic population, for tests and benchmarks.
export { darrochTable, diabetesTable, hivTable, syntheticHistories } from './testdata.js'
