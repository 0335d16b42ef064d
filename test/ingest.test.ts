// Documents in end to end: `tally extract` on the seed (exact spans, no boilerplate claims),
// `tally ingest` (original bytes and SHA-256 kept, a second ingest is a no-op, drafts queued),
// and review of a draft through the API.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildServer } from '../src/server/index.js'
import { bearer, tokenFor } from './helpers/auth.js'
import { openStore } from '../src/store/index.js'

const BIN = join(process.cwd(), 'bin', 'tally.js')
const SEED = join(process.cwd(), 'fixtures', 'seeds', '000_69d2a91eb1b21d3d.txt')

function tally(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

interface Extracted {
  text: string
  claims: { start: number; end: number; quote: string; assertion: { field: string; value: unknown } }[]
  speakers: { name: string; role: string | null }[]
}

test('tally extract on the seed: exact spans, the facts, and nothing from the boilerplate', () => {
  const r = tally('extract', SEED, '--published', '2014-12-25', '--json')
  assert.equal(r.code, 0, r.stderr)
  const x = JSON.parse(r.stdout) as Extracted
  assert.ok(x.claims.length > 20)
  for (const c of x.claims) assert.equal(x.text.slice(c.start, c.end), c.quote)
  for (const boilerplate of ['Google+ Pinterest', 'About Author', 'Comments are closed', 'Share.']) assert.ok(!x.text.includes(boilerplate), boilerplate)
  // The caption is printed twice on the page and kept once.
  assert.equal(x.text.split('Maghreb youths are the latest Daesh deserters').length - 1, 1)
  const values = (field: string) => x.claims.filter((c) => c.assertion.field === field).map((c) => c.assertion.value)
  assert.ok(values('count').some((v) => (v as { min: number }).min === 120))
  assert.ok(values('cause').includes('execution') && values('cause').includes('killed_in_combat'))
  const places = values('place').map((p) => (p as { name: string; country: string }).country)
  for (const country of ['MA', 'SY', 'IQ']) assert.ok(places.includes(country), country)
  assert.ok(values('date').some((d) => String(d).startsWith('2014-06')), JSON.stringify(values('date')))
  const speakers = x.speakers.map((s) => s.name)
  for (const name of ['Abdelmajid Hachadi', 'Miloud Belkadi', 'Zakaria Yathreb']) assert.ok(speakers.includes(name), name)
})

test('tally ingest keeps the original bytes and their SHA-256, once; drafts wait for review', async () => {
  const db = join(mkdtempSync(join(tmpdir(), 'tally-ingest-')), 't.db')
  const first = tally('ingest', SEED, '--source', 'Magharebia', '--published', '2014-12-25', '--db', db)
  assert.equal(first.code, 0, first.stderr)
  assert.match(first.stdout, /document 1 .*\d+ draft claims for review/)
  const again = tally('ingest', SEED, '--db', db)
  assert.equal(again.code, 0)
  assert.match(again.stdout, /already stored as document 1 \(same SHA-256\): nothing to do/)
  const store = await openStore(db)
  const server = await buildServer({ store })
  const auth = bearer(await tokenFor(store, 'admin'))
  try {
    const doc = await store.documents.get(1)
    const bytes = readFileSync(SEED)
    assert.equal(doc?.sha256, createHash('sha256').update(bytes).digest('hex'))
    assert.deepEqual(Buffer.from((await store.documents.original(1)) ?? []), bytes)
    assert.equal(doc?.publishedDate, '2014-12-25')
    // Drafts are about nothing yet, so they change no grade and no count.
    const stats = (await server.inject({ headers: auth, method: 'GET', url: '/api/v1/stats?unit=incidents&by=none' })).json() as { totals: { all: number } }
    assert.equal(stats.totals.all, 0)
    const drafts = (await server.inject({ headers: auth, method: 'GET', url: '/api/v1/claims?status=draft&field=cause' })).json() as { items: { id: number; assertion: { value: string } }[] }
    assert.ok(drafts.items.length > 0)
    const draft = drafts.items[0]!
    const refused = await server.inject({ headers: auth, method: 'POST', url: `/api/v1/claims/${draft.id}/accept` })
    assert.equal(refused.statusCode, 400)
    assert.match((refused.json() as { detail: string }).detail, /assign a subject/)
    const incident = (await server.inject({ headers: auth, method: 'POST', url: '/api/v1/incidents', payload: { type: 'execution', title: 'From the draft' } })).json() as { id: number; grade: string }
    const accepted = await server.inject({ headers: auth, method: 'POST', url: `/api/v1/claims/${draft.id}/accept`, payload: { subject: { kind: 'incident', incidentId: incident.id }, credibility: 3 } })
    assert.equal(accepted.statusCode, 200, accepted.body)
    const graded = (await server.inject({ headers: auth, method: 'GET', url: `/api/v1/incidents/${incident.id}` })).json() as { incident: { grade: string }; grading: { support: unknown[] } }
    assert.equal(graded.grading.support.length, 1)
  } finally {
    await server.close()
    await store.close()
  }
})

test('a file with NUL bytes is refused as not a text document, before anything is stored', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-nul-'))
  const file = join(dir, 'binary.txt')
  writeFileSync(file, Buffer.from('Three men were killed\u0000 in Raqqa.', 'utf8'))
  const r = spawnSync(process.execPath, [join(process.cwd(), 'bin', 'tally.js'), 'ingest', file, '--db', join(dir, 't.db')], { encoding: 'utf8' })
  assert.equal(r.status, 2, r.stderr)
  assert.match(r.stderr, /contains NUL bytes: it is not a text document/)
})
