// Session/API secrets and CSRF tokens: the properties sign-in and every write request rely on.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { csrfTokenFor, csrfTokenMatches, hashSecret, newSecret } from './secrets.js'

test('new secrets carry their prefix and 32 random bytes', () => {
  const session = newSecret('tly_s')
  const api = newSecret('tly_t')
  assert.match(session, /^tly_s_[A-Za-z0-9_-]{43}$/)
  assert.match(api, /^tly_t_[A-Za-z0-9_-]{43}$/)
  assert.equal(Buffer.from(session.slice('tly_s_'.length), 'base64url').length, 32)
  const many = new Set(Array.from({ length: 100 }, () => newSecret('tly_s')))
  assert.equal(many.size, 100)
})

test('a secret is stored as its SHA-256 in hex, never as itself', () => {
  const secret = newSecret('tly_t')
  const stored = hashSecret(secret)
  assert.match(stored, /^[0-9a-f]{64}$/)
  assert.equal(stored, createHash('sha256').update(secret).digest('hex'))
  assert.equal(hashSecret(secret), stored)
  assert.notEqual(hashSecret(newSecret('tly_t')), stored)
  assert.ok(!stored.includes(secret.slice(6, 20)))
})

test('the CSRF token is stable per session and differs between sessions', () => {
  const a = newSecret('tly_s')
  const b = newSecret('tly_s')
  assert.equal(csrfTokenFor(a), csrfTokenFor(a))
  assert.notEqual(csrfTokenFor(a), csrfTokenFor(b))
  assert.match(csrfTokenFor(a), /^[A-Za-z0-9_-]{43}$/)
  assert.ok(!csrfTokenFor(a).includes(a.slice(6)))
})

test('csrfTokenMatches accepts only the session’s own token', () => {
  const a = newSecret('tly_s')
  const b = newSecret('tly_s')
  const token = csrfTokenFor(a)
  assert.equal(csrfTokenMatches(a, token), true)
  assert.equal(csrfTokenMatches(b, token), false)
  assert.equal(csrfTokenMatches(a, undefined), false)
  assert.equal(csrfTokenMatches(a, ''), false)
  assert.equal(csrfTokenMatches(a, token.slice(0, -1)), false)
  assert.equal(csrfTokenMatches(a, `${token}x`), false)
  const flipped = (token[0] === 'A' ? 'B' : 'A') + token.slice(1)
  assert.equal(csrfTokenMatches(a, flipped), false)
  // Same UTF-16 length, different byte length: refused by the length check, not a throw.
  assert.equal(csrfTokenMatches(a, 'é'.repeat(token.length)), false)
  assert.equal(csrfTokenMatches(a, a), false)
})
