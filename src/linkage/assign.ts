// One-to-one assignment between lists. A person appears at most once on each list (a list's own
// duplicates aside, which are linked pairwise and not constrained here), so among the records of
// list B that a record i of list A might match, at most one is i's match. Pairwise scoring
// ignores this: it cannot tell "five strangers fit i's description equally well" from "one record
// fits i well and every other candidate is firmly matched to someone else". This module turns
// the pairwise Bayes factors of cross-list pairs into match probabilities under the constraint
// that each record has at most one match on each other list.
//
// Model: for lists A and B, a matching X (a set of pairs, no record twice) has weight
// Π_{(i,j)∈X} θ_AB·BF_ij, where BF_ij is the pair's Bayes factor (the pairwise evidence, term
// frequency included) and θ_AB the prior odds per pair. The marginal probability of each pair
// is computed by belief propagation for matchings (exact on trees, a good approximation
// otherwise): for a pair e = (i, j),
//    R_e = 1 / (1 + Σ_{f at i, f≠e} W_f C_f)     (i is free of its other candidates on B)
//    C_e = 1 / (1 + Σ_{f at j, f≠e} W_f R_f)     (j is free of its other candidates on A)
//    odds(e) = W_e R_e C_e,   W_e = θ_AB·BF_e.
// A candidate that is firmly matched elsewhere gets a small R or C and stops competing; a record
// with a single plausible candidate keeps it even when the pairwise posterior was below one
// half, because the prior of "i has a match on B" is π_A (the share of A's records found on B),
// not one in N_B for each pair independently.
//
// θ_AB is not tuned: it is the self-consistent value θ = M / ((N_A − M)(N_B − M)), where M is
// the expected number of matched pairs between A and B (the sum of the marginals): this is the
// per-pair prior odds of a uniform random matching of size M between lists of N_A and N_B
// records. It is re-solved after every sweep, starting from the pairwise posteriors' sum.

/** What the assignment needs: cross-list pairs only, with their evidence. */
export interface AssignInput {
  /** Records (indices into `list`) of each pair. */
  readonly a: Int32Array
  readonly b: Int32Array
  /** log2 Bayes factor of each pair (the pairwise evidence without the prior). */
  readonly evidence: Float64Array
  /** Starting probability of each pair (the pairwise posterior), used to start M. */
  readonly start: Float64Array
  /** Pairs fixed by a reviewer's "same": they occupy their records' slot. */
  readonly fixedSame?: Uint8Array
  /** List of each record. */
  readonly list: Uint16Array
  /** Number of records on each list. */
  readonly listSize: readonly number[]
  /**
   * Probability that two records of one list are the same person (a list's own duplicates), or
   * 0 when unknown. The constraint is one *person* per list: a candidate that is probably a
   * duplicate of the pair's own record does not compete with it.
   */
  readonly sameListProbability?: (x: number, y: number) => number
  /** Sweeps at most (default 100). */
  readonly maxSweeps?: number
}

/** Marginal match probability of each pair, and how the iteration went. */
export interface Assignment {
  readonly probability: Float64Array
  readonly sweeps: number
  readonly converged: boolean
  /** Milliseconds spent on setting up, finding duplicates and sweeping. */
  readonly timings: { readonly setup: number; readonly duplicates: number; readonly sweeps: number }
  /** Expected matches per list pair ("A|B"), after the last sweep. */
  readonly expectedMatches: ReadonlyMap<string, number>
  /**
   * Prior odds per pair between two lists (θ), for scoring a pair that was not assigned (never
   * compared, or below the cut-off): odds = θ · Bayes factor. Undefined when the two lists had no
   * pair in the assignment.
   */
  priorOdds(listA: number, listB: number): number | undefined
}

/** Largest record × list table for node ids (Int32, 256 MiB at most); beyond it, a Map. */
const DENSE_NODE_TABLE = 1 << 26
/**
 * Largest evidence of one pair, in bits: beyond 2^40 a pair is certain whatever θ, and the bound
 * keeps "sum of the others" (a node's total minus the pair's own share) exact to ~1e-4·θ.
 */
const MAX_EVIDENCE = 40
const MAX_FACTOR = 2 ** MAX_EVIDENCE
/** Damping of the messages (share of the old value kept): plain BP can oscillate on matchings. */
const DAMPING = 0.3
/** Stop when no probability moved by more than this in a sweep (decisions are at 0.5). */
const TOLERANCE = 1e-4

/**
 * One damped sweep of the messages over every pair; gathers the node sums for the next sweep.
 * Returns the largest change of a probability.
 */
