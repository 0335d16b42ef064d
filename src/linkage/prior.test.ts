import { test } from 'node:test'
import assert from 'node:assert/strict'
import { binOf, HISTOGRAM_BINS, solveLambda, solvePriors, type PriorInput } from './prior.js'

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
 * Lists 0 and 1 of 1,000 records (and `empty` more lists of none); candidate pairs of given
 * evidence between the lists and within each list (records are only indices: which records a
 * pair names does not matter here).
 */
function input(groups: readonly { lists: [number, number]; evidence: number; count: number }[], empty = 0): PriorInput {
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
  return {
    list,
    listSize: [1000, 1000, ...Array.from({ length: empty }, () => 0)],
    a: Int32Array.from(a),
    b: Int32Array.from(b),
    evidence: (k) => evidence[k] as number,
    fitWeight: () => 1,
    decidedSame: [],
    lambda: 1e-4,
  }
}

// Certain matches (+40 bits) and certain non-matches (−40): every fixed point is a count.
const GROUPS: { lists: [number, number]; evidence: number; count: number }[] = [
  { lists: [0, 1], evidence: 40, count: 500 },
  { lists: [0, 1], evidence: -40, count: 9_500 },
  { lists: [0, 0], evidence: 40, count: 10 },
  { lists: [0, 0], evidence: -40, count: 9_990 },
  // List 1 has too few pairs of its own: it gets the prior of pairs within a list.
  { lists: [1, 1], evidence: 40, count: 5 },
  { lists: [1, 1], evidence: -40, count: 95 },
]
const close = (x: number, y: number, what: string): void => assert.ok(Math.abs(x / y - 1) < 1e-3, `${what}: ${x} against ${y}`)
const oddsOf = (p: number): number => p / (1 - p)

test('priors: a list with few duplicates gets a prior far below the lists that share their deaths', () => {
  const priors = solvePriors(input(GROUPS))
  const pooled = 515 / ((2000 * 1999) / 2)
  close(priors.pooled, pooled, 'pooled')
  // A kind is pulled towards the pooled prior, a pair of lists towards its kind, by 20 pseudo-matches.
  const across = 520 / (1_000_000 + 20 / pooled)
  const within = 35 / (2 * 499_500 + 20 / pooled)
  close(priors.across, across, 'across')
  close(priors.within, within, 'within')
  const odds = (la: number, lb: number): number => Math.pow(2, priors.log2Odds(la, lb))
  close(odds(0, 1), oddsOf(520 / (1_000_000 + 20 / across)), 'lists 0 and 1')
  assert.equal(priors.log2Odds(1, 0), priors.log2Odds(0, 1))
  close(odds(0, 0), oddsOf(30 / (499_500 + 20 / within)), 'list 0 with itself')
  close(odds(1, 1), oddsOf(within), 'list 1 with itself')
  assert.ok(odds(0, 0) < odds(0, 1) / 5)
  assert.deepEqual(
    priors.own.map((o) => o.lists),
    [
      [0, 0],
      [0, 1],
    ],
  )
  // The table gives what log2Odds gives.
  assert.equal(priors.byListPair, true)
  assert.equal(priors.table[0 * priors.lists + 1], priors.log2Odds(0, 1))
})

test('priors: with very many lists, a pair has the prior of its kind, within one list or across', () => {
  const priors = solvePriors(input(GROUPS, 300))
  assert.equal(priors.byListPair, false)
  assert.deepEqual(priors.own, [])
  close(Math.pow(2, priors.log2Odds(0, 1)), oddsOf(priors.across), 'across')
  close(Math.pow(2, priors.log2Odds(1, 1)), oddsOf(priors.within), 'within')
  close(priors.across, 520 / (1_000_000 + 20 / priors.pooled), 'across')
  assert.equal(priors.table[1], priors.log2Odds(5, 7))
})

test('priors: pairs left out of the fit (weight 0) do not count; decided ones count instead', () => {
  const base = input([
    { lists: [0, 1], evidence: 40, count: 500 },
    { lists: [0, 1], evidence: -40, count: 9_500 },
  ])
  const all = solvePriors(base).log2Odds(0, 1)
  // Half the matches left out (a reviewer decided them): the prior falls.
  const half = solvePriors({ ...base, fitWeight: (k) => (k < 250 ? 0 : 1) }).log2Odds(0, 1)
  assert.ok(half < all - 0.5, `${half} vs ${all}`)
  // Counted as decided "same" instead, they are back.
  const decidedSame = Array.from({ length: 250 }, (_, k) => [k, 1000 + k] as const)
  const back = solvePriors({ ...base, fitWeight: (k) => (k < 250 ? 0 : 1), decidedSame }).log2Odds(0, 1)
  assert.ok(Math.abs(back - all) < 1e-6, `${back} vs ${all}`)
})
