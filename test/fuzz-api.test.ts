// Property-based tests of the HTTP API: every route of the OpenAPI document, fuzzed bodies and
// queries, as every role. Whatever is sent, the answer is never a 5xx, every error is
// problem+json, and no error ever contains a protected value — not even one the request itself
// carried (a bad request quoting the witness's name back would put it in logs, proxies, screens).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { addDocument, createIncident, createPerson, createSource, type Context } from '../src/app/index.js'
import { DocumentInput, PersonInput, ROLES, type Role } from '../src/domain/index.js'
import { FieldCipher, createKeyFile } from '../src/security/index.js'
import { buildServer, type TallyServer } from '../src/server/index.js'
import type { Store } from '../src/store/index.js'
import { bearer, tokenFor } from './helpers/auth.js'
import { testBackends } from './helpers/backends.js'
import { hugeString, junk, nastyNumber, nastyString, shapedObject } from './helpers/fuzz.js'

const SEED = 20_141_226

/** Values planted in protected fields: none may ever appear in an error answer. */
const MARKER = {
  identity: 'MARKER-ID-q7Zr2',
  contact: 'MARKER-CONTACT-+963-555-0147',
  notes: 'MARKER-NOTE-lives-behind-the-mosque',
  text: 'MARKER-TEXT-the-witness-saw-it',
} as const
const MARKERS: readonly string[] = Object.values(MARKER)
const PROTECTED = { identity: MARKER.identity, contact: MARKER.contact, notes: MARKER.notes }

/** A string carrying a marker, as a value (plain, padded, quoted, too long for its field). */
const markerString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...MARKERS),
  fc.tuple(fc.constantFrom(...MARKERS), nastyString).map(([m, s]) => `${s}${m}${s}`),
  fc.constantFrom(...MARKERS).map((m) => m.repeat(Math.ceil(1100 / m.length))),
  fc.constantFrom(...MARKERS).map((m) => `"${m}"`),
)

/** A body value: junk, or something carrying a marker. */
const bodyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: junk },
  { weight: 2, arbitrary: markerString },
  { weight: 1, arbitrary: fc.record({ identity: markerString, contact: fc.oneof(markerString, nastyNumber), notes: junk }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.array(markerString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.record({ name: markerString, country: markerString, lat: nastyNumber }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: fc.record({ field: fc.constantFrom('date', 'perpetrator', 'place', 'count', 'circumstance', 'nationality'), value: fc.oneof(markerString, junk) }) },
  { weight: 1, arbitrary: hugeString },
)

interface Seeded {
  sourceId: number
  personId: number
  /** A plain document, for claims. */
  documentId: number
  /** Protected testimony. */
  protectedDocumentId: number
  incidentId: number
}

/** Valid-looking bodies that carry the markers, per route (method and OpenAPI path). */
function templates(s: Seeded): Record<string, Record<string, unknown>> {
  const source = { kind: 'witness', name: 'Witness 2', reliability: 'C', protected: PROTECTED }
  const person = { name: 'The butcher\'s son', sex: 'male', protected: PROTECTED }
  const incident = { type: 'killing', title: 'x', description: MARKER.notes, perpetrator: MARKER.identity }
  const claim = {
    documentId: s.documentId,
    start: 0,
    end: 9,
    quote: MARKER.text,
    subject: { kind: 'person', personId: s.personId },
    assertion: { field: 'circumstance', value: MARKER.notes },
    extractedBy: 'fuzzer',
    note: MARKER.contact,
  }
  const review = { note: MARKER.notes, assertion: { field: 'perpetrator', value: MARKER.identity } }
  return {
    'POST /api/v1/sources': source,
    'PUT /api/v1/sources/{id}': source,
    'POST /api/v1/persons': person,
    'PUT /api/v1/persons/{id}': person,
    'POST /api/v1/documents': { sourceId: s.sourceId, kind: 'testimony', title: 'Testimony', language: 'en', text: `${MARKER.text} ${MARKER.identity}`, protected: true },
    'POST /api/v1/incidents': incident,
    'PUT /api/v1/incidents/{id}': incident,
    'PUT /api/v1/incidents/{id}/grade-override': { grade: 'weak', reason: MARKER.notes },
    'POST /api/v1/acts': { incidentId: s.incidentId, kind: 'killing', victimCount: 1, perpetrator: MARKER.identity },
    'POST /api/v1/claims': claim,
    'PUT /api/v1/claims/{id}': claim,
    'POST /api/v1/claims/{id}/accept': review,
    'POST /api/v1/claims/{id}/reject': review,
    'POST /api/v1/linkage/pairs/{id}/decision': { decision: 'same', reason: MARKER.notes },
    'POST /api/v1/estimates': { lists: ['A', 'B'], rows: [{ history: '10', count: 3 }, { history: '11', count: 1 }], method: { method: 'loglinear', model: 'A' } },
    'POST /api/v1/session': { username: MARKER.identity, password: MARKER.contact },
    'POST /api/v1/users': { username: 'fuzz-user', role: 'viewer' },
    'POST /api/v1/tokens': { name: 'fuzz-token', role: 'viewer', expiresInDays: 1 },
  }
}

/** A template with one field broken (or none), so validation fails at a field carrying a marker. */
function mutated(template: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(template)
  return fc.oneof(
    fc.constant(template),
    fc.tuple(fc.constantFrom(...keys), bodyValue).map(([k, v]) => ({ ...template, [k]: v })),
    fc.tuple(fc.constantFrom(...keys), fc.constantFrom(...keys), bodyValue, bodyValue).map(([a, b, va, vb]) => ({ ...template, [a]: va, [b]: vb })),
    fc.constantFrom(...keys).map((k) => {
      const { [k]: _gone, ...rest } = template
      return rest
    }),
    // Protected fields that are each wrong in their own way (too long, wrong type, extra key).
    fc
      .record({ identity: fc.oneof(markerString, nastyNumber), contact: fc.oneof(markerString, fc.constant(null)), notes: fc.constantFrom(MARKER.notes.repeat(Math.ceil(20_100 / MARKER.notes.length)), MARKER.notes) })
      .map((p) => ({ ...template, protected: p })),
  )
}

interface Operation {
  method: string
  path: string
  pathParams: string[]
  queryParams: string[]
  bodyFields: string[] | null
}

interface OpenApiDoc {
  paths: Record<string, Record<string, { parameters?: Array<{ in: string; name: string }>; requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, unknown>; anyOf?: unknown[] } }> } }>>
}

