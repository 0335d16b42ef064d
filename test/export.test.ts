// `tally export` on every backend, over the demo workspace plus planted records whose every name
// and free-text field carries a MARKER-... value: the full export has them, no public export may.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { parse } from 'csv-parse/sync'
import {
  buildDemo,
  createIncident,
  createPerson,
  createSource,
  exportRecords,
  overrideIncidentGrade,
  type Context,
  type DemoSummary,
  type ExportOptions,
  type ExportSummary,
} from '../src/app/index.js'
import { DOCUMENTED_GRADES, PersonInput, isTallyError, type Grade, type Person, type Place } from '../src/domain/index.js'
import type { Page, Store } from '../src/store/index.js'
import { testBackends } from './helpers/backends.js'

type Json = Record<string, unknown>

async function run(ctx: Context, o: Omit<ExportOptions, 'out'>): Promise<{ text: string; summary: ExportSummary }> {
  const chunks: Buffer[] = []
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk)
      cb()
    },
  })
  const summary = await exportRecords(ctx, { ...o, out })
  return { text: Buffer.concat(chunks).toString('utf8'), summary }
}

/** The records of an export as objects, whatever its format (GeoJSON: the features' properties). */
function recordsOf(format: ExportOptions['format'], text: string): Json[] {
  switch (format) {
    case 'csv':
      return parse(text, { columns: true }) as Json[]
    case 'hxl': {
      const rows = parse(text)
      const [header, tags, ...data] = rows
      assert.ok(header && tags)
      assert.equal(tags.length, header.length)
      for (const t of tags) assert.match(t, /^#[a-z][a-z0-9_]*(\+[a-z0-9_]+)*$/, `HXL hashtag ${t}`)
      return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])))
    }
    case 'json':
      return (JSON.parse(text) as { records: Json[] }).records
    case 'geojson':
      return (JSON.parse(text) as { features: { properties: Json }[] }).features.map((f) => f.properties)
  }
}

const str = (v: unknown) => (v === null || v === undefined ? '' : String(v))

const SARAQIB: Place = { name: 'Saraqib', gazetteerId: 'geonames:168668', country: 'SY', lat: 35.86472, lon: 36.80056 }
const KAFR_NABL: Place = { name: 'Kafr Nabl', country: 'SY', lat: 35.61347, lon: 36.56068 }
const STREET: Place = { name: 'MARKER-PLACE-STREET-4410', country: 'SY', admin1: 'Idlib Governorate', lat: 35.93062, lon: 36.63393 }

