import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CompareContext, distanceKm, FIELD_COUNT, SAMPLED, SET_ASIDE } from './compare.js'
import { nameTexts, prepareRecords, recordIdOrder } from './prepare.js'
import { prepareRecordsInParallel } from './parallel.js'
import { generateSyntheticLists } from './synthetic.js'
import type { LinkageRecord } from './types.js'

const located = (id: string, place: string, lat: number, lon: number): LinkageRecord => ({
  record_id: id,
  list: 'en',
  full_name: 'Ali',
  place,
  latitude: lat,
  longitude: lon,
})

test('a place named without coordinates gets the centre other records give for the name', () => {
  const p = prepareRecords([
    located('a1', 'Aleppo, Aleppo, Syria', 36.2, 37.16),
    located('a2', 'Aleppo, Aleppo, Syria', 36.21, 37.16),
    located('h1', 'Halab, Aleppo, Syria', 36.2, 37.15),
    located('h2', 'Halab, Aleppo, Syria', 36.19, 37.17),
    // One located record is not enough to trust a centre.
    located('m1', 'Manbij, Aleppo, Syria', 36.53, 37.95),
    // Two villages of one name, far apart: no centre.
    located('k1', 'Kafr Nabl, Idlib, Syria', 35.61, 36.56),
    located('k2', 'Kafr Nabl, Idlib, Syria', 34.2, 38.9),
    { record_id: 'h3', list: 'ar', full_name: 'علي', place: 'Halab, Aleppo, Syria' },
    { record_id: 'a3', list: 'fr', full_name: 'Ali', place: 'Aleppo, Aleppo, Syria' },
    { record_id: 'm2', list: 'ar', full_name: 'علي', place: 'Manbij, Aleppo, Syria' },
    { record_id: 'k3', list: 'ar', full_name: 'علي', place: 'Kafr Nabl, Idlib, Syria' },
    // The same name in another country is another place.
    { record_id: 'x1', list: 'ar', full_name: 'علي', place: 'Halab, Aleppo, Turkey' },
  ])
  const at = (id: string): number => p.recordIds.indexOf(id)
  assert.ok(Math.abs((p.lat[at('h3')] as number) - 36.195) < 1e-9)
  assert.ok(Math.abs((p.lon[at('h3')] as number) - 37.16) < 1e-9)
  assert.ok(Math.abs((p.lat[at('a3')] as number) - 36.205) < 1e-9)
  assert.ok(Number.isNaN(p.lat[at('m2')] as number))
  assert.ok(Number.isNaN(p.lat[at('k3')] as number))
  assert.ok(Number.isNaN(p.lat[at('x1')] as number))
  // Given coordinates are kept as they are.
  assert.equal(p.lat[at('h2')], 36.19)

  // Aleppo and Halab, different names, are now seen to be one town: "within 10 km", not
  // "same province".
  const ctx = new CompareContext(p)
  const levels = new Uint8Array(FIELD_COUNT)
  ctx.compare(at('h3'), at('a3'), levels, 0)
  assert.equal(levels[4], 2)
  ctx.compare(at('m2'), at('a3'), levels, 0)
  assert.equal(levels[4], 3)
})

