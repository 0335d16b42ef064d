import { test } from 'node:test'
import assert from 'node:assert/strict'
import { generateSyntheticLists, pairwiseScores, wrongPairs } from './synthetic.js'
import { prepareRecords } from './prepare.js'
import { tokenizeName } from './normalize.js'

test('synthetic lists: relatives killed together share family name, day and place, not their given name', () => {
  const { records, truth, incident } = generateSyntheticLists(20_000, 4)
  assert.equal(records.length, 20_000)
  const p = prepareRecords(records)
  // Per incident, the persons it killed and one English-list record of each (en records carry
  // the given and family names in columns, the day and the place).
  const byIncident = new Map<number, Map<number, number>>()
  records.forEach((r, i) => {
    if (r.list !== 'en') return
    const persons = byIncident.get(incident[i] as number) ?? new Map<number, number>()
    if (!persons.has(truth[i] as number)) persons.set(truth[i] as number, i)
    byIncident.set(incident[i] as number, persons)
  })
  let families = 0
  let sameDayPlace = 0
  let sameGiven = 0
  let sameFamily = 0
  let siblingPairs = 0
  const family = (name: unknown): string => tokenizeName(String(name ?? '')).map((t) => t.skeleton).join(' ')
  for (const persons of byIncident.values()) {
    const rows = [...persons.values()]
    if (rows.length < 2) continue
    families++
    for (let x = 0; x < rows.length; x++) {
      for (let y = x + 1; y < rows.length; y++) {
        const a = records[rows[x] as number]
        const b = records[rows[y] as number]
        assert.ok(a !== undefined && b !== undefined)
        siblingPairs++
        if (p.admin[rows[x] as number] === p.admin[rows[y] as number] && p.dateLo[rows[x] as number] === p.dateLo[rows[y] as number]) sameDayPlace++
        if (family(a.family_name) === family(b.family_name)) sameFamily++
        if (a.given_name === b.given_name) sameGiven++
      }
    }
  }
  assert.ok(families > 300, `${families} families on the English list`)
  // Most pairs of relatives agree on day and province as written (the rest: a day misreported or
  // written to the month only, a place missing), and on their family name but for misspellings.
  assert.ok(sameDayPlace > 0.5 * siblingPairs, `${sameDayPlace} of ${siblingPairs}`)
  assert.ok(sameFamily > 0.8 * siblingPairs, `${sameFamily} of ${siblingPairs}`)
  // Brothers are never given one name; cousins sometimes are.
  assert.ok(sameGiven < 0.1 * siblingPairs, `${sameGiven} of ${siblingPairs} share a given name`)
  // Places: towns and the villages around them.
  assert.ok(new Set(records.map((r) => String(r.place ?? '').split(',')[0])).size > 1000)
})

test('wrongPairs counts wrongly linked pairs and those that join relatives', () => {
  // Persons 0 and 1 died together (incident 7), person 2 elsewhere (incident 8).
  const truth = Int32Array.of(0, 0, 1, 2)
  const incident = Int32Array.of(7, 7, 7, 8)
  // All four in one cluster: 6 pairs, 1 right, 5 wrong, of which 2 join relatives (0-1 twice).
  assert.deepEqual(wrongPairs(Int32Array.of(0, 0, 0, 0), truth, incident), { wrong: 5, relatives: 2 })
  // The two records of person 0 together, the rest apart: nothing wrong.
  assert.deepEqual(wrongPairs(Int32Array.of(0, 0, 1, 2), truth, incident), { wrong: 0, relatives: 0 })
  assert.equal(pairwiseScores(Int32Array.of(0, 0, 1, 2), truth).f1, 1)
})
