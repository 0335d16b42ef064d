// The linkage pipeline: prepare → block → compare (worker threads) → EM → score (with
// term-frequency adjustment and reviewer decisions) → cluster → per-record output.
import { TallyError } from '../domain/index.js'
import { blockCandidates, DEFAULT_RULES, validateRules, type Candidates } from './blocking.js'
import { assignOneToOne, type Assignment } from './assign.js'
import { clusterRecords } from './cluster.js'
import { CompareContext, FIELD_COUNT, LEVEL_COUNTS, NAME_TF_LEVELS, SAMPLED, SET_ASIDE, SET_ASIDE_SAMPLING } from './compare.js'
import { GrowableArray, lowerBound } from './growable.js'
import {
  defaultStartingM,
  estimateParameters,
  flatU,
  levelsOfPattern,
  modelFrom,
  PATTERN_COUNT,
  patternOf,
  probabilityFromWeight,
} from './model.js'
import { compareAllPairs, defaultWorkers, LinkagePool, NAME_WORKER_MIN_RECORDS, PARALLEL_MIN_RECORDS, prepareRecordsInParallel } from './parallel.js'
import { localityOrder, reorderRecords } from './order.js'
import { prepareRecords, type PreparedRecords } from './prepare.js'
import { solvePriors, type Priors } from './prior.js'
import type { FittedModel, LinkageRecord, LinkOptions, LinkResult, MatchDecision, RecordAssignment } from './types.js'

/**
 * A small deterministic PRNG (mulberry32): the same input always gives the same linkage.
 *
 * @example const random = seededRandom(7); random() // a number in [0, 1), the same every run
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const ALL = [true, true, true, true, true]
/** Random pairs sampled for u. */
const RANDOM_PAIRS = 200_000


function subsetCounts(counts: Float64Array, keep: (levels: number[]) => boolean): Float64Array {
  const out = new Float64Array(counts.length)
  for (let c = 0; c < counts.length; c++) if ((counts[c] as number) > 0 && keep(levelsOfPattern(c))) out[c] = counts[c] as number
  return out
}

function total(counts: Float64Array): number {
  let s = 0
  for (const c of counts) s += c
  return s
}

/**
 * Fits the model in three EM sessions, as Splink does, because candidate pairs are not a random
 * sample: blocking chose them for agreeing names, and people killed in one attack agree on date
 * and place without being one person. One EM over everything can settle on "same attack" as its
 * "match" class. So:
 *  1. among pairs whose names agree, estimate sex, age, date and place (names ignored: there they
 *     tell nothing);
 *  2. among pairs that died the same day, estimate the name (date and place ignored);
 *  3. with every m fixed, estimate λ, the share of candidates that match.
 * Scoring then uses u from random pairs and the prior of a random pair (expected matches over all
 * pairs; prior.ts then splits it by kind of pair and pair of lists): the evidence of a pair does
 * not depend on which blocking rule brought it in. Within
 * candidates, a different name but same day and place is common for different people (they
 * were blocked on day and place); among all pairs it is rare, and that is the right comparison.
 * Reviewer decisions enter every session as labelled pairs.
 */
function fitModel(
  counts: Float64Array,
  same: Float64Array,
  different: Float64Array,
  randomU: number[][],
  maxIterations: number,
  allPairs: number,
): FittedModel {
  const base = { lambda: 0.1, m: defaultStartingM(), u: randomU, maxIterations, tolerance: 1e-7 }
  const nameAgrees = (lv: number[]): boolean => lv[0] === 1 || lv[0] === 2
  const sameDay = (lv: number[]): boolean => lv[3] === 1
  const enough = 50
  let m = base.m
  let u = base.u
  const countsA = subsetCounts(counts, nameAgrees)
  if (total(countsA) >= enough) {
    const a = estimateParameters(countsA, subsetCounts(same, nameAgrees), subsetCounts(different, nameAgrees), { ...base, active: [false, true, true, true, true] })
    m = m.map((row, k) => (k === 0 ? row : [...(a.m[k] as number[])]))
    u = u.map((row, k) => (k === 0 ? row : [...(a.u[k] as number[])]))
  }
  const countsB = subsetCounts(counts, sameDay)
  if (total(countsB) >= enough) {
    const b = estimateParameters(countsB, subsetCounts(same, sameDay), subsetCounts(different, sameDay), {
      ...base,
      m,
      u,
      active: [true, true, true, false, false],
      fixedM: [false, true, true, true, true],
      fixedU: [false, true, true, true, true],
    })
    m = m.map((row, k) => (k === 0 ? [...(b.m[0] as number[])] : row))
    u = u.map((row, k) => (k === 0 ? [...(b.u[0] as number[])] : row))
  }
  const final = estimateParameters(counts, same, different, { ...base, m, u, active: ALL, fixedM: ALL })
  // The prior for a random pair: expected matches over all pairs. Started from session 3, then
  // made self-consistent with the scoring model itself (u from random pairs): λ = Σ posterior /
  // all pairs, the EM update for λ alone. Session 3's λ on its own came out about 2.5 times too
  // small at a million records, which made every posterior too cautious.
  let lambda = Math.min(0.5, Math.max(1e-12, (final.lambda * total(counts) + total(same)) / Math.max(1, allPairs)))
  const bayesFactor = new Float64Array(PATTERN_COUNT)
  for (let c = 0; c < PATTERN_COUNT; c++) {
    if ((counts[c] as number) === 0) continue
    const lv = levelsOfPattern(c)
    let bf = 1
    for (let k = 0; k < FIELD_COUNT; k++) {
      const l = lv[k] as number
      if (l > 0) bf *= Math.max(1e-3, (m[k] as number[])[l] as number) / Math.max(1e-6, (randomU[k] as number[])[l] as number)
    }
    bayesFactor[c] = bf
  }
  for (let iteration = 0; iteration < 200; iteration++) {
    let expected = total(same)
    for (let c = 0; c < PATTERN_COUNT; c++) {
      const count = counts[c] as number
      if (count === 0) continue
      const odds = (lambda / (1 - lambda)) * (bayesFactor[c] as number)
      expected += count * (odds / (1 + odds))
    }
    const next = Math.min(0.5, Math.max(1e-12, expected / Math.max(1, allPairs)))
    const done = Math.abs(next - lambda) <= 1e-4 * lambda
    lambda = next
    if (done) break
  }
  return modelFrom(lambda, m, randomU, final.iterations, final.converged)
}


