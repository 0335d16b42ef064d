// SQLite backend: better-sqlite3 (embedded, the default), WAL journal, foreign keys on.
import { mkdirSync, existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect, sql, type Insertable } from 'kysely'
import { TallyError } from '../../domain/index.js'
import type { Backend, BulkTable } from '../backend.js'
import type { Database } from '../schema.js'

/** Opens (creating if needed) the SQLite database at `path`; `:memory:` for a throwaway one. */
export function openSqlite(path: string): Backend {
  const location = path === ':memory:' ? path : resolve(path)
  let raw: BetterSqlite3.Database
  try {
    if (path !== ':memory:' && !existsSync(location)) mkdirSync(dirname(location), { recursive: true })
    raw = new BetterSqlite3(location)
    // WAL: readers never block the writer; FULL: a committed transaction survives power loss.
    raw.pragma('journal_mode = WAL')
    raw.pragma('synchronous = FULL')
    raw.pragma('foreign_keys = ON')
    raw.pragma('busy_timeout = 10000')
    // 64 MiB of page cache: bulk imports touch index pages all over the file.
    raw.pragma('cache_size = -65536')
    // Reading the schema fails at once on a file that is not a SQLite database.
    raw.prepare('select count(*) from sqlite_master').get()
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    throw new TallyError('unavailable', `cannot open SQLite database ${location}: ${why}`)
  }
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) })
  const statements = new Map<string, BetterSqlite3.Statement>()
  return {
    kind: 'sqlite',
    location,
    db,
    async writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
      // BEGIN IMMEDIATE takes the write lock up front, so two processes writing the same file
      // queue on busy_timeout instead of one failing half-way with SQLITE_BUSY.
      return db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn)
        try {
          const result = await fn(conn)
          await sql`commit`.execute(conn)
          return result
        } catch (e) {
          if (raw.inTransaction) await sql`rollback`.execute(conn)
          throw e
        }
      })
    },
    async insertRows<T extends BulkTable>(_trx: Kysely<Database>, table: T, rows: Insertable<Database[T]>[]): Promise<number[]> {
      if (rows.length === 0) return []
      if (!raw.inTransaction) throw new Error('insertRows must run inside writeTransaction')
      // One prepared statement per table and column list, reused for every row: a Kysely
      // multi-row insert spends most of its time compiling and preparing SQL.
      const columns = Object.keys(rows[0] as object)
      const key = `${table}(${columns.join(',')})`
      let statement = statements.get(key)
      if (!statement) {
        statement = raw.prepare(`insert into ${table} (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map((c) => `@${c}`).join(', ')})`)
        statements.set(key, statement)
      }
      const ids = new Array<number>(rows.length)
      for (let i = 0; i < rows.length; i++) ids[i] = Number(statement.run(rows[i] as Record<string, unknown>).lastInsertRowid)
      return ids
    },
    async backupTo(file: string) {
      await raw.backup(file)
    },
    inspectBackup<T>(file: string, inspect: (location: string) => Promise<T>): Promise<T> {
      // The backup is itself a database file: it is opened where it is.
      return inspect(file)
    },
    async lockAuditChain() {
      // Writes are already serial: one connection, BEGIN IMMEDIATE.
    },
    async close() {
      await db.destroy()
    },
  }
}
