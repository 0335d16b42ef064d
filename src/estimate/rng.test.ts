import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Rng } from './rng.js'
import { logFactorial, logGamma, normalQuantile, quantileSorted } from './special.js'

test('equal seeds give identical streams, different seeds differ', () => {
  const a = new Rng(42)
  const b = new Rng(42)
  const c = new Rng(43)
  const xa = Array.from({ length: 50 }, () => a.nextU32())
  const xb = Array.from({ length: 50 }, () => b.nextU32())
  const xc = Array.from({ length: 50 }, () => c.nextU32())
  assert.deepEqual(xa, xb)
  assert.notDeepEqual(xa, xc)
  for (const x of xa) assert.ok(Number.isInteger(x) && x >= 0 && x < 2 ** 32)
})

test('special functions match known values', () => {
  assert.ok(Math.abs(logGamma(0.5) - 0.5 * Math.log(Math.PI)) < 1e-13)
  assert.ok(Math.abs(logFactorial(20) - Math.log(2432902008176640000)) < 1e-12)
  assert.ok(Math.abs(logGamma(1e6) - 12815504.569147611) < 1e-6)
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-8)
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306167813) < 1e-8)
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5)
})

/** Pearson chi-square of draws against an exact pmf, over cells with expectation ≥ 5. */
function chiSquare(draw: () => number, logPmf: (k: number) => number, n: number, maxK: number): { stat: number; df: number } {
  const counts = new Float64Array(maxK + 1)
  for (let i = 0; i < n; i++) {
    const k = draw()
    if (k <= maxK) counts[k] = counts[k]! + 1
  }
  let stat = 0
  let cells = 0
  for (let k = 0; k <= maxK; k++) {
    const e = n * Math.exp(logPmf(k))
    if (e < 5) continue
    stat += (counts[k]! - e) ** 2 / e
    cells++
  }
  return { stat, df: cells - 1 }
}

// A chi-square statistic above df + 5·sqrt(2·df) would happen by chance with probability < 1e-5:
// failing it means the sampler is wrong, not unlucky.
const tooBig = (df: number): number => df + 5 * Math.sqrt(2 * df)

test('binomial draws follow the exact pmf (inversion and BTRS branches)', () => {
  const rng = new Rng(7)
  for (const [n, p] of [
    [12, 0.3],
    [80, 0.35],
    [400, 0.9],
    [3000, 0.02],
  ] as const) {
    const logPmf = (k: number): number => logFactorial(n) - logFactorial(k) - logFactorial(n - k) + k * Math.log(p) + (n - k) * Math.log1p(-p)
    const { stat, df } = chiSquare(() => rng.binomial(n, p), logPmf, 60_000, n)
    assert.ok(stat < tooBig(df), `binomial(${n}, ${p}): chi2 ${stat.toFixed(1)} on ${df} df`)
  }
})

test('Poisson and negative binomial draws follow their pmfs', () => {
  const rng = new Rng(8)
  for (const mu of [4, 45, 900]) {
    const logPmf = (k: number): number => -mu + k * Math.log(mu) - logFactorial(k)
    const { stat, df } = chiSquare(() => rng.poisson(mu), logPmf, 60_000, Math.ceil(mu * 2 + 30))
    assert.ok(stat < tooBig(df), `poisson(${mu}): chi2 ${stat.toFixed(1)} on ${df} df`)
  }
  // NB(size 30, p 0.4): failures before 30 successes.
  const size = 30
  const p = 0.4
  const logPmf = (k: number): number => logGamma(size + k) - logGamma(size) - logFactorial(k) + size * Math.log(p) + k * Math.log1p(-p)
  const { stat, df } = chiSquare(() => rng.negativeBinomial(size, p), logPmf, 60_000, 200)
  assert.ok(stat < tooBig(df), `negative binomial: chi2 ${stat.toFixed(1)} on ${df} df`)
})

test('gamma, beta and log-gamma draws have the right moments', () => {
  const rng = new Rng(9)
  const n = 100_000
  for (const shape of [0.05, 0.7, 1, 3.5, 400]) {
    let s = 0
    let s2 = 0
    for (let i = 0; i < n; i++) {
      const x = rng.gamma(shape)
      s += x
      s2 += x * x
    }
    const mean = s / n
    const variance = s2 / n - mean * mean
    // Mean within 5 standard errors; variance within 10 %.
    assert.ok(Math.abs(mean - shape) < 5 * Math.sqrt(shape / n), `gamma(${shape}) mean ${mean}`)
    assert.ok(Math.abs(variance / shape - 1) < 0.1, `gamma(${shape}) variance ${variance}`)
  }
  for (const [a, b] of [
    [1, 1],
    [1, 9],
    [6, 1],
    [3, 700],
    [40, 20],
  ] as const) {
    let s = 0
    for (let i = 0; i < n; i++) s += rng.beta(a, b)
    const mean = a / (a + b)
    const sd = Math.sqrt((a * b) / ((a + b) ** 2 * (a + b + 1)))
    assert.ok(Math.abs(s / n - mean) < 5 * (sd / Math.sqrt(n)), `beta(${a}, ${b}) mean ${s / n}`)
  }
  // log-gamma draws stay finite for tiny shapes and average to the shape on the natural scale.
  let s = 0
  for (let i = 0; i < n; i++) {
    const lg = rng.logGamma(0.01)
    assert.ok(Number.isFinite(lg))
    s += Math.exp(lg)
  }
  assert.ok(Math.abs(s / n - 0.01) < 5 * Math.sqrt(0.01 / n))
})

test('multinomial counts add up and follow the probabilities', () => {
  const rng = new Rng(10)
  const probs = Float64Array.of(0.5, 0.2, 0, 0.3)
  const out = new Int32Array(4)
  const sums = new Float64Array(4)
  for (let i = 0; i < 5000; i++) {
    rng.multinomial(200, probs, 4, out, 0)
    assert.equal(out[0]! + out[1]! + out[2]! + out[3]!, 200)
    for (let k = 0; k < 4; k++) sums[k] = sums[k]! + out[k]!
  }
  assert.equal(sums[2], 0)
  assert.ok(Math.abs(sums[0]! / (5000 * 200) - 0.5) < 0.003)
  assert.ok(Math.abs(sums[3]! / (5000 * 200) - 0.3) < 0.003)
})
