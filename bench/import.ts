// Benchmark (issue 3): `import-list` of a 1,000,000-row CSV into SQLite, end to end — streaming
// read, normalisation, batched transactions each with its audit event — with peak memory.
//
//   npm run bench -- import [rows=1000000]
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { importList } from '../src/app/index.js'
import { openStore } from '../src/store/index.js'
import { generateList } from './intake-read.js'
import { machineLine, peakRssMiB } from './_machine.js'

const ROWS = Number(process.argv[2] ?? 1_000_000)

async function main(): Promise<void> {
  console.log(machineLine())
  const dir = mkdtempSync(join(tmpdir(), 'tally-bench-import-'))
  const file = join(dir, 'list.csv')
  try {
    await generateList(file, ROWS)
    console.log(`generated ${ROWS.toLocaleString('en')} rows, ${(statSync(file).size / 2 ** 20).toFixed(1)} MiB`)
    const store = await openStore(join(dir, 'bench.db'))
    globalThis.gc?.()
    const rssBefore = peakRssMiB()
    const t0 = performance.now()
    const cpu0 = process.cpuUsage()
    const r = await importList({ store, actor: { name: 'bench', role: 'admin' as const } }, { file, list: 'Bench' })
    const seconds = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(cpu0)
    console.log(
      `import-list of ${ROWS.toLocaleString('en')} rows into SQLite: ${seconds.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU (${Math.round(ROWS / seconds).toLocaleString('en')} rows/s); ${r.rowsStored.toLocaleString('en')} stored, ${r.rowsRejected} rejected; peak RSS ${peakRssMiB().toFixed(0)} MiB (before: ${rssBefore.toFixed(0)} MiB)  [target ≤ 30 s, memory flat in file size]`,
    )
    await store.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
