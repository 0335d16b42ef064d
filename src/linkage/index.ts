// Public face of the linkage module: link casualty-list records into persons, explain and review
// the links, and count capture histories for estimation. Pure: no database, no I/O.
export type {
  BlockingRule,
  BlockKeyPart,
  FittedModel,
  LinkageRecord,
  LinkOptions,
  LinkResult,
  MatchDecision,
  RecordAssignment,
  RuleReport,
  ScoredPairs,
} from './types.js'
export { linkRecords } from './link.js'
export { blockCandidates, DEFAULT_RULES, DEFAULT_MAX_BLOCK_SIZE, validateRules, type Candidates } from './blocking.js'
export { FIELDS, LEVELS, distanceKm } from './compare.js'
export { prepareRecords, validateRecords, parseAge, parseSex, parseDeathDate, type PreparedRecords } from './prepare.js'
export {
  arabicSkeleton,
  isArabicScript,
  latinSkeleton,
  normalizeArabic,
  normalizeDigits,
  normalizeLatinToken,
  tokenizeName,
  splitName,
  type NameToken,
  type Script,
} from './normalize.js'
export { jaroWinkler, tokenSetSimilarity } from './similarity.js'
export { reviewQueue, type ReviewItem } from './review.js'
export { captureHistories, type CaptureHistories, type CaptureHistoryRow } from './histories.js'
export { MALE_GIVEN_NAMES, FEMALE_GIVEN_NAMES, FAMILY_NAMES, type PooledName } from './names.js'
export { generateSyntheticLists, pairwiseScores, wrongPairs, type SyntheticLists, type PairwiseScores, type WrongPairs } from './synthetic.js'
