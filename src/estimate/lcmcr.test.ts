// LCMCR behaviour. Reference: the R package LCMCR 0.4.14 (Manrique-Vallier 2016), run with K = 10,
// a_alpha = b_alpha = 0.25, burn-in 10,000, thinning 100, 1,000 samples on the HIV table gave
// posterior medians 10,842 and 10,922 (seeds 1 and 2) and 95 % intervals about 9,330–13,220
// (/work/shared/reference/mse-published.md). Chains differ by seed, so we compare several seeds.
// To keep the suite fast the runs here are half length (burn-in 5,000, thinning 50, 1,000 samples:
// 55,500 sweeps instead of 110,500). On this table the LCMCR posterior has a second mode (two
// latent classes: median ~12,000, upper end ~16,000) which some chains enter and keep — in our
// trials 3 of 12 seeds; R's two published seeds were both in the main mode. So we require a
// clear majority of 6 seeds (at least 4) to match R: median within 10,300–11,500 and interval
// ends within 6 % of R's, and the median of the 6 medians within 10,300–11,500.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EstimateInputError, effectiveSampleSize, estimateLcmcr, fitLoglinear, historiesFromRows, splitRhat } from './index.js'
import { Rng } from './rng.js'
import { hivTable, syntheticHistories } from './testdata.js'

const SHORT = { burnin: 2000, thin: 20, samples: 1000 } as const
const HALF = { burnin: 5000, thin: 50, samples: 1000 } as const

test('HIV: posterior of the total agrees with R LCMCR over several seeds', () => {
  const h = hivTable()
  const runs = [1, 2, 3, 4, 5, 6].map((seed) => estimateLcmcr(h, { ...HALF, seed }))
  const medians = runs.map((r) => r.estimate).sort((a, b) => a - b)
  const medianOfMedians = (medians[2]! + medians[3]!) / 2
  assert.ok(medianOfMedians >= 10300 && medianOfMedians <= 11500, `median of seed medians ${medianOfMedians}`)
  const matching = runs.filter(
    (r) =>
      r.estimate >= 10300 &&
      r.estimate <= 11500 &&
      Math.abs(r.interval[0] / 9330 - 1) <= 0.06 &&
      Math.abs(r.interval[1] / 13220 - 1) <= 0.06,
  )
  assert.ok(matching.length >= 4, `only ${matching.length} of 6 seeds match R: ${runs.map((r) => `${r.estimate} [${r.interval.map(Math.round).join(', ')}]`).join('; ')}`)
  for (const r of runs) {
    assert.equal(r.observed, 1896)
    assert.equal(r.draws.length, 1000)
    assert.ok(r.interval[0] < r.estimate && r.estimate < r.interval[1])
    assert.ok(r.draws.every((d) => Number.isInteger(d) && d >= 1896))
  }
})

test('several chains: disagreeing chains are flagged, not averaged silently', () => {
  const h = hivTable()
  const r = estimateLcmcr(h, { ...SHORT, samples: 400, seed: 1, chains: 4 })
  assert.equal(r.draws.length, 1600)
  assert.equal(r.diagnostics.chainMedians.length, 4)
  const meds = r.diagnostics.chainMedians
  const spread = Math.max(...meds) / Math.min(...meds)
  // If the chains' medians differ by more than 5 %, the run must not claim to have mixed.
  if (spread > 1.05) {
    assert.equal(r.diagnostics.mixed, false)
    assert.ok(r.warnings.some((w) => /not mixed/.test(w)))
  }
  assert.ok(r.diagnostics.rhat >= 1)
})

test('same seed, same draws; another seed, other draws', () => {
  const h = hivTable()
  const a = estimateLcmcr(h, { burnin: 200, thin: 2, samples: 100, seed: 99 })
  const b = estimateLcmcr(h, { burnin: 200, thin: 2, samples: 100, seed: 99 })
  const c = estimateLcmcr(h, { burnin: 200, thin: 2, samples: 100, seed: 100 })
  assert.deepEqual(Array.from(a.draws), Array.from(b.draws))
  assert.notDeepEqual(Array.from(a.draws), Array.from(c.draws))
  assert.equal(a.settings.sweeps, 500 + 200 + 200)
  assert.equal(a.settings.classes, 10)
})

