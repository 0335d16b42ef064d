// PostgreSQL backend: node-postgres pool. Also accepts any Kysely PostgreSQL dialect (tests use
// PGlite, the PostgreSQL engine compiled to WebAssembly, when no server is at hand).
import pg from 'pg'
import {
  Kysely,
  PostgresDialect,
  sql,
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Dialect,
  type Insertable,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely'
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
 * The tables of the current schema, from the catalogue alone. Kysely's own PostgreSQL
 * introspector, which its migrator uses to find its bookkeeping tables, lists every table of the
 * database with pg_get_serial_sequence over each column: a schema another client drops meanwhile
 * (another workspace on the same server deleted, a restore, a parallel test) made that listing
 * fail with 'schema "x" does not exist', and the workspace would not open (seen once in CI).
 * The migrator needs only table names (columns are left empty).
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Parameters<Dialect['createIntrospector']>[0]) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    return (await sql<SchemaMetadata>`select nspname as name from pg_catalog.pg_namespace`.execute(this.db)).rows
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const rows = (
      await sql<{ name: string; schema: string; kind: string }>`
        select c.relname as name, n.nspname as schema, c.relkind as kind
        from pg_catalog.pg_class c join pg_catalog.pg_namespace n on n.oid = c.relnamespace
        where n.nspname = current_schema() and c.relkind in ('r', 'v', 'm', 'p')`.execute(this.db)
    ).rows
    return rows
      .filter((t) => options.withInternalKyselyTables || !t.name.startsWith('kysely_'))
      .map((t) => ({ name: t.name, schema: t.schema, isView: t.kind === 'v' || t.kind === 'm', columns: [] }))
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) }
  }
}

/** `dialect`, introspecting the current schema only (CurrentSchemaIntrospector). */
function withCurrentSchemaIntrospection(dialect: Dialect): Dialect {
  return {
    createDriver: () => dialect.createDriver(),
    createQueryCompiler: () => dialect.createQueryCompiler(),
    createAdapter: () => dialect.createAdapter(),
    createIntrospector: (db) => new CurrentSchemaIntrospector(db),
  }
}

/**
 * A backend over any Kysely PostgreSQL dialect. `url` (with its password) is what pg_dump and
 * pg_restore connect to for backups; without it (PGlite) there are no backups.
 */
export function postgresBackend(dialect: Dialect, location: string, url?: string): Backend {
  const db = new Kysely<Database>({ dialect: withCurrentSchemaIntrospection(dialect) })
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
