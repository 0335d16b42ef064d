// The linkage pipeline: prepare → block → compare (worker threads) → EM → score (with
// term-frequency adjustment and reviewer decisions) → cluster → per-record output.
import { TallyError } from '../domain/index.js'
import { blockCandidates, DEFAULT_RULES, validateRules, type Candidates } from './blocking.js'
import { assignOneToOne, type Assignment } from './assign.js'
import { clusterRecords } from './cluster.js'
import { CompareContext, FIELD_COUNT, LEVEL_COUNTS, NAME_TF_LEVELS, SAMPLED, SET_ASIDE, SET_ASIDE_SAMPLING } from './compare.js'
import { GrowableArray } from './growable.js'
import {
  countPatterns,
  defaultStartingM,
  estimateParameters,
  flatU,
  levelsOfPattern,
  modelFrom,
  PATTERN_COUNT,
  patternOf,
  probabilityFromWeight,
} from './model.js'
import { compareAllPairs, defaultWorkers, LinkagePool, PARALLEL_MIN_RECORDS } from './parallel.js'
import { prepareRecords, type PreparedRecords } from './prepare.js'
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
 * pairs): the evidence of a pair does not depend on which blocking rule brought it in. Within
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
  /** log2 of each record's name frequency (at least 1/n), computed once. */
  private readonly logFrequency: Float64Array
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

  /**
   * Centres the adjustment on the matches: the mean frequency of their names per name level.
   * A match's name is drawn by frequency, so this mean is what u already stands for (Σ tf²);
   * the adjustment log2(mean / tf) then replaces u by the name's own frequency, as in Splink.
   * (Centring on the mean of log frequencies instead would understate every match by the
   * Jensen gap, a bit or more for Zipf-distributed names.)
   */
  fitTermFrequency(a: Int32Array, b: Int32Array, levels: Uint8Array): void {
    const sum = new Float64Array(NAME_TF_LEVELS + 1)
    const weight = new Float64Array(NAME_TF_LEVELS + 1)
    for (let k = 0; k < a.length; k++) {
      const nl = levels[k * FIELD_COUNT] as number
      if (nl < 1 || nl > NAME_TF_LEVELS) continue
      const p = probabilityFromWeight(this.patternWeight[patternOf(levels, k * FIELD_COUNT)] as number)
      sum[nl] = (sum[nl] as number) + p * Math.pow(2, this.logTf(a[k] as number, b[k] as number))
      weight[nl] = (weight[nl] as number) + p
    }
    for (let l = 1; l <= NAME_TF_LEVELS; l++) {
      this.tfCentre[l] = (weight[l] as number) > 0 ? Math.log2((sum[l] as number) / (weight[l] as number)) : 0
    }
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

/** The weight histogram used to solve for λ: 1/32-bit bins over ±96 bits. */
const BINS_PER_BIT = 32
const HISTOGRAM_BITS = 96
const HISTOGRAM_BINS = 2 * HISTOGRAM_BITS * BINS_PER_BIT + 1

function binOf(evidence: number): number {
  const bin = Math.round((evidence + HISTOGRAM_BITS) * BINS_PER_BIT)
  return bin < 0 ? 0 : bin >= HISTOGRAM_BINS ? HISTOGRAM_BINS - 1 : bin
}

/**
 * λ as the fixed point of λ = (Σ_candidates P(match | evidence, λ) + decided matches) / all pairs
 * (the EM update of the prior alone), over a histogram of the pairs' evidence in bits (the
 * scorer's own weights, term frequency included, without the prior). Started from the fitted λ.
 */
function solveLambda(histogram: Float64Array, lambda0: number, decidedSame: number, allPairs: number): number {
  let lambda = lambda0
  for (let iteration = 0; iteration < 500; iteration++) {
    const prior = Math.log2(lambda / (1 - lambda))
    let expected = decidedSame
    for (let bin = 0; bin < HISTOGRAM_BINS; bin++) {
      const c = histogram[bin] as number
      if (c === 0) continue
      expected += c * probabilityFromWeight(prior + bin / BINS_PER_BIT - HISTOGRAM_BITS)
    }
    const next = Math.min(0.5, Math.max(1e-12, expected / Math.max(1, allPairs)))
    const done = Math.abs(next - lambda) <= 1e-5 * lambda
    lambda = next
    if (done) break
  }
  return lambda
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
  const index = new Map<string, number>()
  prepared.recordIds.forEach((id, i) => index.set(id, i))
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

  const prepared = prepareRecords(records)
  const decisions = indexDecisions(options.decisions ?? [], prepared)
  lap('prepare')
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
  const counts = countPatterns(levels)
  // Each compared sample of the set-aside pairs stands for SET_ASIDE_SAMPLING of them.
  const standsFor = new Uint8Array(a.length).fill(1)
  for (const k of compared.sampled) {
    standsFor[k] = SET_ASIDE_SAMPLING
    const pattern = patternOf(levels, k * FIELD_COUNT)
    counts[pattern] = (counts[pattern] as number) + SET_ASIDE_SAMPLING - 1
  }
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
    if (findPair(a, b, i, j) >= 0) counts[pattern] = (counts[pattern] as number) - 1
  }
  const n = prepared.n
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
  if (options.termFrequency !== false) first.fitTermFrequency(a, b, levels)
  else first.useTermFrequency = false
  // One pass gives each pair its evidence (log2 weight without the prior) and bins it; the prior
  // is then solved on the bins, self-consistent with the weights actually used for scoring (term
  // frequency included), and a cheap second pass turns evidence into posteriors.
  const probability = new Float32Array(a.length)
  const prior0 = Math.log2(model.lambda / (1 - model.lambda))
  const histogram = new Float64Array(HISTOGRAM_BINS)
  const anyDecided = decisions.byPair.size > 0
  for (let k = 0; k < a.length; k++) {
    const i = a[k] as number
    const j = b[k] as number
    const evidence = first.weight(i, j, levels, k * FIELD_COUNT) - prior0
    probability[k] = evidence
    if (anyDecided && decisions.byPair.has(i * n + j)) continue
    const bin = binOf(evidence)
    histogram[bin] = (histogram[bin] as number) + (standsFor[k] as number)
  }
  model = modelFrom(solveLambda(histogram, model.lambda, total(sameCounts), (n * (n - 1)) / 2), model.m, model.u, model.iterations, model.converged)
  const scorer = new PairScorer(model, prepared)
  scorer.tfCentre.set(first.tfCentre)
  scorer.useTermFrequency = first.useTermFrequency
  const prior = Math.log2(model.lambda / (1 - model.lambda))
  // Cross-list pairs that could matter go to the one-to-one assignment (below): their index,
  // evidence and pairwise posterior.
  const oneToOne = options.oneToOne !== false && prepared.listNames.length > 1
  const list = prepared.list
  const crossK = new GrowableArray(Int32Array)
  const crossEvidence = new GrowableArray(Float64Array)
  const crossStart = new GrowableArray(Float64Array)
  const crossFixed = new GrowableArray(Uint8Array)
  // Pairs within one list that may be a list's own duplicates (pair code → posterior): they do
  // not compete with each other for a match on another list.
  const likelyDuplicates = new Map<number, number>()
  // Records with such a pair (a cheap test before the map, which the assignment asks often).
  const hasDuplicate = new Uint8Array(oneToOne ? n : 0)
  for (const [i, j] of decisions.same) {
    if (oneToOne && list[i] === list[j]) {
      hasDuplicate[i] = 1
      hasDuplicate[j] = 1
    }
  }
  // Without a term-frequency adjustment a pair's evidence depends on its pattern alone: its
  // posterior comes from a table per pattern, computed by the same operations (the evidence
  // rounded to float32 as it is stored above), so the same value bit for bit without a pow per pair.
  const patternPosterior = new Float64Array(PATTERN_COUNT)
  for (let c = 0; c < PATTERN_COUNT; c++) patternPosterior[c] = probabilityFromWeight(Math.fround((first.patternWeight[c] as number) - prior0) + prior)
  const tfApplies = first.useTermFrequency
  for (let k = 0; k < a.length; k++) {
    const i = a[k] as number
    const j = b[k] as number
    const decided = anyDecided ? decisions.byPair.get(i * n + j) : undefined
    const evidence = probability[k] as number
    const nl = levels[k * FIELD_COUNT] as number
    const p =
      decided ??
      (tfApplies && nl >= 1 && nl <= NAME_TF_LEVELS
        ? probabilityFromWeight(evidence + prior)
        : (patternPosterior[patternOf(levels, k * FIELD_COUNT)] as number))
    probability[k] = p
    if (oneToOne && list[i] === list[j] && p >= DUPLICATE_MIN_POSTERIOR) {
      likelyDuplicates.set(i * n + j, p)
      hasDuplicate[i] = 1
      hasDuplicate[j] = 1
    }
    if (oneToOne && decided !== 0 && list[i] !== list[j] && (p >= ASSIGN_MIN_POSTERIOR || decided === 1)) {
      crossK.push(k)
      crossEvidence.push(evidence)
      crossStart.push(p)
      crossFixed.push(decided === 1 ? 1 : 0)
    }
  }
  lap('score')
  let assignment: Assignment | undefined
  if (crossK.length > 0) {
    const listSize = prepared.listNames.map(() => 0)
    for (let i = 0; i < n; i++) listSize[list[i] as number] = (listSize[list[i] as number] as number) + 1
    const ks = crossK.view()
    const fixedSame = crossFixed.view()
    assignment = assignOneToOne({
      a: ks.map((k) => a[k] as number),
      b: ks.map((k) => b[k] as number),
      evidence: crossEvidence.view(),
      start: crossStart.view(),
      fixedSame,
      list,
      listSize,
      sameListProbability: (x, y) =>
        hasDuplicate[x] === 1 && hasDuplicate[y] === 1 ? (likelyDuplicates.get(pairCode(x, y, n)) ?? decisions.byPair.get(pairCode(x, y, n)) ?? 0) : 0,
    })
    for (let e = 0; e < ks.length; e++) {
      if (fixedSame[e] === 1) continue
      probability[ks[e] as number] = assignment.probability[e] as number
    }
    lap('assign')
    const at = assignment.timings
    progress(
      `one-to-one assignment: ${ks.length} cross-list pairs, ${assignment.sweeps} sweeps${assignment.converged ? '' : ' (not converged)'} ` +
        `(ms: setup ${at.setup}, duplicates ${at.duplicates}, sweeps ${at.sweeps})`,
    )
  }
  const bestOf = new Float32Array(prepared.n)
  for (let k = 0; k < a.length; k++) {
    const i = a[k] as number
    const j = b[k] as number
    const p = probability[k] as number
    if (p > (bestOf[i] as number)) bestOf[i] = p
    if (p > (bestOf[j] as number)) bestOf[j] = p
  }

  const scratch = new Uint8Array(FIELD_COUNT)
  const posterior = (i: number, j: number): number => {
    const decided = decisions.byPair.get(pairCode(i, j, prepared.n))
    if (decided !== undefined) return decided
    // A candidate pair has its final probability (one-to-one assignment included).
    const k = findPair(a, b, i, j)
    if (k >= 0) return probability[k] as number
    ctx.compare(i, j, scratch, 0)
    const weight = scorer.weight(i, j, scratch, 0)
    // A pair across lists that was not compared gets the one-to-one prior (no competition
    // known), so that it is weighed like the assigned pairs it is averaged with.
    const odds = assignment?.priorOdds(list[i] as number, list[j] as number)
    if (odds !== undefined) return probabilityFromWeight(weight - prior + Math.log2(odds))
    return probabilityFromWeight(weight)
  }
  const clustering = clusterRecords({
    n: prepared.n,
    a,
    b,
    probability,
    threshold,
    list: prepared.list,
    mustLink: decisions.same,
    cannotLink: decisions.different,
    posterior,
    // Without the one-to-one assignment, chains are held back by average linkage as before.
    averageLinkage: assignment === undefined,
  })
  lap('cluster')

  const assignments = assignmentsOf(prepared, clustering.clusterOf, clustering.clusterCount, bestOf, posterior)
  lap('output')
  progress(`${clustering.clusterCount} persons from ${prepared.n} records`)
  return {
    assignments,
    clusterCount: clustering.clusterCount,
    model,
    blocking: candidates.report,
    candidatePairs: candidates.a.length,
    contradictedPairs: compared.setAside,
    pairs: { a, b, levels, probability },
    recordIds: prepared.recordIds,
    clusterOf: clustering.clusterOf,
    warnings: [...prepared.warnings, ...clustering.warnings],
    timings,
  }
}

