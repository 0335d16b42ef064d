// Backup and restore of a PostgreSQL workspace (pg_dump / pg_restore): a consistent dump while
// writes go on, a restore that verifies the chain and the evidence hashes in a scratch schema
// before swapping it in, and refusals that leave the workspace as it was. Needs a real server:
// runs when TALLY_TEST_PG names one (CI always does); without one, the in-process engine's
// refusal is what is tested.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { backupWorkspace, buildDemo, checkIntegrity, restoreWorkspace, verifyAudit } from '../src/app/index.js'
import { openPostgresDialect, openStore, redactUrl } from '../src/store/index.js'

const PG = process.env.TALLY_TEST_PG
const BIN = join(process.cwd(), 'bin', 'tally.js')
const actor = { name: 'tester', role: 'admin' as const }

function tally(...args: string[]) {
  return tallyWith(process.env, ...args)
}

function tallyWith(env: NodeJS.ProcessEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000, env })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: PG })
  await client.connect()
  try {
    return (await client.query<T>(text, values)).rows
  } finally {
    await client.end()
  }
}

let counter = 0
/** A fresh schema of its own on the test server, and the URL that opens it. */
async function freshSchema(create = true): Promise<{ schema: string; url: string }> {
  const schema = `t_pgbackup_${process.pid}_${Date.now().toString(36)}_${counter++}`
  if (create) await query(`create schema ${schema}`)
  const u = new URL(PG ?? '')
  u.searchParams.set('options', `-c search_path=${schema}`)
  return { schema, url: u.toString() }
}

async function schemasLike(prefix: string): Promise<string[]> {
  return (await query<{ nspname: string }>(`select nspname from pg_namespace where nspname like $1 order by 1`, [`${prefix}%`])).map((r) => r.nspname)
}

async function titles(schema: string): Promise<string[]> {
  return (await query<{ title: string }>(`select title from ${schema}.incident order by id`)).map((r) => r.title)
}

async function auditCount(schema: string): Promise<number> {
  return Number((await query<{ n: string }>(`select count(*) as n from ${schema}.audit_event`))[0]?.n)
}

