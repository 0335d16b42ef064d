// The key file and the field cipher: what keeps protected values readable across rotations and
// unreadable to anyone without the key, and what must refuse loudly rather than lose a key.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inspect } from 'node:util'
import { isTallyError, type TallyError } from '../domain/index.js'
import { FieldCipher, createKeyFile, isSealed, removeRetiredKeys, rotateKeyFile } from './keyring.js'

const POSIX = process.platform !== 'win32'
const MARKER = 'Witness-Marker-Amina-7f3c'
const CONTEXT = 'source.protected'

const dir = mkdtempSync(join(tmpdir(), 'tally-keyring-'))
after(() => rmSync(dir, { recursive: true, force: true }))
let files = 0
/** A fresh key file path (not yet created) in the temp dir. */
function freshPath(): string {
  return join(dir, `case-${++files}`, 'keys.json')
}

/** Every refusal's message, so the last test can check none of them leaks the marker. */
const messages: string[] = []

function refusal(fn: () => unknown): TallyError {
  try {
    fn()
  } catch (e) {
    assert.ok(isTallyError(e), `expected a TallyError, got ${String(e)}`)
    messages.push(e.message)
    return e
  }
  assert.fail('expected a refusal')
}

function mode(path: string): number {
  return statSync(path).mode & 0o777
}

interface KeyFileJson {
  format: string
  current: string
  keys: { id: string; key: string; createdAt: string; retiredAt?: string }[]
}

function readJson(path: string): KeyFileJson {
  return JSON.parse(readFileSync(path, 'utf8')) as KeyFileJson
}

/** Replaces one base64url part of a sealed value (1 iv, 2 tag, 3 ciphertext) with altered bytes. */
function alterPart(sealed: string, index: number): string {
  const parts = sealed.split('.')
  const bytes = Buffer.from(parts[index + 1]!, 'base64url')
  bytes[0] = bytes[0]! ^ 0x01
  parts[index + 1] = bytes.toString('base64url')
  return parts.join('.')
}

test('createKeyFile writes one current key, owner-only, creating parent directories', () => {
  const path = freshPath()
  const { keyId } = createKeyFile(path)
  assert.match(keyId, /^k\d{14}-[0-9a-f]{4}$/)
  if (POSIX) assert.equal(mode(path), 0o600)
  const json = readJson(path)
  assert.equal(json.format, 'tally-keyring-1')
  assert.equal(json.current, keyId)
  assert.equal(json.keys.length, 1)
  assert.equal(Buffer.from(json.keys[0]!.key, 'base64').length, 32)
  assert.ok(!Number.isNaN(Date.parse(json.keys[0]!.createdAt)))
  assert.equal(FieldCipher.open(path).currentKeyId, keyId)
})

test('createKeyFile never overwrites an existing key file', () => {
  const path = freshPath()
  createKeyFile(path)
  const before = readFileSync(path, 'utf8')
  const e = refusal(() => createKeyFile(path))
  assert.equal(e.code, 'conflict')
  assert.ok(e.message.includes(path))
  assert.equal(readFileSync(path, 'utf8'), before)
})

test('values round-trip and each sealing is fresh', () => {
  const path = freshPath()
  createKeyFile(path)
  const cipher = FieldCipher.open(path)
  for (const plaintext of ['', MARKER, 'Ağrı — شاهد — 證人 🕊', 'x'.repeat(100_000)]) {
    const sealed = cipher.encrypt(plaintext, CONTEXT)
    assert.ok(isSealed(sealed))
    assert.match(sealed, /^[\x21-\x7e]+$/)
    assert.equal(cipher.keyIdOf(sealed), cipher.currentKeyId)
    assert.equal(cipher.decrypt(sealed, CONTEXT), plaintext)
  }
  const a = cipher.encrypt(MARKER, CONTEXT)
  const b = cipher.encrypt(MARKER, CONTEXT)
  assert.notEqual(a, b)
  assert.ok(!a.includes(MARKER) && !a.includes(Buffer.from(MARKER).toString('base64url')))
  assert.equal(isSealed(MARKER), false)
  assert.equal(isSealed(`tly1.${cipher.currentKeyId}.x.y.z`), false)
})

