// The `tally` command as a user runs it: a child process, its exit code and its one-line errors.
// The audit chain is tampered with by editing the database file underneath, as an attacker would.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'

const BIN = join(process.cwd(), 'bin', 'tally.js')

function tally(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, TALLY_DB: '' }, timeout: 60_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

function tmp(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'tally-cli-')), name)
}

function demoDb(): string {
  const db = tmp('demo.db')
  const r = tally('demo', '--no-serve', '--db', db)
  assert.equal(r.code, 0, r.stderr)
  return db
}

/** Opens the file directly, removes the append-only triggers (as an attacker with the file would) and runs `edit`. */
function tamper(db: string, edit: (raw: BetterSqlite3.Database) => void) {
  const raw = new BetterSqlite3(db)
  raw.exec('drop trigger audit_event_no_update; drop trigger audit_event_no_delete;')
  edit(raw)
  raw.close()
}

test('--help lists only the commands that work', () => {
  const r = tally('--help')
  assert.equal(r.code, 0)
  for (const cmd of ['init', 'serve', 'demo', 'audit']) assert.match(r.stdout, new RegExp(`\\n  ${cmd}\\b`))
  assert.equal(tally('audit', 'verify', '--help').code, 0)
})

test('init creates a workspace and is idempotent', () => {
  const db = tmp('t.db')
  const first = tally('init', '--db', db)
  assert.equal(first.code, 0, first.stderr)
  assert.match(first.stdout, /Created SQLite workspace/)
  // The data key beside the database, readable by its owner only; the first admin with a generated password.
  const keyFile = db.replace(/\.db$/, '.key')
  assert.equal(statSync(keyFile).mode & 0o777, 0o600)
  assert.match(first.stdout, /Created administrator "admin" with password [a-z2-9-]{30,}/)
  const key = readFileSync(keyFile, 'utf8')
  const again = tally('init', '--db', db)
  assert.equal(again.code, 0)
  assert.match(again.stdout, /Updated SQLite workspace/)
  assert.doesNotMatch(again.stdout, /administrator/)
  assert.equal(readFileSync(keyFile, 'utf8'), key, 'the key file is never overwritten')
})

test('demo builds the seed workspace and its audit chain verifies', () => {
  const db = demoDb()
  const r = tally('audit', 'verify', '--db', db)
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /audit chain intact: \d+ events, head [0-9a-f]{64}/)
})

test('audit verify names the first altered event', () => {
  const db = demoDb()
  tamper(db, (raw) => raw.prepare("update audit_event set actor = 'mallory' where seq = 7").run())
  const r = tally('audit', 'verify', '--db', db)
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^error: audit chain broken at event 7: event 7 was altered/)
  assert.equal(r.stderr.trim().split('\n').length, 1)
})

test('audit verify names the first event after a removed one', () => {
  const db = demoDb()
  tamper(db, (raw) => raw.prepare('delete from audit_event where seq = 5').run())
  const r = tally('audit', 'verify', '--db', db)
  assert.equal(r.code, 1)
  assert.match(r.stderr, /broken at event 6: expected event 5 but found event 6/)
})

test('audit verify catches reordered events', () => {
  const db = demoDb()
  tamper(db, (raw) => {
    // Swap everything but the sequence numbers of events 3 and 4.
    const cols = ['at', 'actor', 'action', 'entity_type', 'entity_id', 'digest', 'prev_hash', 'hash']
    const a = raw.prepare('select * from audit_event where seq = 3').get() as Record<string, unknown>
    const b = raw.prepare('select * from audit_event where seq = 4').get() as Record<string, unknown>
    const set = raw.prepare(`update audit_event set ${cols.map((c) => `${c} = @${c}`).join(', ')} where seq = @seq`)
    set.run({ ...b, seq: 3 })
    set.run({ ...a, seq: 4 })
  })
  const r = tally('audit', 'verify', '--db', db)
  assert.equal(r.code, 1)
  assert.match(r.stderr, /broken at event 3/)
})

test('audit head, published, catches events removed from the end', () => {
  const db = demoDb()
  const head = tally('audit', 'head', '--db', db)
  assert.equal(head.code, 0)
  assert.match(head.stdout.trim(), /^\d+:[0-9a-f]{64}$/)
  assert.equal(tally('audit', 'verify', '--db', db, '--head', head.stdout.trim()).code, 0)
  const last = Number(head.stdout.split(':')[0])
  tamper(db, (raw) => raw.prepare('delete from audit_event where seq >= ?').run(last - 1))
  // The chain alone still verifies (it is shorter); against the published head it does not.
  assert.equal(tally('audit', 'verify', '--db', db).code, 0)
  const r = tally('audit', 'verify', '--db', db, '--head', head.stdout.trim())
  assert.equal(r.code, 1)
  assert.match(r.stderr, /events were removed from the end/)
  assert.equal(tally('audit', 'verify', '--db', db, '--head', 'nonsense').code, 2)
})

test('a corrupt database file gets a one-line error naming it, not a stack trace', () => {
  const db = tmp('corrupt.db')
  writeFileSync(db, 'this is not a database, it is a text file '.repeat(200))
  const r = tally('audit', 'verify', '--db', db)
  assert.equal(r.code, 1)
  assert.match(r.stderr, new RegExp(`^error: cannot open SQLite database ${db.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: file is not a database\\n$`))
})

