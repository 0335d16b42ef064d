// The role × route matrix: every route in the OpenAPI document, for every role and for nobody
// signed in, answers allowed or denied exactly as the role table says; and no route escapes the
// table (hidden routes, routes without a declared permission).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { roleMay, type Permission } from '../src/app/index.js'
import { ROLES, type Role } from '../src/domain/index.js'
import { buildServer, type TallyServer } from '../src/server/index.js'
import type { Store } from '../src/store/index.js'
import { bearer, tokenFor } from './helpers/auth.js'
import { testBackends } from './helpers/backends.js'

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

interface Route {
  method: Method
  /** As Fastify names it: /api/v1/sources/:id */
  url: string
}

function fastifyUrl(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1')
}

function concrete(url: string): string {
  // Ids that exist in an empty-but-seeded workspace or not: either way the answer must not be 401/403 for an allowed role.
  return url.replace(/:id\b/g, '1').replace(/:username\b/g, 'nobody-here').replace(/:name\b/g, 'no-such-token')
}

for (const backend of testBackends()) {
  describe(`role × route matrix on ${backend.name}`, () => {
    let store: Store
    let server: TallyServer
    const tokens = new Map<Role, string>()
    let routes: Route[] = []

    before(async () => {
      store = await backend.open()
      server = await buildServer({ store, requestsPerMinute: 0 })
      for (const role of ROLES) tokens.set(role, await tokenFor(store, role))
      const doc = (await server.inject({ method: 'GET', url: '/api/docs/json' })).json() as { paths: Record<string, Record<string, unknown>> }
      routes = Object.entries(doc.paths)
        .filter(([path]) => path.startsWith('/api/v1'))
        .flatMap(([path, methods]) => Object.keys(methods).map((m) => ({ method: m.toUpperCase() as Method, url: fastifyUrl(path) })))
    })
    after(async () => {
      await server.close()
      await store.close()
    })

    test('every API route is documented and declares its access, and nothing else is served', () => {
      assert.ok(routes.length >= 40, `only ${routes.length} routes in the OpenAPI document`)
      const documented = new Set(routes.map((r) => `${r.method} ${r.url}`))
      const declared = new Set(server.routeAccess.keys())
      assert.deepEqual([...declared].filter((k) => !documented.has(k)), [], 'routes served but not in the OpenAPI document')
      assert.deepEqual([...documented].filter((k) => !declared.has(k)), [], 'documented routes without declared access')
    })

    test('each role gets exactly what the table grants, on every route', async (t) => {
      let checked = 0
      const denied: string[] = []
      for (const route of routes) {
        const access = server.routeAccess.get(`${route.method} ${route.url}`)!
        const principals: (Role | null)[] = [null, ...ROLES]
        for (const role of principals) {
          const r = await server.inject({
            method: route.method,
            url: concrete(route.url),
            headers: role ? bearer(tokens.get(role)!) : {},
            ...(route.method === 'POST' || route.method === 'PUT' ? { payload: {} } : {}),
          })
          const who = role ?? 'nobody'
          const where = `${who} ${route.method} ${route.url} → ${r.statusCode} ${r.body.slice(0, 120)}`
          assert.notEqual(r.statusCode, 500, where)
          const allowed =
            access.kind === 'public' ? true : role === null ? false : access.kind === 'signed-in' ? true : roleMay(role, access.permission as Permission)
          if (allowed) {
            assert.ok(r.statusCode !== 401 && r.statusCode !== 403, `should be allowed: ${where}`)
          } else {
            assert.equal(r.statusCode, role === null ? 401 : 403, `should be denied: ${where}`)
            assert.match(String(r.headers['content-type']), /application\/problem\+json/)
            denied.push(`${who} ${route.method} ${route.url}`)
          }
          checked++
        }
      }
      t.diagnostic(`${routes.length} routes × ${ROLES.length + 1} principals = ${checked} checks, ${denied.length} denied`)
      assert.equal(checked, routes.length * (ROLES.length + 1))
      // The policy in words, independent of the table: spot checks that would catch a table edited by mistake.
      for (const must of [
        'viewer GET /api/v1/sources',
        'viewer GET /api/v1/claims',
        'viewer GET /api/v1/persons',
        'viewer GET /api/v1/documents/:id',
        'analyst POST /api/v1/persons',
        'analyst PUT /api/v1/sources/:id',
        'documenter POST /api/v1/claims/:id/accept',
        'documenter PUT /api/v1/incidents/:id/grade-override',
        'reviewer POST /api/v1/users',
        'reviewer POST /api/v1/tokens',
        'nobody GET /api/v1/report',
      ]) {
        assert.ok(denied.includes(must), `${must} must be denied`)
      }
    })
  })
}
