// The prior: how likely two records are to be one person before their fields are compared. One
// value for all pairs (λ), one for pairs within a list and one across lists, and one for each
// pair of lists with enough candidate pairs: a list rarely enters one death twice,
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
 * A pair of lists gets a prior of its own when it has at least this many candidate pairs; below
 * it, the prior of its kind (within one list, or across lists). One histogram (48 KiB) per such
 * pair of lists: at most ~10 bytes per candidate pair.
 */
const OWN_PRIOR_MIN_PAIRS = 5_000
/**
 * Each prior is a beta prior's posterior centred on the prior above it (a pair of lists on its
 * kind's, a kind on the pooled) with this many pseudo-matches: a pair of lists with few matches
 * stays near the value of its kind.
 */
const PSEUDO_MATCHES = 20
/**
 * Most lists whose pairs get priors of their own (a lists × lists table of 64 K entries); with
 * more, every pair has the prior of its kind.
 */
const MAX_LISTS = 256

/** What the priors are solved from: the scored candidate pairs. */
export interface PriorInput {
  /** List of each record, and the number of records on each list. */
  readonly list: Uint16Array
  readonly listSize: readonly number[]
  /** Candidate pairs. */
  readonly a: Int32Array
  readonly b: Int32Array
  /** Evidence of pair k (log2 Bayes factor without the prior). */
  evidence(k: number): number
  /**
   * How many pairs pair k stands for in the fit (a sample of set-aside pairs stands for several),
   * 0 to leave it out. Called once for each k, in increasing order (callers may walk sorted
   * lists alongside).
   */
  fitWeight(k: number): number
  /** Pairs decided "same" by a reviewer (candidates or not), each pair once: records i and j. */
  readonly decidedSame: readonly (readonly [number, number])[]
  /** Where the pooled prior's fixed point starts (EM's λ). */
  readonly lambda: number
}

/** The priors: of a random pair, of each kind of pair, and of each pair of lists. */
export interface Priors {
  /** The prior probability that a random pair of records is one person (all pairs). */
  readonly pooled: number
  /** The same for a pair of records of one list, and of two lists. */
  readonly within: number
  readonly across: number
  /**
   * log2 prior odds of a pair of records, for hot loops: with `byListPair`, entry la · lists + lb;
   * otherwise entry 0 for a pair within one list and 1 for a pair across lists.
   */
  readonly table: Float64Array
  readonly byListPair: boolean
  readonly lists: number
  /** log2 prior odds of a pair of records of lists la and lb. */
  log2Odds(la: number, lb: number): number
  /** The pairs of lists that got a prior of their own, lower list first. */
  readonly own: readonly { readonly lists: readonly [number, number]; readonly lambda: number; readonly candidatePairs: number }[]
}

const WITHIN = 0
const ACROSS = 1

/**
 * The priors, each the fixed point of solveLambda over its own pairs: all pairs (pooled); the
 * pairs within one list, and across lists (each shrunk towards the pooled); and each pair of
 * lists with enough candidate pairs (shrunk towards its kind). A pair of lists has n_A·n_B pairs,
 * or n_A(n_A − 1)/2 within one list.
 *
 * @example const priors = solvePriors(input); priors.log2Odds(list[i], list[j])
 */
