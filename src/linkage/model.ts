// Fellegi–Sunter with EM. Each candidate pair has a comparison vector (one level per field);
// matches and non-matches have different level distributions, m (matches) and u (non-matches),
// and, given match status, fields are taken as independent. EM finds λ, m and u without labels.
// Pairs with the same vector are indistinguishable to the model, so EM runs over the distinct
// vectors with their counts (a few thousand at most) and costs nothing next to comparing.
import { FIELD_COUNT, FIELDS, LEVEL_COUNTS, LEVELS } from './compare.js'
import type { FittedModel } from './types.js'

/** Number of distinct comparison vectors (the mixed-radix code space). */
export const PATTERN_COUNT = LEVEL_COUNTS.reduce((x, y) => x * y, 1)

/** The radices of the last four fields, for the unrolled patternOf of five fields. */
const [, RADIX_1 = 1, RADIX_2 = 1, RADIX_3 = 1, RADIX_4 = 1] = LEVEL_COUNTS

/**
 * The pattern code of the vector at levels[offset ..]: a mixed-radix number.
 *
 * @example patternOf(Uint8Array.of(1, 1, 1, 1, 1), 0)
 */
export function patternOf(levels: Uint8Array, offset: number): number {
  // Five fields (the usual case) unrolled: the same integer arithmetic, without a loop over the
  // radices, for the tens of millions of pairs of a large run.
  if (FIELD_COUNT === 5) {
    const l0 = levels[offset] as number
    const l1 = levels[offset + 1] as number
    const l2 = levels[offset + 2] as number
    const l3 = levels[offset + 3] as number
    const l4 = levels[offset + 4] as number
    return (((l0 * RADIX_1 + l1) * RADIX_2 + l2) * RADIX_3 + l3) * RADIX_4 + l4
  }
  let code = 0
  for (let k = 0; k < FIELD_COUNT; k++) code = code * (LEVEL_COUNTS[k] as number) + (levels[offset + k] as number)
  return code
}

/**
 * Levels of a pattern code (inverse of patternOf).
 *
 * @example levelsOfPattern(patternOf(Uint8Array.of(1, 1, 2, 0, 5), 0)) // [1, 1, 2, 0, 5]
 */
export function levelsOfPattern(code: number): number[] {
  const out = new Array<number>(FIELD_COUNT).fill(0)
  for (let k = FIELD_COUNT - 1; k >= 0; k--) {
    const radix = LEVEL_COUNTS[k] as number
    out[k] = code % radix
    code = Math.floor(code / radix)
  }
  return out
}

/**
 * Counts of each pattern over pairs' level codes.
 *
 * @example countPatterns(levels).reduce((s, c) => s + c, 0) === levels.length / FIELD_COUNT
 */
export function countPatterns(levels: Uint8Array): Float64Array {
  const counts = new Float64Array(PATTERN_COUNT)
  for (let off = 0; off < levels.length; off += FIELD_COUNT) {
    const code = patternOf(levels, off)
    counts[code] = (counts[code] as number) + 1
  }
  return counts
}

/** Starting point and limits of EM. */
export interface EmSettings {
  readonly lambda: number
  readonly m: readonly (readonly number[])[]
  readonly u: readonly (readonly number[])[]
  readonly maxIterations: number
  readonly tolerance: number
  /**
   * Fields whose u stays as given (from random pairs). Among candidate pairs, non-matches that
   * agree on date and place (people killed in one attack) are common; left free, EM may take
   * "same attack" for "same person". Anchoring u to random pairs prevents that.
   */
  readonly fixedU?: readonly boolean[]
  /** Fields whose m stays as given. */
  readonly fixedM?: readonly boolean[]
  /** Fields the session uses; the others are ignored (and keep their m and u). */
  readonly active?: readonly boolean[]
}

/**
 * Prior beliefs used to start EM: matches mostly agree.
 *
 * @example defaultStartingM()[0][1] // 0.55: a match's names agree exactly more often than not
 */
export function defaultStartingM(): number[][] {
  // One row per field, one entry per level of LEVELS (model.test.ts checks the shape).
  return [
    [0, 0.55, 0.3, 0.08, 0.04, 0.03],
    [0, 0.97, 0.03],
    [0, 0.45, 0.35, 0.12, 0.08],
    [0, 0.55, 0.2, 0.1, 0.1, 0.02, 0.03],
    [0, 0.6, 0.05, 0.15, 0.1, 0.1],
  ]
}

/**
 * A flat u to start from when no random sample is available.
 *
 * @example flatU()[1] // [0, 0.5, 0.5]
 */
export function flatU(): number[][] {
  return LEVEL_COUNTS.map((c) => Array.from({ length: c }, (_, l) => (l === 0 ? 0 : 1 / (c - 1))))
}

const FLOOR = 1e-6
/**
 * Smallest m used for a weight. Real lists contain errors the training data may not show (an
 * age off by ten, a name garbled beyond recognition): one such field must weigh heavily against
 * a link, about ten bits, but not make it impossible whatever the other fields say.
 */
const M_FLOOR = 1e-3