if (PG) test('PostgreSQL: backup while writing, restore after verifying, refuse tampered or truncated dumps', async (t) => {
  assert.ok(PG)
  t.diagnostic(`backend: postgresql server at ${redactUrl(PG)}`)
  const password = decodeURIComponent(new URL(PG).password)
  const dir = mkdtempSync(join(tmpdir(), 'tally-pgbackup-'))
  /** Schemas made by this test, dropped at the end with the schemas named after them. */
  const made: string[] = []
  try {
    const work = await freshSchema()
    made.push(work.schema)
    const store = await openStore(work.url)
    let backupEvents: number
    const dump = join(dir, 'work.dump')
    try {
      await buildDemo({ store, actor })
      // Writes going on while the dump is taken and checked.
      let writing = true
      const writer = (async () => {
        let i = 0
        while (writing) await store.write('writer', (w) => w.createIncident({ type: 'killing', title: `during backup ${i++}` }, 'weak'))
        return i
      })()
      const started = Date.now()
      let report: Awaited<ReturnType<typeof backupWorkspace>>
      try {
        report = await backupWorkspace(store, dump)
      } finally {
        writing = false
      }
      const during = await writer
      t.diagnostic(`backup + check took ${Date.now() - started} ms while ${during} incidents were written`)
      assert.ok(report.ok, JSON.stringify(report))
      assert.equal(report.chain.kind, 'intact')
      assert.deepEqual(report.alteredDocuments, [])
      assert.match(report.checked, /scratch schema/)
      assert.ok(existsSync(dump))
      await assert.rejects(backupWorkspace(store, dump), /never overwrites/)
      assert.deepEqual(await schemasLike('tally_restore_'), [], 'the scratch schema is dropped')
      assert.deepEqual(await schemasLike('tally_hold_'), [])
      // The dump is one snapshot: its chain is a prefix of the live one.
      backupEvents = report.chain.kind === 'intact' ? report.chain.events : -1
      const live = await verifyAudit(store)
      assert.equal(live.kind, 'intact')
      assert.ok(live.kind === 'intact' && live.events >= backupEvents)

      // Writes after the backup, which the restore must take away.
      await store.write('writer', (w) => w.createIncident({ type: 'killing', title: 'after backup' }, 'weak'))
    } finally {
      await store.close()
    }
    const liveTitles = await titles(work.schema)
    assert.ok(liveTitles.includes('after backup'))

    // Restore over the workspace: the old data is back, the replaced schema kept.
    const restored = await restoreWorkspace(work.url, dump)
    assert.equal(restored.kind, 'postgres')
    assert.ok(!restored.location.includes(password))
    const previous = restored.previous ?? ''
    assert.ok(previous.startsWith(`${work.schema}_before_restore_`), previous)
    const backupTitles = await titles(work.schema)
    assert.ok(!backupTitles.includes('after backup'))
    assert.equal(await auditCount(work.schema), backupEvents)
    assert.deepEqual(await titles(previous), liveTitles, 'the replaced data is kept')
    const reopened = await openStore(work.url)
    try {
      const check = await checkIntegrity(reopened)
      assert.ok(check.ok)
      // The restored workspace takes writes: its identity sequences came back with the data.
      await reopened.write('writer', (w) => w.createIncident({ type: 'killing', title: 'after restore' }, 'weak'))
    } finally {
      await reopened.close()
    }
    assert.equal(tally('audit', 'verify', '--db', work.url).code, 0)

    // A dump of a workspace whose audit log was rewritten by its owner (trigger disabled) is refused.
    // (Restoring into a schema that does not exist yet creates it; nothing is replaced.)
    const forged = await freshSchema(false)
    made.push(forged.schema)
    const intoFresh = await restoreWorkspace(forged.url, dump)
    assert.equal(intoFresh.previous, null)
    await query(`alter table ${forged.schema}.audit_event disable trigger audit_event_no_change`)
    await query(`update ${forged.schema}.audit_event set actor = 'someone else' where seq = 3`)
    await query(`alter table ${forged.schema}.audit_event enable trigger audit_event_no_change`)
    const forgedStore = await openStore(forged.url)
    const tampered = join(dir, 'tampered.dump')
    try {
      const r = await backupWorkspace(forgedStore, tampered)
      assert.equal(r.ok, false, 'a backup of a tampered workspace says so')
    } finally {
      await forgedStore.close()
    }
    const before = { titles: await titles(work.schema), events: await auditCount(work.schema), schemas: await schemasLike(work.schema) }
    await assert.rejects(restoreWorkspace(work.url, tampered), (e: Error) => {
      assert.match(e.message, /does not verify \(audit chain broken at event 3: .*\); nothing was restored/)
      return true
    })
    // A truncated dump is refused too.
    const truncated = join(dir, 'truncated.dump')
    const bytes = readFileSync(dump)
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 50))
    await assert.rejects(restoreWorkspace(work.url, truncated), /not a complete pg_dump archive.*nothing was restored/)
    writeFileSync(truncated, bytes.subarray(0, 64))
    await assert.rejects(restoreWorkspace(work.url, truncated), /nothing was restored/)
    // ... leaving the workspace exactly as it was, and no scratch schema behind.
    assert.deepEqual({ titles: await titles(work.schema), events: await auditCount(work.schema), schemas: await schemasLike(work.schema) }, before)
    assert.deepEqual(await schemasLike('tally_restore_'), [])
    assert.deepEqual(await schemasLike('tally_hold_'), [])

    // The command line, once each way; the password never shows.
    const cliDump = join(dir, 'cli.dump')
    const backup = tally('backup', cliDump, '--db', work.url)
    assert.equal(backup.code, 0, backup.stderr)
    assert.match(backup.stdout, /audit chain intact .*; every document matches its SHA-256 .*scratch schema/)
    const restore = tally('restore', cliDump, '--db', work.url)
    assert.equal(restore.code, 0, restore.stderr)
    const kept = /the schema it replaced is kept as (\S+)$/m.exec(restore.stdout)?.[1] ?? ''
    assert.ok(kept.startsWith(`${work.schema}_before_restore_`), restore.stdout)
    const refused = tally('restore', tampered, '--db', work.url)
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /does not verify/)
    // Without PostgreSQL's client tools, a clear error and no file.
    const noTools = tallyWith({ ...process.env, PATH: join(dir, 'empty') }, 'backup', join(dir, 'none.dump'), '--db', work.url)
    assert.equal(noTools.code, 1)
    assert.match(noTools.stderr, /pg_dump is not installed.*install postgresql-client/)
    assert.ok(!existsSync(join(dir, 'none.dump')))
    const verify = tally('audit', 'verify', '--db', work.url)
    assert.equal(verify.code, 0, verify.stderr)
    assert.ok((await titles(work.schema)).includes('after restore'))
    if (password) {
      for (const out of [backup, restore, refused, noTools, verify]) {
        assert.ok(!out.stdout.includes(password) && !out.stderr.includes(password), 'the password is never printed')
      }
    }
  } finally {
    // Every schema made here, and those named after them (kept by restores), even after a failure.
    for (const prefix of made) for (const schema of await schemasLike(prefix)) await query(`drop schema if exists ${schema} cascade`).catch(() => undefined)
  }
})

if (!PG) {
  test('PostgreSQL backup without a server (PGlite) refuses clearly and writes nothing', async () => {
    const { KyselyPGlite } = await import('kysely-pglite')
    const store = await openPostgresDialect(new KyselyPGlite().dialect, 'pglite://memory')
    const file = join(mkdtempSync(join(tmpdir(), 'tally-pgb-')), 'x.dump')
    try {
      await assert.rejects(store.backupTo(file), (e: unknown) => e instanceof Error && /pg_dump|server/i.test(e.message))
      assert.equal(existsSync(file), false)
    } finally {
      await store.close()
    }
  })
}
