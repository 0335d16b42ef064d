// Stratified estimates: estimate each stratum (region, period, sex, ...) on its own and add them
// up. Capture probabilities often differ between strata (a list may cover one region well and
// another badly); pooling such strata biases the total, stratifying removes that bias at the
// price of sparser tables.

import { CaptureHistories, EstimateInputError, HistoryRow, historiesFromRows } from './histories.js'
import { Criterion, LoglinearModel, LoglinearResult, fitLoglinear, selectLoglinear } from './loglinear.js'
import { LcmcrEstimate, LcmcrOptions, estimateLcmcr } from './lcmcr.js'
import { normalQuantile, quantileSorted } from './special.js'

/** One stratum: either validated histories, or raw rows to validate (errors become results). */
export type StratumInput =
  | { readonly name: string; readonly histories: CaptureHistories }
  | { readonly name: string; readonly lists: readonly string[]; readonly rows: readonly HistoryRow[] }

export type StratifiedMethod =
  | { readonly method: 'lcmcr'; readonly options?: LcmcrOptions }
  | { readonly method: 'loglinear'; readonly model?: LoglinearModel; readonly criterion?: Criterion; readonly level?: number }

/** Below this many people seen on two or more lists, a stratum's estimate is flagged as fragile. */
export const SPARSE_OVERLAP = 10

export type StratumResult =
  | {
      readonly kind: 'estimate'
      readonly name: string
      readonly observed: number
      readonly estimate: number
      readonly interval: readonly [number, number]
      readonly detail: LcmcrEstimate | LoglinearResult
      readonly warnings: readonly string[]
    }
  | { readonly kind: 'not_estimable'; readonly name: string; readonly observed: number; readonly reason: string }

export interface StratifiedTotal {
  /** Sum of the estimable strata. */
  readonly estimate: number
  readonly interval: readonly [number, number]
  readonly level: number
  /** How the interval of the sum was made. */
  readonly intervalMethod: 'sum-of-posterior-draws' | 'independent-normal'
  readonly observed: number
  /** False when some strata could not be estimated: the total then covers only the others. */
  readonly complete: boolean
  readonly excluded: readonly string[]
  /** People observed in the excluded strata (not in `estimate`). */
  readonly observedExcluded: number
}

export interface StratifiedResult {
  readonly method: 'lcmcr' | 'loglinear'
  readonly strata: readonly StratumResult[]
  /** Undefined when no stratum could be estimated. */
  readonly total: StratifiedTotal | undefined
  readonly warnings: readonly string[]
}

function overlapCount(h: CaptureHistories): number {
  let s = 0
  for (let i = 0; i < h.masks.length; i++) {
    const m = h.masks[i]!
    if ((m & (m - 1)) !== 0) s += h.counts[i]!
  }
  return s
}

/**
 * Estimates every stratum and their sum.
 * - LCMCR: each stratum is sampled independently (stratum i with seed + 7919·i) and the sum's
 *   posterior is the sum of the strata's draws, draw by draw (strata are independent a priori);
 *   the interval is the quantiles of those summed draws.
 * - Log-linear: each stratum's model is the given one or selected by `criterion`; the sum's
 *   interval is the independent-strata normal approximation, total ± z·sqrt(Σ SE²) (lower end
 *   never below the people observed). It is symmetric, so it understates the long upper tail of
 *   each stratum's profile interval: prefer LCMCR for published stratified totals.
 * Strata that cannot be estimated (too sparse, no overlap, model failure) are reported as such
 * with the reason and left out of the total, which then says it is incomplete.
 *
 * @example
 * const r = estimateStratified([{ name: 'north', histories: hNorth }, { name: 'south', histories: hSouth }], { method: 'lcmcr', options: { seed: 3 } })
 * r.total?.estimate
 */
