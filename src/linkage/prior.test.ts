import { test } from 'node:test'
import assert from 'node:assert/strict'
import { binOf, HISTOGRAM_BINS, solveLambda, solveListPairPriors, type ListPairPriorInput } from './prior.js'

test('solveLambda: certain matches among candidates give λ = matches / all pairs', () => {
  const histogram = new Float64Array(HISTOGRAM_BINS)
  histogram[binOf(40)] = 300
  histogram[binOf(-40)] = 50_000
  const lambda = solveLambda(histogram, 1e-3, 0, 1_000_000)
  assert.ok(Math.abs(lambda - 3e-4) < 1e-6, `λ = ${lambda}`)
  // Decided matches count as matches; pseudo-observations pull towards their own rate.
  assert.ok(Math.abs(solveLambda(histogram, 1e-3, 100, 1_000_000) - 4e-4) < 1e-6)
  const shrunk = solveLambda(histogram, 1e-3, 0, 1_000_000, { matches: 20, pairs: 20 / 1e-2 })
  assert.ok(Math.abs(shrunk - 320 / 1_002_000) < 1e-6, `shrunk λ = ${shrunk}`)
})

/**
 * Lists 0 and 1 of 1,000 records; candidate pairs of given evidence between the lists and within
 * each list (records are only indices: which records a pair names does not matter here).
 */
function input(groups: readonly { lists: [number, number]; evidence: number; count: number }[]): ListPairPriorInput {
  const list = new Uint16Array(2000)
  for (let i = 1000; i < 2000; i++) list[i] = 1
  const a: number[] = []
  const b: number[] = []
  const evidence: number[] = []
  for (const g of groups) {
    for (let c = 0; c < g.count; c++) {
      a.push(g.lists[0] * 1000 + (c % 1000))
      b.push(g.lists[1] * 1000 + ((c * 7 + 1) % 1000))
      evidence.push(g.evidence)
    }
  }
  let matches = 0
  for (const g of groups) if (g.evidence > 0) matches += g.count
  return {
    list,
    listSize: [1000, 1000],
    a: Int32Array.from(a),
    b: Int32Array.from(b),
    evidence: (k) => evidence[k] as number,
    fitWeight: () => 1,
    decidedSame: [],
    lambda: matches / ((2000 * 1999) / 2),
  }
}

test('priors per pair of lists: a list with few duplicates gets a prior far below the lists that share their deaths', () => {
  const priors = solveListPairPriors(
    input([
      { lists: [0, 1], evidence: 40, count: 500 },
      { lists: [0, 1], evidence: -40, count: 9_500 },
      { lists: [0, 0], evidence: 40, count: 10 },
      { lists: [0, 0], evidence: -40, count: 9_990 },
      // List 1 has too few pairs of its own: it keeps the pooled prior.
      { lists: [1, 1], evidence: 40, count: 5 },
      { lists: [1, 1], evidence: -40, count: 95 },
    ]),
  )
  const odds = (la: number, lb: number): number => Math.pow(2, priors.log2Odds(la, lb))
  const pooled = 515 / ((2000 * 1999) / 2)
  // Across: (500 + 20 pseudo-matches) / (10^6 pairs + 20 / pooled).
  const across = 520 / (1_000_000 + 20 / pooled)
  const within = 30 / ((1000 * 999) / 2 + 20 / pooled)
  assert.ok(Math.abs(odds(0, 1) / (across / (1 - across)) - 1) < 1e-3, `across ${odds(0, 1)} vs ${across}`)
  assert.equal(priors.log2Odds(1, 0), priors.log2Odds(0, 1))
  assert.ok(Math.abs(odds(0, 0) / (within / (1 - within)) - 1) < 1e-3, `within ${odds(0, 0)} vs ${within}`)
  assert.ok(odds(0, 0) < odds(0, 1) / 5)
  assert.ok(Math.abs(odds(1, 1) / (pooled / (1 - pooled)) - 1) < 1e-9)
  assert.deepEqual(
    priors.own.map((o) => o.lists),
    [
      [0, 0],
      [0, 1],
    ],
  )
})

test('priors per pair of lists: pairs left out of the fit (weight 0) do not count', () => {
  const base = input([
    { lists: [0, 1], evidence: 40, count: 500 },
    { lists: [0, 1], evidence: -40, count: 9_500 },
  ])
  const all = solveListPairPriors(base).log2Odds(0, 1)
  // Half the matches left out (a reviewer decided them): the prior falls.
  const half = solveListPairPriors({ ...base, fitWeight: (k) => (k < 250 ? 0 : 1) }).log2Odds(0, 1)
  assert.ok(half < all - 0.5, `${half} vs ${all}`)
  // Counted as decided "same" instead, they are back.
  const decidedSame = Array.from({ length: 250 }, (_, k) => [k, 1000 + k] as const)
  const back = solveListPairPriors({ ...base, fitWeight: (k) => (k < 250 ? 0 : 1), decidedSame }).log2Odds(0, 1)
  assert.ok(Math.abs(back - all) < 1e-6, `${back} vs ${all}`)
})
