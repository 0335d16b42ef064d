import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateSyntheticLists, pairwiseScores, wrongPairs } from './synthetic.js'
import { blockCandidates, DEFAULT_RULES } from './blocking.js'
import { compareAllPairs } from './parallel.js'
import { seededRandom } from './link.js'
import { parseAge, parseDeathDate, prepareRecords } from './prepare.js'
import {
  captureHistories,
  linkRecords,
  reviewQueue,
  type LinkageRecord,
  type LinkResult,
  type MatchDecision,
} from './index.js'

const day = (iso: string): number => Date.UTC(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)) - 1, Number(iso.slice(8, 10))) / 86_400_000

function sameCluster(result: LinkResult, a: string, b: string): boolean {
  const i = result.recordIds.indexOf(a)
  const j = result.recordIds.indexOf(b)
  assert.ok(i >= 0 && j >= 0)
  return result.clusterOf[i] === result.clusterOf[j]
}

test('bad input is refused with an error naming the record', async () => {
  await assert.rejects(linkRecords([]), /empty/)
  await assert.rejects(
    linkRecords([
      { record_id: 'r1', list: 'A', full_name: 'Ali' },
      { record_id: 'r1', list: 'B', full_name: 'Omar' },
    ]),
    /"r1" is repeated \(rows 1 and 2\)/,
  )
  await assert.rejects(linkRecords([{ record_id: 'r9', list: '', full_name: 'Ali' }]), /record "r9" \(row 1\) has no list/)
  await assert.rejects(linkRecords([{ record_id: ' ', list: 'A' }]), /record 1 has no record_id/)
  await assert.rejects(
    linkRecords([{ record_id: 'r1', list: 'A', full_name: 'Ali' }], { decisions: [{ a: 'r1', b: 'nope', decision: 'same' }] }),
    /"nope", which is not in the input/,
  )
  await assert.rejects(linkRecords([{ record_id: 'r1', list: 'A' }], { rules: [{ name: 'bad', on: [] }] }), /rule "bad" has no key parts/)
})

test('tiny inputs link without failing: one record, two identical records', async () => {
  const one = await linkRecords([{ record_id: 'a', list: 'A', full_name: 'Ali Hassan' }])
  assert.deepEqual(one.assignments, [{ record_id: 'a', cluster_id: 'a', match_probability: 1 }])
  assert.ok(Number.isFinite(one.model.lambda))
  const two = await linkRecords([
    { record_id: 'a', list: 'A', full_name: 'Ali Hassan', date_of_death: '2014-12-03', age: 30, sex: 'm', place: 'Homs, Homs, Syria' },
    { record_id: 'b', list: 'B', full_name: 'علي حسن', date_of_death: '2014-12-03', age: 30, sex: 'ذكر', place: 'Homs, Homs, Syria' },
  ])
  assert.equal(two.assignments.length, 2)
  assert.ok(Number.isFinite(two.model.lambda))
  for (const a of two.assignments) assert.ok(a.match_probability >= 0 && a.match_probability <= 1)
})

test('dates, ages and sexes are read from the forms lists use', () => {
  assert.deepEqual(parseDeathDate('2014-12-03'), [day('2014-12-03'), day('2014-12-03')])
  assert.deepEqual(parseDeathDate('2014-12'), [day('2014-12-01'), day('2014-12-31')])
  assert.deepEqual(parseDeathDate('2014-12~'), [day('2014-12-01'), day('2014-12-31')])
  assert.deepEqual(parseDeathDate('2014'), [day('2014-01-01'), day('2014-12-31')])
  assert.deepEqual(parseDeathDate('03/12/2014'), [day('2014-12-03'), day('2014-12-03')])
  assert.deepEqual(parseDeathDate('٢٠١٤-١٢-٠٣'), [day('2014-12-03'), day('2014-12-03')])
  assert.deepEqual(parseDeathDate('2014-06-25/2014-12-25'), [day('2014-06-25'), day('2014-12-25')])
  assert.equal(parseDeathDate(''), null)
  assert.throws(() => parseDeathDate('yesterday'))
  assert.equal(parseAge('about 20'), 20)
  assert.equal(parseAge('environ 19'), 19)
  assert.equal(parseAge('٢٣'), 23)
  assert.equal(parseAge('20-25'), 23)
  assert.equal(parseAge('n/a'), -1)
  const p = prepareRecords([
    { record_id: '1', list: 'A', sex: 'ذكر' },
    { record_id: '2', list: 'A', sex: 'F' },
    { record_id: '3', list: 'A', sex: '?' , date_of_death: 'soon' },
  ])
  assert.deepEqual(Array.from(p.sex), [1, 2, 0])
  assert.equal(p.warnings.length, 1)
})