/**
 * Cross-list pairs below this pairwise posterior are left out of the one-to-one assignment (their
 * probability stays pairwise). Not tuned on results: it bounds what a left-out pair could add to
 * a record's competition (its odds, ~1e-4 times the one-to-one boost) while keeping the
 * assignment to a few per cent of the candidate pairs.
 */
const ASSIGN_MIN_POSTERIOR = 1e-4
/**
 * Two records of one list whose names are at best somewhat similar (this name level or worse)
 * are not one death entered twice: a list re-enters a death under the same name, give or take a
 * misspelling or the father's name, while relatives killed together, on one list, share their
 * family name, day and place. Fitted on one list alone, the model can take them for its own
 * duplicates (the same-day pairs it learns names from are mostly such relatives): it linked
 * brothers whose given names had nothing in common (Ali and Mustafa al-Yasseri), with a pairwise
 * precision of 0.44-0.93 over six synthetic lists of a thousand records.
 */
const NOT_A_LIST_DUPLICATE = 4

/** Whether records i and j, of name level `nameLevel`, are of one list but not one death (NOT_A_LIST_DUPLICATE). */
function notAListDuplicate(list: Uint16Array, i: number, j: number, nameLevel: number): boolean {
  return nameLevel >= NOT_A_LIST_DUPLICATE && list[i] === list[j]
}

/** Same-list pairs below this posterior are not treated as possible duplicates by the assignment
 * (the assignment ignores duplicate probabilities under 0.01 in any case). */
const DUPLICATE_MIN_POSTERIOR = 0.01

/**
 * Largest |term-frequency adjustment| in bits (a name 32 times rarer or commoner than usual): one
 * name's rarity cannot outweigh everything. 8 bits on name levels 1-3 gave about the same F1
 * (0.907 against 0.905 at a million) but probabilities much further from the truth: pairs given
 * 0.5-0.9 were one person only 23-51 % of the time at 300,000 records (40-76 % with 5 bits on
 * levels 1-2).
 */
const MAX_TF_ADJUSTMENT = 5

/**
 * Turns comparison vectors into posterior probabilities: Fellegi–Sunter weights summed with the
 * prior odds, plus a term-frequency adjustment on agreeing names: the weight of an agreeing name
 * is moved by log2(typical frequency / this name's frequency), so agreeing on a name twice as
 * common as usual is worth one bit less, and on a rare name more.
 *
 * @example const p = probabilityFromWeight(new PairScorer(model, prepared).weight(i, j, levels, 0))
 */
export class PairScorer {
  readonly patternWeight = new Float64Array(PATTERN_COUNT)
  readonly tfCentre = new Float64Array(NAME_TF_LEVELS + 1)
  useTermFrequency = true
  /** log2 of each record's name frequency (prepare.ts: from its words, at least 1/n). */
  readonly logFrequency: Float64Array
  constructor(
    readonly model: FittedModel,
    readonly prepared: PreparedRecords,
  ) {
    this.logFrequency = prepared.nameLogFrequency
    const prior = Math.log2(model.lambda / (1 - model.lambda))
    const levels = new Uint8Array(FIELD_COUNT)
    for (let code = 0; code < PATTERN_COUNT; code++) {
      let c = code
      for (let k = FIELD_COUNT - 1; k >= 0; k--) {
        levels[k] = c % (LEVEL_COUNTS[k] as number)
        c = Math.floor(c / (LEVEL_COUNTS[k] as number))
      }
      let w = prior
      for (let k = 0; k < FIELD_COUNT; k++) w += (model.weights[k] as number[])[levels[k] as number] as number
      this.patternWeight[code] = w
    }
  }

  /** log2 of the larger of the two records' name frequencies. */
  logTf(i: number, j: number): number {
    const li = this.logFrequency[i] as number
    const lj = this.logFrequency[j] as number
    return li > lj ? li : lj
  }

  /** Total log2 weight (prior included) of the pair whose vector is at levels[offset ..]. */
  weight(i: number, j: number, levels: Uint8Array, offset: number): number {
    let w = this.patternWeight[patternOf(levels, offset)] as number
    const nl = levels[offset] as number
    if (this.useTermFrequency && nl >= 1 && nl <= NAME_TF_LEVELS) {
      const adj = (this.tfCentre[nl] as number) - this.logTf(i, j)
      w += Math.max(-MAX_TF_ADJUSTMENT, Math.min(MAX_TF_ADJUSTMENT, adj))
    }
    return w
  }
}

/** Patterns per name level: the name is the first field, the most significant digit of a pattern. */
const PATTERNS_PER_NAME_LEVEL = PATTERN_COUNT / (LEVEL_COUNTS[0] as number)
/** Patterns [TF_FIRST, TF_END) have a name level that carries the term-frequency adjustment. */
const TF_FIRST = PATTERNS_PER_NAME_LEVEL
const TF_END = (NAME_TF_LEVELS + 1) * PATTERNS_PER_NAME_LEVEL
const TF_PATTERNS = TF_END - TF_FIRST
const NAME_LEVEL_OF_PATTERN = Uint8Array.from({ length: PATTERN_COUNT }, (_, c) => levelsOfPattern(c)[0] as number)

/**
 * Pair classes for scoring millions of pairs. A pair's weight depends on its comparison pattern
 * alone, or, for an agreeing name with the term-frequency adjustment, on its pattern and the
 * larger of its two records' name frequencies, which take few distinct values (a frequency is a
 * count over n). Class c < PATTERN_COUNT is a pattern; above it, PATTERN_COUNT + rank ·
 * TF_PATTERNS + (pattern − TF_FIRST) for a pattern with the adjustment and a frequency rank.
 * Weights, bins and posteriors are computed once per class by the same operations as
 * PairScorer.weight per pair, so every value is the same bit for bit, without a pow per pair.
 */
class PairClasses {
  /** Distinct log2 name frequencies, ascending, and each record's rank among them. */
  private readonly values: Float64Array
  private readonly rank: Int32Array
  /** Number of classes. */
  readonly count: number
  constructor(
    logFrequency: Float64Array,
    readonly termFrequency: boolean,
  ) {
    const { values, rank } = distinctRanks(logFrequency)
    this.values = values
    this.rank = rank
    this.count = PATTERN_COUNT + (termFrequency ? TF_PATTERNS * values.length : 0)
  }