test('altered values, another column’s values and another key’s values are refused', () => {
  const path = freshPath()
  createKeyFile(path)
  const cipher = FieldCipher.open(path)
  const sealed = cipher.encrypt(MARKER, CONTEXT)
  for (const part of [1, 2, 3]) {
    const e = refusal(() => cipher.decrypt(alterPart(sealed, part), CONTEXT))
    assert.equal(e.code, 'conflict')
    assert.equal(e.message, 'a protected value could not be decrypted (wrong key or altered)')
  }
  assert.equal(refusal(() => cipher.decrypt(sealed, 'source.notes')).code, 'conflict')
  assert.equal(refusal(() => cipher.decrypt(sealed.slice(0, -2), CONTEXT)).code, 'conflict')
  assert.equal(refusal(() => cipher.decrypt(MARKER, CONTEXT)).code, 'conflict')
  assert.equal(refusal(() => cipher.keyIdOf(MARKER)).code, 'conflict')

  // Another key file whose key carries the same id: only the key differs.
  const otherPath = freshPath()
  createKeyFile(otherPath)
  const json = readJson(otherPath)
  const ownId = readJson(path).current
  json.current = ownId
  json.keys[0]!.id = ownId
  writeFileSync(otherPath, JSON.stringify(json), { mode: 0o600 })
  const other = FieldCipher.open(otherPath)
  assert.equal(refusal(() => other.decrypt(sealed, CONTEXT)).code, 'conflict')

  // Another key file entirely: the key id is unknown there.
  const unrelated = FieldCipher.open(freshPathWithKey())
  const e = refusal(() => unrelated.decrypt(sealed, CONTEXT))
  assert.equal(e.code, 'conflict')
  assert.ok(e.message.includes(ownId))
})

function freshPathWithKey(): string {
  const path = freshPath()
  createKeyFile(path)
  return path
}

test('open refuses a missing, group-readable or malformed key file, naming it', () => {
  const missing = join(dir, 'nowhere', 'keys.json')
  const e = refusal(() => FieldCipher.open(missing))
  assert.equal(e.code, 'bad_input')
  assert.match(e.message, /does not exist/)
  assert.ok(e.message.includes(missing))

  if (POSIX) {
    const path = freshPathWithKey()
    chmodSync(path, 0o644)
    const open = refusal(() => FieldCipher.open(path))
    assert.equal(open.code, 'bad_input')
    assert.ok(open.message.includes(`chmod 600 ${path}`))
    chmodSync(path, 0o640)
    assert.match(refusal(() => FieldCipher.open(path)).message, /chmod 600/)
    assert.match(refusal(() => rotateKeyFile(path)).message, /chmod 600/)
  }

  const good = readJson(freshPathWithKey())
  const key = good.keys[0]!.key
  const malformed: [string, string][] = [
    [`{"format": "tally-keyring-1", "keys": [{"key": "${key}"`, 'not JSON'],
    ['[]', 'must be a JSON object'],
    [JSON.stringify({ ...good, format: 'tally-keyring-2' }), 'format'],
    [JSON.stringify({ ...good, current: 7 }), 'current'],
    [JSON.stringify({ ...good, keys: [] }), 'keys'],
    [JSON.stringify({ ...good, keys: [{ ...good.keys[0]!, key: key.slice(4) }] }), 'keys[0].key'],
    [JSON.stringify({ ...good, keys: [{ ...good.keys[0]!, id: 'key-1' }] }), 'keys[0].id'],
    [JSON.stringify({ ...good, keys: [{ ...good.keys[0]!, createdAt: 'yesterday' }] }), 'keys[0].createdAt'],
    [JSON.stringify({ ...good, keys: [good.keys[0]!, good.keys[0]!] }), 'keys[1].id'],
    [JSON.stringify({ ...good, current: 'k20250101000000-abcd' }), 'current'],
    [JSON.stringify({ ...good, keys: [{ ...good.keys[0]!, retiredAt: good.keys[0]!.createdAt }] }), 'retired'],
  ]
  for (const [text, field] of malformed) {
    const path = freshPath()
    createKeyFile(path)
    writeFileSync(path, text, { mode: 0o600 })
    const bad = refusal(() => FieldCipher.open(path))
    assert.equal(bad.code, 'bad_input')
    assert.ok(bad.message.includes(path), bad.message)
    assert.ok(bad.message.includes(field), `${bad.message} should name ${field}`)
    assert.ok(!bad.message.includes(key.slice(0, 12)), 'a key must never appear in a message')
  }
})

test('open refuses a key file that is not a regular file', () => {
  // (Permission-denied cannot be provoked here: tests run as root in CI, and root reads anything.)
  const path = join(mkdtempSync(join(dir, 'notafile-')), 'tally.key')
  mkdirSync(path, { mode: 0o700 })
  const e = refusal(() => FieldCipher.open(path))
  assert.match(e.message, /not a regular file/)
  assert.ok(e.message.includes(path))
})

