// Estimation end to end: the `tally estimate` contract and the /api/v1/estimates resource.
// Figures: Rcapture's regression tests reproducing Abeni et al. (1994), HIV in Rome
// (shared/reference/mse-published.md): independence + c1:c2 → 12,318.5, 95 % profile interval
// 10,266 – 14,992.3.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildServer } from '../src/server/index.js'
import { bearer, tokenFor } from './helpers/auth.js'
import { openStore } from '../src/store/index.js'

const BIN = join(process.cwd(), 'bin', 'tally.js')
const HIV = [
  'c1,c2,c3,c4,count',
  '1,1,1,1,0', '1,1,1,0,3', '1,1,0,1,1', '1,1,0,0,33', '1,0,1,1,0', '1,0,1,0,20', '1,0,0,1,6', '1,0,0,0,403',
  '0,1,1,1,3', '0,1,1,0,35', '0,1,0,1,10', '0,1,0,0,545', '0,0,1,1,11', '0,0,1,0,621', '0,0,0,1,205',
].join('\n')

function file(content: string): string {
  const f = join(mkdtempSync(join(tmpdir(), 'tally-est-')), 'h.csv')
  writeFileSync(f, content)
  return f
}

function tally(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('tally estimate reproduces the published log-linear estimate as JSON', () => {
  const r = tally('estimate', '--histories', file(HIV), '--method', 'loglinear', '--model', 'c1:c2', '--json')
  assert.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout) as { method: string; observed: number; estimate: number; interval: [number, number]; level: number; deviance: number; df: number }
  assert.equal(out.method, 'loglinear')
  assert.equal(out.observed, 1896)
  assert.ok(Math.abs(out.estimate - 12318.5) / 12318.5 < 0.001, String(out.estimate))
  assert.ok(Math.abs(out.interval[0] - 10266) / 10266 < 0.005, String(out.interval))
  assert.ok(Math.abs(out.interval[1] - 14992.3) / 14992.3 < 0.005, String(out.interval))
  assert.equal(out.level, 0.95)
  assert.ok(Math.abs(out.deviance - 7.614) < 0.01)
  assert.equal(out.df, 9)
})

test('tally estimate with LCMCR is seeded and reproducible', () => {
  const args = ['estimate', '--histories', file(HIV), '--seed', '3', '--iterations', '12000', '--burnin', '2000', '--thin', '10', '--json']
  const a = JSON.parse(tally(...args).stdout) as { method: string; estimate: number; interval: [number, number]; settings: { seed: number; samples: number } }
  const b = JSON.parse(tally(...args).stdout) as typeof a
  assert.equal(a.method, 'lcmcr')
  assert.deepEqual(a, b)
  assert.equal(a.settings.samples, 1000)
  assert.ok(a.estimate > 9000 && a.estimate < 14000, String(a.estimate))
  assert.ok(a.interval[0] < a.estimate && a.estimate < a.interval[1])
})

test('bad histories get a clear error naming the row and exit 2', () => {
  const cases: [string, RegExp][] = [
    ['A,B,count\n1,1,5\n1,0,-3\n0,1,4\n', /row 2.*negative|negative.*row 2/i],
    ['A,B,count\n1,2,5\n1,0,3\n0,1,4\n', /row 1.*not 0 or 1/],
    ['A,count\n1,5\n', /list/i],
    ['A,B,count\n1,1,5\n1,0,3\n0,1,4\n0,0,7\n', /row 4/],
    ['A,B,count\n1,0,3\n0,1,4\n', /overlap/i],
  ]
  for (const [content, message] of cases) {
    const r = tally('estimate', '--histories', file(content), '--method', 'loglinear')
    assert.equal(r.code, 2, content)
    assert.match(r.stderr, /^error: /)
    assert.match(r.stderr, message, content)
  }
  const missing = tally('estimate', '--histories', '/nonexistent/h.csv')
  assert.equal(missing.code, 2)
  assert.match(missing.stderr, /cannot read \/nonexistent\/h\.csv/)
})

test('POST /api/v1/estimates stores a run with its parameters and input hash; GET lists it', async () => {
  const store = await openStore(':memory:')
  const server = await buildServer({ store })
  const auth = bearer(await tokenFor(store, 'admin'))
  try {
    const rows = HIV.split('\n')
      .slice(1)
      .map((l) => l.split(','))
      .map((c) => ({ history: c.slice(0, 4).join(''), count: Number(c[4]) }))
    const r = await server.inject({ headers: auth, method: 'POST', url: '/api/v1/estimates', payload: { lists: ['c1', 'c2', 'c3', 'c4'], rows, method: { method: 'loglinear', model: 'c1:c2' } } })
    assert.equal(r.statusCode, 201, r.body)
    const stored = r.json() as { id: number; inputHash: string; report: { estimate: number } }
    assert.match(stored.inputHash, /^[0-9a-f]{64}$/)
    const got = (await server.inject({ headers: auth, method: 'GET', url: `/api/v1/estimates/${stored.id}` })).json() as { method: string; parameters: { model: string }; result: { estimate: number } }
    assert.equal(got.method, 'loglinear')
    assert.equal(got.parameters.model, 'c1:c2')
    assert.equal(got.result.estimate, stored.report.estimate)
    const list = (await server.inject({ headers: auth, method: 'GET', url: '/api/v1/estimates' })).json() as { items: { id: number }[] }
    assert.deepEqual(list.items.map((i) => i.id), [stored.id])
    const bad = await server.inject({ headers: auth, method: 'POST', url: '/api/v1/estimates', payload: { lists: ['A', 'B'], rows: [{ history: '12', count: 1 }], method: { method: 'lcmcr' } } })
    assert.equal(bad.statusCode, 400)
    assert.equal((bad.json() as { issues: { path: string }[] }).issues[0]?.path, 'body.rows.0.history')
  } finally {
    await server.close()
    await store.close()
  }
})

test('tally estimate from the linked database stores the run and gives the three numbers', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'tally-est-db-')), 'demo.db')
  assert.equal(tally('demo', '--no-serve', '--db', db).code, 0)
  const r = tally('estimate', '--db', db, '--method', 'loglinear', '--criterion', 'bic', '--json')
  assert.equal(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout) as { estimateRun: number; documented: number; reported: number; observed: number; estimate: number; lists: string[] }
  assert.equal(out.documented, 120)
  assert.equal(out.reported, 163)
  assert.equal(out.lists.length, 4)
  assert.ok(out.estimate > out.observed)
  assert.equal(out.estimateRun, 2)
  const strat = tally('estimate', '--db', db, '--method', 'loglinear', '--stratify', 'sex')
  assert.equal(strat.code, 0, strat.stderr)
  assert.match(strat.stdout, /sex male: observed [\d,]+, estimated/)
  assert.match(strat.stdout, /estimated total over strata: [\d,]+/)
  assert.match(strat.stdout, /stored as estimate run 3/)
  const both = tally('estimate', '--db', db, '--histories', '/dev/null', '--stratify', 'sex')
  assert.equal(both.code, 2)
  const fromFile = tally('estimate', '--db', db, '--histories', file(HIV), '--method', 'loglinear', '--model', 'c1:c2', '--json')
  assert.equal(fromFile.code, 0, fromFile.stderr)
  const stored = JSON.parse(fromFile.stdout) as { estimateRun: number; inputHash: string; estimate: number }
  assert.equal(stored.estimateRun, 4)
  assert.match(stored.inputHash, /^[0-9a-f]{64}$/)
})
