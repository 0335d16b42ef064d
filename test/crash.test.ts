// Crash safety, as the security issue requires: "A child process importing a large list is killed
// with SIGKILL at random points (at least 20 times); each time the database passes its integrity
// check and `audit verify`, and a re-run completes without duplicates." On SQLite always, and on
// PostgreSQL when TALLY_TEST_PG names a server (CI always sets it); the describe blocks name the
// backends that ran.
//
// Each backend: one uninterrupted import on a fresh database first, watched, to learn how long
// start-up, the first batch and the whole import take. Then rounds, each on a fresh database: the
// import is started and SIGKILLed at a point drawn from a seeded generator (by time around
// start-up and the first batch; or a random moment after the import has stored a random number
// of further batches), checked, and started again, resuming, until a run finishes before it is
// killed; that completing re-run is checked for exactly every row once. Rounds go on until at
// least 20 kills have landed mid-import; the last round's import is then completed by a re-run.
import { after, describe, test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { verifyAudit } from '../src/app/index.js'
import { generateSyntheticLists } from '../src/linkage/index.js'
import { openStore } from '../src/store/index.js'
import { seededRandom } from '../src/linkage/link.js'
import { postgresCrashDatabase, sqliteCrashDatabase, type CrashDatabase, type ImportSnapshot } from './helpers/crash-db.js'

const BIN = join(process.cwd(), 'bin', 'tally.js')
const ROWS = 60_000
const LIST = 'crashlist'
/** Kills that must land while the import runs, per backend. */
const MIN_KILLS = 20
/** Import runs allowed per backend before the test gives up. */
const MAX_RUNS = 80
const SEED = 20_250_611
/** The importer's batch: rows per transaction (src/app/lists.ts). */
const BATCH = 5000
/** How often the import's progress is read while waiting to kill it. */
const POLL_MS = 20

const dir = mkdtempSync(join(tmpdir(), 'tally-crash-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

/** The list: ROWS synthetic records (seeded), with the columns the importer recognises. */
function writeList(file: string): void {
  const { records } = generateSyntheticLists(ROWS, 61)
  const lines = ['record_id,full_name,sex,age,date_of_death,place']
  for (const r of records) {
    const name = r.full_name || [r.given_name, r.family_name].filter(Boolean).join(' ')
    lines.push([r.record_id, name, r.sex, r.age, r.date_of_death, r.place].map(csvCell).join(','))
  }
  writeFileSync(file, lines.join('\n') + '\n')
}

interface Finished {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
}

/** Starts `tally ARGS` as a child process. */
function start(args: string[]) {
  const t0 = performance.now()
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, TALLY_DB: '' }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s))
  child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s))
  const finished = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr, ms: performance.now() - t0 }))
  })
  return { child, finished, t0 }
}

function tally(...args: string[]): Promise<Finished> {
  return start(args).finished
}

/** `tally audit verify`, through the command line. */
async function auditVerify(db: string, when: string): Promise<void> {
  const v = await tally('audit', 'verify', '--db', db)
  assert.equal(v.code, 0, `audit verify ${when}: ${v.stderr}`)
  assert.match(v.stdout, /^audit chain intact: \d+ events, head [0-9a-f]{64}/, when)
}

/**
 * The same verification in this process (the code `tally audit verify` runs), after each kill:
 * a process start per kill would double the test's time on two cores.
 */
async function auditVerifyInProcess(db: string, when: string): Promise<void> {
  const store = await openStore(db)
  try {
    const check = await verifyAudit(store)
    assert.equal(check.kind, 'intact', `audit verify ${when}: ${JSON.stringify(check)}`)
  } finally {
    await store.close()
  }
}

