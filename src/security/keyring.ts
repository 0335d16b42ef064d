// The data key for protected fields (witness names, contacts, source details) and the cipher that
// uses it. The keys live in a key file outside the database (TALLY_KEY_FILE), so a stolen
// database or backup alone reveals no protected value. Keys rotate in another process while a
// server runs: every key ever current stays in the file, retired, until no value uses it, and a
// running FieldCipher notices the new file and reloads it.
//
// Key file: { "format": "tally-keyring-1", "current": "<id>",
//             "keys": [{ "id": "k<yyyymmddHHMMss>-<4 hex>", "key": "<base64, 32 bytes>",
//                        "createdAt": "<ISO>", "retiredAt"?: "<ISO>" }] }
// Sealed value: tly1.<keyId>.<iv>.<tag>.<ciphertext>, base64url parts, AES-256-GCM with the
// column's context string (e.g. "source.protected") as additional data, so a value copied into
// another column does not decrypt there.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import {
  closeSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  type BigIntStats,
} from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { TallyError } from '../domain/index.js'

const FORMAT = 'tally-keyring-1'
const SEAL_VERSION = 'tly1'
const KEY_BYTES = 32
const IV_BYTES = 12
const TAG_BYTES = 16
/** A key file holds a few hundred bytes per key; anything this large is not one. */
const MAX_KEY_FILE_BYTES = 1 << 20
const KEY_ID = /^k\d{14}-[0-9a-f]{4}$/
const SEALED = /^tly1\.(k\d{14}-[0-9a-f]{4})\.([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]*)$/
const IS_POSIX = process.platform !== 'win32'

interface KeyEntry {
  id: string
  key: string
  createdAt: string
  retiredAt?: string
}

interface KeyFileContent {
  format: typeof FORMAT
  current: string
  keys: KeyEntry[]
}

interface LoadedKeyFile {
  content: KeyFileContent
  /** Identifies this version of the file: a rotation (a rename) or a chmod changes it. */
  signature: string
}

interface SealedParts {
  keyId: string
  iv: Buffer
  tag: Buffer
  ciphertext: Buffer
}

/**
 * Creates a key file with one fresh key, readable by its owner only. Never overwrites: an
 * existing file may hold the only key to data, so its existence is a conflict.
 *
 * @example const { keyId } = createKeyFile('/etc/tally/keys.json')
 */
export function createKeyFile(path: string): { keyId: string } {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const now = new Date()
  const keyId = newKeyId(now, new Set())
  const content: KeyFileContent = { format: FORMAT, current: keyId, keys: [newKeyEntry(keyId, now)] }
  try {
    writeNewFile(path, serialize(content))
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') {
      throw new TallyError('conflict', `the key file ${path} already exists; an existing key is never overwritten`)
    }
    throw e
  }
  syncDirectory(dirname(path))
  return { keyId }
}

/**
 * Adds a new key, makes it current and retires the previous current key. The retired key stays
 * in the file so values not yet re-encrypted still decrypt; `removeRetiredKeys` drops it later.
 * The file is replaced atomically, so a server reading it sees the old or the new file, never half.
 */
export function rotateKeyFile(path: string): { newKeyId: string; previousKeyId: string } {
  return withKeyFileLock(path, () => {
    const { content } = readKeyFile(path)
    const now = new Date()
    const previousKeyId = content.current
    const newId = newKeyId(now, new Set(content.keys.map((k) => k.id)))
    const keys = content.keys.map((k) => (k.id === previousKeyId ? { ...k, retiredAt: now.toISOString() } : k))
    keys.push(newKeyEntry(newId, now))
    replaceFileAtomically(path, serialize({ format: FORMAT, current: newId, keys }))
    return { newKeyId: newId, previousKeyId }
  })
}

/**
 * Removes the retired keys that no stored value uses any more (`stillUsed`: the key ids found in
 * the database) and returns their ids. The current key is never removed. Values sealed with a
 * removed key can never be read again, so `stillUsed` must come from a scan made after the
 * rotation was seen by every writer.
 */
