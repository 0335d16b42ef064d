import { test } from 'node:test'
import assert from 'node:assert/strict'
import { localityOrder, reorderRecords } from './order.js'
import { prepareRecords } from './prepare.js'
import { generateSyntheticLists } from './synthetic.js'
import { linkRecords } from './link.js'
import type { LinkageRecord } from './types.js'

test('working order: records sharing their rarest name word sit together, by month within it', () => {
  const records: LinkageRecord[] = [
    { record_id: '1', list: 'A', full_name: 'Mohammed al-Kharani', date_of_death: '2014-05-02' },
    { record_id: '2', list: 'A', full_name: 'Mohammed Ahmad' },
    { record_id: '3', list: 'B', full_name: 'محمد الخراني', date_of_death: '2014-03' },
    { record_id: '4', list: 'B', full_name: 'Ahmad Mohammed' },
    { record_id: '5', list: 'A', full_name: '' },
    { record_id: '6', list: 'B', full_name: 'Mouhamad el-Kharani', date_of_death: '2014-04-20' },
  ]
  const p = prepareRecords(records)
  const order = Array.from(localityOrder(p))
  assert.deepEqual([...order].sort(), [0, 1, 2, 3, 4, 5])
  const at = (id: string): number => order.indexOf(records.findIndex((r) => r.record_id === id))
  // The three al-Kharani records (both scripts) are adjacent, in month order; the nameless one last.
  assert.deepEqual([at('3'), at('6'), at('1')].map((x) => x - Math.min(at('3'), at('6'), at('1'))), [0, 1, 2])
  assert.equal(at('5'), 5)
  assert.equal(Math.abs(at('2') - at('4')), 1)
})

test('reordered records carry every field of the record they came from', () => {
  const { records } = generateSyntheticLists(500, 3)
  const p = prepareRecords(records)
  const order = localityOrder(p)
  const q = reorderRecords(p, order)
  for (let w = 0; w < q.n; w++) {
    const i = order[w] as number
    assert.equal(q.recordIds[w], p.recordIds[i])
    for (const column of ['list', 'sex', 'age', 'dateLo', 'dateHi', 'monthLo', 'monthHi', 'locality', 'admin', 'country', 'nameKey', 'nameLogFrequency'] as const) {
      assert.equal(q[column][w], p[column][i], `${column} of record ${w}`)
    }
    assert.ok(Object.is(q.lat[w], p.lat[i]) && Object.is(q.lon[w], p.lon[i]))
    const tokensOf = (r: typeof p, x: number): number[] => Array.from(r.tokenIds.subarray(r.tokenStart[x], r.tokenStart[x + 1]))
    assert.deepEqual(tokensOf(q, w), tokensOf(p, i))
  }
})

test('linkage gives its results in input order', async () => {
  const { records } = generateSyntheticLists(800, 4)
  const result = await linkRecords(records)
  assert.deepEqual(result.recordIds, records.map((r) => r.record_id))
  assert.deepEqual(result.assignments.map((x) => x.record_id), records.map((r) => r.record_id))
  // A cluster is named after its first record in input order, and numbered in that order.
  const firstOf = new Map<number, number>()
  result.clusterOf.forEach((c, i) => {
    if (!firstOf.has(c)) {
      assert.equal(c, firstOf.size)
      firstOf.set(c, i)
    }
    assert.equal(result.assignments[i]?.cluster_id, records[firstOf.get(c) as number]?.record_id)
  })
  for (let k = 0; k < result.pairs.a.length; k++) assert.ok((result.pairs.a[k] as number) < (result.pairs.b[k] as number))
})
