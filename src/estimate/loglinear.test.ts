// Published log-linear results reproduced. Source for every figure: the R package Rcapture's own
// regression tests and examples (inst/tests/testPapersResults.R, tests/Examples/Rcapture-Ex.Rout.save),
// as collected in /work/shared/reference/mse-published.md, which reproduce:
//   HIV: Abeni, Brancato & Perucci (1994); Diabetes: Bruno et al. (1994); Darroch et al. (1993).
// Tolerances: estimates 0.5 %, SE 2 %, deviance 0.05 (absolute), interval ends 1 %.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  EstimateInputError,
  LoglinearEstimate,
  LoglinearResult,
  fitLoglinear,
  forEachHierarchicalModel,
  historiesFromRows,
  parseModel,
  selectLoglinear,
} from './index.js'
import { darrochTable, diabetesTable, hivTable, syntheticHistories } from './testdata.js'

function estimated(r: LoglinearResult): LoglinearEstimate {
  assert.equal(r.kind, 'estimate', r.kind === 'not_estimable' ? r.detail : '')
  return r as LoglinearEstimate
}

function near(actual: number, expected: number, relTol: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= relTol * Math.abs(expected), `${what}: ${actual} vs published ${expected} (tolerance ${relTol * 100} %)`)
}

function reproduces(r: LoglinearEstimate, pub: { n: number; se: number; deviance?: number; df?: number }): void {
  near(r.estimate, pub.n, 0.005, `${r.modelName} estimate`)
  near(r.se, pub.se, 0.02, `${r.modelName} SE`)
  if (pub.deviance !== undefined) assert.ok(Math.abs(r.deviance - pub.deviance) <= 0.05, `${r.modelName} deviance ${r.deviance} vs ${pub.deviance}`)
  if (pub.df !== undefined) assert.equal(r.df, pub.df)
}

test('HIV (Abeni et al. 1994): independence + c1:c2 → 12,318.5 (SE 1,188.7), profile CI 10,266–14,992.3', () => {
  const h = hivTable()
  const r = estimated(fitLoglinear(h, parseModel('c1:c2', h.lists)))
  reproduces(r, { n: 12318.5, se: 1188.7, deviance: 7.614, df: 9 })
  near(r.interval[0], 10266, 0.01, 'lower end')
  near(r.interval[1], 14992.3, 0.01, 'upper end')
  // Rcapture-Ex.Rout.save prints AIC 86.65 for this model.
  assert.ok(Math.abs(r.aic - 86.65) < 0.01, `AIC ${r.aic}`)
  assert.equal(r.observed, 1896)
})

test('HIV: all two-way interactions → 23,443.5 (SE 9,594.9), deviance 3.037 on 4 df', () => {
  const h = hivTable()
  const r = estimated(fitLoglinear(h, parseModel('c1:c2,c1:c3,c1:c4,c2:c3,c2:c4,c3:c4', h.lists)))
  reproduces(r, { n: 23443.5, se: 9594.9, deviance: 3.037, df: 4 })
  // Rcapture-Ex.Rout.save: AIC 92.073, profile interval 10,027.6–50,046.3.
  assert.ok(Math.abs(r.aic - 92.073) < 0.01, `AIC ${r.aic}`)
  near(r.interval[0], 10027.6, 0.01, 'lower end')
  near(r.interval[1], 50046.3, 0.01, 'upper end')
})

test('Diabetes (Bruno et al. 1994): two published models', () => {
  const h = diabetesTable()
  reproduces(estimated(fitLoglinear(h, parseModel('c1:c2,c1:c3,c2:c3,c2:c4,c3:c4', h.lists))), { n: 2771, se: 145, deviance: 7.62, df: 5 })
  reproduces(estimated(fitLoglinear(h, parseModel('c1:c3,c2:c4,c3:c4', h.lists))), { n: 2472, se: 53, deviance: 21.97, df: 7 })
})

test('Darroch et al. (1993): saturated → 1,240 (SE 451); c1:c2 + c2:c3 → 850 (SE 186), deviance 3.8 on 1 df', () => {
  const h = darrochTable()
  const sat = estimated(fitLoglinear(h, parseModel('c1:c2,c1:c3,c2:c3', h.lists)))
  reproduces(sat, { n: 1240, se: 451, df: 0 })
  assert.ok(sat.deviance < 1e-6, 'a saturated model fits exactly')
  assert.ok(sat.warnings.some((w) => /saturated/.test(w)))
  reproduces(estimated(fitLoglinear(h, parseModel('c1:c2,c2:c3', h.lists))), { n: 850, se: 186, deviance: 3.8, df: 1 })
})

test('two lists: the Lincoln–Petersen estimate n1·n2/m (Seber 1982 p.107, Rcapture Mt 2,389.9, SE 130.4)', () => {
  const h = historiesFromRows(['A', 'B'], [
    { history: '11', count: 167 },
    { history: '10', count: 781 },
    { history: '01', count: 254 },
  ])
  const r = estimated(fitLoglinear(h, { kind: 'hierarchical', interactions: [] }))
  near(r.estimate, ((167 + 781) * (167 + 254)) / 167, 1e-9, 'Lincoln–Petersen')
  reproduces(r, { n: 2389.9, se: 130.4, deviance: 0, df: 0 })
})

test('the highest interaction is not identifiable; an empty margin is named', () => {
  const d = darrochTable()
  const sat = fitLoglinear(d, parseModel('c1:c2:c3', d.lists))
  assert.equal(sat.kind, 'not_estimable')
  assert.equal(sat.kind === 'not_estimable' && sat.reason, 'not_identifiable')
  const h = hivTable() // nobody is on c1, c3 and c4 together (cells 1111 and 1011 are 0)
  const zero = fitLoglinear(h, parseModel('c1:c3:c4', h.lists))
  assert.equal(zero.kind, 'not_estimable')
  if (zero.kind === 'not_estimable') {
    assert.equal(zero.reason, 'zero_margin')
    assert.match(zero.detail, /c1 and c3 and c4/)
  }
})

