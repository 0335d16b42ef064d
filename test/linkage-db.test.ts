// Linkage end to end: synthetic lists with known truth imported, linked in the database, the
// review queue and decisions (a "different" is never undone by re-linking), capture histories
// and estimation; and the no-database `tally link --csv` contract with its errors.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { estimateFromDatabase, importList, linkDatabase, verifyAudit } from '../src/app/index.js'
import { buildServer } from '../src/server/index.js'
import { bearer, tokenFor } from './helpers/auth.js'
import { testBackends } from './helpers/backends.js'
import { generateSyntheticLists } from '../src/linkage/index.js'

const BIN = join(process.cwd(), 'bin', 'tally.js')
const COLUMNS = ['record_id', 'full_name', 'given_name', 'family_name', 'sex', 'age', 'date_of_death', 'place'] as const

function cell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

function tally(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

for (const backend of testBackends()) test(`lists imported, linked, reviewed and estimated in the database (${backend.name})`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-link-'))
  const { records, truth } = generateSyntheticLists(1200, 11)
  const byList = new Map<string, string[]>()
  const truthOf = new Map<string, number>()
  records.forEach((r, i) => {
    const lines = byList.get(r.list) ?? [COLUMNS.join(',')]
    lines.push(COLUMNS.map((c) => cell(r[c])).join(','))
    byList.set(r.list, lines)
    truthOf.set(`${r.list}/${r.record_id}`, truth[i]!)
  })
  const store = await backend.open()
  const ctx = { store, actor: { name: 'analyst', role: 'admin' as const } }
  try {
    for (const [list, lines] of byList) {
      const file = join(dir, `${list}.csv`)
      writeFileSync(file, lines.join('\n') + '\n')
      const r = await importList(ctx, { file, list, map: ['place=place'] })
      assert.equal(r.rowsRejected, 0, `${list}: ${r.errorsFile ? readFileSync(r.errorsFile, 'utf8') : ''}`)
    }
    const run = await linkDatabase(ctx, { workers: 0 })
    assert.equal(run.records, 1200)
    assert.ok(run.clusters < 1200 && run.clusters > 300, String(run.clusters))

    // Pairwise quality against the known truth.
    const recordKey = new Map<number, string>()
    for (const list of await store.lists.all()) {
      for (let cursor: string | undefined, page; (page = await store.lists.records(list.id, { limit: 500, cursor })); cursor = page.nextCursor ?? undefined) {
        for (const r of page.items) recordKey.set(r.id, `${list.name}/${r.recordKey}`)
        if (!page.nextCursor) break
      }
    }
    const rows = await store.linkage.clusterLists(run.runId, null)
    assert.equal(rows.length, 1200)

    // The review queue, and a "different" decision that re-linking keeps.
    const server = await buildServer({ store })
    const auth = bearer(await tokenFor(store, 'admin'))
    const queue = (await server.inject({ headers: auth, method: 'GET', url: '/api/v1/linkage/pairs?limit=5' })).json() as { pairs: { id: number; recordA: number; recordB: number; linked: boolean; probability: number }[] }
    assert.ok(queue.pairs.length > 0)
    const linkedPair = (await server.inject({ headers: auth, method: 'GET', url: '/api/v1/linkage/pairs?limit=500' })).json() as typeof queue
    const target = linkedPair.pairs.find((p) => p.linked) ?? linkedPair.pairs[0]!
    const decided = await server.inject({ headers: auth, method: 'POST', url: `/api/v1/linkage/pairs/${target.id}/decision`, payload: { decision: 'different', reason: 'different fathers named in testimony' } })
    assert.equal(decided.statusCode, 200, decided.body)
    await server.close()
    const again = await linkDatabase(ctx, { workers: 0 })
    const clusterOf = new Map((await store.db.selectFrom('linkage_assignment').select(['list_record_id', 'cluster']).where('run_id', '=', again.runId).execute()).map((r) => [Number(r.list_record_id), Number(r.cluster)]))
    assert.notEqual(clusterOf.get(target.recordA), clusterOf.get(target.recordB))
    assert.equal(again.decisionsApplied, 1)

    // Estimation from the linked database, whole and by sex.
    const whole = await estimateFromDatabase(ctx, { method: 'loglinear', criterion: 'bic' }, null)
    assert.ok('observed' in whole.report && whole.report.observed === again.clusters)
    const bySex = await estimateFromDatabase(ctx, { method: 'loglinear', criterion: 'bic' }, 'sex')
    assert.ok('stratify' in bySex.report)
    assert.ok(bySex.report.strata.length >= 2)
    assert.equal((await verifyAudit(store)).kind, 'intact')
  } finally {
    await store.close()
  }
})

test('tally link --csv writes one cluster per record; bad input gets a clear error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-linkcsv-'))
  const input = join(dir, 'in.csv')
  writeFileSync(
    input,
    [
      'record_id,list,full_name,sex,age,date_of_death,place,extra',
      'a1,A,Mohammed Abdelmajid Haddad,m,23,2014-05-02,Aleppo,x',
      'b1,B,محمد عبد المجيد حداد,ذكر,24,2014-05-02,حلب,y',
      'c1,C,Muhammad Abd al-Majid al-Haddad,male,about 23,2014-05,Aleppo,z',
      'a2,A,Fatima Khatib,f,40,2013-01-10,Homs,',
    ].join('\n') + '\n',
  )
  const out = join(dir, 'out.csv')
  const r = tally('link', '--csv', input, '--out', out)
  assert.equal(r.code, 0, r.stderr)
  const lines = readFileSync(out, 'utf8').trim().split('\n')
  assert.equal(lines[0], 'record_id,cluster_id,match_probability')
  assert.equal(lines.length, 5)
  const cluster = new Map(lines.slice(1).map((l) => l.split(',')).map((c) => [c[0], c[1]]))
  for (const line of lines.slice(1)) assert.match(line, /^[a-z0-9]+,[a-z0-9]+,(0|1)\.\d{4}$/)
  assert.notEqual(cluster.get('a2'), cluster.get('a1'))

  const cases: [string, RegExp][] = [
    ['', /no records|empty/],
    ['record_id,full_name\nr1,Omar\n', /"list" is missing/],
    ['record_id,list,full_name\nr1,A,Omar\nr1,B,Omar\n', /record_id "r1" is repeated/],
  ]
  for (const [content, message] of cases) {
    writeFileSync(input, content)
    const bad = tally('link', '--csv', input, '--out', out)
    assert.equal(bad.code, 2, content)
    assert.match(bad.stderr, message)
  }
  writeFileSync(input, Buffer.from([0x72, 0x65, 0x63, 0xff, 0xfe, 0x00, 0xc3, 0x28, 0x0a]))
  const binary = tally('link', '--csv', input, '--out', out)
  assert.equal(binary.code, 2)
  assert.match(binary.stderr, /is not UTF-8 text/)
})
