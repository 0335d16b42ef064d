// The HTTP API over the demo workspace, on every backend: resources, filters, pagination,
// the review queue, stats, problem+json errors and the OpenAPI document.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type { FastifyInstance } from 'fastify'
import { buildDemo, type DemoSummary } from '../src/app/index.js'
import { buildServer } from '../src/server/index.js'
import type { Store } from '../src/store/index.js'
import { bearer, tokenFor } from './helpers/auth.js'
import { testBackends } from './helpers/backends.js'

for (const backend of testBackends()) {
  describe(`HTTP API on ${backend.name}`, () => {
    let store: Store
    let server: FastifyInstance
    let demo: DemoSummary
    let auth: { authorization: string }
    before(async () => {
      store = await backend.open()
      demo = await buildDemo({ store, actor: { name: 'demo', role: 'admin' as const } })
      server = await buildServer({ store })
      auth = bearer(await tokenFor(store, 'admin'))
    })
    after(async () => {
      await server.close()
      await store.close()
    })

    async function get(url: string) {
      const r = await server.inject({ headers: auth, method: 'GET', url })
      return { status: r.statusCode, type: String(r.headers['content-type']), body: r.json() }
    }
    async function send(method: 'POST' | 'PUT' | 'DELETE', url: string, payload?: unknown) {
      const r = await server.inject({ headers: auth, method, url, payload: payload as Record<string, unknown> })
      return { status: r.statusCode, type: String(r.headers['content-type']), body: r.json() }
    }

    test('healthz answers', async () => {
      const r = await get('/healthz')
      assert.equal(r.status, 200)
      assert.equal(r.body.status, 'ok')
    })

    test('the Casablanca case is contested, with both versions and their sources', async () => {
      const r = await get(`/api/v1/incidents/${demo.incidents.casablanca}`)
      assert.equal(r.status, 200)
      assert.equal(r.body.incident.grade, 'contested')
      assert.equal(r.body.grading.conflicts[0].field, 'cause')
      assert.equal(r.body.acts.length, 1)
      const claims = await get(`/api/v1/claims?incidentId=${demo.incidents.casablanca}&field=cause`)
      assert.deepEqual(claims.body.items.map((c: { assertion: { value: string } }) => c.assertion.value).sort(), ['execution', 'killed_in_combat'])
      const doc = await get(`/api/v1/documents/${demo.documentId}`)
      for (const c of claims.body.items) assert.equal(doc.body.text.slice(c.start, c.end), c.quote)
    })

    test('"120 verified cases within the last six months" is one query', async () => {
      const r = await get('/api/v1/stats?unit=victims&by=grade&type=execution&dateFrom=2014-06-25&dateTo=2014-12-25')
      assert.equal(r.status, 200)
      assert.equal(r.body.totals.documented, 120)
      assert.deepEqual(r.body.groups, [{ key: 'fair', documented: 120, reported: 120, all: 120 }])
    })

    test('the report gives documented, reported and estimated side by side', async () => {
      const r = await get('/api/v1/report')
      assert.equal(r.status, 200)
      assert.deepEqual(r.body.victims, { documented: 120, reported: 163 })
      assert.equal(r.body.listed.persons, demo.lists.persons)
      assert.equal(r.body.estimated.method, 'lcmcr')
      assert.equal(r.body.estimated.estimate, demo.lists.estimate)
      assert.ok(r.body.estimated.interval[0] < r.body.estimated.estimate && r.body.estimated.estimate < r.body.estimated.interval[1])
    })

    test('stats by month count imprecise dates as uncertain, not in a guessed month', async () => {
      const r = await get('/api/v1/stats?unit=incidents&by=month')
      assert.deepEqual(r.body.groups, [{ key: 'uncertain', documented: 1, reported: 4, all: 4 }])
      const bad = await get('/api/v1/stats?unit=persons&by=type')
      assert.equal(bad.status, 400)
      assert.equal(bad.body.issues[0].path, 'by')
    })

    test('incidents filter and paginate with cursors', async () => {
      const contested = await get('/api/v1/incidents?grade=contested')
      assert.deepEqual(contested.body.items.map((i: { id: number }) => i.id), [demo.incidents.casablanca])
      assert.equal((await get('/api/v1/incidents?perpetrator=isis&q=death%20squads')).body.items.length, 1)
      assert.equal((await get('/api/v1/incidents?place=SY')).body.items.length, 4)
      assert.equal((await get('/api/v1/incidents?place=MA')).body.items.length, 0)
      const first = await get('/api/v1/incidents?limit=3')
      assert.equal(first.body.items.length, 3)
      const second = await get(`/api/v1/incidents?limit=3&cursor=${first.body.nextCursor}`)
      assert.equal(second.body.items.length, 1)
      assert.equal(second.body.nextCursor, null)
      const ids = [...first.body.items, ...second.body.items].map((i: { id: number }) => i.id)
      assert.equal(new Set(ids).size, 4)
    })

    test('persons, sources and documents are readable and searchable', async () => {
      const p = await get(`/api/v1/persons/${demo.personId}`)
      assert.equal(p.body.nationality, 'MA')
      assert.deepEqual(p.body.incidentIds, [demo.incidents.casablanca])
      assert.equal((await get('/api/v1/persons?q=butcher')).body.items.length, 1)
      assert.equal((await get('/api/v1/sources?kind=organisation')).body.items[0].name, 'Syrian Observatory for Human Rights')
      assert.equal((await get('/api/v1/documents?q=fleeing')).body.items[0].language, 'en')
    })

    test('invalid bodies get 400 problem+json with the path of each bad field', async () => {
      const r = await send('POST', '/api/v1/incidents', { type: 'massacre', title: '', victimsMin: -1 })
      assert.equal(r.status, 400)
      assert.match(r.type, /application\/problem\+json/)
      const paths = r.body.issues.map((i: { path: string }) => i.path).sort()
      assert.deepEqual(paths, ['body.title', 'body.type', 'body.victimsMin'])
      const range = await send('POST', '/api/v1/incidents', { type: 'killing', title: 'x', victimsMin: 5, victimsMax: 2 })
      assert.deepEqual(range.body.issues.map((i: { path: string }) => i.path), ['body.victimsMax'])
      const date = await send('POST', '/api/v1/incidents', { type: 'killing', title: 'x', date: 'last week' })
      assert.deepEqual(date.body.issues.map((i: { path: string }) => i.path), ['body.date'])
      const query = await get('/api/v1/persons?limit=9999&dateFrom=yesterday')
      assert.deepEqual(query.body.issues.map((i: { path: string }) => i.path).sort(), ['query.dateFrom', 'query.limit'])
      const json = await server.inject({ method: 'POST', url: '/api/v1/sources', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"kind":' })
      assert.equal(json.statusCode, 400)
    })

    // Found by the API fuzzer: PostgreSQL cannot store NUL, and answered 500.
    test('text with a NUL character is refused at the edge, naming the field', async () => {
      const q = await get('/api/v1/incidents?place=%00')
      assert.equal(q.status, 400)
      assert.deepEqual(q.body.issues.map((i: { path: string }) => i.path), ['query.place'])
      const b = await send('POST', '/api/v1/sources', { kind: 'media', name: 'A\u0000B', reliability: 'C' })
      assert.equal(b.status, 400)
      assert.deepEqual(b.body.issues.map((i: { path: string }) => i.path), ['body.name'])
    })

    test('unknown ids and routes get 404 problem+json', async () => {
      for (const url of ['/api/v1/incidents/999999', '/api/v1/persons/999999', '/api/v1/claims/999999', '/api/v1/sources/999999', '/api/v1/nothing']) {
        const r = await get(url)
        assert.equal(r.status, 404, url)
        assert.match(r.type, /application\/problem\+json/)
      }
      const r = await send('POST', '/api/v1/acts', { incidentId: 999999, kind: 'killing', victimCount: 1 })
      assert.equal(r.status, 404)
      assert.match(r.body.detail, /incident 999999 does not exist/)
    })

    test('the review queue: a draft changes nothing until accepted, then re-grades', async () => {
      const inc = await send('POST', '/api/v1/incidents', { type: 'execution', title: 'Deserter shot near Raqqa', date: '2014-11', place: { name: 'Raqqa', country: 'SY' } })
      assert.equal(inc.status, 201)
      assert.equal(inc.body.grade, 'weak')
      const sohr = (await get('/api/v1/sources?q=observatory')).body.items[0]
      const doc = await send('POST', '/api/v1/documents', { sourceId: sohr.id, kind: 'report', title: 'SOHR report', language: 'en', text: 'ISIS executed a fighter who tried to flee Raqqa.' })
      assert.equal(doc.status, 201)
      const again = await send('POST', '/api/v1/documents', { sourceId: sohr.id, kind: 'report', title: 'SOHR report', language: 'en', text: 'ISIS executed a fighter who tried to flee Raqqa.' })
      assert.equal(again.status, 200)
      assert.equal(again.body.created, false)
      assert.equal(again.body.id, doc.body.id)
      const quote = 'ISIS executed a fighter'
      const draft = await send('POST', '/api/v1/claims', {
        documentId: doc.body.id,
        start: 0,
        end: quote.length,
        quote,
        subject: { kind: 'incident', incidentId: inc.body.id },
        assertion: { field: 'cause', value: 'execution' },
        credibility: 2,
        extractedBy: 'tester',
      })
      assert.equal(draft.status, 201)
      assert.equal(draft.body.status, 'draft')
      assert.equal((await get(`/api/v1/incidents/${inc.body.id}`)).body.incident.grade, 'weak')
      const queue = await get('/api/v1/claims?status=draft')
      assert.ok(queue.body.items.some((c: { id: number }) => c.id === draft.body.id))
      const accepted = await send('POST', `/api/v1/claims/${draft.body.id}/accept`, { credibility: 2 })
      assert.equal(accepted.status, 200)
      assert.equal(accepted.body.status, 'accepted')
      assert.equal((await get(`/api/v1/incidents/${inc.body.id}`)).body.incident.grade, 'fair')
      const rejected = await send('POST', `/api/v1/claims/${draft.body.id}/reject`)
      assert.equal(rejected.body.status, 'rejected')
      assert.equal((await get(`/api/v1/incidents/${inc.body.id}`)).body.incident.grade, 'weak')
      const wrongQuote = await send('POST', '/api/v1/claims', {
        documentId: doc.body.id,
        start: 0,
        end: 4,
        quote: 'SOHR',
        subject: { kind: 'incident', incidentId: inc.body.id },
        assertion: { field: 'fate', value: 'killed' },
        extractedBy: 'tester',
      })
      assert.equal(wrongQuote.status, 400)
      assert.match(wrongQuote.body.detail, /quote does not match/)
    })

    test('a reviewer override is kept with its reason and audited', async () => {
      const id = demo.incidents.deathSquads
      const r = await send('PUT', `/api/v1/incidents/${id}/grade-override`, { grade: 'discounted', reason: 'single unverified relay' })
      assert.equal(r.status, 200)
      assert.equal(r.body.grade, 'discounted')
      assert.equal(r.body.computedGrade, 'weak')
      assert.equal(r.body.gradeOverride.reason, 'single unverified relay')
      const cleared = await send('DELETE', `/api/v1/incidents/${id}/grade-override`)
      assert.equal(cleared.body.grade, 'weak')
      const trail = await store.audit.trailOf('incident', id)
      assert.deepEqual(trail.slice(-2).map((e) => e.action), ['incident.grade_override', 'incident.grade_override_clear'])
      const verify = await get('/api/v1/audit/verify')
      assert.equal(verify.body.kind, 'intact')
    })

    test('the OpenAPI document lists the resources', async () => {
      const r = await get('/api/docs/json')
      assert.equal(r.status, 200)
      for (const path of ['/api/v1/sources', '/api/v1/documents', '/api/v1/claims', '/api/v1/claims/{id}/accept', '/api/v1/incidents', '/api/v1/persons', '/api/v1/stats']) {
        assert.ok(r.body.paths[path], `${path} missing from OpenAPI`)
      }
    })

    test('the web page is served and cannot escape its folder', async () => {
      const page = await server.inject({ headers: auth, method: 'GET', url: '/' })
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /<title>Tally<\/title>/)
      const escape = await server.inject({ headers: auth, method: 'GET', url: '/..%2Fpackage.json' })
      assert.equal(escape.statusCode, 404)
    })
  })
}
