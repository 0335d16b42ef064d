// A small, fast, seeded random number generator and the samplers the Gibbs sampler needs.
// Seeded runs must be reproducible bit for bit on every machine, so nothing here touches
// Math.random; the generator is xoshiro128** (Blackman & Vigna), seeded through splitmix32.
// The samplers are exact (rejection or inversion), never normal approximations: an approximate
// binomial would silently bias the posterior of the total.

import { logFactorial } from './special.js'

const TWO_POW_M32 = 1 / 4294967296

/** Stirling tail δ(k) = log k! − [(k + ½) log(k + 1) − (k + 1) + ½ log 2π], exact for k ≤ 9. */
const STIRLING_TAIL = Float64Array.from({ length: 10 }, (_, k) => logFactorial(k) - ((k + 0.5) * Math.log(k + 1) - (k + 1) + 0.5 * Math.log(2 * Math.PI)))

/**
 * log k! for small integers by table (grown on demand up to LOG_FACTORIAL_TABLE_MAX): the
 * rejection samplers below need two or four of these per draw, and a lookup is ~50× cheaper
 * than a log-gamma evaluation.
 */
const LOG_FACTORIAL_TABLE_MAX = 1 << 20
let logFactTable = new Float64Array([0, 0])

function logFactorialInt(k: number): number {
  if (k < logFactTable.length) return logFactTable[k]!
  if (k >= LOG_FACTORIAL_TABLE_MAX) return logFactorialFast(k)
  return logFactorialTableTo(k)[k]!
}

/** The log k! table, grown to hold at least 0..k (k < LOG_FACTORIAL_TABLE_MAX). */
function logFactorialTableTo(k: number): Float64Array {
  if (k < logFactTable.length) return logFactTable
  let size = logFactTable.length
  while (size <= k) size *= 2
  const next = new Float64Array(Math.min(size, LOG_FACTORIAL_TABLE_MAX))
  next.set(logFactTable)
  for (let i = logFactTable.length; i < next.length; i++) next[i] = next[i - 1]! + Math.log(i)
  logFactTable = next
  return next
}

function stirlingTail(k: number): number {
  if (k <= 9) return STIRLING_TAIL[k] as number
  const kp1sq = (k + 1) * (k + 1)
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / (k + 1)
}

/**
 * Ziggurat tables for the standard normal (Marsaglia & Tsang 2000, 128 layers, right edge
 * R = 3.442619855899, layer area V = 9.91256303526217e-3), scaled for a signed 25-bit position:
 * ZIG_K[i] is the integer threshold below which the point lies inside the layer's rectangle,
 * ZIG_W[i] converts the position to x, ZIG_F[i] = exp(−x_i²/2) at the layer edge.
 */
const ZIG_R = 3.442619855899
const ZIG_K = new Int32Array(128)
const ZIG_W = new Float64Array(128)
const ZIG_F = new Float64Array(128)
{
  const v = 9.91256303526217e-3
  const m = 16777216 // 2^24: |position| ≤ 2^24
  let dn = ZIG_R
  let tn = dn
  const q = v / Math.exp(-0.5 * dn * dn)
  ZIG_K[0] = Math.floor((dn / q) * m)
  ZIG_K[1] = 0
  ZIG_W[0] = q / m
  ZIG_W[127] = dn / m
  ZIG_F[0] = 1
  ZIG_F[127] = Math.exp(-0.5 * dn * dn)
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(v / dn + Math.exp(-0.5 * dn * dn)))
    ZIG_K[i + 1] = Math.floor((dn / tn) * m)
    tn = dn
    ZIG_F[i] = Math.exp(-0.5 * dn * dn)
    ZIG_W[i] = dn / m
  }
}

/**
 * Seeded pseudo-random generator with the distributions used by the estimators.
 *
 * @example
 * const rng = new Rng(42)
 * const u = rng.uniform()          // in (0, 1)
 * const g = rng.gamma(2.5)         // Gamma(shape 2.5, rate 1)
 * const k = rng.binomial(100, 0.3)
 */
export class Rng {
  /** xoshiro128** state. A typed array keeps the words unboxed (int32 fields outside V8's small
   * integer range would be heap-allocated on every step and keep the garbage collector busy). */
  private readonly s = new Int32Array(4)

