// The store: Kysely over SQLite (embedded default) or PostgreSQL, one schema, one set of
// migrations, repositories, and audited writes.
import type { Dialect } from 'kysely'
import type { Backend } from './backend.js'
import { openPostgres, postgresBackend, redactUrl } from './postgres/index.js'
import { openSqlite } from './sqlite/index.js'
import { Store } from './store.js'

export { Reader, Store, Writer } from './store.js'
export type { Backend, BackendKind } from './backend.js'
export type { Database } from './schema.js'
export type { Page, PageRequest } from './repos/common.js'
export type { SourceFilter } from './repos/sources.js'
export type { DocumentFilter } from './repos/documents.js'
export type { IncidentFilter } from './repos/incidents.js'
export type { PersonFilter } from './repos/persons.js'
export type { ClaimFilter } from './repos/claims.js'
export type { EstimateRun, EstimateRunInput } from './repos/estimates.js'
export type { ListImport } from './repos/lists.js'
export type { LinkagePair, LinkageRun, MatchDecision, RecordForLinkage } from './repos/linkage.js'
export { STATS_DIMENSIONS, type Stats, type StatsDimension, type StatsRow, type StatsUnit } from './repos/stats.js'
export { personRow } from './repos/persons.js'
export { redactUrl }
export { SEALED_COLUMNS, type SealedColumn, type SealedRow, type SealedTable } from './repos/sealed.js'
export type { ApiToken, UserCredentials } from './repos/users.js'
export { stagePostgresRestore, type StagedRestore } from './postgres/dump.js'

/** The default database when neither --db nor TALLY_DB says otherwise. */
export const DEFAULT_DB = './data/tally.db'

/** True when `location` names a PostgreSQL database rather than a SQLite file. */
export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location)
}

/**
 * Opens the database at `location` (a SQLite path, `:memory:`, or a `postgres://` URL) and
 * migrates it to the latest schema.
 *
 * @example const store = await openStore('./data/tally.db')
 */
export async function openStore(location: string): Promise<Store> {
  const backend: Backend = isPostgresUrl(location) ? await openPostgres(location) : openSqlite(location)
  return openBackend(backend)
}

/** Opens a store over any Kysely PostgreSQL dialect (tests use PGlite). */
export function openPostgresDialect(dialect: Dialect, location: string): Promise<Store> {
  return openBackend(postgresBackend(dialect, location))
}

async function openBackend(backend: Backend): Promise<Store> {
  const store = new Store(backend)
  try {
    await store.migrate()
  } catch (e) {
    await store.close().catch(() => undefined)
    throw e
  }
  return store
}