function sweep(
  E: number,
  bf: Float64Array,
  theta: Float64Array,
  groupOf: Int32Array,
  nodeA: Int32Array,
  nodeB: Int32Array,
  sumA: Float64Array,
  sumB: Float64Array,
  discountA: Float64Array,
  discountB: Float64Array,
  R: Float64Array,
  C: Float64Array,
  q: Float64Array,
  nextA: Float64Array,
  nextB: Float64Array,
  matches: Float64Array,
): number {
  let change = 0
  for (let e = 0; e < E; e++) {
    const g = groupOf[e] as number
    const t = theta[g] as number
    const f = bf[e] as number
    const r0 = R[e] as number
    const c0 = C[e] as number
    const na = nodeA[e] as number
    const nb = nodeB[e] as number
    // Sums are of bf·C (node A) and bf·R (node B); θ multiplies them.
    const othersA = t * ((sumA[na] as number) - f * c0 - (discountA[e] as number))
    const othersB = t * ((sumB[nb] as number) - f * r0 - (discountB[e] as number))
    const r = DAMPING * r0 + (1 - DAMPING) / (1 + (othersA > 0 ? othersA : 0))
    const c = DAMPING * c0 + (1 - DAMPING) / (1 + (othersB > 0 ? othersB : 0))
    R[e] = r
    C[e] = c
    nextA[na] = (nextA[na] as number) + f * c
    nextB[nb] = (nextB[nb] as number) + f * r
    const odds = t * f * r * c
    const p = odds / (1 + odds)
    const d = p > (q[e] as number) ? p - (q[e] as number) : (q[e] as number) - p
    if (d > change) change = d
    q[e] = p
    matches[g] = (matches[g] as number) + p
  }
  return change
}

/**
 * Match probabilities of cross-list pairs under a one-to-one constraint per pair of lists.
 *
 * @example
 * // Record 0 (list 0) fits records 1 and 2 (list 1) equally; record 3 (list 0) fits record 2 firmly:
 * // record 2 is taken, so record 0's match is record 1.
 * assignOneToOne({ a: Int32Array.of(0, 0, 3), b: Int32Array.of(1, 2, 2), evidence: Float64Array.of(20, 20, 30), start: Float64Array.of(0.4, 0.4, 1), list: Uint16Array.of(0, 1, 1, 0), listSize: [2, 2] })
 */
export function assignOneToOne(input: AssignInput): Assignment {
  const { a, b, evidence, list } = input
  const t0 = performance.now()
  const E = a.length
  const L = input.listSize.length
  // A constraint node is (record, other list): record i takes at most one match on that list.
  // Node ids through a dense table (record × list) when it is small enough, else a Map.
  const records = list.length
  const dense = records * L <= DENSE_NODE_TABLE ? new Int32Array(records * L).fill(-1) : undefined
  const nodeOf = new Map<number, number>()
  let nodeCount = 0
  const nodeA = new Int32Array(E)
  const nodeB = new Int32Array(E)
  const groupOf = new Int32Array(E)
  const groups = new Map<number, number>()
  const groupLists: [number, number][] = []
  const node = (record: number, other: number): number => {
    const key = record * L + other
    if (dense !== undefined) {
      let id = dense[key] as number
      if (id < 0) {
        id = nodeCount++
        dense[key] = id
      }
      return id
    }
    let id = nodeOf.get(key)
    if (id === undefined) {
      id = nodeCount++
      nodeOf.set(key, id)
    }
    return id
  }
  for (let e = 0; e < E; e++) {
    const i = a[e] as number
    const j = b[e] as number
    const li = list[i] as number
    const lj = list[j] as number
    if (li === lj) throw new Error('assignOneToOne: a pair within one list')
    nodeA[e] = node(i, lj)
    nodeB[e] = node(j, li)
    const lo = Math.min(li, lj)
    const hi = Math.max(li, lj)
    const gkey = lo * L + hi
    let g = groups.get(gkey)
    if (g === undefined) {
      g = groupLists.length
      groups.set(gkey, g)
      groupLists.push([lo, hi])
    }
    groupOf[e] = g
  }
  const G = groupLists.length
  // Bayes factors, bounded (MAX_EVIDENCE). A reviewer's "same" gets the bound.
  const fixed = input.fixedSame
  const bf = new Float64Array(E)
  for (let e = 0; e < E; e++) bf[e] = fixed !== undefined && fixed[e] === 1 ? MAX_FACTOR : Math.pow(2, Math.min(MAX_EVIDENCE, evidence[e] as number))
  // θ per list pair from M, the expected number of matches.
  const theta = new Float64Array(G)
  const matches = new Float64Array(G)
  for (let e = 0; e < E; e++) matches[groupOf[e] as number] = (matches[groupOf[e] as number] as number) + (input.start[e] as number)
  const solveTheta = (): void => {
    for (let g = 0; g < G; g++) {
      const pair = groupLists[g] as [number, number]
      const na = input.listSize[pair[0]] as number
      const nb = input.listSize[pair[1]] as number
      const m = Math.min(matches[g] as number, 0.999 * Math.min(na, nb))
      theta[g] = m / Math.max(1e-9, (na - m) * (nb - m))
    }
  }
  solveTheta()
  // Every pair at a node belongs to one list pair, so a node's sum is θ times a sum of Bayes
  // factors: the sums for the next sweep are gathered while this sweep updates (one pass each).
  const R = new Float64Array(E).fill(1)
  const C = new Float64Array(E).fill(1)
  let sumA = new Float64Array(nodeCount)
  let sumB = new Float64Array(nodeCount)
  let nextA = new Float64Array(nodeCount)
  let nextB = new Float64Array(nodeCount)
  for (let e = 0; e < E; e++) {
    sumA[nodeA[e] as number] = (sumA[nodeA[e] as number] as number) + (bf[e] as number)
    sumB[nodeB[e] as number] = (sumB[nodeB[e] as number] as number) + (bf[e] as number)
  }
  // Duplicate discounts: for two pairs e, f at one constraint node whose other records x, y (on
  // the same list) are probably one person, f competes with e only by 1 − P(x ≡ y).
  const t1 = performance.now()
  const dupA = duplicateDiscounts(nodeA, b, nodeCount, input.sameListProbability)
  const dupB = duplicateDiscounts(nodeB, a, nodeCount, input.sameListProbability)
  const q = new Float64Array(E)
  const t2 = performance.now()
  const maxSweeps = input.maxSweeps ?? 100
  let sweeps = 0
  let converged = false
  for (; sweeps < maxSweeps && !converged; sweeps++) {
    const discountA = dupA.discount(bf, C)
    const discountB = dupB.discount(bf, R)
    nextA.fill(0)
    nextB.fill(0)
    matches.fill(0)
    const change = sweep(E, bf, theta, groupOf, nodeA, nodeB, sumA, sumB, discountA, discountB, R, C, q, nextA, nextB, matches)
    ;[sumA, nextA] = [nextA, sumA]
    ;[sumB, nextB] = [nextB, sumB]
    solveTheta()
    converged = sweeps > 0 && change < TOLERANCE
  }
  const expectedMatches = new Map<string, number>()
  for (let g = 0; g < G; g++) {
    const [la, lb] = groupLists[g] as [number, number]
    expectedMatches.set(`${la}|${lb}`, matches[g] as number)
  }
  const priorOdds = (la: number, lb: number): number | undefined => {
    const g = groups.get(Math.min(la, lb) * L + Math.max(la, lb))
    return g === undefined ? undefined : (theta[g] as number)
  }
  const timings = { setup: Math.round(t1 - t0), duplicates: Math.round(t2 - t1), sweeps: Math.round(performance.now() - t2) }
  return { probability: q, sweeps, converged, timings, expectedMatches, priorOdds }
}