test('how common a name is comes from its words, in every spelling and script', () => {
  const records: LinkageRecord[] = []
  for (let i = 0; i < 40; i++) records.push({ record_id: `m${i}`, list: 'en', full_name: i % 2 === 0 ? 'Mohammed Hassan' : 'محمد حسن' })
  records.push({ record_id: 'solo', list: 'en', full_name: 'Muhammad' })
  records.push({ record_id: 'rare', list: 'fr', full_name: 'Mouhamad el-Kharani' })
  records.push({ record_id: 'rare-ar', list: 'ar', full_name: 'محمد الخراني' })
  records.push({ record_id: 'none', list: 'ar', full_name: '' })
  const p = prepareRecords(records)
  const f = (id: string): number => p.nameLogFrequency[p.recordIds.indexOf(id)] as number
  // 43 of 44 records hold Mohammed in one spelling or another, 40 hold Hassan, 2 Kharani.
  assert.ok(Math.abs(f('solo') - Math.log2(43 / 44)) < 1 / 64)
  assert.ok(Math.abs(f('m0') - Math.log2((43 / 44) * (40 / 44))) < 1 / 64)
  assert.equal(f('m1'), f('m0'))
  assert.ok(Math.abs(f('rare') - Math.log2((43 / 44) * (2 / 44))) < 1 / 64)
  assert.equal(f('rare-ar'), f('rare'))
  assert.ok(f('solo') > f('m0') && f('m0') > f('rare'))
  // On a grid of 1/64 bit (scoring takes one weight per distinct value).
  for (const v of p.nameLogFrequency) assert.equal(v * 64, Math.round(v * 64))
})

test('a candidate pair with two clear contradictions is set aside before its names are compared', () => {
  const p = prepareRecords([
    { record_id: 'a', list: 'en', full_name: 'Ali Hassan', sex: 'M', age: 20, date_of_death: '2014-01-05', place: 'Homs, Homs, Syria' },
    // Different sex and an age 30 years apart: two contradictions.
    { record_id: 'b', list: 'ar', full_name: 'علي حسن', sex: 'أنثى', age: 50, date_of_death: '2014-01-05', place: 'Homs, Homs, Syria' },
    // One contradiction only (the age): compared.
    { record_id: 'c', list: 'ar', full_name: 'علي حسن', sex: 'ذكر', age: 50, date_of_death: '2014-01-05', place: 'Homs, Homs, Syria' },
  ])
  const ctx = new CompareContext(p)
  const levels = new Uint8Array(FIELD_COUNT)
  ctx.compareCandidate(0, 1, levels, 0)
  const name = levels[0] as number
  // Set aside, or (one time in sixteen, by the pair's hash) compared and marked as the sample.
  assert.ok(name === SET_ASIDE || (name & SAMPLED) !== 0)
  assert.deepEqual(Array.from(levels.slice(1)), [2, 4, 1, 1])
  ctx.compareCandidate(0, 2, levels, 0)
  assert.equal(levels[0], 1)
  // A comparison asked for directly (review, decisions, random pairs) always compares the name.
  ctx.compare(0, 1, levels, 0)
  assert.equal(levels[0], 1)
})

test('the name key is one value for one multiset of skeletons, whatever the order, script or spelling', () => {
  const p = prepareRecords([
    { record_id: '1', list: 'A', full_name: 'Mohammed al-Hassan' },
    { record_id: '2', list: 'A', full_name: 'HASSAN Mouhamad' },
    { record_id: '3', list: 'B', full_name: 'محمد الحسن' },
    { record_id: '4', list: 'B', full_name: 'Mohammed Ali al-Hassan' },
    { record_id: '5', list: 'B', full_name: 'Mohammed Mohammed al-Hassan' },
    { record_id: '6', list: 'B', full_name: '' },
  ])
  assert.equal(p.nameKey[0], p.nameKey[1])
  assert.equal(p.nameKey[0], p.nameKey[2])
  assert.notEqual(p.nameKey[0], p.nameKey[3])
  // A multiset: a repeated word counts.
  assert.notEqual(p.nameKey[0], p.nameKey[4])
  assert.equal(p.nameKey[5], -1)
  for (let i = 0; i < 5; i++) assert.ok(Number.isSafeInteger(p.nameKey[i]) && (p.nameKey[i] as number) >= 0)
})

