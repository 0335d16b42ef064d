// Importing casualty lists end to end: the CLI, bad rows reported beside the file, resumable
// after the process is killed, never a duplicate.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { importList, verifyAudit } from '../src/app/index.js'
import { openStore } from '../src/store/index.js'

const BIN = join(process.cwd(), 'bin', 'tally.js')

function tally(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'tally-import-'))
}

function bigCsv(file: string, rows: number): void {
  const lines = ['record_id,full_name,sex,age,date_of_death,place']
  for (let i = 1; i <= rows; i++) lines.push(`${i},Person number ${i},${i % 3 ? 'male' : 'female'},${18 + (i % 50)},2014-0${1 + (i % 9)}-1${i % 10},Aleppo`)
  writeFileSync(file, lines.join('\n') + '\n')
}

test('good rows land, bad rows are reported by line and column, and a re-run is a no-op', async () => {
  const d = dir()
  const file = join(d, 'list.csv')
  writeFileSync(file, 'id,name,sex,age,date of death\n1,Mohammed Haddad,m,23,2014-05-02\n2,Omar Khatib,male,200,2014-05-03\n3,Ali Saleh,f,31,2014-13-45\n4,Fatima Aziz,female,40,2014\n')
  const store = await openStore(join(d, 't.db'))
  try {
    const ctx = { store, actor: { name: 'tester', role: 'admin' as const } }
    const r = await importList(ctx, { file, list: 'VDC' })
    assert.equal(r.rowsStored, 2)
    assert.equal(r.rowsRejected, 2)
    assert.equal(r.errorsFile, `${file}.errors.csv`)
    const report = readFileSync(r.errorsFile!, 'utf8').trim().split('\n')
    assert.equal(report[0], 'line,row,column,problem')
    assert.equal(report.length, 3)
    assert.match(report[1]!, /^3,2,age,/)
    assert.match(report[2]!, /^4,3,date of death,/)
    const again = await importList(ctx, { file, list: 'VDC' })
    assert.equal(again.alreadyImported, true)
    assert.equal(await store.lists.count(r.list.id), 2)
    const page = await store.lists.records(r.list.id, { limit: 10 })
    assert.deepEqual(page.items.map((x) => [x.rowNumber, x.fullName, x.sex, x.ageMin]), [
      [1, 'Mohammed Haddad', 'male', 23],
      [4, 'Fatima Aziz', 'female', 40],
    ])
    assert.equal((await verifyAudit(store)).kind, 'intact')
  } finally {
    await store.close()
  }
})

test('an import killed half-way leaves a consistent database and resumes without duplicates', async () => {
  const d = dir()
  const file = join(d, 'big.csv')
  const db = join(d, 'kill.db')
  const ROWS = 60_000
  bigCsv(file, ROWS)
  for (let attempt = 0; attempt < 3; attempt++) {
    const child = spawn(process.execPath, [BIN, 'import-list', file, '--list', 'Big', '--db', db], { stdio: 'ignore' })
    // Kill it at a random point after it has begun to commit (or earlier, on the first attempt).
    const deadline = Date.now() + 30_000
    const wantRows = attempt === 0 ? 0 : Math.floor(Math.random() * ROWS * 0.8)
    for (;;) {
      await new Promise((r) => setTimeout(r, 25))
      if (Date.now() > deadline || child.exitCode !== null) break
      if (!existsSync(db)) continue
      try {
        const raw = new BetterSqlite3(db, { readonly: true, fileMustExist: true })
        const row = raw.prepare("select coalesce(max(rows_stored), -1) as n from list_import").get() as { n: number } | undefined
        raw.close()
        if ((row?.n ?? -1) >= wantRows) break
      } catch {
        // not created yet
      }
    }
    child.kill('SIGKILL')
    await new Promise((r) => child.once('exit', r))
    const raw = new BetterSqlite3(db)
    assert.equal((raw.prepare('pragma integrity_check').get() as { integrity_check: string }).integrity_check, 'ok')
    // Exactly the rows the import says it stored, no more, no fewer.
    const stored = raw.prepare('select count(*) as n from list_record').get() as { n: number }
    const progress = raw.prepare('select coalesce(max(rows_stored), 0) as n from list_import').get() as { n: number }
    raw.close()
    assert.equal(stored.n, progress.n)
    assert.equal(tally('audit', 'verify', '--db', db).code, 0)
  }
  const resumed = tally('import-list', file, '--list', 'Big', '--db', db)
  assert.equal(resumed.code, 0, resumed.stderr)
  const raw = new BetterSqlite3(db, { readonly: true })
  const counts = raw.prepare('select count(*) as n, count(distinct row_number) as d from list_record').get() as { n: number; d: number }
  raw.close()
  assert.deepEqual(counts, { n: ROWS, d: ROWS })
  assert.equal(tally('audit', 'verify', '--db', db).code, 0)
})

test('a list with no name column is refused with a hint', () => {
  const d = dir()
  const file = join(d, 'x.csv')
  writeFileSync(file, 'foo,bar\n1,2\n')
  const r = tally('import-list', file, '--list', 'X', '--db', join(d, 'x.db'))
  assert.equal(r.code, 2)
  assert.match(r.stderr, /no column holds names .* --map "COLUMN=fullName"/)
})

test('a list exported as CSV or JSON imports back to the same records', async () => {
  const d = dir()
  const file = join(d, 'orig.csv')
  writeFileSync(file, 'N°,Nom complet,Sexe,Âge,Date du décès,Lieu\n1,"Haddad, Mohammed",m,environ 20,25/12/2014,Alep\n2,محمد عبد المجيد,ذكر,٢٣,2014-12~,حلب\n3,Fatima Aziz,f,,2013,Homs\n')
  const store = await openStore(join(d, 'rt.db'))
  const ctx = { store, actor: { name: 'tester', role: 'admin' as const } }
  const { exportList } = await import('../src/app/index.js')
  try {
    const original = await importList(ctx, { file, list: 'Original' })
    assert.equal(original.rowsStored, 3)
    const norm = async (list: number) => (await store.lists.records(list, { limit: 10 })).items.map(({ id: _i, listId: _l, personId: _p, ...rest }) => rest)
    for (const format of ['csv', 'json'] as const) {
      const out = join(d, `export.${format}`)
      assert.equal((await exportList(ctx, { list: 'Original', format, out })).rows, 3)
      const back = await importList(ctx, { file: out, list: `Back ${format}`, format })
      assert.equal(back.rowsRejected, 0)
      assert.deepEqual(await norm(back.list.id), await norm(original.list.id))
    }
  } finally {
    await store.close()
  }
})