  /** Writes each pair's class to classOf; returns the number of pairs per class. */
  classify(levels: Uint8Array, a: Int32Array, b: Int32Array, classOf: Int32Array): Int32Array {
    const count = new Int32Array(this.count)
    const rank = this.rank
    // Only patterns whose name level carries the adjustment are told apart by frequency.
    const tfEnd = this.termFrequency ? TF_END : TF_FIRST
    for (let k = 0; k < classOf.length; k++) {
      const pattern = patternOf(levels, k * FIELD_COUNT)
      let cls = pattern
      if (pattern >= TF_FIRST && pattern < tfEnd) {
        const ri = rank[a[k] as number] as number
        const rj = rank[b[k] as number] as number
        cls = PATTERN_COUNT + (ri > rj ? ri : rj) * TF_PATTERNS + (pattern - TF_FIRST)
      }
      classOf[k] = cls
      count[cls] = (count[cls] as number) + 1
    }
    return count
  }

  /** Pairs per pattern (as countPatterns gives them) from pairs per class. */
  patternCounts(classCount: ArrayLike<number>): Float64Array {
    const counts = new Float64Array(PATTERN_COUNT)
    for (let c = 0; c < PATTERN_COUNT; c++) counts[c] = classCount[c] as number
    for (let c = PATTERN_COUNT; c < this.count; c++) {
      const pattern = TF_FIRST + ((c - PATTERN_COUNT) % TF_PATTERNS)
      counts[pattern] = (counts[pattern] as number) + (classCount[c] as number)
    }
    return counts
  }

  /**
   * Centres the adjustment on the matches: the mean frequency of their names per name level.
   * A match's name is drawn by frequency, so this mean is what u already stands for (Σ tf²);
   * the adjustment log2(mean / tf) then replaces u by the name's own frequency, as in Splink.
   * (Centring on the mean of log frequencies instead would understate every match by the
   * Jensen gap, a bit or more for Zipf-distributed names.) Sums pair by pair in order.
   */
  fitTermFrequency(scorer: PairScorer, classOf: Int32Array): void {
    const sum = new Float64Array(NAME_TF_LEVELS + 1)
    const weight = new Float64Array(NAME_TF_LEVELS + 1)
    const patternProbability = new Float64Array(PATTERN_COUNT)
    for (let c = TF_FIRST; c < TF_END; c++) patternProbability[c] = probabilityFromWeight(scorer.patternWeight[c] as number)
    const power = Float64Array.from(this.values, (v) => Math.pow(2, v))
    for (let k = 0; k < classOf.length; k++) {
      const cls = classOf[k] as number
      if (cls < PATTERN_COUNT) continue
      const x = cls - PATTERN_COUNT
      const r = Math.floor(x / TF_PATTERNS)
      const pattern = TF_FIRST + (x - r * TF_PATTERNS)
      const nl = NAME_LEVEL_OF_PATTERN[pattern] as number
      const p = patternProbability[pattern] as number
      sum[nl] = (sum[nl] as number) + p * (power[r] as number)
      weight[nl] = (weight[nl] as number) + p
    }
    for (let l = 1; l <= NAME_TF_LEVELS; l++) {
      scorer.tfCentre[l] = (weight[l] as number) > 0 ? Math.log2((sum[l] as number) / (weight[l] as number)) : 0
    }
  }

  /** Evidence of each class: its log2 weight as scorer.weight gives it, minus prior0. */
  evidence(scorer: PairScorer, prior0: number): Float64Array {
    const out = new Float64Array(this.count)
    const patternWeight = scorer.patternWeight
    for (let c = 0; c < PATTERN_COUNT; c++) out[c] = (patternWeight[c] as number) - prior0
    const values = this.values
    for (let c = PATTERN_COUNT; c < this.count; c++) {
      const x = c - PATTERN_COUNT
      const r = Math.floor(x / TF_PATTERNS)
      const pattern = TF_FIRST + (x - r * TF_PATTERNS)
      const adj = (scorer.tfCentre[NAME_LEVEL_OF_PATTERN[pattern] as number] as number) - (values[r] as number)
      out[c] = (patternWeight[pattern] as number) + Math.max(-MAX_TF_ADJUSTMENT, Math.min(MAX_TF_ADJUSTMENT, adj)) - prior0
    }
    return out
  }
}

/** The distinct values of a column, ascending, and each entry's rank among them (a hash set). */
function distinctRanks(column: Float64Array): { values: Float64Array; rank: Int32Array } {
  let bits = 6
  let keys = new Float64Array(1 << bits).fill(Number.NaN)
  let ids = new Int32Array(1 << bits)
  const distinct = new GrowableArray(Float64Array)
  const idOf = new Int32Array(column.length)
  const scratch = new Float64Array(1)
  const scratchBits = new Int32Array(scratch.buffer)
  const slotOf = (v: number): number => {
    scratch[0] = v
    let slot = Math.imul((scratchBits[0] as number) ^ Math.imul(scratchBits[1] as number, 0x85ebca6b), 0x9e3779b1) >>> (32 - bits)
    while (!Number.isNaN(keys[slot] as number) && keys[slot] !== v) slot = (slot + 1) & ((1 << bits) - 1)
    return slot
  }
  for (let i = 0; i < column.length; i++) {
    const v = column[i] as number
    let slot = slotOf(v)
    if (keys[slot] !== v) {
      if (2 * (distinct.length + 1) > 1 << bits) {
        const old = distinct.view()
        bits++
        keys = new Float64Array(1 << bits).fill(Number.NaN)
        ids = new Int32Array(1 << bits)
        for (let id = 0; id < old.length; id++) {
          const s = slotOf(old[id] as number)
          keys[s] = old[id] as number
          ids[s] = id
        }
        slot = slotOf(v)
      }
      keys[slot] = v
      ids[slot] = distinct.length
      distinct.push(v)
    }
    idOf[i] = ids[slot] as number
  }
  const found = distinct.view()
  const order = Array.from(found.keys()).sort((x, y) => (found[x] as number) - (found[y] as number))
  const values = Float64Array.from(order, (id) => found[id] as number)
  const rankOfId = new Int32Array(found.length)
  order.forEach((id, r) => (rankOfId[id] = r))
  const rank = new Int32Array(column.length)
  for (let i = 0; i < column.length; i++) rank[i] = rankOfId[idOf[i] as number] as number
  return { values, rank }
}

