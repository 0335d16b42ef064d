import { test } from 'node:test'
import assert from 'node:assert/strict'
import { guessColumns, parseAge, parseDeathDate, parseSex } from '../index.js'

const value = <T>(r: { ok: true; value: T } | { ok: false; message: string }): T | string => (r.ok ? r.value : `error: ${r.message}`)

test('ages: exact, ranges, "about" (±10 %, at least ±2), decades, under, Arabic digits, errors', () => {
  assert.deepEqual(value(parseAge('20')), { min: 20, max: 20 })
  assert.deepEqual(value(parseAge('20-25')), { min: 20, max: 25 })
  assert.deepEqual(value(parseAge('about 20')), { min: 18, max: 22 })
  assert.deepEqual(value(parseAge('environ 40 ans')), { min: 36, max: 44 })
  assert.deepEqual(value(parseAge('حوالي ٢٠')), { min: 18, max: 22 })
  assert.deepEqual(value(parseAge('30s')), { min: 30, max: 39 })
  assert.deepEqual(value(parseAge('<18')), { min: 0, max: 17 })
  assert.match(String(value(parseAge('25-20'))), /^error/)
  assert.match(String(value(parseAge('old'))), /^error/)
  assert.match(String(value(parseAge('200'))), /^error/)
})

test('dates of death: ISO, day-first, month names in three languages, impossible dates', () => {
  assert.equal(value(parseDeathDate('2014-12-25')), '2014-12-25')
  assert.equal(value(parseDeathDate('2014-12')), '2014-12')
  assert.equal(value(parseDeathDate('2014')), '2014')
  assert.equal(value(parseDeathDate('25/12/2014')), '2014-12-25')
  assert.equal(value(parseDeathDate('03/04/2014')), '2014-04-03')
  assert.equal(value(parseDeathDate('12/25/2014')), '2014-12-25')
  assert.equal(value(parseDeathDate('December 25, 2014')), '2014-12-25')
  assert.equal(value(parseDeathDate('25 décembre 2014')), '2014-12-25')
  assert.equal(value(parseDeathDate('٢٥ كانون الأول ٢٠١٤')), '2014-12-25')
  assert.equal(value(parseDeathDate('25 ديسمبر 2014')), '2014-12-25')
  assert.equal(value(parseDeathDate('juin 2013')), '2013-06')
  assert.match(String(value(parseDeathDate('31/02/2014'))), /^error/)
  assert.match(String(value(parseDeathDate('last winter'))), /^error/)
})

test('sex in three languages', () => {
  assert.equal(value(parseSex('M')), 'male')
  assert.equal(value(parseSex('Femme')), 'female')
  assert.equal(value(parseSex('أنثى')), 'female')
  assert.equal(value(parseSex('ذكر')), 'male')
  assert.match(String(value(parseSex('x?y'))), /^error/)
})

test('column guesses in English, French, Arabic, and overrides', () => {
  const fr = guessColumns(['N°', 'Nom', 'Prénom', 'Sexe', 'Âge', 'Date du décès', 'Lieu'], [])
  assert.deepEqual([...fr], [[0, 'recordKey'], [1, 'familyName'], [2, 'givenName'], [3, 'sex'], [4, 'age'], [5, 'dateOfDeath'], [6, 'place']])
  const ar = guessColumns(['الاسم', 'الاسم الأول', 'الكنية', 'الجنس', 'العمر', 'تاريخ الوفاة', 'المكان'], [])
  assert.deepEqual([...ar.values()], ['fullName', 'givenName', 'familyName', 'sex', 'age', 'dateOfDeath', 'place'])
  const en = guessColumns(['Victim', 'When', 'Where'], ['When=dateOfDeath', '3=place', 'Victim=ignore'])
  assert.deepEqual([...en].sort(), [[1, 'dateOfDeath'], [2, 'place']])
  assert.throws(() => guessColumns(['a'], ['b=fullName']), /no column "b"/)
  assert.throws(() => guessColumns(['a'], ['a=height']), /unknown field/)
})
