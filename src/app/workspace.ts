// Opening and creating workspaces (a database), and checking their audit chain.
import { copyFileSync, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TallyError, type ChainCheck } from '../domain/index.js'
import { createKeyFile, verifyAgainstPublishedHead, verifyAuditChain } from '../security/index.js'
import { DEFAULT_DB, isPostgresUrl, openStore, redactUrl, stagePostgresRestore, type Store } from '../store/index.js'
import { createUser } from './auth.js'

/** The database to use: the --db flag, else TALLY_DB, else ./data/tally.db. */
export function resolveDatabase(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? env.TALLY_DB ?? DEFAULT_DB
}

/** Opens (and migrates) the workspace at a SQLite path or postgres:// URL. */
export function openWorkspace(location: string): Promise<Store> {
  return openStore(location)
}

export interface InitResult {
  location: string
  kind: 'sqlite' | 'postgres'
  existed: boolean
  keyFile: string
  /** False when the key file was already there (it is never overwritten). */
  keyCreated: boolean
  /** The first administrator, created when the workspace had no user; the password is shown once. */
  admin: { username: string; password: string } | null
}

/**
 * Creates the workspace database (or brings it to the latest schema), the data key file (mode
 * 0600) when missing, and the first administrator, with a generated password, when there is no
 * user yet. There are no default credentials.
 */
export async function initWorkspace(location: string, keyFile: string, adminName = 'admin'): Promise<InitResult> {
  const existed = !isPostgresUrl(location) && existsSync(location)
  const store = await openStore(location)
  try {
    const keyCreated = !existsSync(keyFile)
    if (keyCreated) createKeyFile(keyFile)
    let admin: InitResult['admin'] = null
    if ((await store.users.count()) === 0) {
      const created = await createUser({ store, actor: { name: 'system:init', role: 'admin' } }, { username: adminName, role: 'admin' })
      admin = { username: created.user.username, password: created.generatedPassword! }
    }
    return { location: store.location, kind: store.kind, existed, keyFile, keyCreated, admin }
  } finally {
    await store.close()
  }
}

/** Checks the whole audit chain of a workspace, and that it still holds a published head if given. */
export function verifyAudit(store: Store, publishedHead?: string): Promise<ChainCheck> {
  return publishedHead === undefined ? verifyAuditChain(store) : verifyAgainstPublishedHead(store, publishedHead)
}

/** The head of the audit log as `seq:hash`, to publish somewhere the database's keepers cannot reach. */
export async function auditHead(store: Store): Promise<string> {
  const check = await verifyAuditChain(store)
  if (check.kind === 'broken') throw new TallyError('conflict', `the audit chain is broken at event ${check.firstBad}: ${check.reason}`)
  return `${check.events}:${check.head}`
}

/** The folder of the installed package (holding fixtures/ and web/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir)
    if (up === dir) throw new Error('package root not found')
    dir = up
  }
  return dir
}

export interface IntegrityReport {
  chain: ChainCheck
  /** Documents whose original bytes no longer match the SHA-256 taken at ingest. */
  alteredDocuments: number[]
  ok: boolean
}

/** The audit chain and every document's evidence hash, checked. */
export async function checkIntegrity(store: Store): Promise<IntegrityReport> {
  const chain = await verifyAuditChain(store)
  const alteredDocuments = await store.documents.altered()
  return { chain, alteredDocuments, ok: chain.kind === 'intact' && alteredDocuments.length === 0 }
}

export interface BackupReport extends IntegrityReport {
  /** What was opened and checked: the copy itself (SQLite), or the dump restored into a scratch schema (PostgreSQL). */
  checked: string
}

/**
 * Copies a workspace to `file` while it stays in use (SQLite online backup, or pg_dump of the
 * workspace schema), then checks the copy (audit chain and evidence hashes) before saying it is
 * good. A PostgreSQL dump is checked by restoring it into a scratch schema, dropped afterwards.
 *
 * @example await backupWorkspace(store, 'backups/2026-11-25.db')
 */