export function removeRetiredKeys(path: string, stillUsed: ReadonlySet<string>): string[] {
  return withKeyFileLock(path, () => {
    const { content } = readKeyFile(path)
    const removable = (k: KeyEntry): boolean =>
      k.id !== content.current && k.retiredAt !== undefined && !stillUsed.has(k.id)
    const removed = content.keys.filter(removable).map((k) => k.id)
    if (removed.length === 0) return []
    const keys = content.keys.filter((k) => !removable(k))
    replaceFileAtomically(path, serialize({ format: FORMAT, current: content.current, keys }))
    return removed
  })
}

/** True when `value` has the form of a sealed value (it says nothing of which key opens it). */
export function isSealed(value: string): boolean {
  return SEALED.test(value)
}

/**
 * Encrypts and decrypts protected fields with the keys of one key file. Keys are held privately
 * as Buffers (they do not appear in logs, `util.inspect` or JSON); the file is read again when it
 * changes, so a rotation done by another process takes effect without a restart.
 *
 * @example
 * const cipher = FieldCipher.open(process.env.TALLY_KEY_FILE!)
 * const sealed = cipher.encrypt('Amina, +963 ...', 'source.protected')
 * cipher.decrypt(sealed, 'source.protected') // 'Amina, +963 ...'
 */
export class FieldCipher {
  readonly #path: string
  #keys = new Map<string, Buffer>()
  #currentKeyId = ''
  #signature = ''

  private constructor(path: string, loaded: LoadedKeyFile) {
    this.#path = path
    this.#load(loaded)
  }

  /**
   * Reads the key file. Refuses, naming the file, when it is missing, unreadable, malformed, or
   * (on POSIX) readable by group or others.
   */
  static open(path: string): FieldCipher {
    return new FieldCipher(path, readKeyFile(path))
  }

  /** The id of the key new values are sealed with. */
  get currentKeyId(): string {
    return this.#currentKeyId
  }

