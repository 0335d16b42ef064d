import { test } from 'node:test'
import assert from 'node:assert/strict'
import { LEVEL_COUNTS } from './compare.js'
import { defaultStartingM, estimateParameters, flatU, levelsOfPattern, PATTERN_COUNT, probabilityFromWeight } from './model.js'

// Known parameters (level 0 = missing never occurs here).
const TRUE_LAMBDA = 0.15
const TRUE_M = [
  [0, 0.5, 0.3, 0.1, 0.06, 0.04],
  [0, 0.95, 0.05],
  [0, 0.5, 0.3, 0.15, 0.05],
  [0, 0.6, 0.2, 0.1, 0.04, 0.01, 0.05],
  [0, 0.7, 0.1, 0.1, 0.05, 0.05],
]
const TRUE_U = [
  [0, 0.02, 0.05, 0.1, 0.23, 0.6],
  [0, 0.6, 0.4],
  [0, 0.05, 0.1, 0.2, 0.65],
  [0, 0.01, 0.02, 0.05, 0.12, 0.05, 0.75],
  [0, 0.05, 0.05, 0.2, 0.3, 0.4],
]

function expectedCounts(total: number): Float64Array {
  const counts = new Float64Array(PATTERN_COUNT)
  for (let c = 0; c < PATTERN_COUNT; c++) {
    const lv = levelsOfPattern(c)
    let pm = TRUE_LAMBDA
    let pu = 1 - TRUE_LAMBDA
    for (let k = 0; k < lv.length; k++) {
      pm *= (TRUE_M[k] as number[])[lv[k] as number] as number
      pu *= (TRUE_U[k] as number[])[lv[k] as number] as number
    }
    counts[c] = total * (pm + pu)
  }
  return counts
}

test('EM recovers λ, m and u of a known mixture from unlabelled counts', () => {
  const counts = expectedCounts(1_000_000)
  const zero = new Float64Array(PATTERN_COUNT)
  const flat = LEVEL_COUNTS.map((c) => Array.from({ length: c }, (_, l) => (l === 0 ? 0 : 1 / (c - 1))))
  const start = LEVEL_COUNTS.map((c) => Array.from({ length: c }, (_, l) => (l === 0 ? 0 : l === 1 ? 0.6 : 0.4 / (c - 2))))
  const fit = estimateParameters(counts, zero, zero, { lambda: 0.3, m: start, u: flat, maxIterations: 5000, tolerance: 1e-10 })
  assert.ok(fit.converged, `converged after ${fit.iterations} iterations`)
  assert.ok(Math.abs(fit.lambda - TRUE_LAMBDA) < 0.005, `lambda ${fit.lambda}`)
  for (let k = 0; k < TRUE_M.length; k++) {
    for (let l = 1; l < (TRUE_M[k] as number[]).length; l++) {
      assert.ok(Math.abs(((fit.m[k] as number[])[l] as number) - ((TRUE_M[k] as number[])[l] as number)) < 0.01, `m[${k}][${l}]`)
      assert.ok(Math.abs(((fit.u[k] as number[])[l] as number) - ((TRUE_U[k] as number[])[l] as number)) < 0.01, `u[${k}][${l}]`)
    }
  }
  // Agreement is evidence for a match, disagreement against.
  assert.ok(((fit.weights[0] as number[])[1] as number) > 0)
  assert.ok(((fit.weights[0] as number[])[5] as number) < 0)
})

test('fixed fields keep their parameters; inactive fields are ignored', () => {
  const counts = expectedCounts(100_000)
  const zero = new Float64Array(PATTERN_COUNT)
  const fit = estimateParameters(counts, zero, zero, {
    lambda: 0.2,
    m: TRUE_M,
    u: TRUE_U,
    maxIterations: 500,
    tolerance: 1e-9,
    fixedM: [true, true, true, true, true],
    fixedU: [true, true, true, true, true],
  })
  assert.deepEqual(fit.m, TRUE_M)
  assert.ok(Math.abs(fit.lambda - TRUE_LAMBDA) < 1e-3)
})

test('labelled pairs pull the estimate: all-"same" labels make λ large', () => {
  const counts = new Float64Array(PATTERN_COUNT)
  const same = expectedCounts(1000)
  const zero = new Float64Array(PATTERN_COUNT)
  const fit = estimateParameters(counts, same, zero, { lambda: 0.1, m: TRUE_M, u: TRUE_U, maxIterations: 50, tolerance: 1e-9 })
  assert.ok(fit.lambda > 0.99)
})

test('probability from weight is the logistic of log2 odds', () => {
  assert.equal(probabilityFromWeight(0), 0.5)
  assert.ok(Math.abs(probabilityFromWeight(1) - 2 / 3) < 1e-12)
  assert.ok(probabilityFromWeight(-20) < 1e-5)
})

test('the starting m and the flat u have one probability per level of every field', () => {
  for (const start of [defaultStartingM(), flatU()]) {
    assert.deepEqual(start.map((row) => row.length), LEVEL_COUNTS)
    for (const row of start) assert.ok(Math.abs(row.reduce((x, y) => x + y, 0) - 1) < 1e-9)
  }
})