function operationsOf(doc: OpenApiDoc): Operation[] {
  const ops: Operation[] = []
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = op.parameters ?? []
      const schema = op.requestBody?.content?.['application/json']?.schema
      const props = schema?.properties ?? (schema?.anyOf?.find((s) => typeof s === 'object' && s !== null && 'properties' in s) as { properties?: Record<string, unknown> } | undefined)?.properties
      ops.push({
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: params.filter((p) => p.in === 'query').map((p) => p.name),
        bodyFields: op.requestBody ? Object.keys(props ?? {}) : null,
      })
    }
  }
  return ops
}

/** Who asks: every role, nobody, and a malformed or unknown token. */
type Caller = Role | 'anonymous' | 'bad-token' | 'unknown-token'
const CALLERS: readonly Caller[] = [...ROLES, 'anonymous', 'bad-token', 'unknown-token']

const idValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 6 }).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1.5', 'abc', '1e3', '99999999999999999999', '0x10', ' 1', '%00', 'null') },
)
const queryValue: fc.Arbitrary<string | string[]> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 3, arbitrary: markerString },
  { weight: 2, arbitrary: fc.constantFrom('1', '50', '500', '501', '0', '-1', 'true', 'false', 'draft', 'killing', 'month', 'victims', 'persons', 'grade', 'sex', '2014-12-25', 'fair', 'male') },
  { weight: 1, arbitrary: fc.array(fc.oneof(nastyString, markerString), { minLength: 2, maxLength: 3 }) },
)

interface FuzzRequest {
  op: number
  caller: Caller
  ids: string[]
  query: Record<string, string | string[]>
  body: { kind: 'json'; value: unknown } | { kind: 'raw'; type: string; payload: string } | { kind: 'none' }
}

