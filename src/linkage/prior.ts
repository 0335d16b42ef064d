// The prior: how likely two records are to be one person before their fields are compared. One
// value for all pairs (λ), and one for each pair of lists: a list rarely enters one death twice,
// while two lists of one conflict share a large part of their deaths, so a pair of records of one
// list is an order of magnitude less likely to be one person than a pair across lists. With the
// pooled prior, same-list pairs given 0.7-0.9 were one person 3-30 % of the time (300,000
// synthetic records), against 61-76 % across lists.
import { probabilityFromWeight } from './model.js'

/** The evidence histogram the priors are solved on: 1/32-bit bins over ±96 bits. */
const BINS_PER_BIT = 32
const HISTOGRAM_BITS = 96
export const HISTOGRAM_BINS = 2 * HISTOGRAM_BITS * BINS_PER_BIT + 1

/** Histogram bin of a pair's evidence (log2 Bayes factor, without the prior). */
export function binOf(evidence: number): number {
  const bin = Math.round((evidence + HISTOGRAM_BITS) * BINS_PER_BIT)
  return bin < 0 ? 0 : bin >= HISTOGRAM_BINS ? HISTOGRAM_BINS - 1 : bin
}

/** Pseudo-observations that pull a prior towards another one (a beta prior, in pairs). */
interface Shrinkage {
  readonly matches: number
  readonly pairs: number
}

/**
 * λ as the fixed point of λ = (Σ_candidates P(match | evidence, λ) + decided matches) / all pairs
 * (the EM update of the prior alone), over a histogram of the pairs' evidence in bits (the
 * scorer's own weights, term frequency included, without the prior). Started from lambda0.
 * With `shrink`, its pseudo-matches and pseudo-pairs are added to both sides.
 *
 * @example solveLambda(histogram, 1e-5, 0, (n * (n - 1)) / 2)
 */
export function solveLambda(histogram: Float64Array, lambda0: number, decidedSame: number, allPairs: number, shrink: Shrinkage = { matches: 0, pairs: 0 }): number {
  let lambda = lambda0
  for (let iteration = 0; iteration < 500; iteration++) {
    const prior = Math.log2(lambda / (1 - lambda))
    let expected = decidedSame + shrink.matches
    for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
      const c = histogram[bin] as number
      if (c === 0) continue
      expected += c * probabilityFromWeight(prior + bin / BINS_PER_BIT - HISTOGRAM_BITS)
    }
    const next = Math.min(0.5, Math.max(1e-12, expected / Math.max(1, allPairs + shrink.pairs)))
    const done = Math.abs(next - lambda) <= 1e-5 * lambda
    lambda = next
    if (done) break
  }
  return lambda
}

/**
 * A pair of lists gets a prior of its own when it has at least this many candidate pairs: below
 * it, the pooled prior. Also bounds the histograms' memory (49 KiB each) to ~10 bytes per pair.
 */
const OWN_PRIOR_MIN_PAIRS = 5_000
/**
 * The prior of a pair of lists is a beta prior's posterior centred on the pooled λ with this many
 * pseudo-matches: a pair of lists with few matches stays near the pooled value.
 */
const PSEUDO_MATCHES = 20
/** Largest number of lists whose pairs get priors of their own (a lists × lists table). */
const MAX_LISTS = 4096

/** What the priors per pair of lists are solved from: the scored candidate pairs. */
export interface ListPairPriorInput {
  /** List of each record, and the number of records on each list. */
  readonly list: Uint16Array
  readonly listSize: readonly number[]
  /** Candidate pairs. */
  readonly a: Int32Array
  readonly b: Int32Array
  /** Evidence of pair k (log2 Bayes factor without the prior). */
  evidence(k: number): number
  /** How many pairs pair k stands for in the fit (a sample of set-aside pairs stands for several), 0 to leave it out. */
  fitWeight(k: number): number
  /** Pairs decided "same" by a reviewer (candidates or not): records i and j. */
  readonly decidedSame: readonly (readonly [number, number])[]
  /** The pooled prior. */
  readonly lambda: number
}

