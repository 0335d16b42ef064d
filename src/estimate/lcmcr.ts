// The Bayesian non-parametric latent class model for capture–recapture (LCMCR) of
// Manrique-Vallier (2016, Biometrics 72(2), "Bayesian population size estimation using Dirichlet
// process mixtures"), sampled by Gibbs in the same order and with the same priors as the
// reference implementation (R package LCMCR, class CNPLCM_CR_Basic_Freq):
//
//   people fall into K latent classes with weights ν from a truncated stick-breaking prior
//   (V_k ~ Beta(1, α), α ~ Gamma(a_α, b_α)); within class k, list j captures independently with
//   probability λ_jk ~ Beta(1, 1); the number never captured, n0, is imputed each sweep from its
//   negative binomial conditional (under the prior p(N) ∝ 1/N), and its class counts by a
//   multinomial.
//
// One sweep: class counts of each distinct observed history (multinomial) → λ → ν (stick
// breaking, in log space where a weight can underflow) → probability of being missed → n0 →
// classes of the missed → α.
// Working on distinct histories with counts instead of people is what makes it fast: a sweep
// costs O(distinct histories × K × J), independent of the number of people.

import { CaptureHistories, EstimateInputError } from './histories.js'
import { Rng } from './rng.js'
import { quantileSorted } from './special.js'

export interface LcmcrOptions {
  /** Truncation level K (maximum number of latent classes). Default 10, as LCMCR's examples. */
  readonly classes?: number
  /** Sweeps discarded before sampling. Default 10,000. */
  readonly burnin?: number
  /** Keep one sweep in `thin`. Default 100. */
  readonly thin?: number
  /** Posterior draws kept. Default 1,000 (so 10,000 + 100 × 1,000 = 110,000 sweeps). */
  readonly samples?: number
  /** Seed of the random generator; equal seeds give identical draws. Default 1. */
  readonly seed?: number
  /** Gamma prior on the stick-breaking concentration α (shape, rate). Default 0.25, 0.25. */
  readonly aAlpha?: number
  readonly bAlpha?: number
  /** Credible interval level. Default 0.95. */
  readonly level?: number
  /**
   * Independent chains (chain c is seeded with seed + c); their draws are pooled and compared.
   * Default 1, as the R package. The LCMCR posterior can be multimodal (e.g. one latent class vs
   * two) and a single chain may stay in one mode for the whole run, which no single-chain
   * diagnostic can see: use 4 chains for any published figure.
   */
  readonly chains?: number
}

/** Settings used by a run (defaults filled in), stored with the result for reproducibility. */
export interface LcmcrSettings {
  readonly classes: number
  readonly burnin: number
  readonly thin: number
  readonly samples: number
  readonly seed: number
  readonly aAlpha: number
  readonly bAlpha: number
  readonly level: number
  readonly chains: number
  /** Sweeps run per chain (warm-up, burn-in and sampling). */
  readonly sweeps: number
}

/** Convergence diagnostics of the chain of N. */
export interface LcmcrDiagnostics {
  /** Effective sample size of the kept N draws (Geyer's initial positive sequence), summed over chains. */
  readonly ess: number
  /** Medians of the first and second halves of the kept draws (of the chain whose halves differ most). */
  readonly firstHalfMedian: number
  readonly secondHalfMedian: number
  /** Difference of the halves' means in units of its standard error (ESS-corrected); worst chain. */
  readonly halvesZ: number
  /**
   * Split-R̂ (Gelman et al. 2013): each chain cut in halves, between-half variance vs within;
   * above 1.1 the halves or chains disagree.
   */
  readonly rhat: number
  /** Posterior median of N in each chain. */
  readonly chainMedians: readonly number[]
  /**
   * False when ESS < 100, |halvesZ| > 3, R̂ > 1.1, or (several chains) the chains' medians
   * differ by more than 5 %: run longer or more chains before trusting the numbers.
   */
  readonly mixed: boolean
}

