import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { isTallyError } from '../domain/index.js'
import {
  CellCounts,
  DEFAULT_SUPPRESSION_THRESHOLD,
  ageBand,
  generalisePlace,
  monthOfDate,
  placeCell,
  suppressSmallCells,
  validateThreshold,
} from './redact.js'

interface Row {
  id: number
  cell: string
  victims?: number
}

function rows(spec: Record<string, number>): Row[] {
  const out: Row[] = []
  let id = 1
  for (const [cell, n] of Object.entries(spec)) for (let i = 0; i < n; i++) out.push({ id: id++, cell })
  return out
}

describe('suppressSmallCells', () => {
  test('a cell at threshold - 1 is suppressed, at threshold kept', () => {
    const r = suppressSmallCells(rows({ a: 2, b: 3, c: 5 }), (x) => x.cell, 3)
    assert.deepEqual(
      r.kept.map((x) => x.cell),
      ['b', 'b', 'b', 'c', 'c', 'c', 'c', 'c'],
    )
    assert.equal(r.suppressedRows, 2)
    assert.equal(r.suppressedCells, 1)
  })

  test('threshold 1 keeps everything; a higher one suppresses more', () => {
    const data = rows({ a: 1, b: 2, c: 4 })
    assert.equal(suppressSmallCells(data, (x) => x.cell, 1).kept.length, 7)
    const r = suppressSmallCells(data, (x) => x.cell, 4)
    assert.deepEqual({ kept: r.kept.length, rows: r.suppressedRows, cells: r.suppressedCells }, { kept: 4, rows: 3, cells: 2 })
  })

  test('keeps the rows in their order and never returns a cell under the threshold', () => {
    const data: Row[] = []
    for (let i = 0; i < 500; i++) data.push({ id: i, cell: `c${(i * 7919) % 97 % 13}` })
    for (const t of [1, 2, 3, 10, 40, 41, 60]) {
      const r = suppressSmallCells(data, (x) => x.cell, t)
      const counts = new Map<string, number>()
      for (const x of r.kept) counts.set(x.cell, (counts.get(x.cell) ?? 0) + 1)
      for (const n of counts.values()) assert.ok(n >= t)
      assert.equal(r.kept.length + r.suppressedRows, data.length)
      assert.deepEqual(
        r.kept.map((x) => x.id),
        [...r.kept.map((x) => x.id)].sort((a, b) => a - b),
      )
    }
  })

  test('weighted: an incident cell counts its victims', () => {
    const data: Row[] = [
      { id: 1, cell: 'x', victims: 1 },
      { id: 2, cell: 'x', victims: 1 },
      { id: 3, cell: 'y', victims: 120 },
      { id: 4, cell: 'z', victims: 0 },
    ]
    const r = suppressSmallCells(data, (x) => x.cell, 3, (x) => x.victims ?? 0)
    assert.deepEqual(
      r.kept.map((x) => x.id),
      [3],
    )
    assert.deepEqual([r.suppressedRows, r.suppressedCells], [3, 2])
  })

  test('the threshold is validated: a whole number ≥ 1', () => {
    for (const bad of [0, -1, 2.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(
        () => suppressSmallCells(rows({ a: 1 }), (x) => x.cell, bad),
        (e: unknown) => isTallyError(e) && e.code === 'bad_input' && /at least 1/.test(e.message),
      )
    }
  })
})

describe('validateThreshold', () => {
  test('defaults to 3 and accepts numbers and numeric strings', () => {
    assert.equal(DEFAULT_SUPPRESSION_THRESHOLD, 3)
    assert.equal(validateThreshold(undefined), 3)
    assert.equal(validateThreshold(1), 1)
    assert.equal(validateThreshold('10'), 10)
  })
  test('rejects 0, negatives, fractions and words, naming the value', () => {
    for (const bad of [0, '0', -3, '1.5', 1.5, 'abc', '', '3abc', true]) {
      assert.throws(
        () => validateThreshold(bad),
        (e: unknown) => isTallyError(e) && e.code === 'bad_input' && e.message.includes(`"${String(bad)}"`),
      )
    }
  })
})

describe('CellCounts', () => {
  test('an uncounted cell is small; suppression sums rows and cells', () => {
    const c = new CellCounts()
    c.add('a')
    c.add('a')
    c.add('b', 5)
    assert.ok(c.isSmall('never', 1))
    assert.ok(c.isSmall('a', 3))
    assert.ok(!c.isSmall('b', 3))
    assert.deepEqual(c.get('a'), { rows: 2, weight: 2 })
    assert.deepEqual(c.suppression(3), { keptRows: 1, suppressedRows: 2, suppressedCells: 1 })
    assert.equal(c.size, 2)
    assert.throws(() => c.add('a', -1))
  })
})

describe('generalisation', () => {
  test('month: only when the date lies within one month', () => {
    assert.equal(monthOfDate({ earliest: '2014-12-25', latest: '2014-12-25' }), '2014-12')
    assert.equal(monthOfDate({ earliest: '2014-12-01', latest: '2014-12-31' }), '2014-12')
    assert.equal(monthOfDate({ earliest: '2014-06-25', latest: '2014-12-25' }), null)
    assert.equal(monthOfDate({ earliest: null, latest: '2014-12-25' }), null)
    assert.equal(monthOfDate({ edtf: '2014-12-25' }), '2014-12')
    assert.equal(monthOfDate({ edtf: '2014-12~' }), '2014-12')
    assert.equal(monthOfDate({ edtf: '2014' }), null)
    assert.equal(monthOfDate({ edtf: '../2014-12-25' }), null)
    assert.equal(monthOfDate({ edtf: 'not a date' }), null)
    assert.equal(monthOfDate({ edtf: null }), null)
    assert.equal(monthOfDate(null), null)
  })

  test('age: 5-year bands, never narrower than the source', () => {
    assert.equal(ageBand(23, 23), '20-24')
    assert.equal(ageBand(20, 24), '20-24')
    assert.equal(ageBand(0, 0), '0-4')
    assert.equal(ageBand(18, 30), '15-34')
    assert.equal(ageBand(40, null), '40+')
    assert.equal(ageBand(83, 83), '80+')
    assert.equal(ageBand(75, 90), '75+')
    assert.equal(ageBand(null, 30), null)
    assert.equal(ageBand(null, null), null)
    assert.equal(ageBand(undefined, undefined), null)
  })

  test('place: coarsest stated level; coordinates rounded, or dropped when the name was coarsened', () => {
    const street = { name: 'Agadir Street, Casablanca', country: 'MA', admin1: 'Casablanca-Settat', lat: 33.58831, lon: -7.61138 }
    assert.deepEqual(generalisePlace(street), { name: 'Casablanca-Settat', level: 'adm1', country: 'MA', lat: null, lon: null })
    const village = { name: 'Kafr Nabl', country: 'SY', lat: 35.61347, lon: 36.56068 }
    assert.deepEqual(generalisePlace(village), { name: 'Kafr Nabl', level: 'place', country: 'SY', lat: 35.61, lon: 36.56 })
    assert.deepEqual(generalisePlace(village, 0), { name: 'Kafr Nabl', level: 'place', country: 'SY', lat: 36, lon: 37 })
    assert.deepEqual(generalisePlace({ name: 'somewhere' }), { name: 'somewhere', level: 'place', country: null, lat: null, lon: null })
    assert.equal(generalisePlace(null), null)
    assert.throws(() => generalisePlace(village, 3))
    // Rounding never leaves more than two decimals.
    const p = generalisePlace({ name: 'x', lat: -0.001, lon: 12.3456789 })
    assert.deepEqual([p?.lat, p?.lon], [0, 12.35])
    assert.equal(placeCell(generalisePlace(street)), 'MA|Casablanca-Settat')
    assert.equal(placeCell(null), 'unknown')
  })
})
