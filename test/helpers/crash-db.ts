// What a crash test needs from a database it does not own: a fresh location to hand to the CLI,
// the engine's own integrity check of the state a killed process left, and one consistent
// snapshot of the list import's bookkeeping. Read straight from the database, not through the
// store, so that nothing here repairs, migrates or checkpoints what it looks at.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import pg from 'pg'

/** The list import's state, read in one snapshot. */
export interface ImportSnapshot {
  /** Rows in list_record. */
  rows: number
  /** Distinct row numbers among them. */
  distinctRows: number
  /** The highest row number stored (0 when none). */
  maxRow: number
  /** (list, record key) pairs stored more than once. */
  duplicateKeys: number
  /** list_record rows whose import or list is missing. */
  orphans: number
  /** list_import rows. */
  imports: number
  /** The import's recorded progress: rows stored, last row, finished. */
  rowsStored: number
  lastRow: number
  done: boolean
  /** list_record rows inside the id ranges named by `list_record.create_batch` audit events. */
  auditedRows: number
  /** True when two of those ranges overlap. */
  auditRangesOverlap: boolean
}

export interface CrashDatabase {
  readonly name: string
  /** A new, empty (not yet created) database to pass to `--db`. */
  fresh(): Promise<string>
  /** The engine's integrity check of the database as a crash left it; empty when sound. */
  integrityProblems(db: string): Promise<string[]>
  /** The import's bookkeeping, or null when the schema does not exist yet. */
  snapshot(db: string): Promise<ImportSnapshot | null>
  /** Cheap progress probe while an import runs: imports started and rows stored, or null before the schema exists. */
  peek(db: string): Promise<{ imports: number; rowsStored: number } | null>
  /** Removes what `fresh` created (PostgreSQL schemas). */
  cleanup(): Promise<void>
}

const COUNTS_SQL = `select
  (select count(*) from list_record) as n_rows,
  (select count(distinct row_number) from list_record) as distinct_rows,
  (select coalesce(max(row_number), 0) from list_record) as max_row,
  (select count(*) from (select list_id, record_key from list_record group by list_id, record_key having count(*) > 1) d) as duplicate_keys,
  (select count(*) from list_record r where not exists (select 1 from list_import i where i.id = r.import_id and i.list_id = r.list_id)) as orphans,
  (select count(*) from list_import) as imports,
  (select coalesce(sum(rows_stored), 0) from list_import) as rows_stored,
  (select coalesce(max(last_row), 0) from list_import) as last_row,
  (select count(*) from list_import where status = 'done') as done`

const PEEK_SQL = 'select count(*) as imports, coalesce(max(rows_stored), 0) as rows_stored from list_import'

const RANGES_SQL = `select entity_id from audit_event where action = 'list_record.create_batch' order by seq`

type Row = Record<string, unknown>

/** The snapshot from the counts row and the audited id ranges; `countBetween` counts list_record ids in [a, b]. */
async function toSnapshot(counts: Row, ranges: string[], countBetween: (a: number, b: number) => Promise<number>): Promise<ImportSnapshot> {
  let auditedRows = 0
  let overlap = false
  const seen: [number, number][] = []
  for (const r of ranges) {
    const m = /^(\d+)\.\.(\d+)$/.exec(r)
    if (!m) throw new Error(`list_record.create_batch event names "${r}", not an id range`)
    const a = Number(m[1])
    const b = Number(m[2])
    if (seen.some(([x, y]) => a <= y && x <= b)) overlap = true
    seen.push([a, b])
    auditedRows += await countBetween(a, b)
  }
  return {
    rows: Number(counts.n_rows),
    distinctRows: Number(counts.distinct_rows),
    maxRow: Number(counts.max_row),
    duplicateKeys: Number(counts.duplicate_keys),
    orphans: Number(counts.orphans),
    imports: Number(counts.imports),
    rowsStored: Number(counts.rows_stored),
    lastRow: Number(counts.last_row),
    done: Number(counts.done) > 0,
    auditedRows,
    auditRangesOverlap: overlap,
  }
}