export function solvePriors(input: PriorInput): Priors {
  const { list, a, b, listSize } = input
  const L = listSize.length
  const byListPair = L <= MAX_LISTS
  const cells = byListPair ? L * L : 0
  /** The table cell of a pair of lists, lower list first. */
  const cellOf = (la: number, lb: number): number => (la < lb ? la * L + lb : lb * L + la)
  // Pairs per pair of lists first, to know which get a histogram (one pass more over the pairs:
  // a histogram for every pair of lists met would be 48 KiB each, up to 64 K of them).
  const candidates = new Float64Array(cells)
  if (byListPair) {
    for (let k = 0; k < a.length; k++) {
      const x = cellOf(list[a[k] as number] as number, list[b[k] as number] as number)
      candidates[x] = (candidates[x] as number) + 1
    }
  }
  // Histograms of the two kinds, and of the pairs of lists that get their own prior.
  const kindHistogram = [new Float64Array(HISTOGRAM_BINS), new Float64Array(HISTOGRAM_BINS)]
  const histogramOf: (Float64Array | undefined)[] = Array.from(candidates, (c) => (c >= OWN_PRIOR_MIN_PAIRS ? new Float64Array(HISTOGRAM_BINS) : undefined))
  for (let k = 0; k < a.length; k++) {
    const w = input.fitWeight(k)
    if (w === 0) continue
    const la = list[a[k] as number] as number
    const lb = list[b[k] as number] as number
    const bin = binOf(input.evidence(k))
    const kind = kindHistogram[la === lb ? WITHIN : ACROSS] as Float64Array
    kind[bin] = (kind[bin] as number) + w
    if (!byListPair) continue
    const histogram = histogramOf[cellOf(la, lb)]
    if (histogram !== undefined) histogram[bin] = (histogram[bin] as number) + w
  }
  const decided = new Float64Array(cells)
  const decidedOfKind = new Float64Array(2)
  for (const [i, j] of input.decidedSame) {
    const la = list[i] as number
    const lb = list[j] as number
    const kind = la === lb ? WITHIN : ACROSS
    decidedOfKind[kind] = (decidedOfKind[kind] as number) + 1
    if (!byListPair) continue
    const x = cellOf(la, lb)
    decided[x] = (decided[x] as number) + 1
  }
  const pairsOf = (la: number, lb: number): number => {
    const na = listSize[la] as number
    return la === lb ? (na * (na - 1)) / 2 : na * (listSize[lb] as number)
  }
  const pairsOfKind = new Float64Array(2)
  for (let la = 0; la < L; la++) {
    for (let lb = la; lb < L; lb++) {
      const kind = la === lb ? WITHIN : ACROSS
      pairsOfKind[kind] = (pairsOfKind[kind] as number) + pairsOf(la, lb)
    }
  }
  const all = new Float64Array(HISTOGRAM_BINS)
  for (const h of kindHistogram) for (let bin = 0; bin < HISTOGRAM_BINS; bin++) all[bin] = (all[bin] as number) + (h[bin] as number)
  const pooled = solveLambda(all, input.lambda, (decidedOfKind[WITHIN] as number) + (decidedOfKind[ACROSS] as number), (pairsOfKind[WITHIN] as number) + (pairsOfKind[ACROSS] as number))
  const towards = (lambda: number): { matches: number; pairs: number } => ({ matches: PSEUDO_MATCHES, pairs: PSEUDO_MATCHES / lambda })
  const kindLambda = [WITHIN, ACROSS].map((kind) =>
    (pairsOfKind[kind] as number) > 0 ? solveLambda(kindHistogram[kind] as Float64Array, pooled, decidedOfKind[kind] as number, pairsOfKind[kind] as number, towards(pooled)) : pooled,
  )
  const odds = (lambda: number): number => Math.log2(lambda / (1 - lambda))
  const own: { lists: readonly [number, number]; lambda: number; candidatePairs: number }[] = []
  let table: Float64Array
  if (byListPair) {
    table = new Float64Array(cells)
    for (let la = 0; la < L; la++) {
      for (let lb = la; lb < L; lb++) {
        const kind = la === lb ? WITHIN : ACROSS
        let lambda = kindLambda[kind] as number
        const histogram = histogramOf[la * L + lb]
        if (histogram !== undefined) {
          lambda = solveLambda(histogram, lambda, decided[la * L + lb] as number, pairsOf(la, lb), towards(lambda))
          own.push({ lists: [la, lb], lambda, candidatePairs: candidates[la * L + lb] as number })
        }
        table[la * L + lb] = odds(lambda)
        table[lb * L + la] = odds(lambda)
      }
    }
  } else table = Float64Array.from(kindLambda, odds)
  return {
    pooled,
    within: kindLambda[WITHIN] as number,
    across: kindLambda[ACROSS] as number,
    table,
    byListPair,
    lists: L,
    log2Odds: byListPair ? (la, lb) => table[la * L + lb] as number : (la, lb) => table[la === lb ? WITHIN : ACROSS] as number,
    own,
  }
}
