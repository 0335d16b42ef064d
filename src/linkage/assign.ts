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

import { GrowableArray, groupByKey, lowerBound } from './growable.js'

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
  /**
   * Records that may have a duplicate on their own list (1), when known: sameListProbability is
   * then asked only about two such records, being 0 for any other pair.
   */
  readonly mayHaveDuplicate?: Uint8Array
  /** Sweeps and local rounds at most (default 100). */
  readonly maxSweeps?: number
  /**
   * Full sweeps give way to local rounds once at most this share of the pairs moved by the
   * tolerance in a sweep (default LOCAL_ROUNDS_BELOW; 0: full sweeps only).
   */
  readonly localRoundsBelow?: number
}

/** Marginal match probability of each pair, and how the iteration went. */
export interface Assignment {
  readonly probability: Float64Array
  /** Full sweeps over every pair. */
  readonly sweeps: number
  /** Rounds over the pairs near those still moving, after the sweeps, and pair updates in them. */
  readonly localRounds: { readonly rounds: number; readonly updates: number }
  readonly converged: boolean
  /** Milliseconds spent on setting up, finding duplicates, and sweeping (local rounds included). */
  readonly timings: { readonly setup: number; readonly duplicates: number; readonly sweeps: number }
  /** Expected matches per list pair ("A|B"), at the end. */
  readonly expectedMatches: ReadonlyMap<string, number>
  /**
   * Prior odds per pair between two lists (θ), for scoring a pair that was not assigned (never
   * compared, or below the cut-off): odds = θ · Bayes factor. Undefined when the two lists had no
   * pair in the assignment.
   */
  priorOdds(listA: number, listB: number): number | undefined
}

/**
 * Largest evidence of one pair, in bits: beyond 2^40 a pair is certain whatever θ, and the bound
 * keeps "sum of the others" (a node's total minus the pair's own share) exact to ~1e-4·θ.
 */
const MAX_EVIDENCE = 40
const MAX_FACTOR = 2 ** MAX_EVIDENCE
/** Arrays of one number per pair in assignOneToOne's buffer: Float64 and Int32 ones. */
const PER_PAIR_64 = 3
const PER_PAIR_32 = 6
/** Slots of the cache of 2^evidence: 2^17 at most (2 MiB). */
const MAX_POW_CACHE_BITS = 17
/** Damping of the messages (share of the old value kept): plain BP can oscillate on matchings. */
const DAMPING = 0.3
/**
 * Stop when no probability moved by more than this in a sweep (decisions are at 0.5). 1e-3 rather
 * than 1e-4: at a million records the same persons (equal cluster digests) in 52 sweeps, not 89
 * (sweeps 5.2 against 11.7 s).
 */
const TOLERANCE = 1e-3

/**
 * One damped sweep of the messages over every pair; gathers the node sums for the next sweep.
 * Returns the largest change of a probability.
 *
 * Pairs come grouped by list pair (groupStart), in input order within a group: every pair at a
 * node is of one list pair, so each node still sums its pairs in input order, as does M. A
 * node's sum for this sweep and the one gathered for the next sit side by side (acc[2v + cur]
 * and acc[2v + 1 − cur]): one cache line for both, as one side's nodes are visited at random.
 * The few pairs with a duplicate discount are listed (discountedA, ascending, −1 after the last)
 * with their discount; the others have none (x − 0 is x). The pairs that moved by TOLERANCE are
 * counted in `moved`, and listed while they fit (for the local rounds).
 */
