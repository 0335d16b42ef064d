import { test } from 'node:test'
import assert from 'node:assert/strict'
import { gradeIncident, normalisePerpetrator, supportLevel, type ClaimForGrading } from './grade.js'
import type { Assertion, Credibility, Reliability } from './schemas.js'

function claim(
  assertion: Assertion,
  reliability: Reliability,
  group: string,
  credibility: Credibility,
  status: ClaimForGrading['status'] = 'accepted',
): ClaimForGrading {
  return { status, credibility, assertion, source: { reliability, independenceGroup: group } }
}

// The seed's Casablanca case: the family received news that their son had been killed in battle;
// the father says "ISIS just liquidated him because he wanted to return".
test('the Casablanca case is contested, not confirmed', () => {
  const toldFamily = claim({ field: 'cause', value: 'killed_in_combat' }, 'F', 'news received by the family', 6)
  const father = claim({ field: 'cause', value: 'execution' }, 'C', 'father of the victim', 3)
  const fatherPerp = claim({ field: 'perpetrator', value: 'ISIS' }, 'C', 'father of the victim', 3)
  const friend = claim({ field: 'fate', value: 'killed' }, 'C', 'friend of the victim', 3)
  const result = gradeIncident([toldFamily, father, fatherPerp, friend])
  assert.equal(result.grade, 'contested')
  assert.equal(result.conflicts.length, 1)
  const conflict = result.conflicts[0]
  assert.equal(conflict?.field, 'cause')
  // Both versions are kept, each with who says it.
  assert.deepEqual(
    conflict?.values.map((v) => [v.value, v.groups]),
    [
      ['killed_in_combat', ['news received by the family']],
      ['execution', ['father of the victim']],
    ],
  )
})

test('without the battle version the same claims are fair, not contested', () => {
  const father = claim({ field: 'cause', value: 'execution' }, 'C', 'father', 3)
  const friend = claim({ field: 'fate', value: 'killed' }, 'C', 'friend', 3)
  assert.equal(gradeIncident([father, friend]).grade, 'fair')
})

test('claims from one independence group count once', () => {
  // Two outlets quoting the same observatory are one origin: moderate support once, not twice.
  const a = claim({ field: 'fate', value: 'killed' }, 'C', 'SOHR', 3)
  const b = claim({ field: 'fate', value: 'killed' }, 'C', 'SOHR', 3)
  assert.equal(gradeIncident([a, b]).grade, 'weak')
  const c = claim({ field: 'fate', value: 'killed' }, 'C', 'VDC', 3)
  assert.equal(gradeIncident([a, c]).grade, 'fair')
})

test('a strong origin with an independent moderate one is confirmed', () => {
  const sohr = claim({ field: 'count', value: { min: 120, max: null, counted: 'executions' } }, 'B', 'SOHR', 2)
  const witness = claim({ field: 'fate', value: 'killed' }, 'C', 'witness 1', 3)
  assert.equal(gradeIncident([sohr]).grade, 'fair')
  assert.equal(gradeIncident([sohr, witness]).grade, 'confirmed')
})

test('only draft or rejected claims: weak; only discredited claims: discounted', () => {
  const draft = claim({ field: 'fate', value: 'killed' }, 'A', 'x', 1, 'draft')
  const rejected = claim({ field: 'fate', value: 'killed' }, 'A', 'y', 1, 'rejected')
  assert.equal(gradeIncident([draft, rejected]).grade, 'weak')
  const unreliable = claim({ field: 'fate', value: 'killed' }, 'E', 'z', 2)
  const improbable = claim({ field: 'fate', value: 'killed' }, 'B', 'w', 5)
  assert.equal(gradeIncident([unreliable, improbable]).grade, 'discounted')
})

test('a discredited claim does not make an incident contested', () => {
  const a = claim({ field: 'cause', value: 'execution' }, 'B', 'a', 2)
  const b = claim({ field: 'cause', value: 'killed_in_combat' }, 'E', 'b', 2)
  assert.equal(gradeIncident([a, b]).grade, 'fair')
})

test('compatible causes and aliases of one perpetrator do not conflict', () => {
  const shot = claim({ field: 'cause', value: 'shooting' }, 'B', 'a', 2)
  const executed = claim({ field: 'cause', value: 'execution' }, 'B', 'b', 2)
  const isis = claim({ field: 'perpetrator', value: 'ISIS' }, 'B', 'a', 2)
  const daesh = claim({ field: 'perpetrator', value: 'Daesh' }, 'C', 'b', 3)
  assert.equal(gradeIncident([shot, executed, isis, daesh]).grade, 'confirmed')
  const other = claim({ field: 'perpetrator', value: 'Jabhat al-Nusra' }, 'C', 'c', 3)
  assert.equal(gradeIncident([isis, other]).grade, 'contested')
})

test('support levels follow the Admiralty scales', () => {
  assert.equal(supportLevel('A', 1), 'strong')
  assert.equal(supportLevel('B', 2), 'strong')
  assert.equal(supportLevel('B', 3), 'moderate')
  assert.equal(supportLevel('C', 2), 'moderate')
  assert.equal(supportLevel('D', 1), 'weak')
  assert.equal(supportLevel('F', 6), 'weak')
  assert.equal(supportLevel('A', 5), 'discredited')
  assert.equal(supportLevel('E', 1), 'discredited')
})

test('perpetrator names fold case, accents and aliases', () => {
  assert.equal(normalisePerpetrator('  Daesh '), 'isis')
  assert.equal(normalisePerpetrator('État islamique'), 'isis')
  assert.equal(normalisePerpetrator('داعش'), 'isis')
  assert.equal(normalisePerpetrator('Jabhat al-Nusra'), 'jabhat al nusra')
})
