// The store's test suite runs on every backend: SQLite always; PostgreSQL on the server named
// by TALLY_TEST_PG (CI starts one), or else on PGlite (PostgreSQL compiled to WebAssembly) so a
// fresh machine with no server still exercises PostgreSQL's SQL.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openPostgresDialect, openStore, type Store } from '../../src/store/index.js'

export interface TestBackend {
  readonly name: string
  /** A fresh, empty, migrated store. */
  open(): Promise<Store>
}

let schemaCounter = 0

async function freshPostgresSchema(url: string): Promise<string> {
  // Each store gets its own database schema on the shared server, so test files can run in parallel.
  const schema = `t_${process.pid}_${Date.now().toString(36)}_${schemaCounter++}`
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query(`create schema ${schema}`)
  await client.end()
  const u = new URL(url)
  u.searchParams.set('options', `-c search_path=${schema}`)
  return u.toString()
}

export function testBackends(): TestBackend[] {
  const sqlite: TestBackend = {
    name: 'sqlite',
    open: () => openStore(join(mkdtempSync(join(tmpdir(), 'tally-test-')), 'tally.db')),
  }
  const pgUrl = process.env.TALLY_TEST_PG
  const postgres: TestBackend = pgUrl
    ? { name: 'postgresql', open: async () => openStore(await freshPostgresSchema(pgUrl)) }
    : {
        name: 'postgresql (PGlite)',
        open: async () => {
          const { KyselyPGlite } = await import('kysely-pglite')
          const { dialect } = new KyselyPGlite()
          return openPostgresDialect(dialect, 'pglite://memory')
        },
      }
  return [sqlite, postgres]
}
