import { test } from 'node:test'
import assert from 'node:assert/strict'
import { blockCandidates, blockRule } from './blocking.js'
import { prepareRecords } from './prepare.js'
import { generateSyntheticLists } from './synthetic.js'

test('a rule pairs exactly the records sharing a key, each pair once, ascending, blocks over the cap left out', () => {
  const { records } = generateSyntheticLists(1500, 3)
  const p = prepareRecords(records)
  const cap = 12
  // The answer worked out the slow way: records by name word, every pair of a small enough block.
  const byToken = new Map<number, Set<number>>()
  for (let i = 0; i < p.n; i++) {
    for (let k = p.tokenStart[i] as number; k < (p.tokenStart[i + 1] as number); k++) {
      const id = p.tokenBlockId[p.tokenIds[k] as number] as number
      const members = byToken.get(id) ?? new Set<number>()
      members.add(i)
      byToken.set(id, members)
    }
  }
  const expected = new Set<number>()
  let over = 0
  for (const members of byToken.values()) {
    if (members.size > cap) {
      over++
      continue
    }
    const list = [...members]
    for (const i of list) for (const j of list) if (i < j) expected.add(i * p.n + j)
  }
  assert.ok(over > 0 && expected.size > 1000, `a test with skipped blocks (${over}) and many pairs (${expected.size})`)
  const rule = { name: 'name word', on: ['name_token' as const], maxBlockSize: cap }
  const pairs = blockRule(p, rule)
  assert.equal(pairs.skippedBlocks, over)
  assert.equal(pairs.codes.length, expected.size)
  for (let k = 0; k < pairs.codes.length; k++) {
    const code = pairs.codes[k] as number
    assert.ok(expected.has(code), `pair ${Math.floor(code / p.n)}, ${code % p.n} shares no name word in a small block`)
    if (k > 0) assert.ok(code > (pairs.codes[k - 1] as number), 'ascending, without repeats')
  }
  // The union of two rules: every pair once, a < b, and each rule's new pairs counted.
  const both = blockCandidates(p, [rule, { name: 'day and place', on: ['death_day', 'place'] }])
  const seen = new Set<number>()
  for (let k = 0; k < both.a.length; k++) {
    assert.ok((both.a[k] as number) < (both.b[k] as number))
    seen.add((both.a[k] as number) * p.n + (both.b[k] as number))
  }
  assert.equal(seen.size, both.a.length)
  assert.equal((both.report[0]?.newPairs ?? 0) + (both.report[1]?.newPairs ?? 0), both.a.length)
  assert.equal(both.report[0]?.newPairs, expected.size)
})