/**
 * The candidate pairs without those set aside by the comparison (name level SET_ASIDE), in
 * place: the arrays are compacted and views of them returned, so no second copy is held.
 */
function withoutSetAside(
  a: Int32Array,
  b: Int32Array,
  levels: Uint8Array,
): { a: Int32Array; b: Int32Array; levels: Uint8Array; setAside: number; sampled: Int32Array } {
  let w = 0
  const sampled = new GrowableArray(Int32Array)
  for (let k = 0; k < a.length; k++) {
    const name = levels[k * FIELD_COUNT] as number
    if (name === SET_ASIDE) continue
    if ((name & SAMPLED) !== 0) {
      levels[k * FIELD_COUNT] = name & ~SAMPLED
      sampled.push(w)
    }
    if (w !== k) {
      a[w] = a[k] as number
      b[w] = b[k] as number
      levels.copyWithin(w * FIELD_COUNT, k * FIELD_COUNT, (k + 1) * FIELD_COUNT)
    }
    w++
  }
  return { a: a.subarray(0, w), b: b.subarray(0, w), levels: levels.subarray(0, w * FIELD_COUNT), setAside: a.length - w, sampled: sampled.view() }
}

/**
 * Index of pair (i, j) among candidates sorted by (a, b), or -1.
 *
 * @example findPair(result.pairs.a, result.pairs.b, 3, 17) // -1 when never compared
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
  clusterOf: Int32Array,
  clusterCount: number,
  bestOf: Float32Array,
  posterior: (i: number, j: number) => number,
): RecordAssignment[] {
  const n = prepared.n
  const first = new Int32Array(clusterCount).fill(-1)
  const sizes = new Int32Array(clusterCount)
  for (let i = 0; i < n; i++) {
    const c = clusterOf[i] as number
    if (first[c] === -1) first[c] = i
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
    out[i] = {
      record_id: prepared.recordIds[i] as string,
      cluster_id: prepared.recordIds[first[c] as number] as string,
      match_probability: Math.round(p * 10000) / 10000,
    }
  }
  return out
}