  constructor(seed: number) {
    // splitmix32 spreads any 32-bit seed over the 128-bit state (never all zero).
    let x = seed >>> 0
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0
      let z = x
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
      return z ^ (z >>> 16)
    }
    for (let i = 0; i < 4; i++) this.s[i] = next()
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1
  }

  /** Next 32 random bits as an unsigned integer. */
  nextU32(): number {
    const st = this.s
    const s0 = st[0]!
    const s1 = st[1]!
    const s2 = st[2]!
    const s3 = st[3]!
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9)
    const t = s1 << 9
    const n2 = s2 ^ s0
    const n3 = s3 ^ s1
    st[1] = s1 ^ n2
    st[0] = s0 ^ n3
    st[2] = n2 ^ t
    st[3] = rotl(n3, 11)
    return r >>> 0
  }

  /**
   * Uniform on the open interval (0, 1): (x + ½)/2³² for 32 random bits, the same resolution as
   * GSL's gsl_rng_uniform_pos with mt19937 (which R LCMCR uses); never 0 or 1, so log(u) is finite.
   */
  uniform(): number {
    return ((this.nextU32() + 0.5) * TWO_POW_M32)
  }

  /**
   * Standard normal by the ziggurat (Marsaglia & Tsang 2000, 128 layers): one 32-bit word per
   * draw in about 99 % of cases (7 bits pick the layer, the other 25 the signed position in it,
   * so the two are independent), with the exact wedge and tail corrections otherwise. It is the
   * normal inside every gamma draw, and several times cheaper than the polar method's log and
   * square root.
   */
  normal(): number {
    for (;;) {
      const w = this.nextU32() | 0
      const i = w & 127
      const j = w >> 7
      if (Math.abs(j) < ZIG_K[i]!) return j * ZIG_W[i]!
      if (i === 0) {
        // Tail beyond R (Marsaglia 1964).
        let x: number
        let y: number
        do {
          x = -Math.log(this.uniform()) / ZIG_R
          y = -Math.log(this.uniform())
        } while (y + y < x * x)
        return j > 0 ? ZIG_R + x : -ZIG_R - x
      }
      const x = j * ZIG_W[i]!
      if (ZIG_F[i]! + this.uniform() * (ZIG_F[i - 1]! - ZIG_F[i]!) < Math.exp(-0.5 * x * x)) return x
    }
  }

  /** Gamma(shape, rate 1): Marsaglia & Tsang (2000); shape < 1 by the boost G(a+1)·U^(1/a). */
  gamma(shape: number): number {
    // Shape 1 is the exponential: one uniform (empty latent classes ask for it every sweep).
    if (shape === 1) return -Math.log(this.uniform())
    if (shape < 1) return this.gamma(shape + 1) * Math.pow(this.uniform(), 1 / shape)
    const d = shape - 1 / 3
    const c = 1 / Math.sqrt(9 * d)
    for (;;) {
      let x: number
      let v: number
      do {
        x = this.normal()
        v = 1 + c * x
      } while (v <= 0)
      v = v * v * v
      const u = this.uniform()
      const x2 = x * x
      if (u < 1 - 0.0331 * x2 * x2) return d * v
      if (Math.log(u) < 0.5 * x2 + d * (1 - v + Math.log(v))) return d * v
    }
  }

  /**
   * log of a Gamma(shape, 1) draw, computed in log space so that tiny shapes (a Dirichlet-process
   * concentration near zero) do not underflow to log(0) = −∞.
   */
  logGamma(shape: number): number {
    if (shape >= 1) return Math.log(this.gamma(shape))
    return Math.log(this.gamma(shape + 1)) + Math.log(this.uniform()) / shape
  }

  /** Beta(a, b) as X / (X + Y) with X ~ Gamma(a), Y ~ Gamma(b); exact shortcuts when a or b is 1. */
  beta(a: number, b: number): number {
    // Beta(1, 1) is uniform; Beta(a, 1) = U^(1/a); Beta(1, b) = 1 − U^(1/b). Latent classes that
    // hold nobody hit these every sweep, and they cost one uniform instead of two gamma draws.
    // U^(1/b) as exp(log U / b): Math.pow is several times slower than exp and log.
    if (a === 1) return b === 1 ? this.uniform() : 1 - Math.exp(Math.log(this.uniform()) / b)
    if (b === 1) return Math.exp(Math.log(this.uniform()) / a)
    const x = this.gamma(a)
    const y = this.gamma(b)
    return x / (x + y)
  }

  /**
   * Binomial(n, p), exact: inversion when n·min(p, 1−p) < 10, otherwise Hörmann's BTRS
   * (transformed rejection with squeeze, 1993).
   */
  binomial(n: number, p: number): number {
    if (n <= 0 || p <= 0) return 0
    if (p >= 1) return n
    if (p > 0.5) return n - this.binomialLow(n, 1 - p)
    return this.binomialLow(n, p)
  }

  private binomialLow(n: number, p: number): number {
    const q = 1 - p
    const np = n * p
    if (np < 10) {
      // Inversion: walk the pmf from 0; restart in the (astronomically rare) far tail.
      // P(X = 0) = qⁿ ≥ 1 − np (Bernoulli's inequality), so a uniform below 1 − np means 0
      // without computing qⁿ: exp and log1p are the costliest part of this sampler, and the
      // unlikely latent classes ask for such near-certain zeros many times per sweep.
      const first = this.uniform()
      if (first <= 1 - np) return 0
      // Likewise qⁿ ≤ 1 − np + C(n,2)p² and P(X ≥ 2) ≤ C(n,2)p² (Bonferroni): a uniform between
      // those two bounds means X = 1, still without qⁿ (for np < 1 most of the time).
      const pair = 0.5 * n * (n - 1) * p * p
      if (first > 1 - np + pair && first <= 1 - pair) return 1
      const qn = expNonPositive(n * Math.log1p(-p))
      const r = p / q
      let reuse = true
      for (;;) {
        let u = reuse ? first : this.uniform()
        reuse = false
        let x = 0
        let px = qn
        while (u > px) {
          u -= px
          x += 1
          if (x > n) break
          px *= (r * (n - x + 1)) / x
        }
        if (x <= n) return x
      }
    }
    const spq = Math.sqrt(n * p * q)
    const b = 1.15 + 2.53 * spq
    const a = -0.0873 + 0.0248 * b + 0.01 * p
    const c = n * p + 0.5
    const vr = 0.92 - 4.2 / b
    // log(p/q) and the mode's log pmf are needed only when the squeeze fails (about a third of
    // the draws), so they are computed then, once.
    // Indexing the log k! table directly (rather than through a function returning a double)
    // keeps V8 from boxing every value on the heap.
    const lf = n < LOG_FACTORIAL_TABLE_MAX ? logFactorialTableTo(n) : null
    let setUp = false
    let lpq = 0
    let alpha = 0
    let m = 0
    let h = 0
    for (;;) {
      const u = this.uniform() - 0.5
      let v = this.uniform()
      const us = 0.5 - Math.abs(u)
      const k = Math.floor(((2 * a) / us + b) * u + c)
      if (k < 0 || k > n) continue
      if (us >= 0.07 && v <= vr) return k
      if (!setUp) {
        setUp = true
        lpq = Math.log(p / q)
        alpha = (2.83 + 5.1 / b) * spq
        m = Math.floor((n + 1) * p)
        h = lf !== null ? lf[m]! + lf[n - m]! : logFactorialFast(m) + logFactorialFast(n - m)
      }
      v = Math.log((v * alpha) / (a / (us * us) + b))
      // Exact log pmf ratio f(k)/f(m); the Stirling tails make logFactorial cheap for big n.
      const bound = lf !== null ? h - lf[k]! - lf[n - k]! + (k - m) * lpq : h - logFactorialFast(k) - logFactorialFast(n - k) + (k - m) * lpq
      if (v <= bound) return k
    }
  }

  /** Poisson(mu), exact: multiplication method for mu < 10, Hörmann's PTRS otherwise. */
  poisson(mu: number): number {
    if (!(mu > 0)) return 0
    if (mu < 10) {
      const limit = Math.exp(-mu)
      let k = 0
      let prod = this.uniform()
      while (prod > limit) {
        k += 1
        prod *= this.uniform()
      }
      return k
    }
    const slam = Math.sqrt(mu)
    const loglam = Math.log(mu)
    const b = 0.931 + 2.53 * slam
    const a = -0.059 + 0.02483 * b
    const invalpha = 1.1239 + 1.1328 / (b - 3.4)
    const vr = 0.9277 - 3.6224 / (b - 2)
    for (;;) {
      const u = this.uniform() - 0.5
      const v = this.uniform()
      const us = 0.5 - Math.abs(u)
      const k = Math.floor(((2 * a) / us + b) * u + mu + 0.43)
      if (us >= 0.07 && v <= vr) return k
      if (k < 0 || (us < 0.013 && v > us)) continue
      if (Math.log(v) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -mu + k * loglam - logFactorialInt(k)) return k
    }
  }

  /**
   * Negative binomial: the number of failures before `size` successes with success probability
   * p (GSL's convention, which LCMCR uses for the unobserved count), as a gamma–Poisson mixture.
   */
  negativeBinomial(size: number, p: number): number {
    if (p >= 1) return 0
    return this.poisson(this.gamma(size) * ((1 - p) / p))
  }

  /**
   * Multinomial(n, probs[0..k)) into out[offset..offset+k), by conditional binomials (as GSL
   * does) while many are left to place; once few people are left for the remaining classes
   * (at most 3 per class), each of them gets one categorical draw instead, which is the same
   * distribution at a fraction of the cost of one binomial per remaining class. probs need not
   * sum to 1. Allocates nothing.
   */
  multinomial(n: number, probs: Float64Array, k: number, out: Int32Array, offset: number): void {
    let total = 0
    for (let i = 0; i < k; i++) total += probs[i] as number
    let left = n
    for (let i = 0; i < k; i++) {
      if (left === 0 || total <= 0) {
        out[offset + i] = 0
        continue
      }
      if (left <= 3 * (k - i) && i < k - 1) {
        this.placeEach(left, probs, i, k, out, offset)
        return
      }
      const pi = probs[i] as number
      let x: number
      if (i === k - 1) x = left
      else {
        const ratio = pi / total
        x = ratio >= 1 ? left : this.binomial(left, ratio)
      }
      out[offset + i] = x
      left -= x
      total -= pi
    }
    if (left > 0) out[offset + k - 1] = (out[offset + k - 1] as number) + left
  }

  /** Adds `left` categorical draws over classes from..k−1 (weights probs) to out, zeroed first. */
  private placeEach(left: number, probs: Float64Array, from: number, k: number, out: Int32Array, offset: number): void {
    let rest = 0
    let last = from
    for (let c = from; c < k; c++) {
      const pc = probs[c] as number
      out[offset + c] = 0
      rest += pc
      if (pc > 0) last = c
    }
    if (!(rest > 0)) {
      // Rounding left a positive running total over classes that all have weight 0: put the
      // rest in the last class, as the binomial chain does.
      out[offset + k - 1] = left
      return
    }
    for (let t = 0; t < left; t++) {
      const u = this.uniform() * rest
      let c = from
      let acc = probs[from] as number
      while (c < last && u >= acc) acc += probs[++c] as number
      out[offset + c] = (out[offset + c] as number) + 1
    }
  }

  /** One draw from the categorical distribution with unnormalised weights w[0..k). */
  categorical(w: Float64Array, k: number): number {
    let total = 0
    for (let i = 0; i < k; i++) total += w[i] as number
    let u = this.uniform() * total
    for (let i = 0; i < k - 1; i++) {
      u -= w[i] as number
      if (u < 0) return i
    }
    return k - 1
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k))
}

