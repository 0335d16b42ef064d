// Opening (and so migrating) a workspace on a PostgreSQL server while another client drops
// schemas of its own: Kysely's migrator lists every table of the database before it applies
// anything, and a schema dropped meanwhile failed that listing ('schema "x" does not exist'),
// as it did once in CI when a test dropped its schemas while another test opened a store. Needs
// a real server (TALLY_TEST_PG; CI always names one): the in-process engine has one client.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import { openStore } from '../src/store/index.js'

const PG = process.env.TALLY_TEST_PG

if (PG !== undefined) {
  test('a workspace opens while another client drops schemas on the same server', async () => {
    const tag = `race_${process.pid}_${Date.now().toString(36)}`
    const churn = new pg.Client({ connectionString: PG })
    await churn.connect()
    let stop = false
    let dropped = 0
    // Schemas with a serial column (the listing calls pg_get_serial_sequence on each), made and
    // dropped as fast as the server allows.
    const churning = (async () => {
      for (let k = 0; !stop; k++) {
        const schema = `${tag}_churn_${k}`
        await churn.query(`create schema ${schema}; create table ${schema}.t (id serial primary key, a int, b int, c int)`)
        await churn.query(`drop schema ${schema} cascade`)
        dropped++
      }
    })()
    const admin = new pg.Client({ connectionString: PG })
    await admin.connect()
    const opened: string[] = []
    try {
      for (let k = 0; k < 12; k++) {
        const schema = `${tag}_ws_${k}`
        await admin.query(`create schema ${schema}`)
        opened.push(schema)
        const u = new URL(PG)
        u.searchParams.set('options', `-c search_path=${schema}`)
        const store = await openStore(u.toString())
        await store.close()
      }
    } finally {
      stop = true
      await churning
      await churn.end()
      for (const s of opened) await admin.query(`drop schema if exists ${s} cascade`)
      await admin.end()
    }
    assert.equal(opened.length, 12)
    assert.ok(dropped > 0, 'the other client dropped schemas meanwhile')
  })
}