/** SQLite files in `dir`, opened read-only with better-sqlite3 for every check. */
export function sqliteCrashDatabase(dir: string): CrashDatabase {
  let n = 0
  const open = (db: string) => new BetterSqlite3(db, { readonly: true, fileMustExist: true })
  return {
    name: 'sqlite',
    fresh: async () => join(dir, `crash-${n++}.db`),
    async integrityProblems(db) {
      if (!existsSync(db)) return []
      const raw = open(db)
      try {
        const integrity = (raw.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check)
        const problems = integrity.length === 1 && integrity[0] === 'ok' ? [] : integrity.map((m) => `integrity_check: ${m}`)
        for (const fk of raw.pragma('foreign_key_check') as Row[]) problems.push(`foreign_key_check: ${JSON.stringify(fk)}`)
        return problems
      } finally {
        raw.close()
      }
    },
    async snapshot(db) {
      if (!existsSync(db)) return null
      const raw = open(db)
      try {
        const tables = raw.prepare("select count(*) as n from sqlite_master where type = 'table' and name in ('list_import', 'list_record', 'audit_event')").get() as { n: number }
        if (tables.n < 3) return null
        // One read transaction: every statement sees the same state.
        raw.exec('begin')
        try {
          const counts = raw.prepare(COUNTS_SQL).get() as Row
          const ranges = (raw.prepare(RANGES_SQL).all() as { entity_id: string }[]).map((r) => r.entity_id)
          const between = raw.prepare('select count(*) as n from list_record where id between ? and ?')
          return await toSnapshot(counts, ranges, async (a, b) => (between.get(a, b) as { n: number }).n)
        } finally {
          raw.exec('commit')
        }
      } finally {
        raw.close()
      }
    },
    async peek(db) {
      if (!existsSync(db)) return null
      try {
        const raw = open(db)
        try {
          const r = raw.prepare(PEEK_SQL).get() as Row
          return { imports: Number(r.imports), rowsStored: Number(r.rows_stored) }
        } finally {
          raw.close()
        }
      } catch {
        return null // not migrated yet, or the file is being created
      }
    },
    cleanup: async () => undefined,
  }
}

/** PostgreSQL: a new schema on the server at `url` for each fresh database, as test/helpers/backends.ts makes them. */
export function postgresCrashDatabase(url: string): CrashDatabase {
  const schemas: string[] = []
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>, connectionString = url): Promise<T> => {
    const c = new pg.Client({ connectionString })
    await c.connect()
    try {
      return await fn(c)
    } finally {
      await c.end()
    }
  }
  return {
    name: 'postgresql',
    async fresh() {
      const schema = `crash_${process.pid}_${Date.now().toString(36)}_${schemas.length}`
      await admin((c) => c.query(`create schema ${schema}`))
      schemas.push(schema)
      const u = new URL(url)
      u.searchParams.set('options', `-c search_path=${schema}`)
      return u.toString()
    },
    async integrityProblems(db) {
      // PostgreSQL keeps its own files consistent (WAL, crash recovery of the server, not the
      // client); what a killed client can break is the data: rows without their import or list.
      return admin(async (c) => {
        const exists = await c.query<{ t: string | null }>("select to_regclass('list_record')::text as t")
        if (exists.rows[0]?.t == null) return []
        const r = await c.query<{ n: string }>(
          'select count(*) as n from list_record r left join list_import i on i.id = r.import_id left join casualty_list l on l.id = r.list_id where i.id is null or l.id is null',
        )
        const n = Number(r.rows[0]?.n ?? 0)
        return n === 0 ? [] : [`${n} list_record rows without their import or list`]
      }, db)
    },
    async snapshot(db) {
      return admin(async (c) => {
        const exists = await c.query<{ t: string | null }>("select to_regclass('list_import')::text as t")
        if (exists.rows[0]?.t == null) return null
        // One snapshot for every statement, even if a commit the killed client sent lands meanwhile.
        await c.query('begin isolation level repeatable read read only')
        try {
          const counts = (await c.query<Row>(COUNTS_SQL)).rows[0] as Row
          const ranges = (await c.query<{ entity_id: string }>(RANGES_SQL)).rows.map((r) => r.entity_id)
          return await toSnapshot(counts, ranges, async (a, b) => {
            const r = await c.query<{ n: string }>('select count(*) as n from list_record where id between $1 and $2', [a, b])
            return Number(r.rows[0]?.n ?? 0)
          })
        } finally {
          await c.query('commit')
        }
      }, db)
    },
    async peek(db) {
      return admin(async (c) => {
        const exists = await c.query<{ t: string | null }>("select to_regclass('list_import')::text as t")
        if (exists.rows[0]?.t == null) return null
        const r = (await c.query<Row>(PEEK_SQL)).rows[0] as Row
        return { imports: Number(r.imports), rowsStored: Number(r.rows_stored) }
      }, db)
    },
    async cleanup() {
      await admin(async (c) => {
        for (const s of schemas.splice(0)) await c.query(`drop schema if exists ${s} cascade`)
      })
    },
  }
}
