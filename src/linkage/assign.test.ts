import { test } from 'node:test'
import assert from 'node:assert/strict'
import { assignOneToOne } from './assign.js'

// Lists 0 and 1 with 1,000 records each, so that the prior odds per pair are small; only the
// records named in the pairs matter.
const list = new Uint16Array(2000)
for (let i = 1000; i < 2000; i++) list[i] = 1
const listSize = [1000, 1000]

test('one-to-one: the better of two candidates wins, a candidate taken elsewhere drops out', () => {
  // Record 0 (list 0) fits records 1000 and 1001 (list 1); 1000 a little better.
  const alone = assignOneToOne({
    a: Int32Array.of(0, 0),
    b: Int32Array.of(1000, 1001),
    evidence: Float64Array.of(21, 19),
    start: Float64Array.of(0.5, 0.2),
    list,
    listSize,
  })
  const [best, second] = alone.probability as unknown as [number, number]
  assert.ok(alone.converged)
  assert.ok(best > second, `${best} > ${second}`)
  // Now record 1 (list 0) fits 1000 firmly: 1000 is taken, and 0's match is 1001.
  const taken = assignOneToOne({
    a: Int32Array.of(0, 0, 1),
    b: Int32Array.of(1000, 1001, 1000),
    evidence: Float64Array.of(21, 19, 40),
    start: Float64Array.of(0.5, 0.2, 1),
    list,
    listSize,
  })
  const [p0, p1, firm] = taken.probability as unknown as [number, number, number]
  assert.ok(firm > 0.999, `firm ${firm}`)
  assert.ok(p0 < 0.05, `taken candidate ${p0}`)
  assert.ok(p1 > second, `free candidate ${p1} gains over ${second}`)
})

test('one-to-one: a lone plausible candidate is believed more than pairwise scoring does', () => {
  // A single candidate with evidence that pairwise scoring puts near one half: under the
  // constraint, the prior is "record 0 has a match on list 1" (about M / N), not one in N_B per
  // pair, and nobody competes, so the probability rises above the pairwise one.
  const a: number[] = [0]
  const b: number[] = [1000]
  const evidence: number[] = [16]
  const start: number[] = [0.5]
  // 400 firm matches between the lists set M, and with it the prior.
  for (let k = 1; k <= 400; k++) {
    a.push(k)
    b.push(1000 + k)
    evidence.push(40)
    start.push(1)
  }
  const r = assignOneToOne({ a: Int32Array.from(a), b: Int32Array.from(b), evidence: Float64Array.from(evidence), start: Float64Array.from(start), list, listSize })
  assert.ok((r.probability[0] as number) > 0.5, `lone candidate ${r.probability[0]}`)
  assert.ok(Math.abs((r.expectedMatches.get('0|1') as number) - 401) < 1)
})

test('one-to-one: two records of one list that are one person may both match the same record', () => {
  const input = {
    a: Int32Array.of(0, 1),
    b: Int32Array.of(1000, 1000),
    evidence: Float64Array.of(30, 30),
    start: Float64Array.of(0.99, 0.99),
    list,
    listSize,
  }
  const strangers = assignOneToOne(input)
  assert.ok((strangers.probability[0] as number) < 0.6 && (strangers.probability[1] as number) < 0.6, 'without duplicates they compete')
  const duplicates = assignOneToOne({ ...input, sameListProbability: (x, y) => (x + y === 1 ? 0.99 : 0) })
  assert.ok((duplicates.probability[0] as number) > 0.9 && (duplicates.probability[1] as number) > 0.9, `${duplicates.probability.join(', ')}`)
})

test('one-to-one: a reviewer\'s "same" holds its records\' slot', () => {
  const r = assignOneToOne({
    a: Int32Array.of(0, 1),
    b: Int32Array.of(1000, 1000),
    evidence: Float64Array.of(10, 30),
    start: Float64Array.of(1, 0.99),
    fixedSame: Uint8Array.of(1, 0),
    list,
    listSize,
  })
  assert.ok((r.probability[1] as number) < 0.01, `competitor of a decided pair ${r.probability[1]}`)
})

