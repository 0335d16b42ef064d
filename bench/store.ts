// Store benchmarks (issue 2): insert 1,000,000 persons into SQLite; stats queries over them;
// GET /api/v1/persons/:id at a fixed 500 requests/s from a real load generator (autocannon) on
// loopback, against the server running in its own process.
//
//   npm run bench -- store [persons=1000000] [seconds=20]
import { spawn } from 'node:child_process'
import http from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import autocannon from 'autocannon'
import { Rng } from '../src/estimate/index.js'
import { createApiToken } from '../src/app/index.js'
import { openStore, personRow } from '../src/store/index.js'
import type { PersonInputParsed } from '../src/domain/index.js'
import { machineLine, peakRssMiB } from './_machine.js'

const N = Number(process.argv[2] ?? 1_000_000)
const SECONDS = Number(process.argv[3] ?? 20)
const BATCH = 10_000

// A seeded generator, so every run inserts the same rows.
function rng(seed: number): () => number {
  const r = new Rng(seed)
  return () => r.uniform()
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

  // 1. Insert. Making up the synthetic persons is timed apart: it is the bench's work, not the store's.
  let t0 = process.hrtime.bigint()
  const at = new Date().toISOString()
  let generateMs = 0
  let insertMs = 0
  for (let done = 0; done < N; done += BATCH) {
    const g0 = process.hrtime.bigint()
    const rows: ReturnType<typeof personRow>[] = []
    for (let i = done; i < Math.min(N, done + BATCH); i++) rows.push(personRow(person(r, i), GRADES[Math.floor(r() * GRADES.length)] ?? 'weak', at))
    generateMs += ms(g0)
    const i0 = process.hrtime.bigint()
    await store.write('bench', (w) => w.createPersonRows(rows))
    insertMs += ms(i0)
  }
  console.log(
    `insert ${N.toLocaleString('en')} persons into SQLite: ${(insertMs / 1000).toFixed(2)} s (${Math.round(N / (insertMs / 1000)).toLocaleString('en')} rows/s, ${N / BATCH} transactions of ${BATCH}, each with its audit event; making up the rows took another ${(generateMs / 1000).toFixed(2)} s, ${(ms(t0) / 1000).toFixed(2)} s in all), peak RSS ${peakRssMiB().toFixed(0)} MiB  [target ≤ 30 s]`,
  )

  // 2. Stats queries: the first builds the in-memory copy (the server does it at start).
  t0 = process.hrtime.bigint()
  await store.warmUp()
  console.log(`person statistics copy built from ${N.toLocaleString('en')} rows in ${(ms(t0) / 1000).toFixed(2)} s (once per process start; the server does it while it starts serving)`)
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
  // Requests are signed in, as every API request must be: an analyst's API token.
  const { secret } = await createApiToken({ store, actor: { name: 'bench', role: 'admin' } }, { name: `bench-${Date.now()}`, role: 'analyst' })
  const auth = { authorization: `Bearer ${secret}` }
  await store.close()

  // 3. HTTP: the server in its own process, autocannon at a fixed 500 requests/s. Rate limiting
  // is off: one token at 500 requests/s is the load being measured, not abuse.
  const port = 18_000 + Math.floor(Math.random() * 1000)
  const server = spawn(process.execPath, ['bin/tally.js', 'serve', '--db', db, '--port', String(port), '--rate-limit', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    server.stdout.on('data', (d: Buffer) => d.toString().includes('serving') && resolve())
    server.on('exit', (code) => reject(new Error(`server exited ${code}`)))
  })
  const ids = rng(7)
  // Let the server finish its start-up work (the statistics copy), then warm connections and JIT.
  await fetch(`http://127.0.0.1:${port}/api/v1/stats?unit=persons&by=none`, { headers: auth })
  await openLoop(port, auth, 200, 2, () => `/api/v1/persons/${1 + Math.floor(ids() * N)}`)
  const open = await openLoop(port, auth, 500, SECONDS, () => `/api/v1/persons/${1 + Math.floor(ids() * N)}`)
  console.log(
    `GET /api/v1/persons/:id with ${N.toLocaleString('en')} stored, open loop at 500 req/s evenly spaced for ${SECONDS} s: latency p50 ${open.p50.toFixed(2)} ms, p99 ${open.p99.toFixed(2)} ms, max ${open.max.toFixed(2)} ms; ${open.sent} requests, ${open.failed} failed  [target p99 ≤ 20 ms at 500 req/s]`,
  )
  const result = await autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: 20,
    overallRate: 500,
    headers: auth,
    duration: SECONDS,
    requests: [{ setupRequest: (req) => ({ ...req, method: 'GET', path: `/api/v1/persons/${1 + Math.floor(ids() * N)}` }) }],
  })
  server.kill('SIGTERM')
  const non2xx = result.non2xx + result.errors + result.timeouts
  console.log(
    `same with autocannon, 20 connections, overallRate 500 (it sends each second's quota in a burst at the start of the second, and corrects for coordinated omission): ${result.requests.average.toFixed(0)} req/s, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms; ${result.requests.total} requests, ${non2xx} not 2xx`,
  )
  rmSync(dir, { recursive: true, force: true })
}

/**
 * An open-loop load generator: requests leave at evenly spaced instants whatever the server is
 * doing, and each latency is measured from the instant the request was due (so a slow server
 * cannot hide its queue: no coordinated omission).
 */
async function openLoop(port: number, headers: Record<string, string>, rate: number, seconds: number, path: () => string) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 })
  const latencies: number[] = []
  let failed = 0
  const total = rate * seconds
  const start = performance.now()
  const pending: Promise<void>[] = []
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate
    const wait = due - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    else if (wait > 0) await new Promise((r) => setImmediate(r))
    pending.push(
      new Promise<void>((resolve) => {
        const req = http.get({ host: '127.0.0.1', port, path: path(), agent, headers }, (res) => {
          res.resume()
          res.on('end', () => {
            if (res.statusCode !== 200) failed++
            latencies.push(performance.now() - due)
            resolve()
          })
        })
        req.on('error', () => {
          failed++
          resolve()
        })
      }),
    )
  }
  await Promise.all(pending)
  agent.destroy()
  latencies.sort((a, b) => a - b)
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN
  return { sent: total, failed, p50: at(0.5), p99: at(0.99), max: latencies[latencies.length - 1] ?? NaN }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
