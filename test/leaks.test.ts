// Planted marker values in every protected field — a witness's identity, contact and notes, a
// family's contact, marked testimony and the quotes of claims on it — must never be readable
// where they should not be: in the database at rest, in the server's log, in errors, in public
// exports, or in anything an analyst or a viewer receives. Admins see them (so the search for
// the markers is known to work), and a rotated key changes nothing of that.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough, Writable } from 'node:stream'
import {
  addClaim,
  addDocument,
  buildDemo,
  createPerson,
  createSource,
  exportRecords,
  openSealer,
  pruneKeys,
  rotateKey,
  type Context,
} from '../src/app/index.js'
import { ROLES, type Role } from '../src/domain/index.js'
import { createKeyFile, FieldCipher } from '../src/security/index.js'
import { buildServer, type TallyServer } from '../src/server/index.js'
import { sql } from 'kysely'
import type { Store } from '../src/store/index.js'
import { bearer, tokenFor } from './helpers/auth.js'
import { testBackends } from './helpers/backends.js'

const M = {
  identity: 'MARKER-IDENTITY-Khadija-Benali-5521',
  contact: 'MARKER-CONTACT-+212-600-555-013',
  notes: 'MARKER-NOTES-meets-at-the-mosque-8812',
  family: 'MARKER-FAMILY-CONTACT-brother-Youssef-4407',
  testimony: 'MARKER-TESTIMONY-I-saw-them-take-him-from-the-bakery-3390',
}
const MARKERS = Object.values(M)
// Fragments too: a leak of part of a value is a leak.
const FRAGMENTS = [...MARKERS, 'Khadija-Benali', '600-555-013', 'brother-Youssef', 'take-him-from-the-bakery']

function leaked(text: string): string[] {
  return FRAGMENTS.filter((m) => text.includes(m))
}

const ADMIN = { name: 'test-setup', role: 'admin' as const }

/** Everything stored, as text: the SQLite files (with the WAL), or every row of every PostgreSQL table. */
async function storedText(store: Store): Promise<string> {
  if (store.kind === 'sqlite') {
    return [store.location, `${store.location}-wal`]
      .map((f) => {
        try {
          return readFileSync(f).toString('latin1') + readFileSync(f).toString('utf8')
        } catch {
          return ''
        }
      })
      .join('')
  }
  const tables = await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(store.db)
  let text = ''
  for (const { name } of tables.rows) {
    const rows = await sql<{ j: string }>`select row_to_json(t)::text as j from ${sql.table(name)} t`.execute(store.db)
    for (const r of rows.rows) text += r.j
  }
  return text
}

