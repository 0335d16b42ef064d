import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ChainVerifier, GENESIS_HASH, auditEventHash, canonicalJson, digestOfRows, sha256Hex } from './audit.js'
import type { AuditEvent } from './schemas.js'

function chain(n: number): AuditEvent[] {
  const out: AuditEvent[] = []
  let prev = GENESIS_HASH
  for (let seq = 1; seq <= n; seq++) {
    const base = { seq, at: `2026-01-0${seq}T00:00:00.000Z`, actor: 'tester', action: 'x.create', entityType: 'x', entityId: String(seq), digest: 'd'.repeat(64), prevHash: prev }
    const hash = auditEventHash(base)
    out.push({ ...base, hash })
    prev = hash
  }
  return out
}

function check(events: AuditEvent[]) {
  const v = new ChainVerifier()
  for (const e of events) if (!v.push(e)) break
  return v.result()
}

test('canonical JSON sorts keys at every depth', () => {
  assert.equal(canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }], u: undefined }), '{"a":[true,{"c":"x","d":null}],"b":1}')
  assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }))
})

test('an intact chain verifies and reports its head', () => {
  const events = chain(5)
  assert.deepEqual(check(events), { kind: 'intact', events: 5, head: events[4]?.hash })
})

test('altered, removed and reordered events are found', () => {
  const altered = chain(5)
  altered[2] = { ...altered[2]!, actor: 'mallory' }
  const a = check(altered)
  assert.equal(a.kind === 'broken' && a.firstBad, 3)

  const removed = chain(5)
  removed.splice(3, 1)
  const r = check(removed)
  assert.equal(r.kind, 'broken')
  assert.equal(r.kind === 'broken' && r.firstBad, 5)

  const reordered = chain(5)
  // Swap the contents of events 2 and 3 but keep seq numbers in order, as an editor might.
  const two = reordered[1]!
  const three = reordered[2]!
  reordered[1] = { ...three, seq: 2 }
  reordered[2] = { ...two, seq: 3 }
  const o = check(reordered)
  assert.equal(o.kind === 'broken' && o.firstBad, 2)
})

test('a batch digest is the hash of each row\'s canonical JSON, row by row', () => {
  const rows = [{ b: 1, a: 'x' }, { a: 'y', c: null, b: 2 }, { b: 3, a: 'z', extra: [1, { q: 1, p: 2 }] }]
  const expected = sha256Hex(['null', ...rows.map((r) => canonicalJson(r))].map((l) => l + '\n').join(''))
  assert.equal(digestOfRows(rows), expected)
  assert.notEqual(digestOfRows(rows.slice(0, 2)), expected)
})