function requestArbitrary(ops: readonly Operation[], tpl: Record<string, Record<string, unknown>>): fc.Arbitrary<FuzzRequest> {
  return fc.integer({ min: 0, max: ops.length - 1 }).chain((i) => {
    const op = ops[i]!
    const template = tpl[`${op.method} ${op.path}`]
    const fields = op.bodyFields ?? []
    const jsonBody = fc.oneof(
      { weight: template ? 4 : 0, arbitrary: template ? mutated(template) : fc.constant({}) },
      { weight: 3, arbitrary: shapedObject(fields, bodyValue) },
      { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
      { weight: 1, arbitrary: markerString },
    ).map((b) => withoutMarkerNames(op, b))
    const rawBody = fc.oneof(
      // Malformed JSON around a marker: the parser's message must not quote it back.
      fc.tuple(fc.constantFrom(...MARKERS), fc.constantFrom('{"name": %}', '{"protected":{"identity":"%"', '%', '{"a":"%"} trailing', '["%",]', '{"x": "%" "y"}', '{"%"}', 'n%', '{"a": t%}')).map(([m, shape]) => ({
        kind: 'raw' as const,
        type: 'application/json',
        payload: shape.replace('%', m),
      })),
      fc.tuple(fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data', 'application/json; charset=latin1', 'application/json'), markerString).map(([type, payload]) => ({ kind: 'raw' as const, type, payload })),
    )
    return fc.record({
      op: fc.constant(i),
      caller: fc.oneof({ weight: 4, arbitrary: fc.constant<Caller>('admin') }, { weight: 4, arbitrary: fc.constantFrom(...CALLERS) }),
      ids: fc.array(idValue, { minLength: op.pathParams.length, maxLength: op.pathParams.length }),
      query: op.queryParams.length === 0 ? fc.constant({}) : fc.dictionary(fc.oneof(fc.constantFrom(...op.queryParams), fc.constantFrom('__proto__', 'x')), queryValue, { maxKeys: 4 }),
      body: fc.oneof(
        { weight: op.bodyFields === null ? 1 : 6, arbitrary: jsonBody.map((value) => ({ kind: 'json' as const, value })) },
        { weight: 2, arbitrary: rawBody },
        { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
      ),
    })
  })
}

/**
 * Some bodies hold only names their author chooses — user and token names, an estimate's list
 * names and model terms — not protected values, and an error rightly names the one at fault
 * ("user x exists", "model term 'x': unknown list 'x'"). Markers are kept out of these bodies.
 */
const NAMES_ONLY = new Set(['POST /api/v1/users', 'POST /api/v1/tokens', 'POST /api/v1/estimates'])
function withoutMarkerNames(op: Operation, body: unknown): unknown {
  if (!NAMES_ONLY.has(`${op.method} ${op.path}`) || body === undefined) return body
  let text = JSON.stringify(body)
  for (const m of MARKERS) text = text.split(m).join('fuzz-name')
  return JSON.parse(text) as unknown
}

function urlOf(op: Operation, r: FuzzRequest): string {
  let i = 0
  const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    const v = r.ids[i++] ?? '1'
    // Non-id path parameters (user and token names) get fuzzed strings of their own.
    return encodeURIComponent(name === 'id' ? v : v === '1' ? 'test-viewer' : `${v}-${name}`)
  })
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(r.query)) for (const x of [v].flat()) q.append(k, x)
  const qs = q.toString()
  return qs === '' ? path : `${path}?${qs}`
}