/** log k! for integer k ≥ 0 via Stirling with the exact tail: cheaper than the general logGamma. */
function logFactorialFast(k: number): number {
  if (k <= 9) return logFactorial(k)
  return (k + 0.5) * Math.log(k + 1) - (k + 1) + 0.5 * Math.log(2 * Math.PI) + stirlingTail(k)
}

const POW2_NEG = Float64Array.from({ length: 1076 }, (_, i) => Math.pow(2, -i))
const LN2_HI = 6.9314718036912382e-1
const LN2_LO = 1.9082149292705877e-10

/**
 * e^y for y ≤ 0, within 5e-16 relative of Math.exp (y = k·ln 2 + r, |r| ≤ ½ ln 2, Taylor series
 * to r¹² by Estrin's scheme, times 2^k from a table): about 21 ns against Math.exp's 33 ns in a
 * micro-benchmark; the binomial inversion needs P(X = 0) = qⁿ tens of times per sweep.
 */
function expNonPositive(y: number): number {
  if (!(y > -745)) return y === y ? 0 : NaN
  const k = Math.round(y * Math.LOG2E)
  const r = y - k * LN2_HI - k * LN2_LO
  const r2 = r * r
  const r4 = r2 * r2
  const a = 1 + r + r2 * (1 / 2 + r * (1 / 6))
  const b = 1 / 24 + r * (1 / 120) + r2 * (1 / 720 + r * (1 / 5040))
  const c = 1 / 40320 + r * (1 / 362880) + r2 * (1 / 3628800 + r * (1 / 39916800)) + r4 * (1 / 479001600)
  return (a + r4 * (b + r4 * c)) * POW2_NEG[-k | 0]!
}
