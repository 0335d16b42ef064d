import { test } from 'node:test'
import assert from 'node:assert/strict'
import { addDays, isEdtf, monthOf, parseEdtf } from './dates.js'

test('EDTF dates get earliest and latest days', () => {
  assert.deepEqual(parseEdtf('2014-12-25'), { edtf: '2014-12-25', earliest: '2014-12-25', latest: '2014-12-25' })
  assert.deepEqual(parseEdtf('2014-12~'), { edtf: '2014-12~', earliest: '2014-12-01', latest: '2014-12-31' })
  assert.deepEqual(parseEdtf('2015'), { edtf: '2015', earliest: '2015-01-01', latest: '2015-12-31' })
  // "within the last six months" of an article published on 25 December 2014
  assert.deepEqual(parseEdtf('2014-06-25/2014-12-25'), {
    edtf: '2014-06-25/2014-12-25',
    earliest: '2014-06-25',
    latest: '2014-12-25',
  })
  assert.deepEqual(parseEdtf('2014-12-2X'), { edtf: '2014-12-2X', earliest: '2014-12-20', latest: '2014-12-29' })
})

test('open interval ends have null bounds', () => {
  assert.deepEqual(parseEdtf('../2014-12'), { edtf: '../2014-12', earliest: null, latest: '2014-12-31' })
  assert.deepEqual(parseEdtf('2014-06/..'), { edtf: '2014-06/..', earliest: '2014-06-01', latest: null })
})

test('bad dates are rejected by name', () => {
  assert.throws(() => parseEdtf('last Tuesday'), /not an EDTF date: "last Tuesday"/)
  assert.throws(() => parseEdtf('2014-13-01'), /not an EDTF date/)
  assert.equal(isEdtf('2014-02-30'), false)
  assert.equal(isEdtf('2014-12~'), true)
})

test('monthOf is null unless the date lies within one month', () => {
  assert.equal(monthOf(parseEdtf('2014-12-25')), '2014-12')
  assert.equal(monthOf(parseEdtf('2014-12~')), '2014-12')
  assert.equal(monthOf(parseEdtf('2014')), null)
  assert.equal(monthOf(parseEdtf('2014-06-25/2014-12-25')), null)
  assert.equal(addDays(parseEdtf('2014-12-25').earliest!, -183), '2014-06-25')
})