test('"within 10 km" is the great-circle distance, at the edge as well', () => {
  // Points due north of Homs at 9.9 and 10.1 km (one degree of latitude is 111.195 km on a 6371 km sphere).
  const degreesPerKm = 180 / (Math.PI * 6371)
  const at = (km: number): LinkageRecord => ({ record_id: `n${km}`, list: 'B', full_name: 'Ali Hassan', place: `Village ${km}, Homs, Syria`, latitude: 34.73 + km * degreesPerKm, longitude: 36.71 })
  const p = prepareRecords([{ record_id: 'c', list: 'A', full_name: 'Ali Hassan', place: 'Homs, Homs, Syria', latitude: 34.73, longitude: 36.71 }, at(9.9), at(10.1), at(400)])
  const ctx = new CompareContext(p)
  const levels = new Uint8Array(FIELD_COUNT)
  const place = (j: number): number => {
    ctx.compare(0, j, levels, 0)
    return levels[4] as number
  }
  assert.ok(Math.abs(distanceKm(34.73, 36.71, 34.73 + 9.9 * degreesPerKm, 36.71) - 9.9) < 1e-6)
  assert.equal(place(1), 2)
  // Beyond 10 km, the same admin area.
  assert.equal(place(2), 3)
  assert.equal(place(3), 3)
})

test('preparation with the names on a worker thread gives the same columns', async () => {
  const { records } = generateSyntheticLists(3000, 8)
  // A record with a letterless name and one with a bad date: their warnings, in record order.
  records.splice(10, 0, { record_id: 'odd-1', list: 'en', full_name: '123', date_of_death: 'soon' })
  const alone = prepareRecords(records)
  const together = await prepareRecordsInParallel(records)
  assert.deepEqual(together, alone)
  assert.deepEqual(alone.warnings.slice(0, 2), [
    'record "odd-1": date_of_death "soon" is not a date; treated as unknown',
    'record "odd-1": name "123" has no letters; treated as unknown',
  ])
  await assert.rejects(prepareRecordsInParallel([...records, { record_id: 'odd-1', list: 'en' }]), /"odd-1" is repeated/)
})

test('names in columns are written "family, given", so that the given name is known', () => {
  const records: LinkageRecord[] = [
    { record_id: '1', list: 'A', given_name: 'Ali', family_name: 'al-Hassan' },
    { record_id: '2', list: 'A', given_name: 'Ali' },
    { record_id: '3', list: 'A', family_name: 'al-Hassan' },
    { record_id: '4', list: 'A', full_name: 'Ali Omar al-Hassan', given_name: 'Ali', family_name: 'al-Hassan' },
  ]
  assert.deepEqual(nameTexts(records), ['al-Hassan, Ali', 'Ali', 'al-Hassan,', 'Ali Omar al-Hassan'])
  const p = prepareRecords(records)
  const given = (i: number): string | undefined => {
    const at = p.givenAt[i] as number
    return at < 0 ? undefined : p.tokenCompare[p.tokenIds[(p.tokenStart[i] as number) + at] as number]
  }
  assert.deepEqual([given(0), given(1), given(2), given(3)], ['ali', 'ali', undefined, 'ali'])
})

test('lists are numbered by name and records ordered by id, whatever the order of the rows', () => {
  const records: LinkageRecord[] = [
    { record_id: 'x-2', list: 'zeta', full_name: 'Ali' },
    { record_id: 'x-1', list: 'alpha', full_name: 'Omar' },
    { record_id: 'x-3', list: 'mid', full_name: 'Said' },
  ]
  const p = prepareRecords(records)
  assert.deepEqual(p.listNames, ['alpha', 'mid', 'zeta'])
  assert.deepEqual(Array.from(p.list), [2, 0, 1])
  // The same ids in another order: the same records in the same order.
  const ids = records.map((r) => r.record_id)
  const reversed = [...ids].reverse()
  const a = Array.from(recordIdOrder(ids), (i) => ids[i])
  const b = Array.from(recordIdOrder(reversed), (i) => reversed[i])
  assert.deepEqual(a, b)
  assert.deepEqual([...a].sort(), [...ids].sort())
})