for (const backend of testBackends()) {
  describe(`export on ${backend.name}`, () => {
    let store: Store
    let ctx: Context
    let demo: DemoSummary
    const planted: (Omit<Person, 'sealed'> & { sealed?: string | null })[] = []
    let incidentA = 0

    async function person(n: number, grade: Grade, fields: Partial<PersonInput>) {
      for (let i = 0; i < n; i++) {
        const p = await createPerson(
          ctx,
          PersonInput.parse({
            name: `MARKER-NAME-7731-${planted.length}`,
            nameVariants: [{ value: `MARKER-VARIANT-${planted.length}`, script: 'latn' }],
            affiliation: 'MARKER-AFFILIATION-2290',
            origin: { name: 'MARKER-ORIGIN-8812', country: 'MA' },
            nationality: 'MA',
            fate: 'killed',
            cause: 'shelling',
            ...fields,
          }),
        )
        await store.write('test', (w) => w.setPersonGrade(p.id, grade))
        planted.push({ ...p, grade })
      }
    }

    before(async () => {
      store = await backend.open()
      ctx = { store, actor: { name: 'test', role: 'admin' } }
      demo = await buildDemo(ctx)
      await createSource(ctx, { kind: 'witness', name: 'MARKER-SOURCE-5150', reliability: 'C', description: 'MARKER-SOURCE-DESC-5151' })
      const marker = { title: 'MARKER-TITLE-1101', description: 'MARKER-DESC-1102', perpetrator: 'MARKER-PERP-1103' }
      const a = await createIncident(ctx, { type: 'killing', ...marker, date: '2015-03-10', place: SARAQIB, victimsMin: 5, victimsMax: 6 })
      incidentA = a.id
      await overrideIncidentGrade(ctx, a.id, { grade: 'confirmed', reason: 'MARKER-REASON-1104' })
      await createIncident(ctx, { type: 'killing', ...marker, date: '2015-03', place: SARAQIB, victimsMin: 7 }) // weak: never public
      const c = await createIncident(ctx, { type: 'attack', ...marker, date: '2015-04-02', place: KAFR_NABL, victimsMin: 2 })
      await overrideIncidentGrade(ctx, c.id, { grade: 'fair', reason: 'MARKER-REASON-1105' })

      // X: Saraqib × 2015-03 × male, 3 documented (plus 4 undocumented in the same cell, never counted).
      await person(1, 'confirmed', { sex: 'male', ageMin: 23, ageMax: 23, dateOfDeath: '2015-03-10', placeOfDeath: SARAQIB, incidentIds: [a.id] })
      await person(1, 'fair', { sex: 'male', ageMin: 27, ageMax: 27, dateOfDeath: '2015-03-11', placeOfDeath: SARAQIB, incidentIds: [a.id] })
      await person(1, 'confirmed', { sex: 'male', ageMin: 41, ageMax: 41, dateOfDeath: '2015-03-20', placeOfDeath: SARAQIB, incidentIds: [a.id] })
      await person(3, 'weak', { sex: 'male', dateOfDeath: '2015-03-10', placeOfDeath: SARAQIB })
      await person(1, 'contested', { sex: 'male', dateOfDeath: '2015-03-10', placeOfDeath: SARAQIB })
      // V: a street in Idlib Governorate × 2015-05 × female, 3 documented: published as the governorate, without a point.
      await person(3, 'fair', { sex: 'female', ageMin: 30, ageMax: 34, dateOfDeath: '2015-05-02', placeOfDeath: STREET })
      // Y: Kafr Nabl × 2015-04 × female, 2 documented: suppressed at 3, published at 2.
      await person(2, 'confirmed', { sex: 'female', dateOfDeath: '2015-04-02', placeOfDeath: KAFR_NABL, incidentIds: [c.id] })
      // N: no place, no date, 3 documented: published, without coordinates.
      await person(3, 'confirmed', {})
    })
    after(async () => {
      await store.close()
    })

    test('the full victims export has every person with names, ids and incidents, and no source', async () => {
      for (const format of ['csv', 'hxl', 'json'] as const) {
        const { text, summary } = await run(ctx, { format, public: false, of: 'victims' })
        const records = recordsOf(format, text)
        assert.equal(records.length, planted.length + 1, format)
        assert.equal(summary.rows, planted.length + 1)
        assert.equal(summary.threshold, null)
        assert.ok(text.includes('MARKER-NAME-7731-0') && text.includes('MARKER-VARIANT-0') && text.includes('MARKER-AFFILIATION-2290'))
        assert.ok(!text.includes('MARKER-SOURCE') && !text.includes('MARKER-REASON'), 'sources and override reasons are never exported')
        const demoRow = records.find((r) => str(r.person_id) === String(demo.personId))
        assert.equal(str(demoRow?.first_incident_id), String(demo.incidents.casablanca))
        assert.equal(demoRow?.first_incident_type, 'execution')
        assert.equal(demoRow?.first_incident_grade, 'contested')
        const first = records.find((r) => r.name === 'MARKER-NAME-7731-0')
        assert.deepEqual(
          [str(first?.lat), str(first?.lon), str(first?.date_of_death), str(first?.incident_ids), first?.grade],
          ['35.86472', '36.80056', '2015-03-10', String(incidentA), 'confirmed'],
        )
      }
    })

    test('the full incidents export has every incident with its text and victim counts', async () => {
      const { text, summary } = await run(ctx, { format: 'json', public: false, of: 'incidents' })
      const doc = JSON.parse(text) as { metadata: Json; records: Json[] }
      assert.equal(doc.records.length, 4 + 3)
      assert.equal(summary.rows, 7)
      assert.equal(doc.metadata.rows, 7)
      const sohr = doc.records.find((r) => r.incident_id === demo.incidents.sohr120)
      assert.equal(sohr?.victims_min, 120)
      assert.equal(sohr?.grade, 'fair')
      assert.ok(text.includes('MARKER-DESC-1102') && text.includes('MARKER-TITLE-1101'))
    })

    for (const of of ['victims', 'incidents'] as const) {
      for (const format of ['csv', 'hxl', 'json', 'geojson'] as const) {
        test(`public ${of} as ${format}: no marker, documented grades only, no cell under the threshold`, async () => {
          for (const threshold of [undefined, 2, 4]) {
            const t = threshold ?? 3
            const { text, summary } = await run(ctx, { format, public: true, of, threshold })
            assert.ok(!/MARKER/.test(text), `no name, free text or fine place in a public ${format} export`)
            for (const internal of ['person_id', 'incident_id', 'incident_ids', 'name', 'title', 'description', 'perpetrator', 'affiliation', 'origin']) {
              assert.ok(!new RegExp(`"${internal}"|^${internal},|,${internal}[,\\n]`, 'm').test(text), `no ${internal} column`)
            }
            const records = recordsOf(format, text)
            for (const r of records) assert.ok((DOCUMENTED_GRADES as readonly string[]).includes(str(r.grade)), `grade ${str(r.grade)}`)
            if (format === 'geojson') {
              assert.equal(records.length, summary.rows - summary.withoutCoordinates)
              continue
            }
            assert.equal(records.length, summary.rows)
            // Fresh row numbers, 1..n: nothing that joins back to internal records.
            assert.deepEqual(
              records.map((r) => Number(r.row)),
              records.map((_, i) => i + 1),
            )
            // Recount the cells from the output.
            const cells = new Map<string, number>()
            for (const r of records) {
              const key = [str(r.country), str(r.adm1), str(r.place), str(r.month), of === 'victims' ? str(r.sex) : ''].join('|')
              cells.set(key, (cells.get(key) ?? 0) + (of === 'victims' ? 1 : Number(str(r.victims_min) || 0)))
            }
            for (const [key, n] of cells) assert.ok(n >= t, `cell ${key} has ${n} < ${t}`)
            for (const r of records) {
              assert.ok(str(r.month) === '' || /^\d{4}-\d{2}$/.test(str(r.month)))
              if (of === 'victims') assert.ok(str(r.age_band) === '' || /^\d+(-\d+|\+)$/.test(str(r.age_band)))
              assert.ok(str(r.lat) === '' || /^-?\d+(\.\d{1,2})?$/.test(str(r.lat)), `lat ${str(r.lat)} has at most 2 decimals`)
            }
          }
        })
      }
    }

    test('suppressed counts for hand-built cells: 2 victims vanish at threshold 3 and appear at 2', async () => {
      const at3 = await run(ctx, { format: 'json', public: true, of: 'victims' })
      assert.deepEqual(at3.summary, { rows: 9, suppressedRows: 2, suppressedCells: 1, threshold: 3, withoutCoordinates: 6 })
      const rows3 = recordsOf('json', at3.text)
      assert.equal(rows3.filter((r) => r.place === 'Kafr Nabl').length, 0)
      const saraqib = rows3.filter((r) => r.place === 'Saraqib')
      assert.equal(saraqib.length, 3, 'the undocumented persons of the cell are neither published nor counted')
      assert.deepEqual(saraqib.map((r) => r.age_band).sort(), ['20-24', '25-29', '40-44'])
      assert.deepEqual(
        saraqib.map((r) => [r.month, r.sex, r.lat, r.lon, r.incident_type]),
        Array(3).fill(['2015-03', 'male', 35.86, 36.8, 'killing']),
      )
      const idlib = rows3.filter((r) => r.adm1 === 'Idlib Governorate')
      assert.deepEqual(
        idlib.map((r) => [r.place, r.lat, r.lon, r.age_band]),
        Array(3).fill([null, null, null, '30-34']),
      )

      const at2 = await run(ctx, { format: 'json', public: true, of: 'victims', threshold: 2 })
      assert.deepEqual(at2.summary, { rows: 11, suppressedRows: 0, suppressedCells: 0, threshold: 2, withoutCoordinates: 6 })
      assert.equal(recordsOf('json', at2.text).filter((r) => r.place === 'Kafr Nabl').length, 2)

      // Incidents: the cell counts victims. Kafr Nabl's 2 vanish at 3; the demo's 120 and Saraqib's 5 stay.
      const inc3 = await run(ctx, { format: 'csv', public: true, of: 'incidents' })
      assert.deepEqual(inc3.summary, { rows: 2, suppressedRows: 1, suppressedCells: 1, threshold: 3, withoutCoordinates: 0 })
      assert.deepEqual(
        recordsOf('csv', inc3.text).map((r) => [r.place, r.month, r.victims_min, r.grade]),
        [
          ['Saraqib', '2015-03', '5', 'confirmed'],
          ['Syria', '', '120', 'fair'],
        ],
      )
      const inc2 = await run(ctx, { format: 'csv', public: true, of: 'incidents', threshold: '2' })
      assert.deepEqual(inc2.summary, { rows: 3, suppressedRows: 0, suppressedCells: 0, threshold: 2, withoutCoordinates: 0 })
    })

    test('pages: a small page size writes the same records', async () => {
      for (const isPublic of [true, false]) {
        const a = await run(ctx, { format: 'csv', public: isPublic, of: 'victims' })
        const b = await run(ctx, { format: 'csv', public: isPublic, of: 'victims', pageSize: 2 })
        assert.equal(b.text, a.text)
        assert.deepEqual(b.summary, a.summary)
      }
    })

    test('CSV and HXL parse back; the HXL row is all hashtags', async () => {
      const csv = await run(ctx, { format: 'csv', public: true, of: 'victims' })
      const hxl = await run(ctx, { format: 'hxl', public: true, of: 'victims' })
      const c = parse(csv.text)
      const h = parse(hxl.text)
      assert.deepEqual(h[0], c[0])
      assert.ok(h[1]?.every((tag) => tag.startsWith('#')))
      assert.deepEqual(h.slice(2), c.slice(1))
      const tags = Object.fromEntries((h[0] ?? []).map((name, i) => [name, h[1]?.[i]]))
      assert.equal(tags.lat, '#geo+lat')
      assert.equal(tags.lon, '#geo+lon')
      assert.equal(tags.country, '#country+code')
      assert.equal(tags.month, '#date+occurred+month')
      const full = parse((await run(ctx, { format: 'hxl', public: false, of: 'incidents' })).text)
      assert.ok(full[1]?.every((tag) => tag.startsWith('#')))
      assert.ok(full[1]?.includes('#affected+min') && full[1]?.includes('#event+type') && full[1]?.includes('#adm1+name'))
    })

    test('GeoJSON is a FeatureCollection of Points in [lon, lat] order', async () => {
      for (const isPublic of [true, false]) {
        const { text, summary } = await run(ctx, { format: 'geojson', public: isPublic, of: 'victims' })
        const doc = JSON.parse(text) as {
          type: string
          metadata: Json
          features: { type: string; geometry: { type: string; coordinates: [number, number] }; properties: Json }[]
        }
        assert.equal(doc.type, 'FeatureCollection')
        assert.equal(doc.metadata.withoutCoordinates, summary.withoutCoordinates)
        assert.equal(doc.features.length, summary.rows - summary.withoutCoordinates)
        assert.ok(doc.features.length > 0)
        for (const f of doc.features) {
          assert.equal(f.type, 'Feature')
          assert.equal(f.geometry.type, 'Point')
          assert.equal(f.geometry.coordinates.length, 2)
          const [lon, lat] = f.geometry.coordinates
          assert.ok(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90)
        }
        const saraqib = doc.features.find((f) => f.properties.place === 'Saraqib' || f.properties.place_name === 'Saraqib')
        assert.deepEqual(saraqib?.geometry.coordinates, isPublic ? [36.8, 35.86] : [36.80056, 35.86472])
      }
      const full = await run(ctx, { format: 'geojson', public: false, of: 'victims' })
      // The demo person died in "Syria" (a point); the 3 undated, unplaced ones have none.
      assert.equal(full.summary.withoutCoordinates, 3)
    })

    test('JSON metadata says what the export is', async () => {
      const before = Date.now()
      const { text, summary } = await run(ctx, { format: 'json', public: true, of: 'victims', threshold: 3 })
      const doc = JSON.parse(text) as { metadata: Json; records: Json[] }
      const m = doc.metadata
      assert.ok(Date.parse(String(m.generatedAt)) >= before - 1000)
      assert.equal(m.public, true)
      assert.equal(m.of, 'victims')
      assert.equal(m.format, 'json')
      assert.equal(m.threshold, 3)
      assert.deepEqual([m.rows, m.suppressedRows, m.suppressedCells, m.withoutCoordinates], [summary.rows, summary.suppressedRows, summary.suppressedCells, summary.withoutCoordinates])
      assert.match(String(m.method), /confirmed or fair/)
      assert.match(String(m.method), /fewer than 3/)
      assert.equal((m.columns as Record<string, string>).row, '#meta+row')
      assert.equal(doc.records.length, summary.rows)
      const full = JSON.parse((await run(ctx, { format: 'json', public: false, of: 'victims' })).text) as { metadata: Json }
      assert.equal(full.metadata.public, false)
      assert.equal(full.metadata.threshold, null)
      assert.match(String(full.metadata.method), /Confidential/)
    })

    test('a threshold of 0 or "abc" is rejected with a clear message', async () => {
      for (const threshold of [0, 'abc', -2, 1.5]) {
        await assert.rejects(
          run(ctx, { format: 'csv', public: true, of: 'victims', threshold }),
          (e: unknown) => isTallyError(e) && e.code === 'bad_input' && /threshold must be a whole number of at least 1/.test(e.message),
        )
      }
      await assert.rejects(run(ctx, { format: 'csv', public: false, of: 'victims', threshold: 3 }), (e: unknown) => isTallyError(e) && e.code === 'bad_input')
      await assert.rejects(
        run(ctx, { format: 'xml' as 'csv', public: true, of: 'victims' }),
        (e: unknown) => isTallyError(e) && e.code === 'bad_input',
      )
    })
  })
}

