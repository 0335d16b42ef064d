// What the public (the viewer role) sees: documented incidents only, without the description, the
// reviewer behind an override, the acts or the sources behind the grade; counts of people only in
// groups of at least 3.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buildDemo, createPerson } from '../src/app/index.js'
import { DOCUMENTED_GRADES } from '../src/domain/index.js'
import { buildServer, type TallyServer } from '../src/server/index.js'
import type { Store } from '../src/store/index.js'
import { bearer, tokenFor } from './helpers/auth.js'
import { testBackends } from './helpers/backends.js'

for (const backend of testBackends()) {
  describe(`the viewer's published view on ${backend.name}`, () => {
    let store: Store
    let server: TallyServer
    let viewer: { authorization: string }
    let admin: { authorization: string }
    before(async () => {
      store = await backend.open()
      const ctx = { store, actor: { name: 'demo', role: 'admin' as const } }
      await buildDemo(ctx)
      // Two people who died in one small place: a group too small to publish.
      for (const name of ['Person A', 'Person B']) {
        await createPerson(ctx, { name, sex: 'female', fate: 'killed', dateOfDeath: '2015-02-03', placeOfDeath: { name: 'Kafr Nabl', country: 'SY' }, nameVariants: [], incidentIds: [] })
      }
      server = await buildServer({ store, requestsPerMinute: 0 })
      viewer = bearer(await tokenFor(store, 'viewer'))
      admin = bearer(await tokenFor(store, 'admin'))
    })
    after(async () => {
      await server.close()
      await store.close()
    })

    const get = async (url: string, headers: { authorization: string }) => {
      const r = await server.inject({ method: 'GET', url, headers })
      return { status: r.statusCode, body: r.json() }
    }

    test('only documented incidents, without description, acts or the sources behind the grade', async () => {
      const all = (await get('/api/v1/incidents?limit=100', admin)).body.items as { id: number; grade: string }[]
      const shown = (await get('/api/v1/incidents?limit=100', viewer)).body.items as Record<string, unknown>[]
      const documented = all.filter((i) => DOCUMENTED_GRADES.includes(i.grade as never))
      assert.ok(documented.length > 0 && documented.length < all.length, 'the demo has both documented and undocumented incidents')
      assert.deepEqual(shown.map((i) => i.id), documented.map((i) => i.id))
      for (const i of shown) {
        assert.equal(i.description, undefined)
        assert.equal(i.gradeOverride, undefined)
      }
      const hidden = all.find((i) => !DOCUMENTED_GRADES.includes(i.grade as never))!
      assert.equal((await get(`/api/v1/incidents/${hidden.id}`, viewer)).status, 404, 'an unpublished incident does not exist for the public')
      const one = await get(`/api/v1/incidents/${documented[0]!.id}`, viewer)
      assert.equal(one.status, 200)
      assert.deepEqual(Object.keys(one.body), ['incident'], 'no acts, no grading support')
    })

    test('counts of people below 3 are withheld from the public, not from an admin', async () => {
      const url = '/api/v1/stats?unit=persons&by=place'
      const full = (await get(url, admin)).body.groups as { key: string; all: number | null }[]
      const shown = (await get(url, viewer)).body.groups as { key: string; all: number | null; suppressed?: boolean }[]
      const small = full.filter((g) => g.all !== null && g.all > 0 && g.all < 3)
      assert.ok(small.some((g) => /Kafr Nabl/.test(g.key)), JSON.stringify(full))
      for (const g of small) {
        const seen = shown.find((s) => s.key === g.key)!
        assert.equal(seen.all, null)
        assert.equal(seen.suppressed, true)
      }
    })
  })
}