for (const backend of testBackends()) describe(`protected values never leak (${backend.name}, with a key file)`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-leaks-'))
  const keyFile = join(dir, 'tally.key')
  let store: Store
  let server: TallyServer
  let ctx: Context
  let log = ''
  const tokens = new Map<Role, string>()
  const ids = { source: 0, person: 0, document: 0, claim: 0 }

  before(async () => {
    createKeyFile(keyFile)
    store = await backend.open()
    ctx = { store, actor: ADMIN, sealer: openSealer(keyFile) }
    await buildDemo(ctx)
    const witness = await createSource(ctx, { kind: 'witness', name: 'Witness W-17', reliability: 'C', protected: { identity: M.identity, contact: M.contact, notes: M.notes } })
    ids.source = witness.id
    const person = await createPerson(ctx, { name: 'Victim V-3', sex: 'male', fate: 'killed', dateOfDeath: '2014-11-02', nameVariants: [], incidentIds: [], protected: { contact: M.family } })
    ids.person = person.id
    const text = `Statement recorded in Raqqa. ${M.testimony}. Nothing more was said.`
    const doc = await addDocument(ctx, { sourceId: witness.id, kind: 'testimony', title: 'Statement W-17', language: 'en', text, protected: true })
    ids.document = doc.document.id
    const start = text.indexOf(M.testimony)
    const claim = await addClaim(ctx, {
      documentId: doc.document.id,
      start,
      end: start + M.testimony.length,
      quote: M.testimony,
      subject: { kind: 'person', personId: person.id },
      assertion: { field: 'fate', value: 'killed' },
      credibility: 2,
      status: 'draft',
      extractedBy: 'reviewer',
    })
    ids.claim = claim.id
    const logStream = new PassThrough()
    logStream.on('data', (d: Buffer) => (log += d.toString()))
    server = await buildServer({ store, sealer: ctx.sealer, logStream, requestsPerMinute: 0 })
    for (const role of ROLES) tokens.set(role, await tokenFor(store, role))
  })
  after(async () => {
    await server.close()
    await store.close()
  })

  async function get(role: Role, url: string) {
    const r = await server.inject({ method: 'GET', url, headers: bearer(tokens.get(role)!) })
    return { status: r.statusCode, body: r.body }
  }

  const READS = () => [
    '/api/v1/sources?limit=500',
    `/api/v1/sources/${ids.source}`,
    '/api/v1/documents?limit=500',
    `/api/v1/documents/${ids.document}`,
    '/api/v1/claims?limit=500',
    `/api/v1/claims/${ids.claim}`,
    '/api/v1/persons?limit=500',
    `/api/v1/persons/${ids.person}`,
    '/api/v1/incidents?limit=500',
    '/api/v1/stats?unit=persons&by=place',
    '/api/v1/report',
    '/api/v1/exports/public?format=json&of=victims',
    '/api/v1/exports/public?format=hxl&of=incidents',
    '/api/v1/exports/full?format=csv&of=victims',
  ]

  test('an admin sees every planted value (the search works), decrypted', async () => {
    const seen = new Set<string>()
    for (const url of READS()) for (const m of leaked((await get('admin', url)).body)) seen.add(m)
    for (const m of MARKERS) assert.ok(seen.has(m), `admin should see ${m}`)
  })

  for (const role of ['analyst', 'viewer'] as const) {
    test(`an ${role} never receives a protected value, from any read`, async () => {
      let answered = 0
      for (const url of READS()) {
        const r = await get(role, url)
        assert.deepEqual(leaked(r.body), [], `${role} ${url} → ${r.status}`)
        if (r.status === 200) answered++
      }
      assert.ok(answered >= (role === 'analyst' ? 13 : 5), `${role} got ${answered} answers`)
      if (role === 'analyst') {
        const doc = JSON.parse((await get(role, `/api/v1/documents/${ids.document}`)).body) as { textWithheld?: boolean; text: string }
        assert.equal(doc.textWithheld, true)
        const source = JSON.parse((await get(role, `/api/v1/sources/${ids.source}`)).body) as { hasProtected: boolean; protected?: unknown }
        assert.equal(source.hasProtected, true)
        assert.equal(source.protected, undefined)
      }
    })
  }

  test('errors never quote protected testimony, even to the documenter who sent the request', async () => {
    const r = await server.inject({
      method: 'POST',
      url: '/api/v1/claims',
      headers: bearer(tokens.get('documenter')!),
      payload: { documentId: ids.document, start: 0, end: 40, quote: 'not what the text says', subject: { kind: 'unassigned' }, assertion: { field: 'fate', value: 'killed' }, credibility: 3, extractedBy: 'documenter' },
    })
    assert.equal(r.statusCode, 400, r.body)
    assert.deepEqual(leaked(r.body), [])
    assert.match(r.body, /withheld/)
    const bad = await server.inject({ method: 'POST', url: '/api/v1/sources', headers: bearer(tokens.get('admin')!), payload: { kind: 'witness', name: M.identity, reliability: 'Z', protected: { contact: M.contact } } })
    assert.equal(bad.statusCode, 400)
    assert.deepEqual(leaked(bad.body), [], 'a rejected body is not echoed')
  })

  test('the server log holds no protected value after all of the above', () => {
    assert.ok(log.length > 1000, 'the log captured requests')
    assert.deepEqual(leaked(log), [])
  })

  test('public exports, in every format, hold no protected value; nor does the full export', async () => {
    for (const format of ['csv', 'json', 'geojson', 'hxl'] as const) {
      for (const isPublic of [true, false]) {
        for (const of of ['victims', 'incidents'] as const) {
          let text = ''
          const out = new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString()), cb()) })
          await exportRecords({ ...ctx, actor: { name: 'exporter', role: 'analyst' } }, { format, public: isPublic, of, out })
          assert.deepEqual(leaked(text), [], `${format} ${of} public=${isPublic}`)
          assert.ok(text.length > 50, `${format} ${of} public=${isPublic}: ${text}`)
        }
      }
    }
  })

  test('at rest the database holds no protected value in the clear', async () => {
    // The store stays open: on SQLite what is not yet checkpointed is in the WAL, read too.
    const text = await storedText(store)
    assert.ok(text.includes('Witness W-17'), 'the scan finds what is stored in the clear (the display name)')
    assert.deepEqual(leaked(text), [])
  })

  test('key rotation re-encrypts everything while the server keeps answering; the old key can then go', async () => {
    const before = JSON.parse(readFileSync(keyFile, 'utf8')) as { current: string }
    const report = await rotateKey(ctx, keyFile)
    // The planted source, person, testimony text and original bytes, and claim quote; and the
    // demo's sealed placeholder for the father's identity.
    assert.equal(report.resealed, 6)
    assert.equal(statSync(keyFile).mode & 0o777, 0o600)
    // The running server's key ring was loaded before the rotation: it still reads every value.
    const seen = new Set<string>()
    for (const url of READS()) for (const m of leaked((await get('admin', url)).body)) seen.add(m)
    for (const m of MARKERS) assert.ok(seen.has(m), `after rotation admin should still see ${m}`)
    const removed = await pruneKeys(ctx, keyFile)
    assert.deepEqual(removed, [before.current])
    // Opened from the pruned file alone, everything still decrypts.
    const fresh = FieldCipher.open(keyFile)
    const ctx2: Context = { store, actor: ADMIN, sealer: fresh }
    const { getSource } = await import('../src/app/index.js')
    assert.equal((await getSource(ctx2, ids.source)).protected?.identity, M.identity)
  })

  test('without the key file, protected fields are unreadable and everything else works', async () => {
    const keyless = await buildServer({ store, sealer: null, requestsPerMinute: 0 })
    try {
      const auth = bearer(tokens.get('admin')!)
      const source = (await keyless.inject({ method: 'GET', url: `/api/v1/sources/${ids.source}`, headers: auth })).json() as { name: string; hasProtected: boolean; protected?: unknown }
      assert.equal(source.name, 'Witness W-17')
      assert.equal(source.hasProtected, true)
      assert.equal(source.protected, undefined)
      const report = await keyless.inject({ method: 'GET', url: '/api/v1/report', headers: auth })
      assert.equal(report.statusCode, 200)
      const write = await keyless.inject({ method: 'POST', url: '/api/v1/sources', headers: auth, payload: { kind: 'witness', name: 'W-18', reliability: 'C', protected: { identity: 'someone' } } })
      assert.equal(write.statusCode, 503, 'storing a protected field without the key is refused, not done in the clear')
      assert.match(write.body, /key file/)
    } finally {
      await keyless.close()
    }
  })
})