/**
 * Estimates λ, m and u by EM over pattern counts. `sameCounts` and `differentCounts` hold pairs a
 * reviewer decided: their posterior is fixed at 1 or 0 instead of estimated, so decisions teach
 * the model as well as override it. Missing levels (0) carry no weight.
 *
 * @example estimateParameters(counts, zero, zero, { lambda: 0.1, m: defaultStartingM(), u: flatU(), maxIterations: 300, tolerance: 1e-7 })
 */
export function estimateParameters(
  counts: Float64Array,
  sameCounts: Float64Array,
  differentCounts: Float64Array,
  settings: EmSettings,
): FittedModel {
  let lambda = settings.lambda
  const m = settings.m.map((row) => Float64Array.from(row))
  const u = settings.u.map((row) => Float64Array.from(row))
  const patterns: number[] = []
  for (let c = 0; c < PATTERN_COUNT; c++) {
    if ((counts[c] as number) > 0 || (sameCounts[c] as number) > 0 || (differentCounts[c] as number) > 0) patterns.push(c)
  }
  const levelsOf = patterns.map(levelsOfPattern)
  let iterations = 0
  let converged = false
  for (; iterations < settings.maxIterations; iterations++) {
    const mSum = LEVEL_COUNTS.map((c) => new Float64Array(c))
    const uSum = LEVEL_COUNTS.map((c) => new Float64Array(c))
    let matched = 0
    let total = 0
    for (let q = 0; q < patterns.length; q++) {
      const code = patterns[q] as number
      const lv = levelsOf[q] as number[]
      let pm = lambda
      let pu = 1 - lambda
      for (let k = 0; k < FIELD_COUNT; k++) {
        const l = lv[k] as number
        if (l === 0 || settings.active?.[k] === false) continue
        pm *= (m[k] as Float64Array)[l] as number
        pu *= (u[k] as Float64Array)[l] as number
      }
      const g = pm / (pm + pu)
      const c = counts[code] as number
      const wm = c * g + (sameCounts[code] as number)
      const wu = c * (1 - g) + (differentCounts[code] as number)
      matched += wm
      total += wm + wu
      for (let k = 0; k < FIELD_COUNT; k++) {
        const l = lv[k] as number
        const ms = mSum[k] as Float64Array
        const us = uSum[k] as Float64Array
        ms[l] = (ms[l] as number) + wm
        us[l] = (us[l] as number) + wu
      }
    }
    // No pairs at all (a single record, or nothing blocked together): nothing to learn.
    if (total === 0) break
    let change = Math.abs(matched / total - lambda)
    lambda = Math.min(1 - FLOOR, Math.max(FLOOR, matched / total))
    for (let k = 0; k < FIELD_COUNT; k++) {
      if (settings.active?.[k] === false) continue
      if (settings.fixedM?.[k] !== true) change = Math.max(change, normaliseInto(m[k] as Float64Array, mSum[k] as Float64Array))
      if (settings.fixedU?.[k] !== true) change = Math.max(change, normaliseInto(u[k] as Float64Array, uSum[k] as Float64Array))
    }
    if (change < settings.tolerance) {
      converged = true
      iterations++
      break
    }
  }
  const weights = m.map((row, k) => Array.from(row, (mv, l) => (l === 0 ? 0 : Math.log2(mv / ((u[k] as Float64Array)[l] as number)))))
  return {
    fields: [...FIELDS],
    levels: FIELDS.map((f) => LEVELS[f]),
    lambda,
    m: m.map((row) => Array.from(row)),
    u: u.map((row) => Array.from(row)),
    weights,
    iterations,
    converged,
  }
}

// New probabilities over the non-missing levels, floored so no level has weight ±∞; returns the
// largest change.
function normaliseInto(target: Float64Array, sums: Float64Array): number {
  let total = 0
  for (let l = 1; l < sums.length; l++) total += sums[l] as number
  let change = 0
  let norm = 0
  const next = new Float64Array(sums.length)
  for (let l = 1; l < sums.length; l++) {
    next[l] = Math.max(FLOOR, total > 0 ? (sums[l] as number) / total : 1 / (sums.length - 1))
    norm += next[l] as number
  }
  for (let l = 1; l < sums.length; l++) {
    const v = (next[l] as number) / norm
    change = Math.max(change, Math.abs(v - (target[l] as number)))
    target[l] = v
  }
  return change
}

/**
 * A fitted model from its parameters (weights = log2(m/u), 0 for missing levels).
 *
 * @example modelFrom(1e-5, defaultStartingM(), flatU(), 0, true).weights[0][1] // log2(0.55 / 0.2)
 */
export function modelFrom(lambda: number, m: readonly (readonly number[])[], u: readonly (readonly number[])[], iterations: number, converged: boolean): FittedModel {
  return {
    fields: [...FIELDS],
    levels: FIELDS.map((f) => LEVELS[f]),
    lambda,
    m: m.map((row) => [...row]),
    u: u.map((row) => [...row]),
    weights: m.map((row, k) => row.map((mv, l) => (l === 0 ? 0 : Math.log2(Math.max(M_FLOOR, mv) / Math.max(FLOOR, (u[k] as readonly number[])[l] as number))))),
    iterations,
    converged,
  }
}

/**
 * Posterior match probability from a total log2 weight (prior odds included).
 *
 * @example probabilityFromWeight(0) // 0.5
 */
export function probabilityFromWeight(weight: number): number {
  return 1 / (1 + Math.pow(2, -weight))
}