function sweep(
  groupStart: Int32Array,
  theta: Float64Array,
  bf: Float64Array,
  nodeA: Int32Array,
  nodeB: Int32Array,
  accA: Float64Array,
  accB: Float64Array,
  cur: number,
  discountedA: Int32Array,
  discountA: Float64Array,
  discountedB: Int32Array,
  discountB: Float64Array,
  R: Float64Array,
  C: Float64Array,
  q: Float64Array,
  matches: Float64Array,
  moved: Moved,
): number {
  const nxt = 1 - cur
  let change = 0
  moved.count = 0
  let da = 0
  let db = 0
  let nextA = discountedA[0] as number
  let nextB = discountedB[0] as number
  for (let g = 0; g < theta.length; g++) {
    const t = theta[g] as number
    let m = 0
    const end = groupStart[g + 1] as number
    for (let e = groupStart[g] as number; e < end; e++) {
      const f = bf[e] as number
      const r0 = R[e] as number
      const c0 = C[e] as number
      const ia = 2 * (nodeA[e] as number)
      const ib = 2 * (nodeB[e] as number)
      // Sums are of bf·C (node A) and bf·R (node B); θ multiplies them.
      let sa = (accA[ia + cur] as number) - f * c0
      if (e === nextA) {
        sa -= discountA[da] as number
        nextA = discountedA[++da] as number
      }
      let sb = (accB[ib + cur] as number) - f * r0
      if (e === nextB) {
        sb -= discountB[db] as number
        nextB = discountedB[++db] as number
      }
      const r = damped(r0, t * sa)
      const c = damped(c0, t * sb)
      R[e] = r
      C[e] = c
      accA[ia + nxt] = (accA[ia + nxt] as number) + f * c
      accB[ib + nxt] = (accB[ib + nxt] as number) + f * r
      const odds = t * f * r * c
      const p = odds / (1 + odds)
      // |p − old| without a branch on the sign (the same value: a − b is exactly −(b − a)).
      const d = Math.abs(p - (q[e] as number))
      if (d > change) change = d
      if (d >= TOLERANCE) {
        if (moved.count < moved.pairs.length) moved.pairs[moved.count] = e
        moved.count++
      }
      q[e] = p
      m += p
    }
    matches[g] = m
  }
  return change
}

/** A message's next value: 1 / (1 + what the others at its node weigh), damped by its old value. */
function damped(old: number, others: number): number {
  return DAMPING * old + (1 - DAMPING) / (1 + (others > 0 ? others : 0))
}

/** The pairs whose probability moved by TOLERANCE or more in a sweep: how many, and the first ones. */
interface Moved {
  count: number
  readonly pairs: Int32Array
}

/**
 * Once few pairs still move, a full sweep spends nearly all its time on pairs that have settled:
 * at a million records, after 15 sweeps 216 of 2.4 million pairs moved by TOLERANCE, and the last
 * 42 of 57 sweeps were for them. After a sweep in which at most this share of the pairs moved,
 * rounds update only the pairs that share a constraint node (a record, within one pair of lists)
 * with a pair that moved in the round before: each round computes their messages from the node
 * sums before it, as a sweep does, then corrects the sums. (Updated one after another, in place,
 * pairs fell into two-round oscillations that never settled.) θ is held during the rounds, and a
 * round that would cover a quarter of the pairs gives way to a sweep. A full sweep always follows
 * the rounds: it re-solves θ, and only a full sweep in which nothing moved by TOLERANCE counts as
 * converged, so the rounds can save sweeps but not end the iteration early.
 */
const LOCAL_ROUNDS_BELOW = 1 / 1000

/**
 * Node ids of one side of the pairs (records[e] is pair e's record on that side), numbered in
 * order of first use, for pairs grouped by list pair (groupStart). A node (record, other list)
 * is, within one list pair, its record alone: the ids come from a table by record, cleared
 * after each group. Returns the number of nodes.
 */