test('cross-script: an Arabic-script record meets its French transliteration', async () => {
  const { records } = generateSyntheticLists(1500, 11)
  const extra: LinkageRecord[] = [
    { record_id: 'x-ar', list: 'ar', full_name: 'عبد المجيد محمود الزعبي', sex: 'ذكر', age: '٢٤', date_of_death: '2014-12-03', place: 'Daraa, Daraa, Syria' },
    { record_id: 'x-fr', list: 'fr', full_name: 'EZ-ZOUBI Abdelmadjid', sex: 'H', age: 'environ 25', date_of_death: '2014-12', place: 'Deraa, Daraa, Syria' },
    { record_id: 'y-ar', list: 'ar', full_name: 'فاطمة الحوراني', sex: 'أنثى', age: 31, date_of_death: '2013-05-14', place: 'Hama, Hama, Syria' },
    { record_id: 'y-en', list: 'en', given_name: 'Fatimah', family_name: 'Al Hawrani', sex: 'F', age: 31, date_of_death: '2013-05-14', place: 'Hama, Hama, Syria' },
  ]
  const result = await linkRecords([...records, ...extra])
  assert.ok(sameCluster(result, 'x-ar', 'x-fr'))
  assert.ok(sameCluster(result, 'y-ar', 'y-en'))
  assert.ok(!sameCluster(result, 'x-ar', 'y-ar'))
})

test('relatives killed together are not taken for one person, on one list or across lists', async () => {
  const strike = { date_of_death: '2016-03-20', place: 'Kafr Nabl, Idlib, Syria' }
  const records: LinkageRecord[] = [
    // One list: a father, his son and his nephew, killed in one strike.
    { record_id: 'a-father', list: 'A', full_name: 'Mohammed Ahmad al-Idlibi', sex: 'M', ...strike },
    { record_id: 'a-son', list: 'A', full_name: 'Ahmad Mohammed al-Idlibi', sex: 'M', ...strike },
    { record_id: 'a-nephew', list: 'A', full_name: 'Mahmoud Ali al-Idlibi', sex: 'M', ...strike },
    // Another list, in another script and order: the same three.
    { record_id: 'b-father', list: 'B', full_name: 'محمد الإدلبي', sex: 'ذكر', ...strike },
    { record_id: 'b-son', list: 'B', given_name: 'Ahmed', family_name: 'el-Idlibi', sex: 'M', ...strike },
    { record_id: 'b-nephew', list: 'B', full_name: 'AL-IDLIBI Mahmud', sex: 'M', ...strike },
  ]
  // Others on the lists, so that these names are as common as they are in real lists.
  const others = ['Mohammed', 'Ahmad', 'Mahmoud', 'Ali', 'محمد', 'أحمد', 'محمود']
  others.forEach((given, k) => {
    for (const [list, family] of [['A', 'al-Homsi'], ['B', 'الحمصي'], ['A', 'Haddad'], ['B', 'Khalil']] as const) {
      records.push({ record_id: `o-${k}-${list}-${family}`, list, full_name: `${given} ${family}`, date_of_death: `2015-0${1 + (k % 9)}-1${k}` })
    }
  })
  const result = await linkRecords(records)
  for (const who of ['father', 'son', 'nephew']) assert.ok(sameCluster(result, `a-${who}`, `b-${who}`), `${who} across lists`)
  assert.ok(!sameCluster(result, 'a-father', 'a-son'))
  assert.ok(!sameCluster(result, 'a-father', 'a-nephew'))
  assert.ok(!sameCluster(result, 'a-son', 'a-nephew'))
})

