import { test } from 'node:test'
import assert from 'node:assert/strict'
import { blockCandidates, blockRule } from './blocking.js'
import { prepareRecords } from './prepare.js'
import { generateSyntheticLists } from './synthetic.js'

test('a rule pairs exactly the records sharing a key, each pair once, ascending, blocks over the cap left out', () => {
  const { records } = generateSyntheticLists(1500, 3)
  const p = prepareRecords(records)
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
  // A small cap (blocks skipped) and a large one (rows of over 32 pairs, sorted the other way).
  for (const cap of [12, 400]) {
    const expected = new Set<number>()
    let blocks = 0
    let over = 0
    let overRecords = 0
    let longestRow = 0
    const row = new Map<number, number>()
    for (const members of byToken.values()) {
      if (members.size < 2) continue
      if (members.size > cap) {
        over++
        overRecords += members.size
        continue
      }
      blocks++
      const list = [...members]
      for (const i of list) {
        for (const j of list) {
          if (i >= j || expected.has(i * p.n + j)) continue
          expected.add(i * p.n + j)
          row.set(i, (row.get(i) ?? 0) + 1)
          longestRow = Math.max(longestRow, row.get(i) as number)
        }
      }
    }
    const pairs = blockRule(p, { name: 'name word', on: ['name_token'], maxBlockSize: cap })
    assert.deepEqual([pairs.blocks, pairs.skippedBlocks, pairs.skippedRecords], [blocks, over, overRecords], `cap ${cap}: blocks`)
    assert.equal(pairs.codes.length, expected.size, `cap ${cap}: pairs`)
    for (let k = 0; k < pairs.codes.length; k++) {
      const code = pairs.codes[k] as number
      assert.ok(expected.has(code), `pair ${Math.floor(code / p.n)}, ${code % p.n} shares no name word in a block within the cap`)
      if (k > 0) assert.ok(code > (pairs.codes[k - 1] as number), 'ascending, without repeats')
    }
    if (cap === 12) assert.ok(over > 0 && expected.size > 1000, `cap 12: blocks skipped (${over}) and many pairs (${expected.size})`)
    else assert.ok(longestRow > 32, `cap 400: a row of ${longestRow} pairs`)
  }
  // The union of two rules: every pair once, a < b, and each rule's new pairs counted.
  const rule = { name: 'name word', on: ['name_token' as const], maxBlockSize: 12 }
  const first = blockRule(p, rule).codes.length
  const both = blockCandidates(p, [rule, { name: 'day and place', on: ['death_day', 'place'] }])
  const seen = new Set<number>()
  for (let k = 0; k < both.a.length; k++) {
    assert.ok((both.a[k] as number) < (both.b[k] as number))
    seen.add((both.a[k] as number) * p.n + (both.b[k] as number))
  }
  assert.equal(seen.size, both.a.length)
  assert.equal((both.report[0]?.newPairs ?? 0) + (both.report[1]?.newPairs ?? 0), both.a.length)
  assert.equal(both.report[0]?.newPairs, first)
})