/** Starting u from random pairs: almost all of them are different people. */
function sampleU(prepared: PreparedRecords, ctx: CompareContext, samples: number): number[][] {
  const n = prepared.n
  const u = flatU()
  if (n < 3) return u
  const random = seededRandom(20141225)
  const counts = LEVEL_COUNTS.map((c) => new Float64Array(c))
  const out = new Uint8Array(FIELD_COUNT)
  for (let s = 0; s < samples; s++) {
    const i = Math.floor(random() * n)
    let j = Math.floor(random() * (n - 1))
    if (j >= i) j++
    ctx.compare(i, j, out, 0)
    for (let k = 0; k < FIELD_COUNT; k++) {
      const row = counts[k] as Float64Array
      const l = out[k] as number
      row[l] = (row[l] as number) + 1
    }
  }
  return counts.map((row, k) => {
    let total = 0
    for (let l = 1; l < row.length; l++) total += (row[l] as number) + 1
    return Array.from(row, (c, l) => (l === 0 ? 0 : (c + 1) / total)).map((v, l) => (l === 0 ? 0 : v || (u[k] as number[])[l] || 0))
  })
}

function pairCode(i: number, j: number, n: number): number {
  return i < j ? i * n + j : j * n + i
}

interface IndexedDecisions {
  readonly same: (readonly [number, number])[]
  readonly different: (readonly [number, number])[]
  /** pair code → 1 (same) or 0 (different). */
  readonly byPair: Map<number, number>
}

function indexDecisions(decisions: readonly MatchDecision[], prepared: PreparedRecords): IndexedDecisions {
  // Only the records the decisions name are looked up: a table of every record id cost 0.7 s
  // at a million records, with or without decisions.
  const index = new Map<string, number>()
  for (const d of decisions) {
    index.set(d.a, -1)
    index.set(d.b, -1)
  }
  if (index.size > 0) {
    prepared.recordIds.forEach((id, i) => {
      if (index.has(id)) index.set(id, i)
    })
  }
  // Ids in no record stay out of the table, so that the checks below name them.
  for (const [id, i] of index) if (i < 0) index.delete(id)
  const same: (readonly [number, number])[] = []
  const different: (readonly [number, number])[] = []
  const byPair = new Map<number, number>()
  for (const d of decisions) {
    const i = index.get(d.a)
    const j = index.get(d.b)
    if (i === undefined) throw new TallyError('bad_input', `a match decision names record "${d.a}", which is not in the input`)
    if (j === undefined) throw new TallyError('bad_input', `a match decision names record "${d.b}", which is not in the input`)
    if (i === j) continue
    const code = pairCode(i, j, prepared.n)
    const value = d.decision === 'same' ? 1 : 0
    const earlier = byPair.get(code)
    if (earlier !== undefined && earlier !== value) {
      throw new TallyError('bad_input', `records "${d.a}" and "${d.b}" are decided both same and different`)
    }
    // A decision stated twice (or as b, a) is one decision: each pair is listed once.
    if (earlier !== undefined) continue
    byPair.set(code, value)
    ;(value === 1 ? same : different).push([i, j])
  }
  return { same, different, byPair }
}

/**
 * Links records of one or more casualty lists into persons.
 *
 * @example
 * const result = await linkRecords([
 *   { record_id: 'a1', list: 'A', full_name: 'محمد أحمد الحسن', sex: 'm', age: 19, date_of_death: '2014-12-03' },
 *   { record_id: 'b7', list: 'B', full_name: 'Mohamed Ahmed el-Hassan', sex: 'M', age: 'about 20', date_of_death: '2014-12' },
 * ])
 * result.assignments // [{ record_id: 'a1', cluster_id: 'a1', ... }, { record_id: 'b7', cluster_id: 'a1', ... }]
 */
