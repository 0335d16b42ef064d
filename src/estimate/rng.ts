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
  let size = logFactTable.length
  while (size <= k) size *= 2
  const next = new Float64Array(Math.min(size, LOG_FACTORIAL_TABLE_MAX))
  next.set(logFactTable)
  for (let i = logFactTable.length; i < next.length; i++) next[i] = next[i - 1]! + Math.log(i)
  logFactTable = next
  return logFactTable[k]!
}

function stirlingTail(k: number): number {
  if (k <= 9) return STIRLING_TAIL[k] as number
  const kp1sq = (k + 1) * (k + 1)
  return (1 / 12 - (1 / 360 - 1 / 1260 / kp1sq) / kp1sq) / (k + 1)
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
  private spare = 0
  private hasSpare = false

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

  /** Standard normal (Marsaglia's polar method; the second value is kept for the next call). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false
      return this.spare
    }
    for (;;) {
      const u = 2 * this.uniform() - 1
      const v = 2 * this.uniform() - 1
      const s = u * u + v * v
      if (s < 1 && s > 0) {
        const f = Math.sqrt((-2 * Math.log(s)) / s)
        this.spare = v * f
        this.hasSpare = true
        return u * f
      }
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
    if (a === 1) return b === 1 ? this.uniform() : 1 - Math.pow(this.uniform(), 1 / b)
    if (b === 1) return Math.pow(this.uniform(), 1 / a)
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
      const qn = Math.exp(n * Math.log1p(-p))
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
    const alpha = (2.83 + 5.1 / b) * spq
    const lpq = Math.log(p / q)
    const m = Math.floor((n + 1) * p)
    const h = logFactorialInt(m) + logFactorialInt(n - m)
    for (;;) {
      const u = this.uniform() - 0.5
      let v = this.uniform()
      const us = 0.5 - Math.abs(u)
      const k = Math.floor(((2 * a) / us + b) * u + c)
      if (k < 0 || k > n) continue
      if (us >= 0.07 && v <= vr) return k
      v = Math.log((v * alpha) / (a / (us * us) + b))
      // Exact log pmf ratio f(k)/f(m); the Stirling tails make logFactorial cheap for big n.
      const bound = h - logFactorialInt(k) - logFactorialInt(n - k) + (k - m) * lpq
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
   * does). probs need not sum to 1. Allocates nothing.
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