describe('public export when records change between its two passes', () => {
  test('fails with conflict rather than publish a cell it did not count', async () => {
    let scans = 0
    const persons = (n: number): Person[] =>
      Array.from({ length: n }, (_, i) => ({
        id: i + 1,
        name: 'x',
        nameVariants: [],
        sex: 'male',
        ageMin: null,
        ageMax: null,
        nationality: null,
        origin: null,
        affiliation: null,
        fate: 'killed',
        dateOfDeath: '2015-03-10',
        deathEarliest: '2015-03-10',
        deathLatest: '2015-03-10',
        placeOfDeath: SARAQIB,
        cause: null,
        incidentIds: [],
        sealed: null,
        grade: 'confirmed',
        createdAt: '',
        updatedAt: '',
      }))
    const fake = {
      persons: {
        list: async (f: { grade?: Grade }): Promise<Page<Person>> => {
          if (f.grade !== 'confirmed') return { items: [], nextCursor: null }
          scans++
          // Three in the cell when counted; one was re-graded before the rows were written.
          return { items: persons(scans === 1 ? 3 : 2), nextCursor: null }
        },
      },
      incidents: { get: async () => undefined },
    } as unknown as Store
    const out = new Writable({ write: (_c, _e, cb) => cb() })
    await assert.rejects(
      exportRecords({ store: fake, actor: { name: 'test', role: 'admin' } }, { format: 'csv', public: true, of: 'victims', out }),
      (e: unknown) => isTallyError(e) && e.code === 'conflict',
    )
  })
})