export async function linkRecords(records: readonly LinkageRecord[], options: LinkOptions = {}): Promise<LinkResult> {
  const timings: Record<string, number> = {}
  const progress = options.onProgress ?? ((): void => undefined)
  const threshold = options.threshold ?? 0.5
  if (!(threshold > 0 && threshold < 1)) throw new TallyError('bad_input', `threshold must be between 0 and 1, not ${threshold}`)
  let t = performance.now()
  const lap = (name: string): void => {
    const now = performance.now()
    timings[name] = Math.round(now - t)
    t = now
  }

  let input: PreparedRecords | undefined =
    records.length >= NAME_WORKER_MIN_RECORDS && options.workers !== 0 ? await prepareRecordsInParallel(records) : prepareRecords(records)
  lap('prepare')
  // Linkage works on the records renumbered for locality (order.ts); results are given back in
  // input order at the end. The columns in input order are let go (100 MiB at a million).
  const order = localityOrder(input)
  const prepared = reorderRecords(input, order)
  const inputRecordIds = input.recordIds
  input = undefined
  const decisions = indexDecisions(options.decisions ?? [], prepared)
  lap('order')
  progress(`prepared ${prepared.n} records from ${prepared.listNames.length} lists`)

  const rules = options.rules ?? DEFAULT_RULES
  validateRules(rules)
  // Workers block as well as compare. The blocking pool is closed before comparison starts: the
  // workers' heaps after blocking hold hundreds of MiB at a million records, and a fresh pool
  // (columns sent again, well under a second) gives that memory back at once.
  const blockWorkers = options.workers ?? (prepared.n >= PARALLEL_MIN_RECORDS ? defaultWorkers(Number.POSITIVE_INFINITY) : 0)
  let candidates: Candidates
  if (blockWorkers > 0) {
    const pool = new LinkagePool(prepared, blockWorkers)
    try {
      candidates = await pool.block(rules, prepared.n)
    } finally {
      await pool.close()
    }
  } else candidates = blockCandidates(prepared, rules)
  lap('block')
  progress(`blocking: ${candidates.a.length} candidate pairs`)

  const workers = options.workers ?? defaultWorkers(candidates.a.length)
  const compared = withoutSetAside(candidates.a, candidates.b, await compareAllPairs(prepared, candidates.a, candidates.b, workers))
  const { a, b, levels } = compared
  lap('compare')
  progress(`compared ${candidates.a.length} pairs on ${Math.max(1, workers)} thread(s); ${compared.setAside} set aside for two clear contradictions`)

  const ctx = new CompareContext(prepared)
  // Each pair's class (PairClasses: its pattern, and the name frequency when that counts), kept
  // in the buffer of the probabilities, which scoring fills in its place.
  const n = prepared.n
  const logFrequency = prepared.nameLogFrequency
  const classes = new PairClasses(logFrequency, options.termFrequency !== false)
  const probability = new Float32Array(a.length)
  const classOf = new Int32Array(probability.buffer, probability.byteOffset, a.length)
  const classCount = classes.classify(levels, a, b, classOf)
  // What the fit counts: each compared sample of the set-aside pairs stands for
  // SET_ASIDE_SAMPLING of them (classCount itself stays the pairs held).
  const fitCount = Float64Array.from(classCount)
  for (const k of compared.sampled) {
    const c = classOf[k] as number
    fitCount[c] = (fitCount[c] as number) + SET_ASIDE_SAMPLING - 1
  }
  const counts = classes.patternCounts(fitCount)
  const sameCounts = new Float64Array(PATTERN_COUNT)
  const differentCounts = new Float64Array(PATTERN_COUNT)
  const decidedLevels = new Uint8Array(FIELD_COUNT)
  for (const [code, value] of decisions.byPair) {
    const i = Math.floor(code / prepared.n)
    const j = code - i * prepared.n
    ctx.compare(i, j, decidedLevels, 0)
    const pattern = patternOf(decidedLevels, 0)
    const labelled = value === 1 ? sameCounts : differentCounts
    labelled[pattern] = (labelled[pattern] as number) + 1
    // A decided candidate pair is counted once, as labelled.
    const k = findPair(a, b, i, j)
    if (k >= 0) counts[pattern] = (counts[pattern] as number) - (compared.isSampled(k) ? SET_ASIDE_SAMPLING : 1)
  }
  let model = fitModel(
    counts,
    sameCounts,
    differentCounts,
    sampleU(prepared, ctx, Math.min(RANDOM_PAIRS, (n * (n - 1)) / 2)),
    options.maxIterations ?? 300,
    (n * (n - 1)) / 2,
  )
  lap('estimate')
  progress(`EM: ${model.iterations} iterations, λ = ${model.lambda.toPrecision(3)}`)

  const first = new PairScorer(model, prepared)
  first.useTermFrequency = classes.termFrequency
  // Candidate pairs a reviewer decided, ascending (a reviewer decides few pairs): they keep their
  // decision and stay out of the histogram below.
  const decidedPairs: [number, number][] = []
  for (const [code, value] of decisions.byPair) {
    const i = Math.floor(code / n)
    const k = findPair(a, b, i, code - i * n)
    if (k >= 0) decidedPairs.push([k, value])
  }
  decidedPairs.sort((x, y) => x[0] - y[0])
  const decidedAt = Int32Array.from(decidedPairs, (d) => d[0])
  const decidedValue = Uint8Array.from(decidedPairs, (d) => d[1])
  for (const [k] of decidedPairs) {
    const c = classOf[k] as number
    classCount[c] = (classCount[c] as number) - 1
  }
  // The priors (prior.ts) are solved on the pairs' evidence (log2 weight without the prior),
  // self-consistent with the weights actually used for scoring (term frequency included): the
  // pooled one, one within lists and one across, and one for each pair of lists. Left out: decided
  // pairs (their decision is their probability) and a list's pairs that cannot be its duplicates
  // (probability 0 whatever the prior). Both walks go up in k, as fitWeight is called.
  if (first.useTermFrequency) classes.fitTermFrequency(first, classOf)
  const prior0 = Math.log2(model.lambda / (1 - model.lambda))
  const classEvidence = classes.evidence(first, prior0)
  const list = prepared.list
  const listSize = prepared.listNames.map(() => 0)
  for (let i = 0; i < n; i++) listSize[list[i] as number] = (listSize[list[i] as number] as number) + 1
  let nextSampled = 0
  let nextDecided = 0
  const priors = solvePriors({
    list,
    listSize,
    a,
    b,
    evidence: (k) => classEvidence[classOf[k] as number] as number,
    fitWeight: (k) => {
      while (nextDecided < decidedAt.length && (decidedAt[nextDecided] as number) < k) nextDecided++
      if (decidedAt[nextDecided] === k) return 0
      const cls = classOf[k] as number
      if (cls < PATTERN_COUNT && notAListDuplicate(list, a[k] as number, b[k] as number, NAME_LEVEL_OF_PATTERN[cls] as number)) return 0
      while (nextSampled < compared.sampled.length && (compared.sampled[nextSampled] as number) < k) nextSampled++
      return compared.sampled[nextSampled] === k ? SET_ASIDE_SAMPLING : 1
    },
    decidedSame: decisions.same,
    lambda: model.lambda,
  })
  model = modelFrom(priors.pooled, model.m, model.u, model.iterations, model.converged)
  const scorer = new PairScorer(model, prepared)
  scorer.tfCentre.set(first.tfCentre)
  scorer.useTermFrequency = first.useTermFrequency
  const prior = Math.log2(model.lambda / (1 - model.lambda))
  const listPairPriors = priors.own.map((o) => ({
    lists: [prepared.listNames[o.lists[0]] ?? '', prepared.listNames[o.lists[1]] ?? ''] as const,
    lambda: o.lambda,
    candidatePairs: o.candidatePairs,
  }))
  progress(
    `priors: pooled ${priors.pooled.toPrecision(3)}, within a list ${priors.within.toPrecision(3)}, across lists ${priors.across.toPrecision(3)}` +
      (listPairPriors.length > 0 ? `; ${listPairPriors.map((o) => `${o.lists.join('|')} ${o.lambda.toPrecision(3)}`).join(', ')}` : ''),
  )
  // Room for what scorePairs gathers is counted on the classes at the largest prior any pair
  // has: at least as many pairs as will be gathered (a few more at most: no growing on the way).
  const largestPrior = priors.table.reduce((x, y) => Math.max(x, y), prior)
  const oneToOne = options.oneToOne !== false && prepared.listNames.length > 1
  // Records with a possible duplicate on their own list (a cheap test before the lookup, which
  // the assignment asks often): reviewers' "same" within a list, and the likely duplicates.
  const hasDuplicate = new Uint8Array(oneToOne ? n : 0)
  for (const [i, j] of decisions.same) {
    if (oneToOne && list[i] === list[j]) {
      hasDuplicate[i] = 1
      hasDuplicate[j] = 1
    }
  }
  let atGate = decidedAt.length
  let atThreshold = decidedAt.length
  for (let c = 0; c < classes.count; c++) {
    const count = classCount[c] as number
    if (count === 0) continue
    const p = probabilityFromWeight(Math.fround(classEvidence[c] as number) + largestPrior)
    if (p >= Math.min(ASSIGN_MIN_POSTERIOR, DUPLICATE_MIN_POSTERIOR)) atGate += count
    if (Math.fround(p) >= threshold) atThreshold += count
  }
  const scores = scorePairs(n, a, probability, classOf, priors, classEvidence, decidedAt, decidedValue, b, list, oneToOne, hasDuplicate, threshold, {
    cross: oneToOne ? atGate : 0,
    linked: atThreshold,
  })
  const { rowStart, cross } = scores
  lap('score')
  let assignment: Assignment | undefined
  const ks = cross.k.view()
  if (ks.length > 0) {
    const fixedSame = cross.fixed.view()
    const crossA = new Int32Array(ks.length)
    const crossB = new Int32Array(ks.length)
    // Side A of every pair is the record of the lower list: the assignment keeps one node per
    // record and side, so a record must stay on one side for all its pairs with a given list
    // (pairs come as lower record index first, and with lists interleaved in the input a record
    // was on side A of some pairs and side B of others, its competitors split between two nodes).
    for (let e = 0; e < ks.length; e++) {
      const i = a[ks[e] as number] as number
      const j = b[ks[e] as number] as number
      const lowerFirst = (list[i] as number) < (list[j] as number)
      crossA[e] = lowerFirst ? i : j
      crossB[e] = lowerFirst ? j : i
    }
    // Same-list pairs that may be a list's own duplicates (posterior at least
    // DUPLICATE_MIN_POSTERIOR): they do not compete with each other for a match on another list.
    const duplicates = scores.duplicates
    const decided = decisions.byPair
    const sameListProbability = (x: number, y: number): number => {
      if (hasDuplicate[x] !== 1 || hasDuplicate[y] !== 1) return 0
      const p = duplicates.probability(x, y)
      if (p !== undefined) return p
      return decided.size > 0 ? (decided.get(pairCode(x, y, n)) ?? 0) : 0
    }
    assignment = assignOneToOne({
      a: crossA,
      b: crossB,
      evidence: cross.evidence.view(),
      start: cross.start.view(),
      fixedSame,
      list,
      listSize,
      sameListProbability,
      mayHaveDuplicate: hasDuplicate,
    })
    for (let e = 0; e < ks.length; e++) {
      if (fixedSame[e] === 1) continue
      probability[ks[e] as number] = assignment.probability[e] as number
    }
    lap('assign')
    const at = assignment.timings
    progress(
      `one-to-one assignment: ${ks.length} cross-list pairs, ${assignment.sweeps} sweeps` +
        (assignment.localRounds.rounds > 0 ? ` and ${assignment.localRounds.rounds} local rounds (${assignment.localRounds.updates} pair updates)` : '') +
        `${assignment.converged ? '' : ' (not converged)'} ` +
        `(ms: setup ${at.setup}, duplicates ${at.duplicates}, sweeps ${at.sweeps})`,
    )
  }
  // The pairs at or above the threshold, ascending: the assigned ones merged into the others.
  const others = scores.linked.view()
  let edgeCount = others.length
  for (let e = 0; e < ks.length; e++) if ((probability[ks[e] as number] as number) >= threshold) edgeCount++
  const edges = new Int32Array(edgeCount)
  let o = 0
  let w = 0
  for (let e = 0; e < ks.length; e++) {
    const k = ks[e] as number
    if ((probability[k] as number) < threshold) continue
    while (o < others.length && (others[o] as number) < k) edges[w++] = others[o++] as number
    edges[w++] = k
  }
  while (o < others.length) edges[w++] = others[o++] as number

  const scratch = new Uint8Array(FIELD_COUNT)
  const posterior = (i: number, j: number): number => {
    if (decisions.byPair.size > 0) {
      const decided = decisions.byPair.get(pairCode(i, j, n))
      if (decided !== undefined) return decided
    }
    // A candidate pair has its final probability (one-to-one assignment included).
    const k = pairIndex(b, rowStart, i, j)
    if (k >= 0) return probability[k] as number
    ctx.compare(i, j, scratch, 0)
    if (notAListDuplicate(list, i, j, scratch[0] as number)) return 0
    const weight = scorer.weight(i, j, scratch, 0)
    // A pair across lists that was not compared gets the one-to-one prior (no competition
    // known), so that it is weighed like the assigned pairs it is averaged with.
    const odds = assignment?.priorOdds(list[i] as number, list[j] as number)
    if (odds !== undefined) return probabilityFromWeight(weight - prior + Math.log2(odds))
    return probabilityFromWeight(weight - prior + priors.log2Odds(list[i] as number, list[j] as number))
  }

  const clustering = clusterRecords({
    n: prepared.n,
    a,
    b,
    probability,
    threshold,
    list: prepared.list,
    recordIds: prepared.recordIds,
    mustLink: decisions.same,
    cannotLink: decisions.different,
    posterior,
    // Without the one-to-one assignment, chains are held back by average linkage as before.
    averageLinkage: assignment === undefined,
    edges,
  })
  lap('cluster')

  const assignments = assignmentsOf(prepared, order, clustering.clusterOf, clustering.clusterCount, rowStart, b, probability, posterior)
  const clusterOf = inInputOrder(clustering.clusterOf, order, clustering.clusterCount)
  // Pairs name records by input position, lower first.
  for (let k = 0; k < a.length; k++) {
    const i = order[a[k] as number] as number
    const j = order[b[k] as number] as number
    a[k] = i < j ? i : j
    b[k] = i < j ? j : i
  }
  lap('output')
  progress(`${clustering.clusterCount} persons from ${prepared.n} records`)
  return {
    assignments,
    clusterCount: clustering.clusterCount,
    model,
    priors: { withinList: priors.within, acrossLists: priors.across, listPairs: listPairPriors },
    blocking: candidates.report,
    candidatePairs: candidates.a.length,
    contradictedPairs: compared.setAside,
    pairs: { a, b, levels, probability },
    recordIds: inputRecordIds,
    clusterOf,
    warnings: [...prepared.warnings, ...clustering.warnings],
    timings,
  }
}