/** Nodes with more pairs than this are not searched for duplicates (cost grows as degree²). */
const MAX_DUPLICATE_DEGREE = 64
/** Duplicate probabilities below this are ignored. */
const MIN_DUPLICATE = 0.01

interface DuplicateDiscounts {
  /** Per pair e: Σ over pairs f at e's node whose other record is probably e's: P(dup)·bf_f·M_f. */
  discount(bf: Float64Array, message: Float64Array): Float64Array
}

function duplicateDiscounts(
  nodeOfPair: Int32Array,
  other: Int32Array,
  nodeCount: number,
  sameList: ((x: number, y: number) => number) | undefined,
): DuplicateDiscounts {
  const E = nodeOfPair.length
  const out = new Float64Array(E)
  if (sameList === undefined) return { discount: () => out }
  // Pairs grouped by node (counting sort).
  const start = new Int32Array(nodeCount + 1)
  for (let e = 0; e < E; e++) start[(nodeOfPair[e] as number) + 1] = (start[(nodeOfPair[e] as number) + 1] as number) + 1
  for (let v = 0; v < nodeCount; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number)
  const fill = start.slice(0, nodeCount)
  const byNode = new Int32Array(E)
  for (let e = 0; e < E; e++) {
    const v = nodeOfPair[e] as number
    byNode[fill[v] as number] = e
    fill[v] = (fill[v] as number) + 1
  }
  const from: number[] = []
  const to: number[] = []
  const weight: number[] = []
  for (let v = 0; v < nodeCount; v++) {
    const lo = start[v] as number
    const hi = start[v + 1] as number
    if (hi - lo < 2 || hi - lo > MAX_DUPLICATE_DEGREE) continue
    for (let s = lo; s < hi; s++) {
      for (let t = s + 1; t < hi; t++) {
        const e = byNode[s] as number
        const f = byNode[t] as number
        const p = sameList(other[e] as number, other[f] as number)
        if (p < MIN_DUPLICATE) continue
        from.push(e, f)
        to.push(f, e)
        weight.push(p, p)
      }
    }
  }
  if (from.length === 0) return { discount: () => out }
  const fromA = Int32Array.from(from)
  const toA = Int32Array.from(to)
  const weightA = Float64Array.from(weight)
  return {
    discount(bf: Float64Array, message: Float64Array): Float64Array {
      out.fill(0)
      for (let k = 0; k < fromA.length; k++) {
        const e = fromA[k] as number
        const f = toA[k] as number
        out[e] = (out[e] as number) + (weightA[k] as number) * (bf[f] as number) * (message[f] as number)
      }
      return out
    },
  }
}