test('one-to-one: local rounds over the pairs still moving reach what full sweeps reach, for less work', async () => {
  const { seededRandom } = await import('./link.js')
  // Three lists of 400 records. For each pair of lists, 80 % of the lower list's records have
  // their match (10 to 22 bits) and each has a decoy among the next five records (0 to 8 bits):
  // records compete along chains, and settling takes about 20 sweeps. Records 2k and 2k+1 of
  // lists 1 and 2 are likely one person, so that both sides of the assignment have duplicate
  // discounts.
  const N = 400
  const lists = Uint16Array.from({ length: 3 * N }, (_, i) => Math.floor(i / N))
  const build = (seed: number) => {
    const random = seededRandom(seed)
    const a: number[] = []
    const b: number[] = []
    const evidence: number[] = []
    for (const [la, lb] of [[0, 1], [0, 2], [1, 2]] as const) {
      for (let i = 0; i < N; i++) {
        if (random() < 0.8) {
          a.push(la * N + i)
          b.push(lb * N + i)
          evidence.push(10 + random() * 12)
        }
        a.push(la * N + i)
        b.push(lb * N + ((i + 1 + Math.floor(random() * 5)) % N))
        evidence.push(random() * 8)
      }
    }
    return {
      a: Int32Array.from(a),
      b: Int32Array.from(b),
      evidence: Float64Array.from(evidence),
      start: Float64Array.from(evidence, (e) => 1 / (1 + 2 ** (9 - e))),
      list: lists,
      listSize: [N, N, N],
      sameListProbability: (x: number, y: number) => (x >= N && y >= N && lists[x] === lists[y] && x >> 1 === y >> 1 ? 0.99 : 0),
    }
  }
  for (const seed of [1, 2]) {
    const input = build(seed)
    const E = input.a.length
    const full = assignOneToOne({ ...input, localRoundsBelow: 0 })
    assert.ok(full.converged && full.sweeps >= 15, `full sweeps ${full.sweeps}`)
    assert.equal(full.localRounds.rounds, 0)
    for (const below of [0.05, 0.5]) {
      const local = assignOneToOne({ ...input, localRoundsBelow: below })
      const what = `seed ${seed}, below ${below}`
      assert.ok(local.converged, what)
      assert.ok(local.localRounds.rounds > 0, `${what}: local rounds ran`)
      const work = local.sweeps * E + local.localRounds.updates
      assert.ok(work < 0.85 * full.sweeps * E, `${what}: ${work} pair updates against ${full.sweeps * E}`)
      // Rounds are for the few pairs still moving, never most of them.
      assert.ok(local.localRounds.updates < E, `${what}: ${local.localRounds.updates} pair updates in local rounds`)
      let largest = 0
      for (let e = 0; e < E; e++) largest = Math.max(largest, Math.abs((full.probability[e] as number) - (local.probability[e] as number)))
      assert.ok(largest < 2e-3, `${what}: largest difference ${largest}`)
      expectedMatchesAreSums(local, input, what)
    }
  }
  // A budget too small to settle, ending in local rounds or in a sweep: not converged, the budget
  // kept, and the expected matches still the sums of the probabilities.
  for (const budget of [17, 18, 19]) {
    const input = build(1)
    const short = assignOneToOne({ ...input, localRoundsBelow: 0.05, maxSweeps: budget })
    assert.equal(short.converged, false)
    assert.ok(short.sweeps + short.localRounds.rounds <= budget)
    expectedMatchesAreSums(short, input, `budget ${budget}`)
  }
  assert.throws(() => assignOneToOne({ ...build(1), localRoundsBelow: -1 }), /localRoundsBelow/)

  /** Expected matches per pair of lists are the sums of the probabilities (θ is solved on them). */
  function expectedMatchesAreSums(r: ReturnType<typeof assignOneToOne>, input: { a: Int32Array; b: Int32Array }, what: string): void {
    for (const [la, lb] of [[0, 1], [0, 2], [1, 2]]) {
      let sum = 0
      for (let e = 0; e < input.a.length; e++) if (lists[input.a[e] as number] === la && lists[input.b[e] as number] === lb) sum += r.probability[e] as number
      assert.ok(Math.abs((r.expectedMatches.get(`${la}|${lb}`) as number) - sum) < 1e-6 * sum, `${what}: expected matches ${la}|${lb}`)
    }
  }
})
