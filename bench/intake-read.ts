// Benchmark: stream-read and normalise a 1,000,000-row casualty list (CSV). The whole import target
// is ≤ 30 s into SQLite; the reader is most of it. Memory must stay flat in the file size, so the
// peak RSS is printed beside the time.
// Usage: npm run bench -- intake-read [rows]
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { readList } from '../src/intake/index.js'
import { machineLine, peakRssMiB } from './_machine.js'

const rows = Number(process.argv[2] ?? 1_000_000)
const GIVEN = ['Mohammed', 'Ahmad', 'Ali', 'Omar', 'Fatima', 'Aisha', 'Hassan', 'Khaled', 'Youssef', 'Mariam', 'محمد', 'أحمد', 'علي', 'فاطمة']
const FAMILY = ['Al-Hassan', 'Khalil', 'Haddad', 'Nasser', 'Saleh', 'Ibrahim', 'الحسن', 'خليل', 'حداد', 'ناصر']
const PLACES = ['Homs', 'Aleppo', 'Idlib', 'Raqqa', 'Deir ez-Zor', 'Hama', 'Daraa', 'حلب', 'حمص']

export async function generateList(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path)
  out.write('id,given name,family name,sex,age,date of death,place\n')
  let seed = 12345
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed % n
  }
  let buf = ''
  for (let i = 1; i <= rows; i++) {
    const age = rnd(10) === 0 ? `about ${20 + rnd(40)}` : rnd(10) === 1 ? `${20 + rnd(10)}-${30 + rnd(10)}` : String(1 + rnd(80))
    const d = 1 + rnd(28)
    const m = 1 + rnd(12)
    const date = rnd(3) === 0 ? `${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${2011 + rnd(8)}` : `${2011 + rnd(8)}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
    buf += `${i},${GIVEN[rnd(GIVEN.length)]},"${FAMILY[rnd(FAMILY.length)]}",${rnd(2) === 0 ? 'M' : 'F'},${age},${date},${PLACES[rnd(PLACES.length)]}\n`
    if (i % 10_000 === 0) {
      if (!out.write(buf)) await once(out, 'drain')
      buf = ''
    }
  }
  out.end(buf)
  await once(out, 'finish')
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tally-bench-read-'))
  const path = join(dir, 'list.csv')
  try {
    let t = performance.now()
    await generateList(path, rows)
    const size = statSync(path).size
    console.log(`generated ${rows.toLocaleString('en')} rows (${(size / 2 ** 20).toFixed(1)} MiB) in ${((performance.now() - t) / 1000).toFixed(1)} s`)
    globalThis.gc?.()
    const rssBefore = process.memoryUsage().rss / 2 ** 20
    t = performance.now()
    const cpu0 = process.cpuUsage()
    let records = 0
    let errors = 0
    let maxRss = 0
    for await (const row of readList(path)) {
      if (row.kind === 'record') records++
      else if (row.kind === 'error') errors++
      if ((records & 0xffff) === 0) maxRss = Math.max(maxRss, process.memoryUsage().rss / 2 ** 20)
    }
    const s = (performance.now() - t) / 1000
    const cpu = process.cpuUsage(cpu0)
    const cpuS = (cpu.user + cpu.system) / 1e6
    console.log(`read + normalised ${records.toLocaleString('en')} records (${errors} errors) in ${s.toFixed(2)} s wall = ${Math.round(records / s).toLocaleString('en')} rows/s; ${cpuS.toFixed(2)} s CPU (wall above CPU means the machine was busy with other work)`)
    console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`)
    console.log(`rss before read ${rssBefore.toFixed(0)} MiB, max during read ${maxRss.toFixed(0)} MiB, process peak ${peakRssMiB().toFixed(0)} MiB`)
    console.log(machineLine())
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Run when invoked, not when bench/import.ts borrows the generator.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main()
