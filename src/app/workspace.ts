// Opening and creating workspaces (a database), and checking their audit chain.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TallyError, type ChainCheck } from '../domain/index.js'
import { verifyAgainstPublishedHead, verifyAuditChain } from '../security/index.js'
import { DEFAULT_DB, isPostgresUrl, openStore, type Store } from '../store/index.js'

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
}

/** Creates the workspace database, or brings an existing one to the latest schema. */
export async function initWorkspace(location: string): Promise<InitResult> {
  const existed = !isPostgresUrl(location) && existsSync(location)
  const store = await openStore(location)
  try {
    return { location: store.location, kind: store.kind, existed }
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