/**
 * Cluster numbers per record in input order, numbered by their first record in input order
 * (dense 0..clusterCount-1), from cluster numbers per working record.
 */
function inInputOrder(clusterOf: Int32Array, order: Int32Array, clusterCount: number): Int32Array {
  const n = clusterOf.length
  const byInput = new Int32Array(n)
  for (let w = 0; w < n; w++) byInput[order[w] as number] = clusterOf[w] as number
  const number = new Int32Array(clusterCount).fill(-1)
  let next = 0
  for (let i = 0; i < n; i++) {
    const c = byInput[i] as number
    if (number[c] === -1) number[c] = next++
    byInput[i] = number[c] as number
  }
  return byInput
}

/** Same-list pairs that may be duplicates, by their first record (pairs in candidate order). */
class LikelyDuplicates {
  readonly lo = new GrowableArray(Int32Array)
  readonly hi = new GrowableArray(Int32Array)
  readonly p = new GrowableArray(Float64Array)
  private start = new Int32Array(1)

  /** Ends adding (pairs were added in candidate order: by first record, then second). */
  index(n: number): void {
    const start = new Int32Array(n + 1)
    const lo = this.lo.data
    for (let k = 0; k < this.lo.length; k++) start[(lo[k] as number) + 1] = (start[(lo[k] as number) + 1] as number) + 1
    for (let i = 0; i < n; i++) start[i + 1] = (start[i + 1] as number) + (start[i] as number)
    this.start = start
  }