test('with one latent class LCMCR is the independence model: it agrees with the log-linear fit', () => {
  // K = 1 removes the mixture; with flat priors the posterior of N must then match the
  // independence log-linear estimate and its profile interval (large-sample agreement). This
  // checks the n0, λ and imputation steps of the sampler against an independent method.
  const h = syntheticHistories(3000, [1], [[0.3, 0.25, 0.2, 0.35]], 5)
  const bayes = estimateLcmcr(h, { classes: 1, burnin: 1000, thin: 5, samples: 3000, seed: 1 })
  const mle = fitLoglinear(h, { kind: 'hierarchical', interactions: [] })
  assert.equal(mle.kind, 'estimate')
  if (mle.kind !== 'estimate') return
  assert.ok(Math.abs(bayes.estimate / mle.estimate - 1) < 0.01, `median ${bayes.estimate} vs MLE ${mle.estimate}`)
  assert.ok(Math.abs(bayes.interval[0] / mle.interval[0] - 1) < 0.02, `lower ${bayes.interval[0]} vs ${mle.interval[0]}`)
  assert.ok(Math.abs(bayes.interval[1] / mle.interval[1] - 1) < 0.02, `upper ${bayes.interval[1]} vs ${mle.interval[1]}`)
})

test('known truth: heterogeneous capture (two classes) is covered where independence is not', () => {
  // 30 % of people are hard to reach (every list rarely records them): the classic case where
  // assuming independent lists underestimates. True total 5,000.
  const h = syntheticHistories(
    5000,
    [0.7, 0.3],
    [
      [0.45, 0.4, 0.35, 0.5],
      [0.15, 0.12, 0.2, 0.15],
    ],
    21,
  )
  const indep = fitLoglinear(h, { kind: 'hierarchical', interactions: [] })
  assert.ok(indep.kind === 'estimate' && indep.interval[1] < 5000, 'the independence model should miss the truth here')
  const r = estimateLcmcr(h, { burnin: 5000, thin: 50, samples: 1000, seed: 5 })
  assert.ok(r.interval[0] <= 5000 && 5000 <= r.interval[1], `interval ${r.interval} misses 5000 (median ${r.estimate})`)
  assert.ok(r.estimate > indep.estimate)
})

test('a chain far too short is flagged as not mixed', () => {
  const h = hivTable()
  const r = estimateLcmcr(h, { burnin: 0, thin: 1, samples: 60, seed: 3 })
  assert.equal(r.diagnostics.mixed, false)
  assert.ok(r.diagnostics.ess < 100)
  assert.ok(r.warnings.some((w) => /not mixed/.test(w)))
})

test('diagnostics: ESS of white noise is about n, of a sticky chain far less; R-hat sees shifted halves', () => {
  const rng = new Rng(4)
  const white = Float64Array.from({ length: 2000 }, () => rng.normal())
  const ess = effectiveSampleSize(white)
  assert.ok(ess > 1500 && ess <= 2000, `white noise ESS ${ess}`)
  const ar = new Float64Array(2000)
  for (let i = 1; i < ar.length; i++) ar[i] = 0.95 * ar[i - 1]! + rng.normal()
  // AR(1) with φ = 0.95: ESS ≈ n(1 − φ)/(1 + φ) ≈ 51.
  const essAr = effectiveSampleSize(ar)
  assert.ok(essAr > 20 && essAr < 120, `AR(1) ESS ${essAr}`)
  assert.ok(Math.abs(splitRhat(white, 1) - 1) < 0.02)
  const shifted = Float64Array.from(white, (v, i) => v + (i >= 1000 ? 3 : 0))
  assert.ok(splitRhat(shifted, 1) > 1.3)
})

test('two lists: the latent-class result is flagged as prior-driven', () => {
  const h = historiesFromRows(['A', 'B'], [
    { history: '11', count: 167 },
    { history: '10', count: 781 },
    { history: '01', count: 254 },
  ])
  const r = estimateLcmcr(h, { burnin: 200, thin: 2, samples: 100, seed: 1 })
  assert.ok(r.warnings.some((w) => /only 2 lists/.test(w)))
})

test('bad options are input errors', () => {
  const h = hivTable()
  assert.throws(() => estimateLcmcr(h, { classes: 0 }), (e: unknown) => e instanceof EstimateInputError && /classes/.test(e.message))
  assert.throws(() => estimateLcmcr(h, { thin: 0 }), EstimateInputError)
  assert.throws(() => estimateLcmcr(h, { level: 1.5 }), EstimateInputError)
})
