import { test } from 'node:test'
import assert from 'node:assert/strict'
import { jaroWinkler, tokenSetSimilarity } from './similarity.js'

test('Jaro–Winkler matches the published reference values', () => {
  assert.ok(Math.abs(jaroWinkler('martha', 'marhta') - 0.9611) < 1e-3)
  assert.ok(Math.abs(jaroWinkler('dwayne', 'duane') - 0.84) < 1e-3)
  assert.ok(Math.abs(jaroWinkler('dixon', 'dicksonx') - 0.8133) < 1e-3)
  assert.equal(jaroWinkler('mhmd', 'mhmd'), 1)
  assert.equal(jaroWinkler('abc', 'xyz'), 0)
  assert.equal(jaroWinkler('', 'abc'), 0)
})

test('token-set similarity ignores order and a missing middle name', () => {
  const sim = (a: string, b: string): number => jaroWinkler(a, b)
  assert.equal(tokenSetSimilarity(['mhmd', 'hsn'], ['hsn', 'mhmd'], sim), 1)
  assert.equal(tokenSetSimilarity(['mhmd', '_hmd', 'hsn'], ['hsn', 'mhmd'], sim), 1)
  assert.ok(tokenSetSimilarity(['mhmd', 'hsn'], ['xld', 'Smr'], sim) < 0.5)
})