  /** Seals `plaintext` for the column named by `context` under the current key. */
  encrypt(plaintext: string, context: string): string {
    requireContext(context)
    this.#reloadIfChanged()
    const key = this.#keys.get(this.#currentKeyId)
    if (key === undefined) throw new Error('FieldCipher: the current key is not loaded')
    const iv = randomBytes(IV_BYTES)
    const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
    cipher.setAAD(Buffer.from(context, 'utf8'))
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
    const tag = cipher.getAuthTag()
    return [SEAL_VERSION, this.#currentKeyId, iv, tag, ciphertext]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.')
  }

  /**
   * Opens a sealed value of the column named by `context`. A wrong key, another column's value or
   * any alteration is refused with a conflict whose message never contains the value.
   */
  decrypt(sealed: string, context: string): string {
    requireContext(context)
    const parts = parseSealed(sealed)
    let key = this.#keys.get(parts.keyId)
    if (key === undefined) {
      // Perhaps sealed by another process after a rotation this one has not seen yet.
      this.#load(readKeyFile(this.#path))
      key = this.#keys.get(parts.keyId)
    }
    if (key === undefined) {
      throw new TallyError(
        'conflict',
        `a protected value was sealed with key ${parts.keyId}, which the key file ${this.#path} does not hold (removed, or another key file)`,
      )
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, parts.iv, { authTagLength: TAG_BYTES })
      decipher.setAAD(Buffer.from(context, 'utf8'))
      decipher.setAuthTag(parts.tag)
      return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]).toString('utf8')
    } catch {
      throw new TallyError('conflict', 'a protected value could not be decrypted (wrong key or altered)')
    }
  }

  /** The id of the key a sealed value was sealed with, e.g. to find values still on a retired key. */
  keyIdOf(sealed: string): string {
    return parseSealed(sealed).keyId
  }

  #load(loaded: LoadedKeyFile): void {
    const keys = new Map<string, Buffer>()
    for (const entry of loaded.content.keys) keys.set(entry.id, decodeKey(entry.key))
    for (const old of this.#keys.values()) old.fill(0)
    this.#keys = keys
    this.#currentKeyId = loaded.content.current
    this.#signature = loaded.signature
  }

  /** A stat per encryption is cheap; sealing under a key another process already retired is not. */
  #reloadIfChanged(): void {
    let stats: BigIntStats
    try {
      stats = statSync(this.#path, { bigint: true })
    } catch (e) {
      throw unreadable(this.#path, e)
    }
    if (signatureOf(stats) !== this.#signature) this.#load(readKeyFile(this.#path))
  }
}

function requireContext(context: string): void {
  // An empty context would let values move between every column that forgot to name one.
  if (context.length === 0) throw new Error('FieldCipher needs a non-empty context naming the column')
}

function parseSealed(sealed: string): SealedParts {
  const m = SEALED.exec(sealed)
  const notSealed = (): TallyError =>
    new TallyError('conflict', 'a protected value could not be decrypted (it is not a sealed value)')
  if (!m) throw notSealed()
  const [, keyId, iv, tag, ciphertext] = m
  if (keyId === undefined || iv === undefined || tag === undefined || ciphertext === undefined) throw notSealed()
  const decoded = [iv, tag, ciphertext].map((part) => Buffer.from(part, 'base64url'))
  // base64url leaves spare bits in a last character; only the canonical spelling is accepted, so
  // one value has one sealed form.
  if (decoded.some((bytes, i) => bytes.toString('base64url') !== [iv, tag, ciphertext][i])) throw notSealed()
  return { keyId, iv: decoded[0]!, tag: decoded[1]!, ciphertext: decoded[2]! }
}

function decodeKey(base64: string): Buffer {
  const decoded = Buffer.from(base64, 'base64')
  // Copy out of Buffer's shared pool into memory of its own, which can be wiped on reload.
  const key = Buffer.alloc(KEY_BYTES)
  decoded.copy(key)
  decoded.fill(0)
  return key
}

function newKeyId(now: Date, taken: ReadonlySet<string>): string {
  const stamp = now.toISOString().replace(/\D/g, '').slice(0, 14)
  for (;;) {
    const id = `k${stamp}-${randomBytes(2).toString('hex')}`
    if (!taken.has(id)) return id
  }
}

function newKeyEntry(id: string, now: Date): KeyEntry {
  return { id, key: randomBytes(KEY_BYTES).toString('base64'), createdAt: now.toISOString() }
}

function serialize(content: KeyFileContent): string {
  return `${JSON.stringify(content, null, 2)}\n`
}

function signatureOf(stats: BigIntStats): string {
  return `${stats.dev}:${stats.ino}:${stats.size}:${stats.mtimeNs}:${stats.ctimeNs}`
}

function errnoCode(e: unknown): string | undefined {
  return e instanceof Error && 'code' in e && typeof e.code === 'string' ? e.code : undefined
}

function unreadable(path: string, e: unknown): TallyError {
  const code = errnoCode(e)
  if (code === 'ENOENT') return new TallyError('bad_input', `the key file ${path} does not exist`)
  if (code === 'EACCES' || code === 'EPERM') {
    return new TallyError('bad_input', `the key file ${path} cannot be read: permission denied`)
  }
  return new TallyError('bad_input', `the key file ${path} cannot be read (${code ?? 'unknown error'})`)
}

/** Reads and checks a key file through one descriptor, so the mode checked is that of the file read. */
function readKeyFile(path: string): LoadedKeyFile {
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch (e) {
    throw unreadable(path, e)
  }
  try {
    const stats = fstatSync(fd, { bigint: true })
    if (!stats.isFile()) throw new TallyError('bad_input', `the key file ${path} is not a regular file`)
    if (IS_POSIX && (Number(stats.mode) & 0o077) !== 0) {
      const mode = (Number(stats.mode) & 0o777).toString(8).padStart(3, '0')
      throw new TallyError(
        'bad_input',
        `the key file ${path} can be read by other users (mode ${mode}); restrict it with: chmod 600 ${path}`,
      )
    }
    if (stats.size > MAX_KEY_FILE_BYTES) throw new TallyError('bad_input', `the key file ${path} is too large to be a key file`)
    let text: string
    try {
      text = readFileSync(fd, 'utf8')
    } catch (e) {
      throw unreadable(path, e)
    }
    let raw: unknown
    try {
      raw = JSON.parse(text)
    } catch {
      // JSON.parse's own message quotes the text around the error, which may be key material.
      throw new TallyError('bad_input', `the key file ${path} is malformed: it is not JSON`)
    }
    return { content: checkKeyFile(path, raw), signature: signatureOf(stats) }
  } finally {
    closeSync(fd)
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isIsoTime(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value))
}

/** Checks the parsed file field by field; messages name the field, never a key's value. */
function checkKeyFile(path: string, raw: unknown): KeyFileContent {
  const malformed = (field: string, problem: string): TallyError =>
    new TallyError('bad_input', `the key file ${path} is malformed: ${field} ${problem}`, [{ path: field, message: problem }])
  if (!isRecord(raw)) throw malformed('the whole file', 'must be a JSON object')
  if (raw.format !== FORMAT) throw malformed('format', `must be "${FORMAT}"`)
  if (typeof raw.current !== 'string') throw malformed('current', 'must be a key id')
  if (!Array.isArray(raw.keys) || raw.keys.length === 0) throw malformed('keys', 'must be a non-empty array')
  const keys: KeyEntry[] = []
  const seen = new Set<string>()
  raw.keys.forEach((item: unknown, i: number) => {
    const at = `keys[${i}]`
    if (!isRecord(item)) throw malformed(at, 'must be an object')
    const { id, key, createdAt, retiredAt } = item
    if (typeof id !== 'string' || !KEY_ID.test(id)) throw malformed(`${at}.id`, 'must look like k20250101120000-1a2b')
    if (seen.has(id)) throw malformed(`${at}.id`, `repeats the id ${id}`)
    seen.add(id)
    if (typeof key !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(key) || Buffer.byteLength(key, 'base64') !== KEY_BYTES) {
      throw malformed(`${at}.key`, `must be base64 of ${KEY_BYTES} bytes`)
    }
    if (!isIsoTime(createdAt)) throw malformed(`${at}.createdAt`, 'must be an ISO 8601 time')
    if (retiredAt !== undefined && !isIsoTime(retiredAt)) throw malformed(`${at}.retiredAt`, 'must be an ISO 8601 time when present')
    keys.push(retiredAt === undefined ? { id, key, createdAt } : { id, key, createdAt, retiredAt })
  })
  const current = keys.find((k) => k.id === raw.current)
  if (current === undefined) throw malformed('current', `names ${raw.current}, which is not among keys`)
  if (current.retiredAt !== undefined) throw malformed('current', `names ${current.id}, which is retired`)
  return { format: FORMAT, current: current.id, keys }
}

/** Creates `path` (failing if it exists) readable by its owner only, and flushes it to disk. */
function writeNewFile(path: string, text: string): void {
  const fd = openSync(path, 'wx', 0o600)
  try {
    writeFileSync(fd, text, 'utf8')
    fsyncSync(fd)
  } catch (e) {
    closeSync(fd)
    unlinkSync(path)
    throw e
  }
  closeSync(fd)
}

/** Makes a rename or a creation in `dir` durable; a key lost to a power cut is data lost. */
function syncDirectory(dir: string): void {
  if (!IS_POSIX) return
  const fd = openSync(dir, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

function replaceFileAtomically(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  writeNewFile(temp, text)
  try {
    renameSync(temp, path)
  } catch (e) {
    unlinkSync(temp)
    throw e
  }
  syncDirectory(dirname(path))
}

/**
 * Runs a read-modify-write of the key file while holding `<file>.lock`, so two rotations (or a
 * rotation and a removal) at once cannot lose a key that one of them added.
 */
function withKeyFileLock<T>(path: string, work: () => T): T {
  const lock = `${path}.lock`
  try {
    writeNewFile(lock, `${process.pid}\n`)
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') {
      throw new TallyError(
        'conflict',
        `the key file ${path} is being changed by another process (${lock} exists); if none is running, delete ${lock}`,
      )
    }
    throw e
  }
  try {
    return work()
  } finally {
    unlinkSync(lock)
  }
}
