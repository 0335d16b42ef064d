import { test } from 'node:test'
import assert from 'node:assert/strict'
import { CompareContext } from './compare.js'
import { prepareRecords } from './prepare.js'
import type { LinkageRecord } from './types.js'

// Other records of the list: the given names of the cases are established names (held by several
// records), as the commonest names are in any real list.
const BACKGROUND = ['Ahmad Omar', 'Ahmad Ali', 'Ahmad Khaled', 'Mohammed Omar', 'Mohammed Ali', 'Mohammed Khaled', 'محمد علي', 'محمد عمر', 'محمد خالد', 'أحمد علي', 'أحمد عمر', 'أحمد خالد', 'محمود علي', 'محمود عمر', 'Mahmoud Ali', 'Mahmoud Omar', 'Hassan Ali', 'Hassan Omar', 'حسين علي', 'حسين عمر', 'حسين خالد']

/** Name level of each pair of names, from one preparation of them all (and BACKGROUND). */
function nameLevels(names: readonly (string | Pick<LinkageRecord, 'given_name' | 'family_name'>)[]): (i: number, j: number) => number {
  const records = [...names, ...BACKGROUND].map((n, k): LinkageRecord => ({ record_id: String(k), list: 'A', ...(typeof n === 'string' ? { full_name: n } : n) }))
  const ctx = new CompareContext(prepareRecords(records))
  return (i, j) => {
    const level = ctx.nameLevel(i, j)
    assert.equal(ctx.nameLevel(j, i), level, 'symmetric')
    return level
  }
}

test("a son's name holding his father's given name is not the father's name", () => {
  const level = nameLevels([
    'Mohammed al-Idlibi', // 0: the father
    'Ahmad Mohammed al-Idlibi', // 1: his son Ahmad
    'Mohammed Ahmad al-Idlibi', // 2: the father again, with his own father's name
    'محمد الإدلبي', // 3: the father in Arabic script
    { given_name: 'Mohammed', family_name: 'al-Idlibi' }, // 4: the father in two columns
    'AL-IDLIBI Ahmad Mohammed', // 5: the son, family name first in capitals
  ])
  assert.ok(level(0, 2) <= 2, 'the father with and without his own father\'s name')
  assert.equal(level(0, 3), 1)
  assert.equal(level(0, 4), 1)
  assert.ok(level(0, 1) >= 4, `father and son: level ${level(0, 1)}`)
  assert.ok(level(3, 1) >= 4)
  assert.ok(level(4, 1) >= 4)
  // Brothers (or father and son) whose names hold the same words in another order.
  assert.ok(level(1, 2) >= 3, `Ahmad Mohammed / Mohammed Ahmad: level ${level(1, 2)}`)
  assert.ok(level(1, 5) <= 2)
  assert.ok(level(5, 0) >= 4)
})

test('a name written family first with nothing to show it still meets itself', () => {
  const level = nameLevels(['Mohammed al-Hassan', 'al-Hassan Mohammed', 'Ahmad al-Hassan'])
  assert.ok(level(0, 1) <= 2, `swapped: level ${level(0, 1)}`)
  assert.ok(level(1, 2) >= 4)
})

test('two different given names are a different name only when both are established names', () => {
  // Tokens held by few records may be misspellings (Ahmet for Ahmed): the word-set score decides.
  const ctx = new CompareContext(prepareRecords([
    { record_id: '1', list: 'A', full_name: 'Zuhair al-Idlibi' },
    { record_id: '2', list: 'A', full_name: 'Zouheir Mohammed al-Idlibi' },
  ]))
  assert.ok(ctx.nameLevel(0, 1) <= 3)
})

test('Mahmoud and Mohammed are two names; Mohamed and Muhammad are one', () => {
  const level = nameLevels(['Mohammed al-Hassan', 'Muhammad al-Hassan', 'Mahmoud al-Hassan', 'محمود الحسن', 'Mahmud al-Hassan', 'حسين الحسن', 'Hassan al-Hassan'])
  assert.equal(level(0, 1), 1)
  assert.equal(level(2, 3), 1)
  assert.equal(level(2, 4), 1)
  assert.ok(level(0, 2) >= 3, `Mohammed / Mahmoud: level ${level(0, 2)}`)
  assert.ok(level(0, 3) >= 3, `Mohammed / محمود: level ${level(0, 3)}`)
  assert.ok(level(5, 6) >= 3, `حسين / Hassan: level ${level(5, 6)}`)
})
