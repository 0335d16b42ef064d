// The store's behaviour, on SQLite and on PostgreSQL alike.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ChainVerifier, ClaimInput, PersonInput } from '../src/domain/index.js'
import type { Store } from '../src/store/index.js'
import { testBackends } from './helpers/backends.js'

for (const backend of testBackends()) {
  describe(`store on ${backend.name}`, () => {
    let store: Store
    before(async () => {
      store = await backend.open()
    })
    after(async () => {
      await store.close()
    })

    test('migrations are idempotent on an existing database', async () => {
      await store.migrate()
      await store.migrate()
      assert.equal((await store.sources.list({}, { limit: 10 })).items.length, 0)
    })

    test('a write stores the entity and its audit event together', async () => {
      const src = await store.write('alice', (w) =>
        w.createSource({ kind: 'organisation', name: 'Syrian Observatory for Human Rights', reliability: 'B' }, null),
      )
      assert.equal(src.independenceGroup, 'Syrian Observatory for Human Rights')
      assert.deepEqual(await store.sources.get(src.id), src)
      const trail = await store.audit.trailOf('source', src.id)
      assert.equal(trail.length, 1)
      assert.equal(trail[0]?.actor, 'alice')
      assert.equal(trail[0]?.action, 'source.create')
    })

    test('a failed write leaves nothing half-written, not even its audit event', async () => {
      const before = await store.audit.read(0, 100_000)
      await assert.rejects(
        store.write('bob', async (w) => {
          await w.createSource({ kind: 'media', name: 'Half-written', reliability: 'C' }, null)
          // A document pointing at a source that does not exist violates a foreign key.
          await w.createDocument({ sourceId: 999_999, kind: 'article', title: 't', language: 'en', text: 'x' })
        }),
      )
      assert.equal((await store.sources.list({ q: 'half-written' }, { limit: 10 })).items.length, 0)
      assert.equal((await store.audit.read(0, 100_000)).length, before.length)
    })

    test('documents are identified by the SHA-256 of their bytes', async () => {
      const src = await store.write('alice', (w) => w.createSource({ kind: 'media', name: 'Magharebia', reliability: 'C' }, null))
      const doc = await store.write('alice', (w) =>
        w.createDocument({ sourceId: src.id, kind: 'article', title: 'ISIS Kills Fleeing Fighters', language: 'en', publishedDate: '2014-12-25', text: 'abc' }),
      )
      assert.equal(doc.sha256, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
      assert.equal(Buffer.from((await store.documents.original(doc.id)) ?? []).toString(), 'abc')
      assert.deepEqual(await store.documents.findBySha256(doc.sha256), doc)
      await assert.rejects(
        store.write('alice', (w) => w.createDocument({ sourceId: src.id, kind: 'article', title: 'again', language: 'en', text: 'abc' })),
      )
    })

    test('incidents filter by type, grade, date, place, perpetrator and text, with cursor pages', async () => {
      const made = await store.write('alice', async (w) => {
        const a = await w.createIncident(
          { type: 'execution', title: 'Executions of foreign fighters who wanted to leave', date: '2014-06-25/2014-12-25', place: { name: 'Syria', country: 'SY' }, perpetrator: 'ISIS', victimsMin: 120 },
          'fair',
        )
        const b = await w.createIncident(
          { type: 'execution', title: 'Killing of a young man from Casablanca', date: '2014-12~', place: { name: 'Syria', country: 'SY' }, perpetrator: 'ISIS', victimsMin: 1, victimsMax: 1 },
          'contested',
        )
        const c = await w.createIncident({ type: 'detention', title: 'Arrest of returnees', date: '2015', place: { name: 'Casablanca', country: 'MA', gazetteerId: 'geonames:2553604' } }, 'weak')
        return [a, b, c]
      })
      const ids = made.map((i) => i.id)
      const byType = await store.incidents.list({ type: 'execution' }, { limit: 50 })
      assert.deepEqual(byType.items.map((i) => i.id), ids.slice(0, 2))
      assert.deepEqual((await store.incidents.list({ grade: 'contested' }, { limit: 50 })).items.map((i) => i.id), [ids[1]])
      assert.deepEqual((await store.incidents.list({ dateFrom: '2014-12-01', dateTo: '2014-12-31' }, { limit: 50 })).items.map((i) => i.id), [ids[1]])
      assert.deepEqual((await store.incidents.list({ place: 'MA' }, { limit: 50 })).items.map((i) => i.id), [ids[2]])
      assert.deepEqual((await store.incidents.list({ place: 'geonames:2553604' }, { limit: 50 })).items.map((i) => i.id), [ids[2]])
      assert.deepEqual((await store.incidents.list({ place: 'casa' }, { limit: 50 })).items.map((i) => i.id), [ids[2]])
      assert.deepEqual((await store.incidents.list({ perpetrator: 'isis', q: 'CASABLANCA' }, { limit: 50 })).items.map((i) => i.id), [ids[1]])
      // LIKE wildcards in the search text are taken literally.
      assert.equal((await store.incidents.list({ q: '%' }, { limit: 50 })).items.length, 0)
      const p1 = await store.incidents.list({}, { limit: 2 })
      assert.equal(p1.items.length, 2)
      assert.ok(p1.nextCursor)
      const p2 = await store.incidents.list({}, { limit: 2, cursor: p1.nextCursor })
      assert.deepEqual(p2.items.map((i) => i.id), [ids[2]])
      assert.equal(p2.nextCursor, null)
      await assert.rejects(store.incidents.list({}, { limit: 2, cursor: 'garbage' }), /invalid cursor/)
    })

    test('stats count documented, reported and all, by month, grade and country', async () => {
      const s = await store.stats.incidents('victims', 'grade', { type: 'execution', dateFrom: '2014-06-25', dateTo: '2014-12-31' })
      assert.ok(s)
      assert.deepEqual(s.totals, { documented: 120, reported: 121, all: 121 })
      const byMonth = await store.stats.incidents('incidents', 'month', {})
      assert.deepEqual(byMonth?.groups, [
        { key: '2014-12', documented: 0, reported: 1, all: 1 },
        { key: 'uncertain', documented: 1, reported: 2, all: 2 },
      ])
      assert.equal(await store.stats.incidents('incidents', 'sex', {}), null)
      const none = await store.stats.incidents('victims', 'none', { type: 'execution' })
      assert.deepEqual(none?.groups, [{ key: 'all', documented: 120, reported: 121, all: 121 }])
      const empty = await store.stats.incidents('incidents', 'none', { type: 'torture' })
      assert.deepEqual(empty?.groups, [])
      // Person counts by SQL (a free-text filter) also answer with no dimension.
      assert.deepEqual((await store.stats.persons('none', { q: 'nobody by this name' }))?.totals, { documented: 0, reported: 0, all: 0 })
    })

    test('a grade override wins over the computed grade and can be cleared', async () => {
      const inc = await store.write('alice', (w) => w.createIncident({ type: 'killing', title: 'Override me' }, 'weak'))
      const over = await store.write('rita', (w) => w.overrideIncidentGrade(inc.id, { grade: 'discounted', reason: 'duplicate report' }))
      assert.equal(over?.grade, 'discounted')
      assert.equal(over?.gradeOverride?.by, 'rita')
      const regraded = await store.write('system', (w) => w.setIncidentComputedGrade(inc.id, 'fair'))
      assert.equal(regraded?.grade, 'discounted')
      assert.equal(regraded?.computedGrade, 'fair')
      const cleared = await store.write('rita', (w) => w.overrideIncidentGrade(inc.id, null))
      assert.equal(cleared?.grade, 'fair')
      const actions = (await store.audit.trailOf('incident', inc.id)).map((e) => e.action)
      assert.deepEqual(actions, ['incident.create', 'incident.grade_override', 'incident.grade', 'incident.grade_override_clear'])
    })

    test('persons, acts and claims round-trip', async () => {
      const inc = await store.write('alice', (w) => w.createIncident({ type: 'execution', title: 'Butcher’s son' }, 'weak'))
      const person = await store.write('alice', (w) =>
        w.createPerson(
          PersonInput.parse({
            name: 'son of a Casablanca butcher',
            nameVariants: [{ value: 'ابن الجزار', script: 'arab' }],
            sex: 'male',
            nationality: 'MA',
            origin: { name: 'Casablanca', country: 'MA', lat: 33.58831, lon: -7.61138 },
            fate: 'killed',
            dateOfDeath: '2014-12~',
            cause: 'execution',
            incidentIds: [inc.id, inc.id],
          }),
          'weak',
        ),
      )
      assert.deepEqual(person.incidentIds, [inc.id])
      assert.deepEqual(await store.persons.get(person.id), person)
      assert.equal(person.origin?.lat, 33.58831)
      assert.deepEqual((await store.persons.list({ q: 'الجزار' }, { limit: 5 })).items.map((p) => p.id), [person.id])
      assert.deepEqual((await store.persons.list({ incidentId: inc.id }, { limit: 5 })).items.map((p) => p.id), [person.id])
      const act = await store.write('alice', (w) => w.createAct({ incidentId: inc.id, kind: 'execution', personId: person.id, perpetrator: 'ISIS', involvement: 'alleged' }))
      assert.deepEqual(await store.incidents.acts(inc.id), [act])

      const src = await store.write('alice', (w) => w.createSource({ kind: 'family', name: 'father of the victim', reliability: 'C' }, null))
      const doc = await store.write('alice', (w) => w.createDocument({ sourceId: src.id, kind: 'testimony', title: 'Testimony', language: 'en', text: 'ISIS just liquidated him' }))
      const input = ClaimInput.parse({
        documentId: doc.id,
        start: 0,
        end: 24,
        quote: 'ISIS just liquidated him',
        subject: { kind: 'incident', incidentId: inc.id },
        assertion: { field: 'cause', value: 'execution' },
        credibility: 3,
        extractedBy: 'alice',
      })
      const claim = await store.write('alice', (w) => w.createClaim({ ...input, sourceId: src.id }))
      assert.equal(claim.status, 'draft')
      assert.deepEqual(await store.claims.get(claim.id), claim)
      const accepted = await store.write('rita', (w) => w.updateClaim(claim.id, { ...input, sourceId: src.id, status: 'accepted' }))
      assert.equal(accepted?.status, 'accepted')
      const forGrading = await store.claims.forGrading({ kind: 'incident', incidentId: inc.id })
      assert.deepEqual(forGrading.map((c) => [c.status, c.source.reliability, c.assertion.field]), [['accepted', 'C', 'cause']])
    })

    test('persons are inserted in bulk and counted by month and sex', async () => {
      const rows = Array.from({ length: 2500 }, (_, i) =>
        PersonInput.parse({ name: `Person ${i}`, sex: i % 2 ? 'male' : 'female', fate: 'killed', dateOfDeath: `2013-0${1 + (i % 3)}-15` }),
      )
      const { personRow } = await import('../src/store/index.js')
      const ids = await store.write('importer', (w) => w.createPersonRows(rows.map((p) => personRow(p, 'fair', new Date().toISOString()))))
      assert.equal(ids.length, 2500)
      const s = await store.stats.persons('month', { dateFrom: '2013-01-01', dateTo: '2013-12-31' })
      assert.deepEqual(s?.groups.map((g) => [g.key, g.documented]), [
        ['2013-01', 834],
        ['2013-02', 833],
        ['2013-03', 833],
      ])
      const bySex = await store.stats.persons('sex', { dateFrom: '2013-01-01', dateTo: '2013-12-31' })
      assert.deepEqual(bySex?.groups.map((g) => [g.key, g.all]), [
        ['female', 1250],
        ['male', 1250],
      ])
    })

    test('person counts follow every change, including grade changes', async () => {
      const count = async () => (await store.stats.persons('grade', { dateFrom: '2013-01-01', dateTo: '2013-12-31' }))?.totals
      const before = await count()
      const { personRow } = await import('../src/store/index.js')
      const extra = PersonInput.parse({ name: 'Late entry', sex: 'female', fate: 'killed', dateOfDeath: '2013-05-01' })
      const [id] = await store.write('importer', (w) => w.createPersonRows([personRow(extra, 'weak', new Date().toISOString())]))
      assert.deepEqual(await count(), { documented: before!.documented, reported: before!.reported + 1, all: before!.all + 1 })
      await store.write('rita', (w) => w.setPersonGrade(id!, 'confirmed'))
      assert.deepEqual(await count(), { documented: before!.documented + 1, reported: before!.reported + 1, all: before!.all + 1 })
      await store.write('rita', (w) => w.setPersonGrade(id!, 'discounted'))
      assert.deepEqual(await count(), { documented: before!.documented, reported: before!.reported, all: before!.all + 1 })
      // Filters the in-memory copy cannot answer go to SQL and agree with it.
      const bySql = await store.stats.persons('grade', { dateFrom: '2013-01-01', dateTo: '2013-12-31', q: 'person' })
      assert.equal(bySql?.totals.all, 2500)
    })

    test('the audit chain of everything above verifies, and cannot be updated or deleted', async () => {
      const v = new ChainVerifier()
      let after = 0
      for (;;) {
        const batch = await store.audit.read(after, 100)
        if (batch.length === 0) break
        for (const e of batch) assert.ok(v.push(e), `event ${e.seq} breaks the chain`)
        after = batch[batch.length - 1]!.seq
      }
      const r = v.result()
      assert.equal(r.kind, 'intact')
      assert.ok(r.kind === 'intact' && r.events > 10)
      await assert.rejects(store.db.updateTable('audit_event').set({ actor: 'mallory' }).where('seq', '=', 1).execute(), /append-only/)
      await assert.rejects(store.db.deleteFrom('audit_event').where('seq', '=', 1).execute(), /append-only/)
    })
  })
}

test('person counts seen by one process follow writes made by another (SQLite file)', async () => {
  const { mkdtempSync } = await import('node:fs')
  const { tmpdir } = await import('node:os')
  const { join } = await import('node:path')
  const { openStore, personRow } = await import('../src/store/index.js')
  const file = join(mkdtempSync(join(tmpdir(), 'tally-facts-')), 'x.db')
  const reader = await openStore(file)
  const writer = await openStore(file)
  try {
    const row = (name: string) => personRow(PersonInput.parse({ name, fate: 'killed', dateOfDeath: '2015-03-02' }), 'fair', new Date().toISOString())
    await writer.write('a', (w) => w.createPersonRows([row('one'), row('two')]))
    assert.equal((await reader.stats.persons('month', {}))?.totals.documented, 2)
    await writer.write('a', (w) => w.createPersonRows([row('three')]))
    assert.deepEqual((await reader.stats.persons('month', {}))?.groups, [{ key: '2015-03', documented: 3, reported: 3, all: 3 }])
  } finally {
    await reader.close()
    await writer.close()
  }
})
