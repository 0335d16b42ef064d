import { test } from 'node:test'
import assert from 'node:assert/strict'
import { lowerBound } from './growable.js'

test('lowerBound: the first index at or above the value, the length when none', () => {
  const sorted = Float64Array.of(1, 3, 3, 7)
  assert.equal(lowerBound(sorted, 0), 0)
  assert.equal(lowerBound(sorted, 3), 1)
  assert.equal(lowerBound(sorted, 4), 3)
  assert.equal(lowerBound(sorted, 8), 4)
  // Only the first `length` values count.
  assert.equal(lowerBound(sorted, 7, 3), 3)
  assert.equal(lowerBound(new Int32Array(0), 1), 0)
})