export interface LcmcrEstimate {
  readonly kind: 'estimate'
  readonly method: 'lcmcr'
  readonly lists: readonly string[]
  readonly observed: number
  /** Posterior median of the total N. */
  readonly estimate: number
  readonly mean: number
  /** Equal-tailed credible interval of N. */
  readonly interval: readonly [number, number]
  readonly level: number
  readonly intervalMethod: 'posterior-quantiles'
  /** Kept posterior draws of N (length = samples), in chain order. */
  readonly draws: Float64Array
  readonly diagnostics: LcmcrDiagnostics
  readonly settings: LcmcrSettings
  readonly warnings: readonly string[]
}

const DEFAULTS = { classes: 10, burnin: 10_000, thin: 100, samples: 1_000, seed: 1, aAlpha: 0.25, bAlpha: 0.25, level: 0.95, chains: 1 }
/** LCMCR runs 500 warm-up sweeps without updating α before the burn-in; so do we. */
const WARMUP = 500
/** Per-person sampling beats conditional binomials up to about this many people per class. */
const PER_PERSON_FACTOR = 3

function checkOptions(o: LcmcrOptions): Omit<LcmcrSettings, 'sweeps'> {
  const s = { ...DEFAULTS, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as typeof DEFAULTS
  const positiveInt = (name: keyof typeof DEFAULTS, min: number): void => {
    const v = s[name]
    if (!Number.isInteger(v) || v < min) throw new EstimateInputError('bad_option', [{ where: name, message: `${v} must be a whole number ≥ ${min}` }])
  }
  positiveInt('classes', 1)
  positiveInt('burnin', 0)
  positiveInt('thin', 1)
  positiveInt('samples', 10)
  positiveInt('chains', 1)
  if (!Number.isInteger(s.seed)) throw new EstimateInputError('bad_option', [{ where: 'seed', message: `${s.seed} must be a whole number` }])
  if (!(s.aAlpha > 0) || !(s.bAlpha > 0)) throw new EstimateInputError('bad_option', [{ where: 'aAlpha/bAlpha', message: 'the Gamma prior on α needs positive shape and rate' }])
  if (!(s.level > 0 && s.level < 1)) throw new EstimateInputError('bad_option', [{ where: 'level', message: `interval level ${s.level} is not between 0 and 1` }])
  return s
}

/**
 * Estimates the total by the LCMCR latent-class model: seeded, reproducible Gibbs sampling.
 * Returns the posterior median, mean, credible interval, the kept draws of N and diagnostics
 * (with a warning when the chain has not mixed). Bad options throw EstimateInputError.
 *
 * @example
 * const r = estimateLcmcr(h, { seed: 7 })            // K = 10, 110,000 sweeps
 * console.log(r.estimate, r.interval, r.diagnostics.ess, r.warnings)
 */
export function estimateLcmcr(h: CaptureHistories, options: LcmcrOptions = {}): LcmcrEstimate {
  const s = checkOptions(options)
  const draws = new Float64Array(s.samples * s.chains)
  const warnings: string[] = []
  let lastClassUsed = false
  for (let chain = 0; chain < s.chains; chain++) {
    const sampler = new LcmcrSampler(h, s.classes, s.aAlpha, s.bAlpha, (s.seed + chain) | 0)
    sampler.warmUp(WARMUP)
    for (let i = 0; i < s.burnin; i++) sampler.sweep()
    const base = chain * s.samples
    for (let i = 0; i < s.samples; i++) {
      for (let t = 0; t < s.thin; t++) sampler.sweep()
      draws[base + i] = h.observed + sampler.n0
    }
    if (sampler.highestUsedClass() === s.classes - 1) lastClassUsed = true
  }
  const sorted = Float64Array.from(draws).sort()
  const tail = (1 - s.level) / 2
  const diagnostics = diagnose(draws, s.chains)
  if (!diagnostics.mixed) {
    warnings.push(
      `the sampler has not mixed (effective sample size ${Math.round(diagnostics.ess)}, halves differ by z = ${diagnostics.halvesZ.toFixed(1)}, R-hat ${diagnostics.rhat.toFixed(2)}` +
        (s.chains > 1 ? `, chain medians ${diagnostics.chainMedians.map((m) => Math.round(m)).join(', ')}` : '') +
        '): run longer (more burn-in and thinning) or more chains before using these numbers',
    )
  }
  if (h.lists.length < 3 && s.classes > 1) {
    warnings.push('with only 2 lists the latent classes cannot be told apart from dependence between the lists: the result mostly reflects the prior; prefer the log-linear (Lincoln–Petersen) estimate')
  }
  if (lastClassUsed) {
    warnings.push(`the last of the ${s.classes} latent classes was in use: the truncation K may be too small; rerun with more classes`)
  }
  return {
    kind: 'estimate',
    method: 'lcmcr',
    lists: h.lists,
    observed: h.observed,
    estimate: quantileSorted(sorted, 0.5),
    mean: draws.reduce((a, b) => a + b, 0) / draws.length,
    interval: [quantileSorted(sorted, tail), quantileSorted(sorted, 1 - tail)],
    level: s.level,
    intervalMethod: 'posterior-quantiles',
    draws,
    diagnostics,
    settings: { ...s, sweeps: WARMUP + s.burnin + s.thin * s.samples },
    warnings,
  }
}

/**
 * The Gibbs sampler state on flat typed arrays. Exported for the benchmark and tests; most code
 * wants `estimateLcmcr`.
 *
 * @example
 * const g = new LcmcrSampler(h, 10, 0.25, 0.25, 1)
 * g.warmUp(500); for (let i = 0; i < 1000; i++) g.sweep(); g.n0
 */
export class LcmcrSampler {
  /** Current number of people on no list. */
  n0 = 0
  /** Current concentration of the stick-breaking prior. */
  alpha: number
  private readonly j: number
  private readonly k: number
  private readonly m: number
  private readonly n: number
  private readonly aAlpha: number
  private readonly bAlpha: number
  private readonly rng: Rng
  /** cells[m * J + j] ∈ {0, 1}: distinct observed histories. */
  private readonly cells: Uint8Array
  private readonly freq: Int32Array
  /** masks[m]: history m as a bitmask (bit j = on list j). */
  private readonly masks: Int32Array
  /**
   * Per-sweep table of ν_c × P(history | class c) for every one of the 2^J histories, when that
   * is cheaper than one product per distinct history (2^J ≤ M · J); null otherwise.
   */
  private readonly table: Float64Array | null
  /** lambda[j * K + k]: capture probability of list j in class k. */
  private readonly lambda: Float64Array
  private readonly nu: Float64Array
  /** countZ[m * K + k]: people with history m in class k. */
  private readonly countZ: Int32Array
  private readonly count0: Int32Array
  private readonly countK: Int32Array
  /** on[j * K + k]: people in class k on list j (observed only; off-list adds the missed). */
  private readonly on: Int32Array
  private readonly probs: Float64Array
  private readonly cum: Float64Array
  /** Histories with at most this many people get per-person class draws instead of binomials. */
  private readonly perPersonLimit: number
  private probZero = 0
  private sumLog1mV = 0

  constructor(h: CaptureHistories, classes: number, aAlpha: number, bAlpha: number, seed: number) {
    this.j = h.lists.length
    this.k = classes
    this.m = h.masks.length
    this.n = h.observed
    this.aAlpha = aAlpha
    this.bAlpha = bAlpha
    this.rng = new Rng(seed)
    const { j, k, m } = this
    this.cells = new Uint8Array(m * j)
    for (let i = 0; i < m; i++) for (let b = 0; b < j; b++) this.cells[i * j + b] = (h.masks[i]! >> b) & 1
    this.freq = Int32Array.from(h.counts)
    this.masks = Int32Array.from(h.masks)
    this.table = j <= 16 && 1 << j <= m * j ? new Float64Array((1 << j) * k) : null
    this.lambda = new Float64Array(j * k)
    this.nu = new Float64Array(k)
    this.countZ = new Int32Array(m * k)
    this.count0 = new Int32Array(k)
    this.countK = new Int32Array(k)
    this.on = new Int32Array(j * k)
    this.probs = new Float64Array(k)
    this.cum = new Float64Array(k)
    this.perPersonLimit = PER_PERSON_FACTOR * k
    // Start as LCMCR does: λ at each list's observed share, weights mostly on 4 classes.
    for (let b = 0; b < j; b++) {
      let onList = 0
      for (let i = 0; i < m; i++) if (this.cells[i * j + b]) onList += this.freq[i]!
      this.lambda.fill(onList / this.n, b * k, (b + 1) * k)
    }
    this.alpha = 0.3 / k
    for (let c = 0; c < k; c++) {
      this.nu[c] = c < 4 ? 0.25 * 0.9 : 0.1 / (k - 4)
      if (k <= 4) this.nu[c] = 1 / k
    }
  }

  /** Sweeps without updating α (LCMCR's warm-up), then orders classes by weight. */
  warmUp(sweeps: number): void {
    for (let i = 0; i < sweeps; i++) {
      this.sampleClassCounts()
      this.sampleLambda()
      this.sampleNu()
      this.sampleMissing()
    }
    this.orderClassesByWeight()
  }

  /** One full Gibbs sweep, in the reference implementation's order. */
  sweep(): void {
    this.sampleClassCounts()
    this.sampleLambda()
    this.sampleNu()
    this.sampleMissing()
    this.sampleAlpha()
  }

  /** Classes of the observed: per distinct history, a multinomial over classes. */
  private sampleClassCounts(): void {
    const { j, k, m, cells, freq, lambda, nu, probs, cum, countZ, rng, on, table, masks } = this
    on.fill(0)
    if (table !== null) {
      // table[mask * K + c] = ν_c Π_b (λ_bc or 1 − λ_bc), built by doubling over the lists: the
      // factors are multiplied in the same order as the direct product below (ν, then list 0,
      // 1, …), so the values are bit-identical, for 2^J · K products instead of M · J · K.
      for (let c = 0; c < k; c++) {
        table[c] = nu[c]!
        for (let b = 0, span = 1; b < j; b++, span <<= 1) {
          const l = lambda[b * k + c]!
          const ml = 1 - l
          for (let x = 0; x < span; x++) {
            const t = table[x * k + c]!
            table[(x + span) * k + c] = t * l
            table[x * k + c] = t * ml
          }
        }
      }
    }
    for (let i = 0; i < m; i++) {
      const row = i * j
      if (table !== null) {
        const base = masks[i]! * k
        for (let c = 0; c < k; c++) probs[c] = table[base + c]!
      } else {
        for (let c = 0; c < k; c++) {
          let p = nu[c]!
          for (let b = 0; b < j; b++) {
            const l = lambda[b * k + c]!
            p *= cells[row + b] ? l : 1 - l
          }
          probs[c] = p
        }
      }
      const f = freq[i]!
      const off = i * k
      if (f <= this.perPersonLimit) {
        // Few people with this history: one categorical draw each is cheaper than K − 1
        // binomials (and is the same multinomial distribution).
        let total = 0
        for (let c = 0; c < k; c++) {
          total += probs[c]!
          cum[c] = total
        }
        countZ.fill(0, off, off + k)
        for (let p = 0; p < f; p++) {
          const u = rng.uniform() * total
          let c = 0
          while (c < k - 1 && u >= cum[c]!) c++
          countZ[off + c] = countZ[off + c]! + 1
        }
      } else {
        rng.multinomial(f, probs, k, countZ, off)
      }
      // Tabulate on-list counts here (saves a second pass over histories).
      for (let b = 0; b < j; b++) {
        if (!cells[row + b]) continue
        const ob = b * k
        for (let c = 0; c < k; c++) on[ob + c] = on[ob + c]! + countZ[off + c]!
      }
    }
  }

  /** λ_jk ~ Beta(1 + on list, 1 + off list), the missed people being off every list. */
  private sampleLambda(): void {
    const { j, k, m, countZ, count0, countK, on, lambda, rng } = this
    countK.set(count0)
    for (let i = 0; i < m; i++) {
      const off = i * k
      for (let c = 0; c < k; c++) countK[c] = countK[c]! + countZ[off + c]!
    }
    for (let b = 0; b < j; b++) {
      for (let c = 0; c < k; c++) {
        const yes = on[b * k + c]!
        const no = countK[c]! - yes
        lambda[b * k + c] = rng.beta(1 + yes, 1 + no)
      }
    }
  }

  /**
   * Stick-breaking weights: V_k ~ Beta(1 + n_k, α + Σ_{h>k} n_h) as X / (X + Y) with X, Y gamma
   * draws. While both shapes are ≥ 1 the draws cannot underflow and the product of the (1 − V)
   * is kept in linear space (one log per class, for Σ log(1 − V) of the α update); when the
   * second shape is below 1 (α with every later class empty) Y can underflow, and that step is
   * done in log space.
   */
  private sampleNu(): void {
    const { k, countK, nu, rng } = this
    let acc = 0
    let logRest = 0
    let rest = 1
    const total = this.n + this.n0
    const alpha = this.alpha
    for (let c = 0; c < k - 1; c++) {
      acc += countK[c]!
      const shape2 = alpha + (total - acc)
      if (shape2 >= 1) {
        const x = rng.gamma(1 + countK[c]!)
        const y = rng.gamma(shape2)
        const sum = x + y
        nu[c] = (x / sum) * rest
        const oneMinusV = y / sum
        rest *= oneMinusV
        logRest += Math.log(oneMinusV)
      } else {
        const g1 = rng.logGamma(1 + countK[c]!)
        const g2 = rng.logGamma(shape2)
        const lsum = g1 > g2 ? g1 + Math.log1p(Math.exp(g2 - g1)) : g2 + Math.log1p(Math.exp(g1 - g2))
        nu[c] = Math.exp(g1 - lsum + logRest)
        logRest += g2 - lsum
        rest = Math.exp(logRest)
      }
    }
    nu[k - 1] = rest
    this.sumLog1mV = logRest
  }

  /** n0 ~ NegBin(n, 1 − P(missed)), then the classes of the missed ~ Multinomial. */
  private sampleMissing(): void {
    const { j, k, lambda, nu, probs, rng } = this
    let p0 = 0
    for (let c = 0; c < k; c++) {
      let p = nu[c]!
      for (let b = 0; b < j; b++) p *= 1 - lambda[b * k + c]!
      probs[c] = p
      p0 += p
    }
    this.probZero = p0
    this.n0 = rng.negativeBinomial(this.n, 1 - p0)
    rng.multinomial(this.n0, probs, k, this.count0, 0)
  }

  private sampleAlpha(): void {
    this.alpha = this.rng.gamma(this.aAlpha + this.k - 1) / (this.bAlpha - this.sumLog1mV)
  }

  private orderClassesByWeight(): void {
    const { j, k, m } = this
    const order = Array.from({ length: k }, (_, c) => c).sort((a, b) => this.nu[b]! - this.nu[a]!)
    const perm = <T extends Float64Array | Int32Array>(arr: T, rows: number): void => {
      const copy = arr.slice() as T
      for (let r = 0; r < rows; r++) for (let c = 0; c < k; c++) arr[r * k + c] = copy[r * k + order[c]!]!
    }
    perm(this.lambda, j)
    perm(this.countZ, m)
    perm(this.on, j)
    perm(this.nu, 1)
    perm(this.count0, 1)
    perm(this.countK, 1)
  }

  /** Index of the highest class holding anyone (after the last sweep). */
  highestUsedClass(): number {
    let hi = 0
    for (let c = 0; c < this.k; c++) if (this.countK[c]! > 0) hi = c
    return hi
  }

  /** Probability of being on no list at the current state (diagnostic). */
  get probabilityMissed(): number {
    return this.probZero
  }
}

// ---------------------------------------------------------------------------------------------
// Diagnostics

/**
 * Effective sample size by Geyer's (1992) initial positive sequence estimator: sums
 * autocorrelations in adjacent pairs while the pair sums stay positive.
 *
 * @example effectiveSampleSize(Float64Array.from({ length: 1000 }, Math.random)) // ≈ 1000
 */
export function effectiveSampleSize(x: ArrayLike<number>): number {
  const n = x.length
  if (n < 4) return n
  let mean = 0
  for (let i = 0; i < n; i++) mean += x[i] as number
  mean /= n
  const acov = (lag: number): number => {
    let s = 0
    for (let i = 0; i + lag < n; i++) s += ((x[i] as number) - mean) * ((x[i + lag] as number) - mean)
    return s / n
  }
  const v0 = acov(0)
  if (!(v0 > 0)) return n
  // Γ_m = ρ_2m + ρ_2m+1 (ρ_0 = 1); τ = −1 + 2 Σ Γ_m over the initial positive, monotone run.
  let sum = 0
  let prev = Infinity
  for (let lag = 0; lag + 1 < n; lag += 2) {
    let pair = (acov(lag) + acov(lag + 1)) / v0
    if (!(pair > 0)) break
    pair = Math.min(pair, prev)
    prev = pair
    sum += pair
  }
  const tau = Math.max(-1 + 2 * sum, 1e-9)
  return Math.min(n, n / tau)
}

function halfStats(x: Float64Array): { median: number; mean: number; variance: number; ess: number } {
  const sorted = Float64Array.from(x).sort()
  let mean = 0
  for (const v of x) mean += v
  mean /= x.length
  let variance = 0
  for (const v of x) variance += (v - mean) * (v - mean)
  variance /= Math.max(1, x.length - 1)
  return { median: quantileSorted(sorted, 0.5), mean, variance, ess: effectiveSampleSize(x) }
}

/**
 * Split-R̂: every chain is cut in two halves and the halves are compared as separate chains
 * (between-sequence vs within-sequence variance). ≈ 1 when they agree.
 *
 * @example splitRhat(draws, 4) // draws holds 4 chains one after another
 */
export function splitRhat(draws: Float64Array, chains: number): number {
  const per = Math.floor(draws.length / chains)
  const half = Math.floor(per / 2)
  if (half < 2) return NaN
  const seqs: Float64Array[] = []
  for (let c = 0; c < chains; c++) {
    seqs.push(draws.subarray(c * per, c * per + half), draws.subarray(c * per + half, c * per + 2 * half))
  }
  const means = seqs.map((q) => q.reduce((a, b) => a + b, 0) / q.length)
  const vars = seqs.map((q, i) => q.reduce((a, b) => a + (b - means[i]!) * (b - means[i]!), 0) / (q.length - 1))
  const m = seqs.length
  const grand = means.reduce((a, b) => a + b, 0) / m
  const between = (half * means.reduce((a, b) => a + (b - grand) * (b - grand), 0)) / (m - 1)
  const within = vars.reduce((a, b) => a + b, 0) / m
  if (!(within > 0)) return between > 0 ? Infinity : 1
  const varPlus = ((half - 1) / half) * within + between / half
  return Math.sqrt(varPlus / within)
}

function diagnose(draws: Float64Array, chains: number): LcmcrDiagnostics {
  const per = draws.length / chains
  let ess = 0
  let zMax = 0
  let firstHalfMedian = NaN
  let secondHalfMedian = NaN
  const chainMedians: number[] = []
  for (let c = 0; c < chains; c++) {
    const x = draws.subarray(c * per, (c + 1) * per)
    const half = Math.floor(x.length / 2)
    const a = halfStats(x.subarray(0, half))
    const b = halfStats(x.subarray(half))
    const se = Math.sqrt(a.variance / Math.max(1, a.ess) + b.variance / Math.max(1, b.ess))
    const z = se > 0 ? (a.mean - b.mean) / se : 0
    if (c === 0 || Math.abs(z) > Math.abs(zMax)) {
      zMax = z
      firstHalfMedian = a.median
      secondHalfMedian = b.median
    }
    ess += effectiveSampleSize(x)
    chainMedians.push(quantileSorted(Float64Array.from(x).sort(), 0.5))
  }
  const rhat = splitRhat(draws, chains)
  // R̂ compares means against within-chain variance; with N's long upper tail it can stay below
  // 1.1 while chains sit in different modes. Medians are robust to the tail: chains whose
  // medians differ by more than 5 % have not found the same posterior.
  const medianSpread = chains > 1 ? (Math.max(...chainMedians) - Math.min(...chainMedians)) / quantileSorted(Float64Array.from(chainMedians).sort(), 0.5) : 0
  const mixed = ess >= 100 && Math.abs(zMax) <= 3 && rhat <= 1.1 && medianSpread <= 0.05
  return { ess, firstHalfMedian, secondHalfMedian, halvesZ: zMax, rhat, chainMedians, mixed }
}