export function estimateStratified(strata: readonly StratumInput[], method: StratifiedMethod): StratifiedResult {
  const results: StratumResult[] = []
  const warnings: string[] = []
  const lcmcrDraws: Float64Array[] = []
  const names = new Set<string>()
  for (const [i, s] of strata.entries()) {
    if (names.has(s.name)) throw new EstimateInputError('bad_option', [{ where: `stratum '${s.name}'`, message: 'stratum name given twice' }])
    names.add(s.name)
    let h: CaptureHistories
    try {
      h = 'histories' in s ? s.histories : historiesFromRows(s.lists, s.rows)
    } catch (e) {
      if (!(e instanceof EstimateInputError)) throw e
      const observed = 'rows' in s ? s.rows.reduce((a, r) => a + (r.count > 0 ? r.count : 0), 0) : 0
      results.push({ kind: 'not_estimable', name: s.name, observed, reason: `too sparse to estimate: ${e.message}` })
      continue
    }
    const sw: string[] = []
    const overlap = overlapCount(h)
    if (overlap < SPARSE_OVERLAP) sw.push(`sparse: only ${overlap} people are on more than one list, so this stratum's estimate is fragile`)
    if (method.method === 'lcmcr') {
      const base = method.options?.seed ?? 1
      const r = estimateLcmcr(h, { ...method.options, seed: (base + 7919 * i) | 0 })
      lcmcrDraws.push(r.draws)
      results.push({ kind: 'estimate', name: s.name, observed: h.observed, estimate: r.estimate, interval: r.interval, detail: r, warnings: [...sw, ...r.warnings] })
    } else {
      const r: LoglinearResult = method.model
        ? fitLoglinear(h, method.model, { level: method.level ?? 0.95 })
        : selectLoglinear(h, { criterion: method.criterion ?? 'aic', level: method.level ?? 0.95 }).best
      if (r.kind === 'estimate') results.push({ kind: 'estimate', name: s.name, observed: h.observed, estimate: r.estimate, interval: r.interval, detail: r, warnings: [...sw, ...r.warnings] })
      else results.push({ kind: 'not_estimable', name: s.name, observed: h.observed, reason: `${r.reason}: ${r.detail}` })
    }
  }
  const excluded = results.filter((r) => r.kind === 'not_estimable')
  const ok = results.filter((r): r is Extract<StratumResult, { kind: 'estimate' }> => r.kind === 'estimate')
  for (const r of excluded) warnings.push(`stratum '${r.name}' could not be estimated (${r.kind === 'not_estimable' ? r.reason : ''}); the total leaves it out`)
  for (const r of ok) if (r.warnings.some((w) => w.startsWith('sparse'))) warnings.push(`stratum '${r.name}' is sparse: its estimate is fragile`)
  if (ok.length === 0) return { method: method.method, strata: results, total: undefined, warnings }
  const observed = ok.reduce((a, r) => a + r.observed, 0)
  const observedExcluded = excluded.reduce((a, r) => a + r.observed, 0)
  const common = { observed, complete: excluded.length === 0, excluded: excluded.map((r) => r.name), observedExcluded }

  if (method.method === 'lcmcr') {
    const level = method.options?.level ?? 0.95
    const len = lcmcrDraws[0]!.length
    const sum = new Float64Array(len)
    for (const d of lcmcrDraws) for (let i = 0; i < len; i++) sum[i] = sum[i]! + d[i]!
    sum.sort()
    const tail = (1 - level) / 2
    return {
      method: 'lcmcr',
      strata: results,
      total: { ...common, estimate: quantileSorted(sum, 0.5), interval: [quantileSorted(sum, tail), quantileSorted(sum, 1 - tail)], level, intervalMethod: 'sum-of-posterior-draws' },
      warnings,
    }
  }
  const level = method.level ?? 0.95
  const z = normalQuantile(1 - (1 - level) / 2)
  let estimate = 0
  let variance = 0
  for (const r of ok) {
    estimate += r.estimate
    const d = r.detail
    if (d.method === 'loglinear' && d.kind === 'estimate') variance += d.se * d.se
  }
  const se = Math.sqrt(variance)
  return {
    method: 'loglinear',
    strata: results,
    total: { ...common, estimate, interval: [Math.max(observed, estimate - z * se), estimate + z * se], level, intervalMethod: 'independent-normal' },
    warnings,
  }
}