test('heterogeneity models: nested in their base model, and undefined for 2 lists', () => {
  const h = darrochTable()
  const indep = estimated(fitLoglinear(h, { kind: 'hierarchical', interactions: [] }))
  for (const form of ['chao', 'poisson', 'darroch'] as const) {
    const r = fitLoglinear(h, { kind: 'heterogeneity', form, listEffects: true })
    if (r.kind !== 'estimate') continue
    // Mth adds one heterogeneity parameter to the independence (Mt) model: it cannot fit worse.
    assert.ok(r.deviance <= indep.deviance + 1e-9, `${r.modelName} deviance ${r.deviance} > ${indep.deviance}`)
    assert.ok(r.df === indep.df - 1 || r.df === indep.df, `${r.modelName} df`)
    assert.ok(r.estimate >= h.observed)
  }
  // Positive dependence between the three Darroch lists makes Mth Poisson estimate more than Mt.
  const poisson = estimated(fitLoglinear(h, { kind: 'heterogeneity', form: 'poisson', listEffects: true }))
  assert.ok(poisson.estimate > indep.estimate)
  const two = historiesFromRows(['A', 'B'], [
    { history: '11', count: 10 },
    { history: '10', count: 20 },
    { history: '01', count: 30 },
  ])
  const r2 = fitLoglinear(two, { kind: 'heterogeneity', form: 'darroch', listEffects: true })
  assert.equal(r2.kind === 'not_estimable' && r2.reason, 'not_identifiable')
})

test('model specs: unknown list names and too many lists are input errors', () => {
  const h = hivTable()
  assert.throws(() => parseModel('c1:c9', h.lists), (e: unknown) => e instanceof EstimateInputError && /unknown list 'c9'/.test(e.message))
  assert.deepEqual(parseModel('independence', h.lists), { kind: 'hierarchical', interactions: [] })
  assert.deepEqual(parseModel('c1:c2 + c2:c3', h.lists), { kind: 'hierarchical', interactions: [0b0011, 0b0110] })
  const nine = Array.from({ length: 9 }, (_, i) => `L${i}`)
  const rows = [
    { history: '110000000', count: 4 },
    ...nine.map((_, i) => ({ history: nine.map((__, k) => (k === i ? '1' : '0')).join(''), count: 5 })),
  ]
  const big = historiesFromRows(nine, rows)
  assert.throws(() => fitLoglinear(big, { kind: 'hierarchical', interactions: [] }), (e: unknown) => e instanceof EstimateInputError && e.code === 'too_many_lists')
})

test('hierarchical model enumeration: 8, 113 and 6,893 models for 3, 4 and 5 lists', () => {
  const count = (j: number): number => {
    let c = 0
    forEachHierarchicalModel(j, () => c++)
    return c
  }
  assert.equal(count(3), 8)
  assert.equal(count(4), 113)
  assert.equal(count(5), 6893)
})

test('selection returns the model with the lowest criterion among all fitted ones', () => {
  const h = diabetesTable()
  for (const criterion of ['aic', 'bic'] as const) {
    const sel = selectLoglinear(h, { criterion })
    const best = estimated(sel.best)
    const score = (x: { aic: number; bic: number }): number => (criterion === 'aic' ? x.aic : x.bic)
    // Refit every hierarchical model independently and check none beats the selection.
    let bestScore = Infinity
    forEachHierarchicalModel(4, (interactions) => {
      const r = fitLoglinear(h, { kind: 'hierarchical', interactions: [...interactions] }, { interval: false })
      if (r.kind === 'estimate') bestScore = Math.min(bestScore, score(r))
    })
    assert.ok(Math.abs(score(best) - bestScore) < 1e-6, `${criterion}: selected ${score(best)}, best ${bestScore}`)
    assert.equal(sel.candidates.length + Object.values(sel.failures).reduce((a, b) => a + b, 0), 113)
    assert.ok(sel.closeRange[0] <= best.estimate && best.estimate <= sel.closeRange[1])
  }
})

test('selection on HIV skips the models with empty margins and keeps the published BIC/AIC choice', () => {
  const h = hivTable()
  const sel = selectLoglinear(h, { criterion: 'aic' })
  assert.ok(sel.failures.zero_margin > 0)
  assert.equal(estimated(sel.best).modelName, 'c1:c2')
})

test('with 6 lists the search is stepwise and finds the true dependence', () => {
  // Lists A and B share sources (strong positive dependence); the rest are independent.
  const h = syntheticHistories(4000, [1], [[0.3, 0.25, 0.2, 0.2, 0.15, 0.25]], 11)
  const sel = selectLoglinear(h, { criterion: 'bic' })
  assert.equal(sel.search, 'stepwise')
  const best = estimated(sel.best)
  assert.ok(best.interval[0] <= 4000 && 4000 <= best.interval[1], `interval ${best.interval} misses the truth 4000`)
})

test('independent lists: the interval covers the known total', () => {
  const h = syntheticHistories(3000, [1], [[0.3, 0.25, 0.2, 0.35]], 5)
  const r = estimated(fitLoglinear(h, { kind: 'hierarchical', interactions: [] }))
  assert.ok(r.interval[0] <= 3000 && 3000 <= r.interval[1], `interval ${r.interval} misses 3000`)
  assert.ok(r.interval[0] < r.estimate && r.estimate < r.interval[1])
})