/** What must hold at any moment: the rows stored are exactly those the import says it stored, each once, each audited. */
function assertConsistent(s: ImportSnapshot, when: string): void {
  assert.ok(s.rows <= ROWS, `${when}: ${s.rows} rows stored from a ${ROWS}-row file`)
  assert.equal(s.rows, s.rowsStored, `${when}: rows in list_record vs the import's rows_stored`)
  assert.equal(s.lastRow, s.rowsStored, `${when}: the import's last_row vs rows_stored (the file has no bad rows)`)
  assert.equal(s.maxRow, s.lastRow, `${when}: highest row number stored vs the import's last_row`)
  assert.equal(s.distinctRows, s.rows, `${when}: a row number stored twice`)
  assert.equal(s.duplicateKeys, 0, `${when}: a record key stored twice`)
  assert.equal(s.orphans, 0, `${when}: rows without their import`)
  assert.ok(s.imports <= 1, `${when}: ${s.imports} imports of one file`)
  assert.equal(s.auditedRows, s.rows, `${when}: rows not covered by a list_record.create_batch audit event`)
  assert.equal(s.auditRangesOverlap, false, `${when}: two batch audit events name the same rows`)
  if (s.done) assert.equal(s.rows, ROWS, `${when}: finished with ${s.rows} rows`)
}

/** The import is complete: every row once, finished, the chain intact. */
async function assertComplete(target: CrashDatabase, db: string, when: string): Promise<void> {
  assert.deepEqual(await target.integrityProblems(db), [], when)
  await auditVerify(db, when)
  const s = await target.snapshot(db)
  assert.ok(s, `${when}: no schema`)
  assertConsistent(s, when)
  assert.equal(s.rows, ROWS, `${when}: rows stored`)
  assert.equal(s.imports, 1, when)
  assert.equal(s.done, true, `${when}: import not marked done`)
}

interface Calibration {
  /** From spawn to the import's row existing: start-up, migrations, hashing the file. */
  startedMs: number
  /** From spawn to the first batch committed. */
  firstCommitMs: number
  /** The whole uninterrupted import. */
  totalMs: number
}

/** One uninterrupted import on a fresh database, watched from outside. */
async function calibrate(target: CrashDatabase, file: string): Promise<Calibration> {
  const db = await target.fresh()
  const run = start(['import-list', file, '--list', LIST, '--db', db])
  let startedMs = 0
  let firstCommitMs = 0
  let exited = false
  void run.finished.then(() => (exited = true))
  while (!exited && firstCommitMs === 0) {
    const p = await target.peek(db).catch(() => null)
    const now = performance.now() - run.t0
    if (p && p.imports > 0 && startedMs === 0) startedMs = now
    if (p && p.rowsStored > 0) firstCommitMs = now
    await sleep(10)
  }
  const r = await run.finished
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /list "crashlist": 60,000 rows stored, 0 rejected/)
  assert.ok(startedMs > 0 && firstCommitMs >= startedMs, `the import was not seen starting (${startedMs}, ${firstCommitMs} ms)`)
  await assertComplete(target, db, 'after the uninterrupted import')
  return { startedMs, firstCommitMs, totalMs: r.ms }
}

interface Kill {
  round: number
  delayMs: number
  rowsBefore: number
  rowsAfter: number
  importStarted: boolean
  done: boolean
}