for (const backend of testBackends()) {
  describe(`fuzz: the HTTP API on ${backend.name}`, () => {
    let store: Store
    let server: TallyServer
    let keyDir: string
    let ops: Operation[]
    let seeded: Seeded
    const headers = new Map<Caller, Record<string, string>>()

    before(async () => {
      store = await backend.open()
      keyDir = mkdtempSync(join(tmpdir(), 'tally-fuzz-key-'))
      const keyFile = join(keyDir, 'keys.json')
      createKeyFile(keyFile)
      const sealer = FieldCipher.open(keyFile)
      const ctx: Context = { store, actor: { name: 'x', role: 'admin' }, sealer }
      const source = await createSource(ctx, { kind: 'witness', name: 'W', reliability: 'C', protected: PROTECTED })
      const person = await createPerson(ctx, PersonInput.parse({ name: 'Omar', protected: PROTECTED }))
      const protectedDoc = await addDocument(ctx, DocumentInput.parse({ sourceId: source.id, kind: 'testimony', title: 'T', language: 'en', text: `${MARKER.text}. ${MARKER.identity} said so.`, protected: true }))
      const plainDoc = await addDocument(ctx, DocumentInput.parse({ sourceId: source.id, kind: 'article', title: 'A', language: 'en', text: 'ISIS executed a fighter who tried to flee Raqqa.' }))
      const incident = await createIncident(ctx, { type: 'killing', title: 'Killing near Raqqa', date: '2014-12' })
      seeded = { sourceId: source.id, personId: person.id, documentId: plainDoc.document.id, protectedDocumentId: protectedDoc.document.id, incidentId: incident.id }
      server = await buildServer({ store, sealer, requestsPerMinute: 0 })
      for (const role of ROLES) headers.set(role, bearer(await tokenFor(store, role)))
      headers.set('anonymous', {})
      headers.set('bad-token', { authorization: `Bearer ${MARKER.identity} x` })
      headers.set('unknown-token', bearer('A'.repeat(43)))
      const docs = await server.inject({ method: 'GET', url: '/api/docs/json', headers: headers.get('admin')! })
      assert.equal(docs.statusCode, 200)
      ops = operationsOf(docs.json() as OpenApiDoc)
    })
    after(async () => {
      await server.close()
      await store.close()
      rmSync(keyDir, { recursive: true, force: true })
    })

    test('the OpenAPI document lists the routes, and the markers are really stored and revealed to cleared roles only', async () => {
      assert.ok(ops.length >= 30, `only ${ops.length} operations`)
      const asAdmin = await server.inject({ method: 'GET', url: `/api/v1/sources/${seeded.sourceId}`, headers: headers.get('admin')! })
      assert.ok(asAdmin.body.includes(MARKER.identity), 'the admin sees the protected identity (the marker is planted)')
      for (const role of ['analyst', 'viewer'] as const) {
        for (const url of [`/api/v1/sources/${seeded.sourceId}`, `/api/v1/persons/${seeded.personId}`, `/api/v1/documents/${seeded.protectedDocumentId}`, '/api/v1/sources', '/api/v1/persons', '/api/v1/documents']) {
          const r = await server.inject({ method: 'GET', url, headers: headers.get(role)! })
          for (const m of MARKERS) assert.ok(!r.body.includes(m), `${role} GET ${url} shows ${m}`)
        }
      }
    })

    test('no 5xx, errors are problem+json, and no error echoes a protected value', async (t) => {
      let n = 0
      const byStatus = new Map<number, number>()
      const tpl = templates(seeded)
      const covered = new Set<string>()
      await fc.assert(
        fc.asyncProperty(requestArbitrary(ops, tpl), async (r) => {
          n++
          const op = ops[r.op]!
          covered.add(`${op.method} ${op.path}`)
          const url = urlOf(op, r)
          const h: Record<string, string> = { ...headers.get(r.caller)! }
          let payload: string | undefined
          if (r.body.kind === 'json' && r.body.value !== undefined) {
            payload = JSON.stringify(r.body.value)
            h['content-type'] = 'application/json'
          } else if (r.body.kind === 'raw') {
            payload = r.body.payload
            h['content-type'] = r.body.type
          }
          if (process.env.FUZZ_TRACE) process.stderr.write(`REQ ${op.method} ${url} ${r.caller} ${JSON.stringify(h['content-type'])} ${String(payload).slice(0, 300)}\n`)
          const res = await server.inject({ method: op.method as 'GET', url, headers: h, ...(payload === undefined ? {} : { payload }) })
          byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1)
          const what = `${op.method} ${url} as ${r.caller} with ${String(payload).slice(0, 400)} → ${res.statusCode} ${res.body.slice(0, 400)}`
          assert.ok(res.statusCode < 500, what)
          if (res.statusCode >= 400) {
            assert.match(String(res.headers['content-type']), /^application\/problem\+json/, what)
            for (const m of MARKERS) assert.ok(!res.body.includes(m), `error echoes ${m}: ${what}`)
          }
        }),
        { seed: SEED, numRuns: backend.name === 'sqlite' ? 1500 : 700 },
      )
      const statuses = [...byStatus].sort((a, b) => a[0] - b[0]).map(([s, c]) => `${s}×${c}`).join(' ')
      t.diagnostic(`${backend.name}: ${n} requests over ${covered.size}/${ops.length} operations (${statuses})`)
    })
  })
}

describe('fuzz: regressions', () => {
  // Found by this fuzzer: checkClaim read the sealed text outside the write's transaction, and the
  // single SQLite connection waited on itself for ever.
  test('a claim on protected testimony is answered (here: a 400 for a wrong quote)', async () => {
    const store = await testBackends()[0]!.open()
    const keyDir = mkdtempSync(join(tmpdir(), 'tally-fuzz-key-'))
    createKeyFile(join(keyDir, 'keys.json'))
    const sealer = FieldCipher.open(join(keyDir, 'keys.json'))
    const ctx: Context = { store, actor: { name: 'x', role: 'admin' }, sealer }
    const source = await createSource(ctx, { kind: 'witness', name: 'W', reliability: 'C' })
    const doc = await addDocument(ctx, DocumentInput.parse({ sourceId: source.id, kind: 'testimony', title: 'T', language: 'en', text: 'They took him at night.', protected: true }))
    const server = await buildServer({ store, sealer, requestsPerMinute: 0 })
    const claim = { documentId: doc.document.id, start: 0, end: 4, quote: 'Then', subject: { kind: 'unassigned' }, assertion: { field: 'fate', value: 'disappeared' }, extractedBy: 't' }
    const answer = server.inject({ method: 'POST', url: '/api/v1/claims', headers: bearer(await tokenFor(store, 'admin')), payload: claim })
    let timer: NodeJS.Timeout | undefined
    const hung = new Promise<'hung'>((resolve) => {
      timer = setTimeout(() => resolve('hung'), 2000)
    })
    const r = await Promise.race([answer, hung])
    clearTimeout(timer)
    rmSync(keyDir, { recursive: true, force: true })
    // The deadlocked store cannot be closed (close waits for the held connection): left open.
    assert.notEqual(r, 'hung', 'POST /api/v1/claims on protected testimony never answered')
    if (r !== 'hung') {
      assert.equal(r.statusCode, 400)
      await server.close()
      await store.close()
    }
  })
})