function numberNodes(records: Int32Array, groupStart: Int32Array, table: Int32Array, out: Int32Array): number {
  let count = 0
  for (let g = 0; g + 1 < groupStart.length; g++) {
    const from = groupStart[g] as number
    const to = groupStart[g + 1] as number
    for (let e = from; e < to; e++) {
      const record = records[e] as number
      let id = table[record] as number
      if (id < 0) {
        id = count++
        table[record] = id
      }
      out[e] = id
    }
    for (let e = from; e < to; e++) table[records[e] as number] = -1
  }
  return count
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
  const { list } = input
  const t0 = performance.now()
  const E = input.a.length
  const L = input.listSize.length
  // Pairs are grouped by list pair (groups numbered in order of first pair), stably: the sweeps
  // run over one group at a time, so that θ is one number and the nodes visited at random are
  // those of one list pair. Internally pair s is input pair order[s].
  // The arrays of one number per pair share one buffer: one large allocation instead of ten
  // (each large allocation can set off a collection of the whole heap). The pairs' records (a,
  // b) are needed until the duplicates are found; q then takes their place.
  const arena = new ArrayBuffer(E * (PER_PAIR_64 * 8 + PER_PAIR_32 * 4))
  const perPair64 = (slot: number): Float64Array => new Float64Array(arena, slot * 8 * E, E)
  const perPair32 = (slot: number): Int32Array => new Int32Array(arena, PER_PAIR_64 * 8 * E + slot * 4 * E, E)
  const groupIndex = new Int32Array(L * L).fill(-1)
  const groupOfInput = perPair32(0)
  const groupLists: [number, number][] = []
  for (let e = 0; e < E; e++) {
    const li = list[input.a[e] as number] as number
    const lj = list[input.b[e] as number] as number
    if (li === lj) throw new Error('assignOneToOne: a pair within one list')
    const gkey = li < lj ? li * L + lj : lj * L + li
    let g = groupIndex[gkey] as number
    if (g < 0) {
      g = groupLists.length
      groupIndex[gkey] = g
      groupLists.push(li < lj ? [li, lj] : [lj, li])
    }
    groupOfInput[e] = g
  }
  const G = groupLists.length
  const groupStart = new Int32Array(G + 1)
  for (let e = 0; e < E; e++) groupStart[(groupOfInput[e] as number) + 1] = (groupStart[(groupOfInput[e] as number) + 1] as number) + 1
  for (let g = 0; g < G; g++) groupStart[g + 1] = (groupStart[g + 1] as number) + (groupStart[g] as number)
  const order = perPair32(1)
  const fillAt = groupStart.slice(0, G)
  for (let e = 0; e < E; e++) {
    const g = groupOfInput[e] as number
    order[fillAt[g] as number] = e
    fillAt[g] = (fillAt[g] as number) + 1
  }
  const a = perPair32(2)
  const b = perPair32(3)
  // Bayes factors, bounded (MAX_EVIDENCE). A reviewer's "same" gets the bound.
  // Evidence takes few distinct values (pairs of one pattern and name frequency share one): the
  // powers are kept in a small cache by value, each computed as Math.pow would.
  const fixed = input.fixedSame
  const bf = perPair64(0)
  let cacheBits = 4
  while (cacheBits < MAX_POW_CACHE_BITS && 1 << cacheBits < E) cacheBits++
  const cachedEvidence = new Float64Array(1 << cacheBits).fill(Number.NaN)
  const cachedPower = new Float64Array(1 << cacheBits)
  const value = new Float64Array(1)
  const valueBits = new Int32Array(value.buffer)
  for (let s = 0; s < E; s++) {
    const e = order[s] as number
    a[s] = input.a[e] as number
    b[s] = input.b[e] as number
    if (fixed !== undefined && fixed[e] === 1) {
      bf[s] = MAX_FACTOR
      continue
    }
    const x = Math.min(MAX_EVIDENCE, input.evidence[e] as number)
    value[0] = x
    const slot = Math.imul((valueBits[0] as number) ^ Math.imul(valueBits[1] as number, 0x85ebca6b), 0x9e3779b1) >>> (32 - cacheBits)
    if (cachedEvidence[slot] === x) bf[s] = cachedPower[slot] as number
    else {
      const power = Math.pow(2, x)
      cachedEvidence[slot] = x
      cachedPower[slot] = power
      bf[s] = power
    }
  }
  // A constraint node is (record, other list): record i takes at most one match on that list.
  // Each side of the pairs numbers its own nodes (the two sides' sums are kept apart).
  const table = new Int32Array(list.length).fill(-1)
  const nodeA = perPair32(4)
  const nodeB = perPair32(5)
  const countA = numberNodes(a, groupStart, table, nodeA)
  const countB = numberNodes(b, groupStart, table, nodeB)
  // θ per list pair from M, the expected number of matches.
  const theta = new Float64Array(G)
  const matches = new Float64Array(G)
  for (let s = 0; s < E; s++) {
    const g = groupOfInput[order[s] as number] as number
    matches[g] = (matches[g] as number) + (input.start[order[s] as number] as number)
  }
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
  const R = perPair64(1).fill(1)
  const C = perPair64(2).fill(1)
  const accA = new Float64Array(2 * countA)
  const accB = new Float64Array(2 * countB)
  for (let s = 0; s < E; s++) {
    const ia = 2 * (nodeA[s] as number)
    const ib = 2 * (nodeB[s] as number)
    accA[ia] = (accA[ia] as number) + (bf[s] as number)
    accB[ib] = (accB[ib] as number) + (bf[s] as number)
  }
  // Duplicate discounts: for two pairs e, f at one constraint node whose other records x, y (on
  // the same list) are probably one person, f competes with e only by 1 − P(x ≡ y).
  const t1 = performance.now()
  const dupA = duplicateDiscounts(nodeA, b, countA, input.sameListProbability, input.mayHaveDuplicate)
  const dupB = duplicateDiscounts(nodeB, a, countB, input.sameListProbability, input.mayHaveDuplicate)
  const q = new Float64Array(arena, PER_PAIR_64 * 8 * E + 2 * 4 * E, E).fill(0)
  const t2 = performance.now()
  const maxSweeps = input.maxSweeps ?? 100
  const localBelow = input.localRoundsBelow ?? LOCAL_ROUNDS_BELOW
  if (!(localBelow >= 0 && localBelow <= 1)) throw new RangeError(`assignOneToOne: localRoundsBelow must be between 0 and 1, not ${localBelow}`)
  const moved: Moved = { count: 0, pairs: new Int32Array(Math.floor(E * localBelow)) }
  let sweeps = 0
  let rounds = 0
  let updates = 0
  let converged = false
  let cur = 0
  let local: ((start: Int32Array, budget: number) => void) | undefined
  while (sweeps + rounds < maxSweeps) {
    dupA.update(bf, C)
    dupB.update(bf, R)
    const nxt = 1 - cur
    for (let v = nxt; v < accA.length; v += 2) accA[v] = 0
    for (let v = nxt; v < accB.length; v += 2) accB[v] = 0
    const change = sweep(groupStart, theta, bf, nodeA, nodeB, accA, accB, cur, dupA.pairs, dupA.discount, dupB.pairs, dupB.discount, R, C, q, matches, moved)
    cur = nxt
    sweeps++
    solveTheta()
    if (sweeps > 1 && change < TOLERANCE) {
      converged = true
      break
    }
    if (sweeps > 1 && moved.count <= moved.pairs.length) {
      local ??= localRounds()
      local(moved.pairs.subarray(0, moved.count), maxSweeps - sweeps - rounds)
    }
  }

  /**
   * The local rounds (LOCAL_ROUNDS_BELOW), from the pairs that moved in the last sweep: node sums
   * are in slot `cur`, as that sweep left them, and are kept equal to Σ bf·C and Σ bf·R.
   */
  function localRounds(): (start: Int32Array, budget: number) => void {
    const byA = groupByKey(nodeA, countA)
    const byB = groupByKey(nodeB, countB)
    const groupOf = new Int32Array(E)
    for (let g = 0; g < G; g++) groupOf.fill(g, groupStart[g] as number, groupStart[g + 1] as number)
    const inRound = new Uint8Array(E)
    const seenA = new Uint8Array(countA)
    const seenB = new Uint8Array(countB)
    const round = new GrowableArray(Int32Array)
    const next = new GrowableArray(Int32Array)
    let newR = new Float64Array(0)
    let newC = new Float64Array(0)
    /** Adds the pairs at node v (not yet in the round) to the round. */
    const gather = (v: number, seen: Uint8Array, by: { start: Int32Array; items: Int32Array }): void => {
      if (seen[v] === 1) return
      seen[v] = 1
      for (let x = by.start[v] as number; x < (by.start[v + 1] as number); x++) {
        const f = by.items[x] as number
        if (inRound[f] === 1) continue
        inRound[f] = 1
        round.push(f)
      }
    }
    return (start, budget) => {
      let active: Int32Array = start.slice()
      for (let done = 0; done < budget && active.length > 0; done++) {
        round.clear()
        for (const e of active) {
          gather(nodeA[e] as number, seenA, byA)
          gather(nodeB[e] as number, seenB, byB)
        }
        const pairs = round.view().sort()
        for (const e of active) {
          seenA[nodeA[e] as number] = 0
          seenB[nodeB[e] as number] = 0
        }
        for (const e of pairs) inRound[e] = 0
        // A round over a quarter of the pairs costs more than a sweep: a sweep takes over.
        if (pairs.length > E / 4) return
        if (newR.length < pairs.length) {
          newR = new Float64Array(pairs.length * 2)
          newC = new Float64Array(pairs.length * 2)
        }
        for (let x = 0; x < pairs.length; x++) {
          const e = pairs[x] as number
          const t = theta[groupOf[e] as number] as number
          const f = bf[e] as number
          newR[x] = damped(R[e] as number, t * ((accA[2 * (nodeA[e] as number) + cur] as number) - f * (C[e] as number) - dupA.discountOf(e, bf, C)))
          newC[x] = damped(C[e] as number, t * ((accB[2 * (nodeB[e] as number) + cur] as number) - f * (R[e] as number) - dupB.discountOf(e, bf, R)))
        }
        next.clear()
        for (let x = 0; x < pairs.length; x++) {
          const e = pairs[x] as number
          const g = groupOf[e] as number
          const f = bf[e] as number
          const r = newR[x] as number
          const c = newC[x] as number
          const ia = 2 * (nodeA[e] as number) + cur
          const ib = 2 * (nodeB[e] as number) + cur
          accA[ia] = (accA[ia] as number) + f * (c - (C[e] as number))
          accB[ib] = (accB[ib] as number) + f * (r - (R[e] as number))
          R[e] = r
          C[e] = c
          const odds = (theta[g] as number) * f * r * c
          const p = odds / (1 + odds)
          const old = q[e] as number
          // θ is held, but M is kept: if the budget ends in a round, it is still Σ p.
          matches[g] = (matches[g] as number) + (p - old)
          q[e] = p
          if (Math.abs(p - old) >= TOLERANCE) next.push(e)
        }
        rounds++
        updates += pairs.length
        active = next.view().slice()
      }
    }
  }
  const probability = new Float64Array(E)
  for (let s = 0; s < E; s++) probability[order[s] as number] = q[s] as number
  const expectedMatches = new Map<string, number>()
  for (let g = 0; g < G; g++) {
    const [la, lb] = groupLists[g] as [number, number]
    expectedMatches.set(`${la}|${lb}`, matches[g] as number)
  }
  const timings = { setup: Math.round(t1 - t0), duplicates: Math.round(t2 - t1), sweeps: Math.round(performance.now() - t2) }
  return { probability, sweeps, localRounds: { rounds, updates }, converged, timings, expectedMatches, priorOdds: priorOddsOf(groupIndex, theta, L) }
}