export async function backupWorkspace(store: Store, file: string): Promise<BackupReport> {
  if (existsSync(file)) throw new TallyError('bad_input', `${file} exists: a backup never overwrites a file`)
  await store.backupTo(file)
  if (store.kind === 'postgres') {
    const report = await store.inspectBackup(file, async (location) => {
      const copy = await openStore(location)
      try {
        return await checkIntegrity(copy)
      } finally {
        await copy.close()
      }
    })
    return { ...report, checked: 'the dump restored into a scratch schema, since dropped' }
  }
  const copy = await openStore(file)
  try {
    return { ...(await checkIntegrity(copy)), checked: 'the copy' }
  } finally {
    await copy.close()
  }
}

function whyNot(report: IntegrityReport): string {
  return report.chain.kind === 'broken' ? `audit chain broken at event ${report.chain.firstBad}: ${report.chain.reason}` : `documents altered: ${report.alteredDocuments.join(', ')}`
}

export interface RestoreResult {
  report: IntegrityReport
  kind: 'sqlite' | 'postgres'
  /** The workspace restored to, safe to print (no password). */
  location: string
  /** Where the replaced data is kept: a file (SQLite) or a schema (PostgreSQL); null when there was none. */
  previous: string | null
}

/**
 * Replaces the PostgreSQL workspace schema at `url` with the pg_dump archive `file`: the dump is
 * loaded into a scratch schema, checked (audit chain, evidence hashes), and only then swapped in,
 * in one transaction that keeps the replaced schema as `<schema>_before_restore_<time>`.
 */
async function restorePostgresWorkspace(url: string, file: string): Promise<RestoreResult> {
  const staged = await stagePostgresRestore(url, file)
  let report: IntegrityReport
  try {
    const copy = await openStore(staged.url)
    try {
      report = await checkIntegrity(copy)
    } finally {
      await copy.close()
    }
  } catch (e) {
    await staged.discard()
    throw e
  }
  if (!report.ok) {
    await staged.discard()
    throw new TallyError('conflict', `${file} does not verify (${whyNot(report)}); nothing was restored`)
  }
  let previous: string | null
  try {
    previous = await staged.replace()
  } catch (e) {
    await staged.discard().catch(() => undefined)
    throw e
  }
  return { report, kind: 'postgres', location: redactUrl(url), previous }
}

/**
 * Replaces the workspace at `location` with the backup `file`, only after the backup's audit
 * chain and evidence hashes verify. The current data is kept: a SQLite file beside it, renamed
 * with the time of the restore; a PostgreSQL schema renamed `<schema>_before_restore_<time>`.
 * Stop the server first: it would keep the old file open, or its in-memory copies of the old data.
 */
export async function restoreWorkspace(location: string, file: string): Promise<RestoreResult> {
  if (!existsSync(file)) throw new TallyError('bad_input', `no such backup: ${file}`)
  if (isPostgresUrl(location)) return restorePostgresWorkspace(location, file)
  // Check a private copy, so that nothing is written to the backup itself.
  const staging = `${location}.restoring-${process.pid}`
  mkdirSync(dirname(location), { recursive: true })
  copyFileSync(file, staging)
  let report: IntegrityReport
  try {
    const copy = await openStore(staging)
    try {
      report = await checkIntegrity(copy)
    } finally {
      await copy.close()
    }
  } catch (e) {
    rmSync(staging, { force: true })
    throw e
  }
  for (const suffix of ['-wal', '-shm']) rmSync(staging + suffix, { force: true })
  if (!report.ok) {
    rmSync(staging, { force: true })
    throw new TallyError('conflict', `${file} does not verify (${whyNot(report)}); nothing was restored`)
  }
  let previous: string | null = null
  if (existsSync(location)) {
    previous = `${location}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`
    renameSync(location, previous)
    for (const suffix of ['-wal', '-shm']) if (existsSync(location + suffix)) renameSync(location + suffix, previous + suffix)
  }
  renameSync(staging, location)
  return { report, kind: 'sqlite', location, previous }
}
