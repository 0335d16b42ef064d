// PostgreSQL backend: node-postgres pool. Also accepts any Kysely PostgreSQL dialect (tests use
// PGlite, the PostgreSQL engine compiled to WebAssembly, when no server is at hand).
import pg from 'pg'
import { Kysely, PostgresDialect, sql, type Dialect, type Insertable } from 'kysely'
import { TallyError } from '../../domain/index.js'
import type { Backend, BulkTable } from '../backend.js'
import type { Database } from '../schema.js'
import { dumpPostgres, stagePostgresRestore } from './dump.js'

// Arbitrary constant naming the advisory lock that orders audit appends.
const AUDIT_LOCK_KEY = 7_284_451

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://(unparseable URL)'
  }
}

/**
 * A backend over any Kysely PostgreSQL dialect. `url` (with its password) is what pg_dump and
 * pg_restore connect to for backups; without it (PGlite) there are no backups.
 */
export function postgresBackend(dialect: Dialect, location: string, url?: string): Backend {
  const db = new Kysely<Database>({ dialect })
  return {
    kind: 'postgres',
    location,
    db,
    writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
      return db.transaction().execute(fn)
    },
    async insertRows<T extends BulkTable>(trx: Kysely<Database>, table: T, rows: Insertable<Database[T]>[]): Promise<number[]> {
      const ids: number[] = []
      // ~20 columns a row: 1,000 rows stay well under PostgreSQL's 65,535 parameters a statement.
      for (let i = 0; i < rows.length; i += 1000) {
        const chunk = rows.slice(i, i + 1000) as Insertable<Database['person']>[]
        const inserted = await trx
          .insertInto(table as 'person')
          .values(chunk)
          .returning('id')
          .execute()
        for (const r of inserted) ids.push(Number(r.id))
      }
      return ids
    },
    async backupTo(file: string) {
      if (url === undefined) throw new TallyError('unavailable', `${location} has no server for pg_dump to back up`)
      await dumpPostgres(url, file)
    },
    async inspectBackup<T>(file: string, inspect: (location: string) => Promise<T>): Promise<T> {
      if (url === undefined) throw new TallyError('unavailable', `${location} has no server to restore a backup into`)
      const staged = await stagePostgresRestore(url, file)
      try {
        return await inspect(staged.url)
      } finally {
        await staged.discard()
      }
    },
    async lockAuditChain(trx: Kysely<Database>) {
      // Held to commit: concurrent writers append one after the other, in commit order.
      await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(trx)
    },
    async close() {
      await db.destroy()
    },
  }
}

/** Connects to the PostgreSQL server at `url`, failing with a one-line error if unreachable. */
export async function openPostgres(url: string): Promise<Backend> {
  const location = redactUrl(url)
  const pool = new pg.Pool({ connectionString: url, max: 10, connectionTimeoutMillis: 10_000 })
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => undefined)
  try {
    const client = await pool.connect()
    client.release()
  } catch (e) {
    await pool.end().catch(() => undefined)
    const why = e instanceof Error ? e.message || e.name : String(e)
    throw new TallyError('unavailable', `cannot reach PostgreSQL at ${location}: ${why}`)
  }
  return postgresBackend(new PostgresDialect({ pool }), location, url)
}