test('an unwritable database location gets a one-line error', () => {
  const file = tmp('plain-file')
  writeFileSync(file, 'x')
  const r = tally('init', '--db', join(file, 'sub', 'tally.db'))
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^error: cannot open SQLite database .*plain-file\/sub\/tally\.db: /)
  assert.equal(r.stderr.trim().split('\n').length, 1)
})

test('an unreachable PostgreSQL gets a one-line error without the password', () => {
  const r = tally('init', '--db', 'postgres://tally:s3cret-pass@127.0.0.1:1/tally')
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^error: cannot reach PostgreSQL at postgres:\/\/tally:\*\*\*@127\.0\.0\.1:1\/tally: /)
  assert.doesNotMatch(r.stderr, /s3cret-pass/)
  assert.equal(r.stderr.trim().split('\n').length, 1)
})

test('bad flags exit 2 with an error line', () => {
  const port = tally('serve', '--port', 'eighty', '--db', tmp('p.db'))
  assert.equal(port.code, 2)
  assert.match(port.stderr, /^error: --port must be an integer/)
  const unknown = tally('init', '--nope')
  assert.equal(unknown.code, 2)
  assert.match(unknown.stderr, /error: unknown option '--nope'/)
  const command = tally('frobnicate')
  assert.equal(command.code, 2)
})

test('serve answers on the port it prints, and stops cleanly on SIGTERM', async () => {
  const db = demoDb()
  const created = tally('token', 'create', 'reader', '--role', 'viewer', '--db', db)
  assert.equal(created.code, 0, created.stderr)
  const token = created.stdout.trim()
  assert.match(token, /^tly_t_[A-Za-z0-9_-]{40,}$/)
  const child = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] })
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let seen = ''
      child.stdout.on('data', (d: Buffer) => {
        seen += d.toString()
        if (seen.includes('\n')) resolve(seen)
      })
      child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)))
    })
    const port = /http:\/\/127\.0\.0\.1:(\d+)/.exec(line)?.[1]
    assert.ok(port, line)
    const health = await fetch(`http://127.0.0.1:${port}/healthz`)
    assert.equal(health.status, 200)
    const url = `http://127.0.0.1:${port}/api/v1/stats?unit=victims&type=execution&dateFrom=2014-06-25&dateTo=2014-12-25`
    assert.equal((await fetch(url)).status, 401, 'the API answers nobody who has not signed in')
    const stats = (await (await fetch(url, { headers: { authorization: `Bearer ${token}` } })).json()) as { totals: { documented: number } }
    assert.equal(stats.totals.documented, 120)
  } finally {
    const exited = new Promise((resolve) => child.on('exit', resolve))
    child.kill('SIGTERM')
    assert.equal(await exited, 0)
  }
})

test('users, tokens, key rotation and the public export from the command line', () => {
  const db = demoDb()
  const withInput = (input: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', input, env: { ...process.env, TALLY_DB: '' }, timeout: 60_000 })
    return { code: r.status, stdout: r.stdout, stderr: r.stderr }
  }
  const added = withInput('a long enough passphrase\n', 'user', 'add', 'amina', '--role', 'reviewer', '--password-stdin', '--db', db)
  assert.equal(added.code, 0, added.stderr)
  assert.doesNotMatch(added.stdout, /passphrase/, 'a password read from stdin is never printed')
  const weak = withInput('short\n', 'user', 'add', 'karim', '--role', 'analyst', '--password-stdin', '--db', db)
  assert.equal(weak.code, 2)
  assert.doesNotMatch(weak.stderr, /short/, 'the refused password is not echoed')
  assert.equal(tally('user', 'add', 'x', '--role', 'king', '--db', db).code, 2)
  assert.match(tally('user', 'list', '--db', db).stdout, /amina\treviewer/)

  const token = tally('token', 'create', 'script', '--role', 'analyst', '--expires-days', '30', '--db', db)
  assert.equal(token.code, 0, token.stderr)
  assert.match(tally('token', 'list', '--db', db).stdout, /script\tanalyst\texpires/)
  assert.equal(tally('token', 'revoke', 'script', '--db', db).code, 0)
  assert.match(tally('token', 'list', '--db', db).stdout, /script\tanalyst\trevoked/)

  const rotated = tally('key', 'rotate', '--db', db)
  assert.equal(rotated.code, 0, rotated.stderr)
  assert.match(rotated.stdout, /New key k\S+ is current; 1 protected value re-encrypted/, 'the demo seals the father\'s identity')
  assert.equal(tally('audit', 'verify', '--db', db).code, 0, 'rotation is audited and the chain holds')

  const out = tmp('public.csv')
  const exported = tally('export', '--format', 'hxl', '--public', '--out', out, '--db', db)
  assert.equal(exported.code, 0, exported.stderr)
  const lines = readFileSync(out, 'utf8').trim().split('\n')
  assert.match(lines[1] ?? '', /^#meta\+row,/)
  assert.equal(tally('export', '--public', '--threshold', '0', '--out', tmp('x.csv'), '--db', db).code, 2)
})