  /** The posterior of pair (x, y) if it is one of these, else undefined. */
  probability(x: number, y: number): number | undefined {
    const lo = x < y ? x : y
    const hi = x < y ? y : x
    if (lo + 1 >= this.start.length) return undefined
    const his = this.hi.data
    for (let k = this.start[lo] as number; k < (this.start[lo + 1] as number); k++) if (his[k] === hi) return this.p.data[k] as number
    return undefined
  }
}

/** Cross-list pairs for the one-to-one assignment: index, evidence, pairwise posterior, decided "same". */
interface CrossPairs {
  readonly k: GrowableArray<Int32Array>
  readonly evidence: GrowableArray<Float64Array>
  readonly start: GrowableArray<Float64Array>
  readonly fixed: GrowableArray<Uint8Array>
}

/**
 * Gives every pair its posterior (its class's evidence and the prior of its pair of lists, or a
 * reviewer's decision), in place of its class in the shared buffer. Gathers, with `list`
 * (one-to-one on): the cross-list pairs that could matter (posterior ≥ ASSIGN_MIN_POSTERIOR, or decided "same"; not decided "different")
 * and the same-list pairs that may be duplicates (≥ DUPLICATE_MIN_POSTERIOR), marking their
 * records in hasDuplicate. Also the other pairs at or above the threshold (linked, ascending),
 * and where each record's pairs start (rowStart: pairs are sorted by record).
 */
function scorePairs(
  n: number,
  a: Int32Array,
  probability: Float32Array,
  classOf: Int32Array,
  priors: Priors,
  classEvidence: Float64Array,
  decidedAt: Int32Array,
  decidedValue: Uint8Array,
  b: Int32Array,
  list: Uint16Array,
  oneToOne: boolean,
  hasDuplicate: Uint8Array,
  threshold: number,
  room: { readonly cross: number; readonly linked: number },
): { rowStart: Int32Array; cross: CrossPairs; duplicates: LikelyDuplicates; linked: GrowableArray<Int32Array> } {
  const E = a.length
  const crossRoom = Math.max(1, room.cross)
  const cross: CrossPairs = {
    k: new GrowableArray(Int32Array, crossRoom),
    evidence: new GrowableArray(Float64Array, crossRoom),
    start: new GrowableArray(Float64Array, crossRoom),
    fixed: new GrowableArray(Uint8Array, crossRoom),
  }
  const duplicates = new LikelyDuplicates()
  const linked = new GrowableArray(Int32Array, Math.max(1, room.linked))
  const rowStart = new Int32Array(n + 1)
  // A posterior is 1 / (1 + 2^−evidence · 2^−prior): both powers are taken once, per class and
  // per pair of lists, not once per pair.
  const inverseBayesFactor = Float64Array.from(classEvidence, (e) => Math.pow(2, -Math.fround(e)))
  const { byListPair, lists } = priors
  const inversePriorOdds = priors.table.map((o) => Math.pow(2, -o))
  const inversePooledOdds = (1 - priors.pooled) / priors.pooled
  let nextDecided = decidedAt.length > 0 ? (decidedAt[0] as number) : -1
  let d = 0
  let row = -1
  for (let k = 0; k < E; k++) {
    const i = a[k] as number
    const j = b[k] as number
    while (row < i) rowStart[++row] = k
    const cls = classOf[k] as number
    const sameList = list[i] === list[j]
    let decided = -1
    let p: number
    if (k === nextDecided) {
      decided = decidedValue[d] as number
      p = decided
      nextDecided = ++d < decidedAt.length ? (decidedAt[d] as number) : -1
    } else if (sameList && cls < PATTERN_COUNT && notAListDuplicate(list, i, j, NAME_LEVEL_OF_PATTERN[cls] as number)) p = 0
    else {
      const x = byListPair ? (list[i] as number) * lists + (list[j] as number) : sameList ? 0 : 1
      p = 1 / (1 + (inverseBayesFactor[cls] as number) * (inversePriorOdds[x] as number))
    }
    probability[k] = p
    if (oneToOne && sameList) {
      // For the one-person-per-list constraint, a possible duplicate is weighed with the pooled
      // prior rather than its list's own (about 3 bits lower): two records of one list that both
      // fit one record of another list are by that likelier one person than their pair alone
      // says, and the pooled prior stands in for that evidence. With the list's own prior here,
      // duplicates competed for their match: F1 0.9595 against 0.9602 at 300,000 records.
      const duplicate = decided >= 0 || p === 0 ? p : 1 / (1 + (inverseBayesFactor[cls] as number) * inversePooledOdds)
      if (duplicate >= DUPLICATE_MIN_POSTERIOR) {
        duplicates.lo.push(i)
        duplicates.hi.push(j)
        duplicates.p.push(duplicate)
        hasDuplicate[i] = 1
        hasDuplicate[j] = 1
      }
    } else if (oneToOne && decided !== 0 && (p >= ASSIGN_MIN_POSTERIOR || decided === 1)) {
      cross.k.push(k)
      cross.evidence.push(Math.fround(classEvidence[cls] as number))
      cross.start.push(p)
      cross.fixed.push(decided === 1 ? 1 : 0)
      continue
    }
    if (Math.fround(p) >= threshold) linked.push(k)
  }
  while (row < n) rowStart[++row] = E
  duplicates.index(n)
  return { rowStart, cross, duplicates, linked }
}

