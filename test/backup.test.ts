// Backup and restore of a SQLite workspace: a consistent copy while the server writes, a
// restore that verifies the chain and the evidence hashes before replacing anything.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { openStore } from '../src/store/index.js'

const BIN = join(process.cwd(), 'bin', 'tally.js')

function tally(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

test('backup while the server takes writes, then restore after verifying', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tally-backup-'))
  const db = join(dir, 'work.db')
  assert.equal(tally('demo', '--no-serve', '--db', db).code, 0)
  const server = spawn(process.execPath, [BIN, 'serve', '--db', db, '--port', '0'], { stdio: ['ignore', 'pipe', 'ignore'] })
  try {
    const port = await new Promise<string>((resolve, reject) => {
      server.stdout.on('data', (d: Buffer) => {
        const m = /:(\d+) /.exec(d.toString())
        if (m?.[1]) resolve(m[1])
      })
      server.on('exit', () => reject(new Error('server exited')))
    })
    // Writes going on while the backup is taken.
    const writes = Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`http://127.0.0.1:${port}/api/v1/incidents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ type: 'killing', title: `during backup ${i}` }) }),
      ),
    )
    const backup = join(dir, 'copy.db')
    const r = tally('backup', backup, '--db', db)
    await writes
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /audit chain intact .*; every document matches its SHA-256/)
    assert.equal(tally('backup', backup, '--db', db).code, 2, 'a backup never overwrites a file')
  } finally {
    server.kill('SIGTERM')
    await new Promise((r) => server.once('exit', r))
  }

  // Restore into a new location.
  const target = join(dir, 'restored.db')
  const restored = tally('restore', join(dir, 'copy.db'), '--db', target)
  assert.equal(restored.code, 0, restored.stderr)
  assert.equal(tally('audit', 'verify', '--db', target).code, 0)

  // A backup whose evidence was altered is refused, and the workspace is left as it was.
  const altered = join(dir, 'altered.db')
  assert.equal(tally('backup', altered, '--db', db).code, 0)
  const raw = new BetterSqlite3(altered)
  raw.prepare('update document set original = ? where id = 1').run(Buffer.from('a forged article'))
  raw.close()
  const before = readdirSync(dir).sort()
  const refused = tally('restore', altered, '--db', target)
  assert.equal(refused.code, 1)
  assert.match(refused.stderr, /does not verify \(documents altered: 1\); nothing was restored/)
  assert.deepEqual(readdirSync(dir).sort(), before)

  // Reading altered evidence fails loudly instead of returning forged bytes.
  const store = await openStore(altered)
  try {
    await assert.rejects(store.documents.original(1), /no longer match the SHA-256/)
  } finally {
    await store.close()
  }

  // Restoring over an existing workspace keeps the old one beside it.
  const over = tally('restore', join(dir, 'copy.db'), '--db', db)
  assert.equal(over.code, 0, over.stderr)
  const kept = /kept as (\S+)$/m.exec(over.stdout)?.[1]
  assert.ok(kept && existsSync(kept))
})
