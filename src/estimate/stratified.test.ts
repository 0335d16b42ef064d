import { test } from 'node:test'
import assert from 'node:assert/strict'
import { estimateStratified, fitLoglinear } from './index.js'
import { darrochTable, diabetesTable, syntheticHistories } from './testdata.js'

test('log-linear strata: each estimated, the sum with the independent-normal interval', () => {
  const a = darrochTable()
  const b = diabetesTable()
  const model = { kind: 'hierarchical', interactions: [] } as const
  const r = estimateStratified(
    [
      { name: 'a', histories: a },
      { name: 'b', histories: b },
    ],
    { method: 'loglinear', model },
  )
  const ra = fitLoglinear(a, model)
  const rb = fitLoglinear(b, model)
  assert.ok(ra.kind === 'estimate' && rb.kind === 'estimate')
  assert.ok(r.total)
  assert.equal(r.total.intervalMethod, 'independent-normal')
  assert.ok(Math.abs(r.total.estimate - (ra.estimate + rb.estimate)) < 1e-6)
  const se = Math.sqrt(ra.se ** 2 + rb.se ** 2)
  assert.ok(Math.abs(r.total.interval[1] - (r.total.estimate + 1.959964 * se)) < 1e-3)
  assert.equal(r.total.complete, true)
  assert.equal(r.total.observed, a.observed + b.observed)
  assert.equal(r.strata.length, 2)
})

test('a stratum too sparse to estimate is reported and left out of an incomplete total', () => {
  const good = syntheticHistories(2000, [1], [[0.3, 0.3, 0.3]], 2)
  const r = estimateStratified(
    [
      { name: 'north', histories: good },
      { name: 'south', lists: ['A', 'B', 'C'], rows: [{ history: '100', count: 3 }, { history: '010', count: 2 }, { history: '001', count: 1 }] },
    ],
    { method: 'loglinear', criterion: 'bic' },
  )
  const south = r.strata.find((s) => s.name === 'south')
  assert.equal(south?.kind, 'not_estimable')
  assert.match(south?.kind === 'not_estimable' ? south.reason : '', /too sparse.*no one is on more than one list/)
  assert.equal(r.total?.complete, false)
  assert.deepEqual(r.total?.excluded, ['south'])
  assert.equal(r.total?.observedExcluded, 6)
  assert.ok(r.warnings.some((w) => /'south' could not be estimated/.test(w)))
})

test('LCMCR strata: the total is the sum of draws and covers the known total', () => {
  const north = syntheticHistories(1500, [1], [[0.35, 0.3, 0.25, 0.3]], 31)
  const south = syntheticHistories(2500, [1], [[0.4, 0.35, 0.3, 0.25]], 32)
  const r = estimateStratified(
    [
      { name: 'north', histories: north },
      { name: 'south', histories: south },
    ],
    { method: 'lcmcr', options: { burnin: 1000, thin: 10, samples: 600, seed: 3 } },
  )
  assert.ok(r.total)
  assert.equal(r.total.intervalMethod, 'sum-of-posterior-draws')
  const [n, s] = r.strata
  assert.ok(n?.kind === 'estimate' && s?.kind === 'estimate')
  // The median of a sum lies between the sum of lower ends and the sum of upper ends.
  assert.ok(r.total.estimate > n.interval[0] + s.interval[0] && r.total.estimate < n.interval[1] + s.interval[1])
  assert.ok(r.total.interval[0] <= 4000 && 4000 <= r.total.interval[1], `total interval ${r.total.interval} misses 4000`)
  // Summing independent strata narrows the relative width compared with adding the interval ends.
  assert.ok(r.total.interval[1] - r.total.interval[0] < n.interval[1] - n.interval[0] + (s.interval[1] - s.interval[0]))
})