async function crashLoop(t: TestContext, target: CrashDatabase, file: string): Promise<void> {
  const began = performance.now()
  const random = seededRandom(SEED + (target.name === 'sqlite' ? 0 : 1))
  const cal = await calibrate(target, file)
  const work = cal.totalMs - cal.startedMs
  const batchMs = (cal.totalMs - cal.firstCommitMs) / (ROWS / BATCH - 1)
  const kills: Kill[] = []
  let runs = 0
  let completedBeforeKill = 0
  let round = 0
  let db = ''
  let rowsBefore = 0
  let killsThisRound = 0
  const newRound = async () => {
    db = await target.fresh()
    round++
    rowsBefore = 0
    killsThisRound = 0
  }
  await newRound()
  // The kills must spread over the import: some before anything of it was committed, some in its
  // second half (asserted below). Kill times are drawn from the calibration run, and runs can go
  // faster than it did (it ran while the other database's loop calibrated too): every round's
  // first kill once landed after the first commit. So once MIN_KILLS have landed without an early
  // one, new rounds aim their first kill at the moment the import's row appears.
  const early = (k: Kill): boolean => !k.importStarted || k.rowsAfter === 0
  const late = (k: Kill): boolean => k.rowsAfter >= ROWS / 2
  let aimEarly = false

  while (kills.length < MIN_KILLS || !kills.some(early) || !kills.some(late)) {
    assert.ok(runs < MAX_RUNS, `only ${kills.length} kills landed mid-import in ${runs} runs (${kills.filter(early).length} before the first commit, ${kills.filter(late).length} in the second half)`)
    runs++
    if (kills.length >= MIN_KILLS && !kills.some(early) && killsThisRound > 0) {
      await newRound()
      aimEarly = true
    }
    if (aimEarly && kills.some(early)) aimEarly = false
    // Where this run is killed, drawn from the seeded generator. A round's first kill: half the
    // time during start-up (migrations, hashing the file), half at a random moment after the
    // import's row appears, during its first batch. Later kills: one in five by time, between
    // late start-up (the resumed run re-reads the rows already stored) and its first new commit;
    // the others after the import has stored 1-3 more batches, at a random moment of the next.
    // Once the import is finished (a kill landed between its last commit and exit) the next
    // run is left alone: it must find nothing to do.
    const run = start(['import-list', file, '--list', LIST, '--db', db])
    let exited = false
    void run.finished.then(() => (exited = true))
    const waitFor = async (ready: (p: { imports: number; rowsStored: number }) => boolean) => {
      for (;;) {
        const p = await target.peek(db).catch(() => null)
        if (exited || (p && ready(p))) return
        await sleep(POLL_MS)
      }
    }
    const left = 1 - rowsBefore / ROWS
    if (rowsBefore === ROWS) {
      await run.finished
    } else if (killsThisRound === 0 && aimEarly) {
      await waitFor((p) => p.imports > 0)
    } else if (killsThisRound === 0) {
      if (random() < 0.5) {
        await Promise.race([run.finished, sleep(cal.startedMs * (0.5 + 0.5 * random()))])
      } else {
        const extra = random() * (cal.firstCommitMs - cal.startedMs)
        await waitFor((p) => p.imports > 0)
        await Promise.race([run.finished, sleep(extra)])
      }
    } else if (random() < 0.2) {
      const [from, to] = [0.5 * cal.startedMs, cal.startedMs + work * 0.35 * (1 - left) + batchMs]
      await Promise.race([run.finished, sleep(from + random() * (to - from))])
    } else {
      const batchesLeft = Math.ceil((ROWS - rowsBefore) / BATCH)
      const wanted = Math.min(ROWS, rowsBefore + BATCH * (1 + Math.floor(random() * Math.min(3, batchesLeft))))
      const extra = random() * batchMs
      await waitFor((p) => p.rowsStored >= wanted)
      await Promise.race([run.finished, sleep(extra)])
    }
    const delayMs = Math.round(performance.now() - run.t0)
    if (!exited) run.child.kill('SIGKILL')
    const r = await run.finished
    const when = `round ${round}, run ${runs} (${r.signal === 'SIGKILL' ? `killed after ${delayMs} ms` : 'ran to the end'})`

    if (r.signal !== 'SIGKILL') {
      // The kill came too late: this was the re-run that completes the import.
      assert.equal(r.code, 0, `${when}: ${r.stderr}`)
      assert.match(r.stdout, rowsBefore > 0 ? /already stored by an interrupted run|was already imported/ : /rows stored/, when)
      await assertComplete(target, db, when)
      completedBeforeKill++
      await newRound()
      continue
    }

    // Killed mid-import: the state it left must be sound before anything else touches it.
    assert.deepEqual(await target.integrityProblems(db), [], when)
    await auditVerifyInProcess(db, when)
    const s = await target.snapshot(db)
    assert.ok(s, `${when}: no schema after audit verify`)
    assertConsistent(s, when)
    assert.ok(s.rows >= rowsBefore, `${when}: ${rowsBefore} rows were stored before, ${s.rows} now`)
    kills.push({ round, delayMs, rowsBefore, rowsAfter: s.rows, importStarted: s.imports > 0, done: s.done })
    rowsBefore = s.rows
    killsThisRound++
  }

  // The last round's import, resumed once more without interruption, completes.
  const final = await tally('import-list', file, '--list', LIST, '--db', db)
  assert.equal(final.code, 0, final.stderr)
  await assertComplete(target, db, 'after the final re-run')
  const again = await tally('import-list', file, '--list', LIST, '--db', db)
  assert.equal(again.code, 0, again.stderr)
  assert.match(again.stdout, /was already imported into list "crashlist" \(60,000 rows\): nothing to do/)
  await assertComplete(target, db, 'after importing the same file again')

  const beforeImport = kills.filter((k) => !k.importStarted).length
  const firstBatch = kills.filter((k) => k.importStarted && k.rowsAfter === 0).length
  const firstHalf = kills.filter((k) => k.rowsAfter > 0 && k.rowsAfter < ROWS / 2).length
  const secondHalf = kills.filter((k) => k.rowsAfter >= ROWS / 2 && !k.done).length
  const afterLastCommit = kills.filter((k) => k.done).length
  const seconds = (performance.now() - began) / 1000
  t.diagnostic(
    `${target.name}: ${ROWS.toLocaleString('en')}-row list; one uninterrupted import ${Math.round(cal.totalMs)} ms (import began at ${Math.round(cal.startedMs)} ms, first batch committed at ${Math.round(cal.firstCommitMs)} ms)`,
  )
  t.diagnostic(
    `${target.name}: ${runs} killable runs in ${round} rounds: ${kills.length} SIGKILLs landed mid-import, ${completedBeforeKill} runs finished before their kill time (not counted)`,
  )
  t.diagnostic(
    `${target.name}: where the kills landed: ${beforeImport} before the import began (start-up, migrations, hashing), ${firstBatch} during the first batch, ${firstHalf} with 1-49% stored, ${secondHalf} with 50-99% stored, ${afterLastCommit} after the last commit before exit`,
  )
  t.diagnostic(`${target.name}: kills (round:ms:rows before→after): ${kills.map((k) => `${k.round}:${k.delayMs}:${k.rowsBefore}→${k.rowsAfter}`).join(' ')}`)
  t.diagnostic(`${target.name}: kill delays ${Math.min(...kills.map((k) => k.delayMs))}-${Math.max(...kills.map((k) => k.delayMs))} ms; every kill followed by the integrity check, audit verify and the row counts; ${seconds.toFixed(1)} s in all`)

  // The loop above ran until MIN_KILLS had landed, one of them before the first commit and one in
  // the second half of the import, or failed at MAX_RUNS saying which was missing.
}

const file = join(dir, 'crashlist.csv')
writeList(file)

const targets: CrashDatabase[] = [sqliteCrashDatabase(dir)]
const pgUrl = process.env.TALLY_TEST_PG
if (pgUrl) targets.push(postgresCrashDatabase(pgUrl))

describe(`crash safety: import-list killed with SIGKILL at least ${MIN_KILLS} times, on ${targets.map((x) => x.name).join(' and ')}${pgUrl ? '' : ' (PostgreSQL not run: TALLY_TEST_PG unset)'}`, { concurrency: true }, () => {
  // The backends run side by side: each one's kills are timed from its own calibration run.
  for (const target of targets) {
    after(() => target.cleanup())
    test(`${target.name}: after every kill the database is sound and audited, and a re-run completes without duplicates`, { timeout: 900_000 }, async (t) => {
      await crashLoop(t, target, file)
    })
  }
})