test('rotation keeps old values readable and seals new ones under the new key', () => {
  const path = freshPathWithKey()
  const before = FieldCipher.open(path)
  const alsoBefore = FieldCipher.open(path)
  const first = before.currentKeyId
  const oldValue = before.encrypt(MARKER, CONTEXT)

  const { newKeyId, previousKeyId } = rotateKeyFile(path)
  assert.equal(previousKeyId, first)
  assert.notEqual(newKeyId, first)
  if (POSIX) assert.equal(mode(path), 0o600)
  assert.equal(existsSync(`${path}.lock`), false)
  const json = readJson(path)
  assert.equal(json.current, newKeyId)
  assert.deepEqual(json.keys.map((k) => k.id), [first, newKeyId])
  assert.ok(json.keys[0]!.retiredAt !== undefined)
  assert.equal(json.keys[1]!.retiredAt, undefined)

  const opened = FieldCipher.open(path)
  assert.equal(opened.currentKeyId, newKeyId)
  assert.equal(opened.decrypt(oldValue, CONTEXT), MARKER)
  const newValue = opened.encrypt('after rotation', CONTEXT)
  assert.equal(opened.keyIdOf(newValue), newKeyId)

  // Another process's view, opened before the rotation: it meets a value under a key it has not
  // loaded, reads the file again, and then seals under the new key.
  assert.equal(before.decrypt(newValue, CONTEXT), 'after rotation')
  assert.equal(before.keyIdOf(before.encrypt('x', CONTEXT)), newKeyId)
  assert.equal(before.currentKeyId, newKeyId)
  // One that only encrypts notices the changed file before sealing anything.
  assert.equal(alsoBefore.keyIdOf(alsoBefore.encrypt('y', CONTEXT)), newKeyId)
  assert.equal(alsoBefore.decrypt(oldValue, CONTEXT), MARKER)
})

test('removeRetiredKeys keeps the current key and every key still in use', () => {
  const path = freshPathWithKey()
  const cipher = FieldCipher.open(path)
  const k0 = cipher.currentKeyId
  const underK0 = cipher.encrypt(MARKER, CONTEXT)
  const k1 = rotateKeyFile(path).newKeyId
  const underK1 = cipher.encrypt('under k1', CONTEXT)
  const k2 = rotateKeyFile(path).newKeyId

  assert.deepEqual(removeRetiredKeys(path, new Set([k0, k1, k2])), [])
  assert.deepEqual(removeRetiredKeys(path, new Set([k1])), [k0])
  if (POSIX) assert.equal(mode(path), 0o600)
  assert.deepEqual(readJson(path).keys.map((k) => k.id), [k1, k2])
  assert.equal(cipher.decrypt(underK1, CONTEXT), 'under k1')
  // A process that loads the file now can no longer read values under the removed key.
  const gone = refusal(() => FieldCipher.open(path).decrypt(underK0, CONTEXT))
  assert.equal(gone.code, 'conflict')
  assert.ok(gone.message.includes(k0))

  // Nothing in use at all: every retired key goes, the current one stays.
  assert.deepEqual(removeRetiredKeys(path, new Set()), [k1])
  assert.deepEqual(readJson(path).keys.map((k) => k.id), [k2])
  assert.deepEqual(removeRetiredKeys(path, new Set()), [])
  assert.equal(FieldCipher.open(path).currentKeyId, k2)
  assert.equal(existsSync(`${path}.lock`), false)
})

test('a second writer is refused while the key file is locked', () => {
  const path = freshPathWithKey()
  const before = readFileSync(path, 'utf8')
  writeFileSync(`${path}.lock`, '12345\n')
  assert.equal(refusal(() => rotateKeyFile(path)).code, 'conflict')
  assert.equal(refusal(() => removeRetiredKeys(path, new Set())).code, 'conflict')
  assert.equal(readFileSync(path, 'utf8'), before)
  rmSync(`${path}.lock`)
  rotateKeyFile(path)
})

test('keys do not show in inspect or JSON of a cipher', () => {
  const path = freshPathWithKey()
  const key = readJson(path).keys[0]!.key
  const cipher = FieldCipher.open(path)
  const shown = `${inspect(cipher, { showHidden: true, depth: 5 })} ${JSON.stringify(cipher)}`
  assert.ok(!shown.includes(key))
  assert.ok(!shown.includes(Buffer.from(key, 'base64').toString('hex')))
})

test('no refusal message contains a protected value', () => {
  assert.ok(messages.length > 20)
  for (const message of messages) assert.ok(!message.includes(MARKER), message)
})