/**
 * Index of candidate pair (i, j), or -1: findPair within the smaller record's pairs.
 */
function pairIndex(b: Int32Array, rowStart: Int32Array, i: number, j: number): number {
  const lo = i < j ? i : j
  const hi = i < j ? j : i
  if (lo + 1 >= rowStart.length) return -1
  let from = rowStart[lo] as number
  let to = (rowStart[lo + 1] as number) - 1
  while (from <= to) {
    const mid = (from + to) >> 1
    const y = b[mid] as number
    if (y < hi) from = mid + 1
    else if (y > hi) to = mid - 1
    else return mid
  }
  return -1
}

/** Candidate pairs left after comparison (see withoutSetAside). */
interface ComparedPairs {
  readonly a: Int32Array
  readonly b: Int32Array
  readonly levels: Uint8Array
  /** Candidate pairs set aside (not in a, b). */
  readonly setAside: number
  /** Indices (into a, b) of the compared sample of set-aside pairs, ascending. */
  readonly sampled: Int32Array
  isSampled(k: number): boolean
}

/**
 * The candidate pairs without those set aside by the comparison (name level SET_ASIDE), in
 * place: the arrays are compacted and views of them returned, so no second copy is held.
 */
function withoutSetAside(a: Int32Array, b: Int32Array, levels: Uint8Array): ComparedPairs {
  let w = 0
  const found = new GrowableArray(Int32Array)
  for (let k = 0; k < a.length; k++) {
    const name = levels[k * FIELD_COUNT] as number
    if (name === SET_ASIDE) continue
    if ((name & SAMPLED) !== 0) {
      levels[k * FIELD_COUNT] = name & ~SAMPLED
      found.push(w)
    }
    if (w !== k) {
      a[w] = a[k] as number
      b[w] = b[k] as number
      // Byte by byte: copyWithin is a call into the runtime, for five bytes, 44 million times.
      for (let f = 0; f < FIELD_COUNT; f++) levels[w * FIELD_COUNT + f] = levels[k * FIELD_COUNT + f] as number
    }
    w++
  }
  const sampled = found.view()
  return {
    a: a.subarray(0, w),
    b: b.subarray(0, w),
    levels: levels.subarray(0, w * FIELD_COUNT),
    setAside: a.length - w,
    sampled,
    isSampled(k: number): boolean {
      return sampled[lowerBound(sampled, k)] === k
    },
  }
}

/**
 * Index of pair (i, j) among candidates sorted by (a, b), as blocking gives them, or -1.
 *
 * @example findPair(candidates.a, candidates.b, 3, 17) // -1 when never compared
 */
export function findPair(a: Int32Array, b: Int32Array, i: number, j: number): number {
  if (i > j) [i, j] = [j, i]
  let lo = 0
  let hi = a.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const x = a[mid] as number
    const y = b[mid] as number
    if (x < i || (x === i && y < j)) lo = mid + 1
    else if (x > i || (x === i && y > j)) hi = mid - 1
    else return mid
  }
  return -1
}

/** Most members compared when giving a record its probability of belonging to its cluster. */
const MAX_MEMBERS_SCORED = 50

function assignmentsOf(
  prepared: PreparedRecords,
  order: Int32Array,
  clusterOf: Int32Array,
  clusterCount: number,
  rowStart: Int32Array,
  b: Int32Array,
  probability: Float32Array,
  posterior: (i: number, j: number) => number,
): RecordAssignment[] {
  const n = prepared.n
  const first = new Int32Array(clusterCount).fill(-1)
  const sizes = new Int32Array(clusterCount)
  // A cluster is named after its first record in input order.
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i] as number
    const f = first[c] as number
    if (f === -1 || (order[i] as number) < (order[f] as number)) first[c] = i
    sizes[c] = (sizes[c] as number) + 1
  }
  const start = new Int32Array(clusterCount + 1)
  for (let c = 0; c < clusterCount; c++) start[c + 1] = (start[c] as number) + (sizes[c] as number)
  const fill = start.slice(0, clusterCount)
  const members = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i] as number
    const at = fill[c] as number
    fill[c] = at + 1
    members[at] = i
  }
  // The best posterior of each record left alone, over all its pairs (pairs by first record:
  // rowStart). floor[j] is the float32 exponent of bestOf[j] for a record left alone (a pair
  // with a smaller exponent cannot beat it, and most pairs are far weaker than a record's best),
  // 255 for the others, which need no best.
  const bits = new Uint32Array(probability.buffer, probability.byteOffset, probability.length)
  const floor = new Uint8Array(n).fill(255)
  for (let i = 0; i < n; i++) if (sizes[clusterOf[i] as number] === 1) floor[i] = 0
  const bestOf = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const end = rowStart[i + 1] as number
    if (floor[i] !== 255) {
      let best = bestOf[i] as number
      for (let k = rowStart[i] as number; k < end; k++) {
        const p = probability[k] as number
        if (p > best) best = p
        const j = b[k] as number
        if ((bits[k] as number) >>> 23 >= (floor[j] as number) && p > (bestOf[j] as number)) {
          bestOf[j] = p
          floor[j] = (bits[k] as number) >>> 23
        }
      }
      bestOf[i] = best
    } else {
      for (let k = rowStart[i] as number; k < end; k++) {
        const j = b[k] as number
        const exponent = (bits[k] as number) >>> 23
        if (exponent >= (floor[j] as number) && (probability[k] as number) > (bestOf[j] as number)) {
          bestOf[j] = probability[k] as number
          floor[j] = exponent
        }
      }
    }
  }
  const out: RecordAssignment[] = new Array<RecordAssignment>(n)
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i] as number
    const size = sizes[c] as number
    let p: number
    if (size === 1) p = 1 - (bestOf[i] as number)
    else {
      let sum = 0
      let count = 0
      for (let k = start[c] as number; k < (start[c + 1] as number) && count < MAX_MEMBERS_SCORED; k++) {
        const j = members[k] as number
        if (j === i) continue
        sum += posterior(i, j)
        count++
      }
      p = sum / count
    }
    out[order[i] as number] = {
      record_id: prepared.recordIds[i] as string,
      cluster_id: prepared.recordIds[first[c] as number] as string,
      match_probability: Math.round(p * 10000) / 10000,
    }
  }
  return out
}
