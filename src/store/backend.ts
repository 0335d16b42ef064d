// The contract each database backend fulfils (one folder per backend: sqlite/, postgres/).
import type { Insertable, Kysely } from 'kysely'
import type { Database } from './schema.js'

/** Tables that take bulk inserts (imports). */
export type BulkTable = 'person' | 'list_record' | 'linkage_assignment' | 'linkage_pair'

export type BackendKind = 'sqlite' | 'postgres'

export interface Backend {
  readonly kind: BackendKind
  /** Where the data lives, safe to print: a file path, or a PostgreSQL URL without its password. */
  readonly location: string
  readonly db: Kysely<Database>
  /**
   * Runs `fn` in one write transaction: all of it commits or none of it does. Writers are
   * serialised so that audit events chain in commit order.
   */
  writeTransaction<T>(fn: (trx: Kysely<Database>) => Promise<T>): Promise<T>
  /**
   * Inserts many rows of one table inside the current write transaction and returns their ids
   * in order. The bulk path of imports: SQLite reuses one prepared statement, PostgreSQL sends
   * multi-row statements.
   */
  insertRows<T extends BulkTable>(trx: Kysely<Database>, table: T, rows: Insertable<Database[T]>[]): Promise<number[]>
  /**
   * Writes a consistent copy of the whole database to `file` while it stays in use: SQLite's
   * online backup; for PostgreSQL, `pg_dump --format=custom` of the workspace schema (one snapshot).
   */
  backupTo(file: string): Promise<void>
  /**
   * Gives `inspect` a location where the backup `file` opens as a workspace: SQLite, the file
   * itself; PostgreSQL, a scratch schema restored from the dump and dropped once `inspect` is done.
   * The location may carry a password: never print it.
   */
  inspectBackup<T>(file: string, inspect: (location: string) => Promise<T>): Promise<T>
  /** Takes the lock that orders audit appends, inside a write transaction (no-op where writes are already serial). */
  lockAuditChain(trx: Kysely<Database>): Promise<void>
  close(): Promise<void>
}