test('linkage of synthetic lists finds most true pairs with high precision', async () => {
  const { records, truth, incident } = generateSyntheticLists(3000, 3)
  const result = await linkRecords(records)
  const scores = pairwiseScores(result.clusterOf, truth)
  // A third of these deaths come with relatives killed the same day in the same place, of one
  // family name: precision 0.956 here (0.91-0.97 over seeds 1-6), recall 0.98.
  assert.ok(scores.precision >= 0.93, `precision ${scores.precision}`)
  assert.ok(scores.recall >= 0.9, `recall ${scores.recall}`)
  // Relatives are kept apart: no more than 6 % of linked pairs join two of them (4.1 % here, 2.6 to
  // 8.5 % over seeds 1-6; 7.7 % here, 5.7 to 10.2 %, before given names were compared as such).
  const wrong = wrongPairs(result.clusterOf, truth, incident)
  assert.ok(wrong.relatives <= 0.06 * scores.predictedPairs, `${wrong.relatives} of ${scores.predictedPairs} linked pairs join relatives`)
  assert.equal(result.assignments.length, records.length)
  for (const a of result.assignments) assert.ok(a.match_probability >= 0 && a.match_probability <= 1)
  // Every blocking rule is reported, and their union has no repeated pair.
  assert.deepEqual(result.blocking.map((r) => r.rule), DEFAULT_RULES.map((r) => r.name))
  const codes = new Set<number>()
  for (let k = 0; k < result.pairs.a.length; k++) {
    assert.ok((result.pairs.a[k] as number) < (result.pairs.b[k] as number))
    codes.add((result.pairs.a[k] as number) * records.length + (result.pairs.b[k] as number))
  }
  // Pairs of two clear contradictions are set aside before their names are compared.
  assert.ok(result.contradictedPairs > 0)
  assert.equal(codes.size, result.candidatePairs - result.contradictedPairs)
  assert.equal(result.blocking.reduce((s, r) => s + r.newPairs, 0), result.candidatePairs)
})

test('one list alone: internal duplicates are found', async () => {
  const { records, truth } = generateSyntheticLists(2400, 5)
  const one: LinkageRecord[] = []
  const oneTruth: number[] = []
  records.forEach((r, i) => {
    if (r.list !== 'en') return
    one.push(r)
    oneTruth.push(truth[i] as number)
    if (one.length % 12 === 0) {
      // The same death entered again: name order swapped, another spelling, age off by one.
      one.push({
        record_id: `${r.record_id}-again`,
        list: 'en',
        full_name: `${String(r.family_name)} ${String(r.given_name)}`.replace(/^al-/, 'el-'),
        sex: r.sex,
        age: typeof r.age === 'number' ? r.age + 1 : r.age,
        date_of_death: r.date_of_death,
        place: r.place,
      })
      oneTruth.push(truth[i] as number)
    }
  })
  const result = await linkRecords(one)
  let found = 0
  let injected = 0
  for (const r of one) {
    if (!r.record_id.endsWith('-again')) continue
    injected++
    if (sameCluster(result, r.record_id, r.record_id.slice(0, -'-again'.length))) found++
  }
  assert.ok(injected >= 50)
  assert.ok(found / injected >= 0.9, `found ${found} of ${injected}`)
  const scores = pairwiseScores(result.clusterOf, Int32Array.from(oneTruth))
  assert.ok(scores.precision >= 0.9, `precision ${scores.precision}`)
})