/**
 * θ of two lists, for Assignment.priorOdds. Made out here so that it holds on to θ and the
 * group table alone, not to the working arrays of assignOneToOne.
 */
function priorOddsOf(groupIndex: Int32Array, theta: Float64Array, L: number): (la: number, lb: number) => number | undefined {
  return (la, lb) => {
    const g = groupIndex[Math.min(la, lb) * L + Math.max(la, lb)]
    return g === undefined || g < 0 ? undefined : (theta[g] as number)
  }
}

/** Nodes with more pairs than this are not searched for duplicates (cost grows as degree²). */
const MAX_DUPLICATE_DEGREE = 64
/** Duplicate probabilities below this are ignored. */
const MIN_DUPLICATE = 0.01

/**
 * Per pair e with a duplicate: Σ over pairs f at e's node whose other record is probably e's
 * P(dup)·bf_f·M_f. Only such pairs are listed: `pairs` ascending (then −1), `discount` alike.
 */
interface DuplicateDiscounts {
  readonly pairs: Int32Array
  readonly discount: Float64Array
  update(bf: Float64Array, message: Float64Array): void
  /** Pair e's discount from the messages as they are now (0 for a pair without one). */
  discountOf(e: number, bf: Float64Array, message: Float64Array): number
}

function duplicateDiscounts(
  nodeOfPair: Int32Array,
  other: Int32Array,
  nodeCount: number,
  sameList: ((x: number, y: number) => number) | undefined,
  mayHaveDuplicate: Uint8Array | undefined,
): DuplicateDiscounts {
  const E = nodeOfPair.length
  const none: DuplicateDiscounts = { pairs: Int32Array.of(-1), discount: new Float64Array(1), update: () => undefined, discountOf: () => 0 }
  if (sameList === undefined) return none
  // Each node's number of pairs, and its pairs whose other record may have a duplicate grouped
  // by node (counting sort, in pair order): only these are asked about.
  const degree = new Int32Array(nodeCount)
  const start = new Int32Array(nodeCount + 1)
  for (let e = 0; e < E; e++) {
    const v = nodeOfPair[e] as number
    degree[v] = (degree[v] as number) + 1
    if (mayHaveDuplicate === undefined || mayHaveDuplicate[other[e] as number] === 1) start[v + 1] = (start[v + 1] as number) + 1
  }
  for (let v = 0; v < nodeCount; v++) start[v + 1] = (start[v + 1] as number) + (start[v] as number)
  const fill = start.slice(0, nodeCount)
  const byNode = new Int32Array(start[nodeCount] as number)
  for (let e = 0; e < E; e++) {
    if (mayHaveDuplicate !== undefined && mayHaveDuplicate[other[e] as number] !== 1) continue
    const v = nodeOfPair[e] as number
    byNode[fill[v] as number] = e
    fill[v] = (fill[v] as number) + 1
  }
  const from = new GrowableArray(Int32Array)
  const to = new GrowableArray(Int32Array)
  const weight = new GrowableArray(Float64Array)
  for (let v = 0; v < nodeCount; v++) {
    const lo = start[v] as number
    const hi = start[v + 1] as number
    const d = degree[v] as number
    if (hi - lo < 2 || d < 2 || d > MAX_DUPLICATE_DEGREE) continue
    for (let s = lo; s < hi; s++) {
      const e = byNode[s] as number
      const x = other[e] as number
      for (let t = s + 1; t < hi; t++) {
        const f = byNode[t] as number
        const p = sameList(x, other[f] as number)
        if (p < MIN_DUPLICATE) continue
        from.push(e)
        from.push(f)
        to.push(f)
        to.push(e)
        weight.push(p)
        weight.push(p)
      }
    }
  }
  if (from.length === 0) return none
  const fromA = from.view()
  const toA = to.view()
  const weightA = weight.view()
  // The pairs with a discount, ascending (then −1), and each entry's slot among them.
  const sorted = fromA.slice().sort()
  let pairCount = 0
  for (let k = 0; k < sorted.length; k++) if (pairCount === 0 || sorted[k] !== sorted[pairCount - 1]) sorted[pairCount++] = sorted[k] as number
  const pairs = new Int32Array(pairCount + 1)
  pairs.set(sorted.subarray(0, pairCount))
  pairs[pairCount] = -1
  const slot = new Int32Array(fromA.length)
  for (let k = 0; k < fromA.length; k++) {
    slot[k] = lowerBound(pairs, fromA[k] as number, pairCount)
  }
  const discount = new Float64Array(pairCount + 1)
  let weightBf: Float64Array | undefined
  // P(dup)·bf_f does not change from sweep to sweep (the product is the one made inline).
  const weighted = (bf: Float64Array): Float64Array => {
    if (weightBf === undefined) {
      weightBf = new Float64Array(fromA.length)
      for (let k = 0; k < fromA.length; k++) weightBf[k] = (weightA[k] as number) * (bf[toA[k] as number] as number)
    }
    return weightBf
  }
  // Entries by slot, for one pair's discount in the local rounds (made when first asked).
  let bySlot: { start: Int32Array; items: Int32Array } | undefined
  return {
    pairs,
    discount,
    update(bf: Float64Array, message: Float64Array): void {
      const w = weighted(bf)
      discount.fill(0)
      for (let k = 0; k < fromA.length; k++) {
        const s = slot[k] as number
        discount[s] = (discount[s] as number) + (w[k] as number) * (message[toA[k] as number] as number)
      }
    },
    discountOf(e: number, bf: Float64Array, message: Float64Array): number {
      const s = lowerBound(pairs, e, pairCount)
      if (s >= pairCount || pairs[s] !== e) return 0
      bySlot ??= groupByKey(slot, pairCount)
      const w = weighted(bf)
      let sum = 0
      for (let x = bySlot.start[s] as number; x < (bySlot.start[s + 1] as number); x++) {
        const k = bySlot.items[x] as number
        sum += (w[k] as number) * (message[toA[k] as number] as number)
      }
      return sum
    },
  }
}
