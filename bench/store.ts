// Store benchmarks (issue 2): insert 1,000,000 persons into SQLite; stats queries over them;
// GET /api/v1/persons/:id at a fixed 500 requests/s from a real load generator (autocannon) on
// loopback, against the server running in its own process.
//
//   npm run bench -- store [persons=1000000] [seconds=20]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { openStore, personRow } from '../src/store/index.js'
import type { PersonInputParsed } from '../src/domain/index.js'
import { machineLine, peakRssMiB } from './_machine.js'

const N = Number(process.argv[2] ?? 1_000_000)
const SECONDS = Number(process.argv[3] ?? 20)
const BATCH = 10_000

// A small seeded generator so every run inserts the same rows.
function rng(seed: number) {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
const GIVEN = ['Mohammed', 'Ahmad', 'Omar', 'Khaled', 'Abdelmajid', 'Youssef', 'Hassan', 'Ali', 'Fatima', 'Aisha', 'Mariam', 'Zainab']
const FAMILY = ['Al-Hassan', 'Haddad', 'Khatib', 'Bakri', 'Darwish', 'Hamdan', 'Najjar', 'Saleh', 'Aziz', 'Masri']
const PLACES = [
  { name: 'Aleppo', country: 'SY' },
  { name: 'Raqqa', country: 'SY' },
  { name: 'Homs', country: 'SY' },
  { name: 'Mosul', country: 'IQ' },
  { name: 'Casablanca', country: 'MA' },
]
const GRADES = ['confirmed', 'fair', 'contested', 'weak', 'discounted'] as const

function person(r: () => number, i: number): PersonInputParsed {
  const year = 2011 + Math.floor(r() * 8)
  const month = 1 + Math.floor(r() * 12)
  const precise = r() < 0.8
  return {
    name: `${GIVEN[Math.floor(r() * GIVEN.length)]} ${FAMILY[Math.floor(r() * FAMILY.length)]} ${i}`,
    nameVariants: [],
    sex: r() < 0.8 ? 'male' : 'female',
    ageMin: 15 + Math.floor(r() * 50),
    fate: 'killed',
    dateOfDeath: precise ? `${year}-${String(month).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}` : String(year),
    placeOfDeath: PLACES[Math.floor(r() * PLACES.length)],
    incidentIds: [],
  }
}

function ms(t0: bigint): number {
  return Number(process.hrtime.bigint() - t0) / 1e6
}

async function main() {
  console.log(machineLine())
  const dir = mkdtempSync(join(tmpdir(), 'tally-bench-'))
  const db = join(dir, 'bench.db')
  const store = await openStore(db)
  const r = rng(42)

  // 1. Insert.
  let t0 = process.hrtime.bigint()
  const at = new Date().toISOString()
  for (let done = 0; done < N; done += BATCH) {
    const rows: ReturnType<typeof personRow>[] = []
    for (let i = done; i < Math.min(N, done + BATCH); i++) {
      const p = person(r, i)
      rows.push(personRow(p, GRADES[Math.floor(r() * GRADES.length)] ?? 'weak', at))
    }
    await store.write('bench', (w) => w.createPersonRows(rows))
  }
  const insertMs = ms(t0)
  console.log(`insert ${N.toLocaleString('en')} persons into SQLite: ${(insertMs / 1000).toFixed(2)} s (${Math.round(N / (insertMs / 1000)).toLocaleString('en')} rows/s, ${N / BATCH} transactions of ${BATCH}, each with its audit event), peak RSS ${peakRssMiB().toFixed(0)} MiB  [target ≤ 30 s]`)

  // 2. Stats queries.
  const queries = [
    ['persons by month', () => store.stats.persons('month', {})],
    ['persons by grade, 2014 only', () => store.stats.persons('grade', { dateFrom: '2014-01-01', dateTo: '2014-12-31' })],
    ['persons by country', () => store.stats.persons('country', {})],
    ['persons by sex in SY', () => store.stats.persons('sex', { place: 'SY' })],
  ] as const
  for (const [name, run] of queries) {
    const times: number[] = []
    for (let k = 0; k < 7; k++) {
      t0 = process.hrtime.bigint()
      await run()
      times.push(ms(t0))
    }
    times.sort((a, b) => a - b)
    console.log(`stats ${name} over ${N.toLocaleString('en')}: median ${times[3]?.toFixed(1)} ms, max ${times[6]?.toFixed(1)} ms  [target ≤ 200 ms]`)
  }
  await store.close()

  // 3. HTTP: the server in its own process, autocannon at a fixed 500 requests/s.
  const port = 18_000 + Math.floor(Math.random() * 1000)
  const server = spawn(process.execPath, ['bin/tally.js', 'serve', '--db', db, '--port', String(port)], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (d: Buffer) => d.toString().includes('serving') && resolve())
    server.on('exit', (code) => reject(new Error(`server exited ${code}`)))
  })
  const ids = rng(7)
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 20,
    overallRate: 500,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, method: 'GET', path: `/api/v1/persons/${1 + Math.floor(ids() * N)}` }) }],
  })
  server.kill('SIGTERM')
  const non2xx = result.non2xx + result.errors + result.timeouts
  console.log(
    `GET /api/v1/persons/:id with ${N.toLocaleString('en')} stored, ${result.requests.average.toFixed(0)} req/s for ${SECONDS} s: latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ${result.requests.total} requests, ${non2xx} not 2xx  [target p99 ≤ 20 ms at 500 req/s]`,
  )
  rmSync(dir, { recursive: true, force: true })
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