test('a reviewer\'s "different" is never undone, not even through a third record', async () => {
  const base: LinkageRecord[] = generateSyntheticLists(1200, 8).records
  const trio: LinkageRecord[] = [
    { record_id: 't1', list: 'en', given_name: 'Ghassan', family_name: 'al-Nimr', sex: 'M', age: 33, date_of_death: '2016-03-09', place: 'Douma, Rif Dimashq, Syria' },
    { record_id: 't2', list: 'ar', full_name: 'غسان النمر', sex: 'ذكر', age: 33, date_of_death: '2016-03-09', place: 'Douma, Rif Dimashq, Syria' },
    { record_id: 't3', list: 'fr', full_name: 'EN-NEMR Ghassan', sex: 'H', age: 34, date_of_death: '2016-03', place: 'Duma, Rif Dimashq, Syria' },
  ]
  const before = await linkRecords([...base, ...trio])
  assert.ok(sameCluster(before, 't1', 't2') && sameCluster(before, 't2', 't3'))
  const after = await linkRecords([...base, ...trio], { decisions: [{ a: 't1', b: 't3', decision: 'different' }] })
  assert.ok(!sameCluster(after, 't1', 't3'))
  const k = after.recordIds.indexOf('t1')
  const l = after.recordIds.indexOf('t3')
  for (let p = 0; p < after.pairs.a.length; p++) {
    if (after.pairs.a[p] === Math.min(k, l) && after.pairs.b[p] === Math.max(k, l)) assert.equal(after.pairs.probability[p], 0)
  }
  // "Same" decisions link, but never across a "different".
  const forced = await linkRecords([...base, ...trio], {
    decisions: [
      { a: 't1', b: 't3', decision: 'different' },
      { a: 't1', b: 't2', decision: 'same' },
      { a: 't2', b: 't3', decision: 'same' },
    ],
  })
  assert.ok(!sameCluster(forced, 't1', 't3'))
  // The warning names the records by their ids (linkage works in an order of its own).
  assert.ok(forced.warnings.some((w) => w.includes('conflict') && w.includes('"t2" and "t3"') !== w.includes('"t1" and "t2"')), forced.warnings.join('\n'))
})

test('worker threads give the same comparison vectors as one thread', async () => {
  const { records } = generateSyntheticLists(2500, 2)
  const prepared = prepareRecords(records)
  const { a, b } = blockCandidates(prepared)
  const single = await compareAllPairs(prepared, a, b, 0)
  const parallel = await compareAllPairs(prepared, a, b, 2)
  // Several chunks, shared by two workers.
  assert.ok(a.length > 3000)
  assert.deepEqual(Array.from(parallel), Array.from(single))
  // End to end, blocking and comparison in workers: the same persons and probabilities.
  const alone = await linkRecords(records, { workers: 0 })
  const together = await linkRecords(records, { workers: 2 })
  assert.deepEqual(Array.from(together.clusterOf), Array.from(alone.clusterOf))
  assert.deepEqual(Array.from(together.pairs.probability), Array.from(alone.pairs.probability))
})

test('user-stated blocking rules are applied and reported', async () => {
  const { records } = generateSyntheticLists(600, 4)
  const prepared = prepareRecords(records)
  const narrow = blockCandidates(prepared, [{ name: 'exact name + day', on: ['name_key', 'death_day'] }])
  const wide = blockCandidates(prepared, [{ name: 'surname-ish', on: ['name_token'], maxBlockSize: 5 }])
  assert.equal(narrow.report[0]?.rule, 'exact name + day')
  assert.equal(narrow.report[0]?.pairs, narrow.a.length)
  assert.ok((wide.report[0]?.skippedBlocks ?? 0) > 0, 'blocks over the cap are skipped and counted')
})

test('capture histories count persons by the lists that recorded them, by stratum', async () => {
  const { records } = generateSyntheticLists(1000, 6)
  const result = await linkRecords(records)
  const h = captureHistories(records, result.assignments)
  assert.deepEqual(h.lists, ['ar', 'en', 'fr', 'mix'])
  assert.equal(h.rows.reduce((s, r) => s + r.count, 0), result.clusterCount)
  for (const row of h.rows) assert.ok(row.history.some((x) => x === 1))
  const bySex = captureHistories(records, result.assignments, { stratifyBy: 'sex' })
  assert.equal(bySex.rows.reduce((s, r) => s + r.count, 0), result.clusterCount)
  assert.ok(new Set(bySex.rows.map((r) => r.stratum)).size > 1)
})

test('review queue puts uncertain, consequential pairs first', async () => {
  const { records } = generateSyntheticLists(1500, 9)
  const result = await linkRecords(records)
  const queue = reviewQueue(result, 20)
  assert.ok(queue.length > 0)
  for (let i = 1; i < queue.length; i++) assert.ok((queue[i - 1]?.priority ?? 0) >= (queue[i]?.priority ?? 0))
  for (const item of queue) {
    assert.ok(item.probability > 0.025 && item.probability < 0.975)
    assert.equal(item.comparison.length, 5)
  }
})