/** Prior log2 odds of a pair of records, by their two lists. */
export interface ListPairPriors {
  /** log2 prior odds of a pair of records of lists la and lb. */
  log2Odds(la: number, lb: number): number
  /**
   * The same as a table for hot loops: entry la · lists + lb, or entry 0 for every pair when
   * lists is 1 (one list, or more than MAX_LISTS: all pairs then have the pooled prior).
   */
  readonly table: Float64Array
  readonly lists: number
  /** The prior probability per pair of lists that got one of its own, lower list first. */
  readonly own: readonly { readonly lists: readonly [number, number]; readonly lambda: number; readonly candidatePairs: number }[]
}

/**
 * The prior per pair of lists (a list with itself included): for each pair of lists with
 * enough candidate pairs, the fixed point of solveLambda over that pair of lists alone, its
 * pairs being n_A·n_B (or n_A(n_A − 1)/2 within one list), shrunk towards the pooled λ.
 *
 * @example const priors = solveListPairPriors(input); priors.log2Odds(list[i], list[j])
 */
export function solveListPairPriors(input: ListPairPriorInput): ListPairPriors {
  const L = input.listSize.length
  const pooled = Math.log2(input.lambda / (1 - input.lambda))
  if (L > MAX_LISTS || L <= 1) return { log2Odds: () => pooled, table: Float64Array.of(pooled), lists: 1, own: [] }
  const { list, a, b } = input
  const candidates = new Float64Array(L * L)
  for (let k = 0; k < a.length; k++) {
    const la = list[a[k] as number] as number
    const lb = list[b[k] as number] as number
    const x = la < lb ? la * L + lb : lb * L + la
    candidates[x] = (candidates[x] as number) + 1
  }
  // Histograms only for the pairs of lists that get their own prior.
  const histogramOf: (Float64Array | undefined)[] = Array.from(candidates, (c) => (c >= OWN_PRIOR_MIN_PAIRS ? new Float64Array(HISTOGRAM_BINS) : undefined))
  for (let k = 0; k < a.length; k++) {
    const w = input.fitWeight(k)
    if (w === 0) continue
    const la = list[a[k] as number] as number
    const lb = list[b[k] as number] as number
    const histogram = histogramOf[la < lb ? la * L + lb : lb * L + la]
    if (histogram === undefined) continue
    const bin = binOf(input.evidence(k))
    histogram[bin] = (histogram[bin] as number) + w
  }
  const decided = new Float64Array(L * L)
  for (const [i, j] of input.decidedSame) {
    const la = list[i] as number
    const lb = list[j] as number
    const x = la < lb ? la * L + lb : lb * L + la
    decided[x] = (decided[x] as number) + 1
  }
  const odds = new Float64Array(L * L).fill(pooled)
  const own: { lists: readonly [number, number]; lambda: number; candidatePairs: number }[] = []
  const shrink = { matches: PSEUDO_MATCHES, pairs: PSEUDO_MATCHES / input.lambda }
  for (let la = 0; la < L; la++) {
    for (let lb = la; lb < L; lb++) {
      const histogram = histogramOf[la * L + lb]
      if (histogram === undefined) continue
      const na = input.listSize[la] as number
      const nb = input.listSize[lb] as number
      const allPairs = la === lb ? (na * (na - 1)) / 2 : na * nb
      const lambda = solveLambda(histogram, input.lambda, decided[la * L + lb] as number, allPairs, shrink)
      const o = Math.log2(lambda / (1 - lambda))
      odds[la * L + lb] = o
      odds[lb * L + la] = o
      own.push({ lists: [la, lb], lambda, candidatePairs: candidates[la * L + lb] as number })
    }
  }
  return { log2Odds: (la, lb) => odds[la * L + lb] as number, table: odds, lists: L, own }
}
