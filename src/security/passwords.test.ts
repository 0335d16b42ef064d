// Password hashing, checking and generation. Each argon2 call costs tens of milliseconds, so this
// file hashes only a few times and reuses the results.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Algorithm, parseOptions } from '@node-rs/argon2'
import {
  DUMMY_PASSWORD_HASH,
  generatePassword,
  hashPassword,
  passwordProblem,
  verifyAgainstNothing,
  verifyPassword,
} from './passwords.js'

test('a hashed password verifies; a wrong one does not', async () => {
  const password = 'tally correct horse 42'
  const phc = await hashPassword(password)
  assert.match(phc, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
  assert.ok(!phc.includes(password))
  assert.equal(await verifyPassword(phc, password), true)
  assert.equal(await verifyPassword(phc, 'tally correct horse 43'), false)
  assert.equal(await verifyPassword(phc, ''), false)
  // A fresh salt each time: two users with one password do not share a hash.
  assert.notEqual(await hashPassword(password), phc)
})

test('a malformed hash answers false instead of throwing', async () => {
  for (const phc of ['', 'not a hash', '$argon2id$v=19$m=19456,t=2,p=1$', '$2b$10$abcdefghijklmnopqrstuv']) {
    assert.equal(await verifyPassword(phc, 'whatever password'), false, phc)
  }
})

test('the dummy hash costs what a real one does and never matches', async () => {
  const dummy = parseOptions(DUMMY_PASSWORD_HASH)
  assert.equal(dummy.algorithm, Algorithm.Argon2id)
  assert.deepEqual([dummy.memoryCost, dummy.timeCost, dummy.parallelism], [19456, 2, 1])
  assert.equal(await verifyAgainstNothing('any password at all'), false)
})

test('generated passwords are acceptable, readable and carry at least 128 bits', () => {
  const lookAlikes = /[0O1lI]/
  const symbols = new Set<string>()
  const seen = new Set<string>()
  for (let i = 0; i < 300; i++) {
    const password = generatePassword()
    assert.match(password, /^[a-z0-9]{4}(-[a-z0-9]{4})+$/)
    assert.doesNotMatch(password, lookAlikes)
    assert.equal(passwordProblem(password), null)
    seen.add(password)
    for (const c of password.replaceAll('-', '')) symbols.add(c)
  }
  assert.equal(seen.size, 300)
  // Entropy: symbols per password × log2(alphabet size), the alphabet as observed over many draws.
  const length = generatePassword().replaceAll('-', '').length
  assert.ok(length * Math.log2(symbols.size) >= 128, `${length} symbols from ${symbols.size}`)
})

test('passwordProblem explains a refusal without repeating the password', () => {
  assert.equal(passwordProblem('a long enough passphrase'), null)
  assert.equal(passwordProblem('ab'.repeat(512)), null)
  const cases = ['Secret7!', 'aaaaaaaaaaaaaaaa', 'é'.repeat(13), 'ab'.repeat(513), '']
  const problems = cases.map((p) => passwordProblem(p))
  assert.match(problems[0]!, /at least 12 characters/)
  assert.match(problems[1]!, /one character repeated/)
  assert.match(problems[2]!, /one character repeated/)
  assert.match(problems[3]!, /at most 1024 characters/)
  assert.match(problems[4]!, /at least 12 characters/)
  for (const [i, p] of cases.entries()) if (p.length > 0) assert.ok(!problems[i]!.includes(p))
  // Characters are code points: twelve emoji are twelve characters, not twenty-four.
  assert.equal(passwordProblem('🕊'.repeat(11) + '🌿'), null)
  assert.match(passwordProblem('🕊'.repeat(10) + '🌿')!, /at least 12/)
})