test('one-to-one: of two candidates on one list the better wins, and never across a "different"', async () => {
  const base: LinkageRecord[] = generateSyntheticLists(1500, 12).records
  const cases: LinkageRecord[] = [
    // A vague record (no age, month only) and two candidates on the English list: one with the
    // same name and locality, one with a similar name and no place.
    { record_id: 'q-ar', list: 'ar', full_name: 'سامر الكردي', sex: 'ذكر', date_of_death: '2015-07', place: 'Homs, Homs, Syria' },
    { record_id: 'c-good', list: 'en', given_name: 'Samer', family_name: 'al-Kurdi', sex: 'M', age: 27, date_of_death: '2015-07-12', place: 'Homs, Homs, Syria' },
    { record_id: 'c-weak', list: 'en', given_name: 'Samir', family_name: 'al-Kurdi', sex: 'M', age: 52, date_of_death: '2015-07-25' },
  ]
  const records = [...base, ...cases]
  const result = await linkRecords(records)
  const probabilityOf = (r: LinkResult, x: string, y: string): number => {
    const i = r.recordIds.indexOf(x)
    const j = r.recordIds.indexOf(y)
    // Result pairs are lower position first, in no particular order.
    const k = r.pairs.a.findIndex((ai, q) => ai === Math.min(i, j) && r.pairs.b[q] === Math.max(i, j))
    assert.ok(k >= 0, `${x} and ${y} are compared`)
    return r.pairs.probability[k] as number
  }
  // Pairwise, both candidates look likely (0.998 and 0.965 when this test was last changed); under the
  // constraint the weaker one is not q-ar's match.
  const pairwise = await linkRecords(records, { oneToOne: false })
  assert.ok(probabilityOf(pairwise, 'q-ar', 'c-weak') > 0.5)
  assert.ok(probabilityOf(result, 'q-ar', 'c-weak') < 0.5)
  assert.ok(probabilityOf(result, 'q-ar', 'c-good') > 0.9)
  assert.ok(sameCluster(result, 'q-ar', 'c-good'))
  assert.ok(!sameCluster(result, 'q-ar', 'c-weak'))
  assert.ok(!sameCluster(result, 'c-good', 'c-weak'))
  const decided = await linkRecords(records, { decisions: [{ a: 'q-ar', b: 'c-good', decision: 'different' }] })
  assert.ok(!sameCluster(decided, 'q-ar', 'c-good'))
  // The decided pair has probability 0 and is never a cluster's link, also with the constraint off.
  const off = await linkRecords(records, { oneToOne: false, decisions: [{ a: 'q-ar', b: 'c-good', decision: 'different' }] })
  assert.ok(!sameCluster(off, 'q-ar', 'c-good'))
})

test('one-to-one: a single list is linked as before (internal duplicates only)', async () => {
  const { records } = generateSyntheticLists(1500, 13)
  const one = records.filter((r) => r.list === 'ar')
  const on = await linkRecords(one)
  const off = await linkRecords(one, { oneToOne: false })
  assert.deepEqual(Array.from(on.clusterOf), Array.from(off.clusterOf))
  assert.deepEqual(Array.from(on.pairs.probability), Array.from(off.pairs.probability))
})

test('the order of the input does not matter: the same records give the same persons and probabilities', async () => {
  const { records } = generateSyntheticLists(6000, 21)
  const grouped = await linkRecords(records)
  // The same records, lists interleaved: a record is now sometimes the first of its pairs with
  // another list and sometimes the second, and lists, places and name words are met in another
  // order.
  const random = seededRandom(5)
  const order = records.map((_, i) => i)
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[order[i], order[j]] = [order[j] as number, order[i] as number]
  }
  const shuffled = await linkRecords(order.map((i) => records[i] as LinkageRecord))
  // Each record's cluster in the grouped run, in shuffled order: the two partitions are one.
  const groupedCluster = Int32Array.from(order, (i) => grouped.clusterOf[i] as number)
  const agreement = pairwiseScores(shuffled.clusterOf, groupedCluster)
  assert.equal(agreement.f1, 1, `agreement ${agreement.f1} (${agreement.predictedPairs} against ${agreement.truePairs} pairs)`)
  // Every candidate pair has the same probability, bit for bit.
  const byIds = (result: LinkResult, position: (i: number) => number): Map<string, number> => {
    const out = new Map<string, number>()
    for (let k = 0; k < result.pairs.a.length; k++) {
      const x = records[position(result.pairs.a[k] as number)]?.record_id as string
      const y = records[position(result.pairs.b[k] as number)]?.record_id as string
      out.set(x < y ? `${x} ${y}` : `${y} ${x}`, result.pairs.probability[k] as number)
    }
    return out
  }
  const before = byIds(grouped, (i) => i)
  const after = byIds(shuffled, (i) => order[i] as number)
  assert.equal(after.size, before.size)
  for (const [key, p] of before) assert.equal(after.get(key), p, key)
  // Results name records by input position.
  shuffled.assignments.forEach((x, i) => assert.equal(x.record_id, records[order[i] as number]?.record_id))
  for (let i = 0; i < order.length; i++) {
    assert.equal(shuffled.assignments[i]?.match_probability, grouped.assignments[order[i] as number]?.match_probability)
  }
})

test('a pair of records of one list has a prior of its own, below that of a pair across lists, and is scored with it', async () => {
  const { records } = generateSyntheticLists(16_000, 22)
  const result = await linkRecords(records, { oneToOne: false })
  const { priors } = result
  // A list enters few deaths twice (2 % here); two lists share a large part of theirs.
  assert.ok(priors.withinList < priors.acrossLists / 3, JSON.stringify(priors))
  const own = priors.listPairs
  assert.ok(own.some((p) => p.lists[0] === p.lists[1]) && own.some((p) => p.lists[0] !== p.lists[1]), JSON.stringify(own))
  for (const p of own) {
    assert.ok(p.candidatePairs >= 5000)
    if (p.lists[0] === p.lists[1]) assert.ok(p.lambda < priors.acrossLists / 3, JSON.stringify(p))
  }
  // Each prior is the fixed point of its pairs' probabilities: what they sum to, over all pairs
  // of the two lists (pulled towards its kind's prior by 20 pseudo-matches; a decided pair counts
  // once, with probability 1). Scored with another prior (the pooled one, say: about 3 bits off
  // within a list), the sums would be far off (ar|ar 12 %); here they agree to within 0.02 %.
  const size = new Map<string, number>()
  for (const r of records) size.set(r.list, (size.get(r.list) ?? 0) + 1)
  const listPair = (k: number, of: LinkResult): string => {
    const x = records[of.pairs.a[k] as number]?.list as string
    const y = records[of.pairs.b[k] as number]?.list as string
    return x < y ? `${x}|${y}` : `${y}|${x}`
  }
  const checkFixedPoint = (of: LinkResult): void => {
    const sum = new Map<string, number>()
    for (let k = 0; k < of.pairs.a.length; k++) sum.set(listPair(k, of), (sum.get(listPair(k, of)) ?? 0) + (of.pairs.probability[k] as number))
    for (const p of of.priors.listPairs) {
      const [x, y] = p.lists
      const nx = size.get(x) as number
      const all = x === y ? (nx * (nx - 1)) / 2 : nx * (size.get(y) as number)
      const kind = x === y ? of.priors.withinList : of.priors.acrossLists
      const expected = p.lambda * (all + 20 / kind) - 20
      const got = sum.get(`${x}|${y}`) as number
      assert.ok(Math.abs(got / expected - 1) < 0.005, `${x}|${y}: probabilities sum to ${got}, the prior says ${expected}`)
    }
  }
  checkFixedPoint(result)
  // Reviewers' decisions count once each, however often they are stated: 60 "same" between two
  // lists (counted twice, they would move that pair of lists' sum by 2-3 %).
  const decisions: MatchDecision[] = []
  for (let k = 0; k < result.pairs.a.length && decisions.length < 60; k++) {
    if ((result.pairs.probability[k] as number) < 0.9 || listPair(k, result) !== 'ar|en') continue
    decisions.push({ a: records[result.pairs.a[k] as number]?.record_id as string, b: records[result.pairs.b[k] as number]?.record_id as string, decision: 'same' })
  }
  const repeated = await linkRecords(records, { oneToOne: false, decisions: [...decisions, ...decisions.map((d) => ({ ...d, a: d.b, b: d.a })), ...decisions] })
  checkFixedPoint(repeated)
})
