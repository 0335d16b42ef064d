// Benchmark: articles of ~1,000 words per second through cleaning and extraction, on one core.
// Target ≥ 50/s. The corpus is the seed article plus variants (paragraphs rotated, names and
// numbers changed) so no result can be cached between iterations.
// Usage: npm run bench -- extract [articles]
import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadavg } from 'node:os'
import { cleanText, extractClaims } from '../src/intake/index.js'
import { machineLine, peakRssMiB } from './_machine.js'

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir)
  return dir
}

const n = Number(process.argv[2] ?? 1000)
const seed = readFileSync(join(packageRoot(), 'fixtures/seeds/000_69d2a91eb1b21d3d.txt'), 'utf8')
const paragraphs = seed.split('\n\n')
const variants: string[] = []
for (let i = 0; i < 50; i++) {
  const k = (i * 7) % paragraphs.length
  const rotated = [...paragraphs.slice(0, 6), ...paragraphs.slice(6 + k), ...paragraphs.slice(6, 6 + k)].join('\n\n')
  variants.push(rotated.replace(/120/g, String(100 + i)).replace(/Hachadi/g, `Hachadi${String.fromCharCode(97 + (i % 26))}`))
}
const words = seed.split(/\s+/).length

let t = performance.now()
extractClaims(cleanText(variants[0] as string).text)
console.log(`first call (loads the gazetteer): ${(performance.now() - t).toFixed(0)} ms`)
globalThis.gc?.()
let claims = 0
t = performance.now()
const cpu0 = process.cpuUsage()
for (let i = 0; i < n; i++) {
  const doc = cleanText(variants[i % variants.length] as string)
  claims += extractClaims(doc.text, { publishedDate: '2014-12-25' }).claims.length
}
const s = (performance.now() - t) / 1000
const cpu = process.cpuUsage(cpu0)
const cpuS = (cpu.user + cpu.system) / 1e6
console.log(`${n} articles of ~${words} words in ${s.toFixed(2)} s = ${(n / s).toFixed(0)} articles/s (${(s * 1000 / n).toFixed(2)} ms each, ${Math.round(claims / n)} claims each; target ≥ 50/s)`)
console.log(`CPU ${cpuS.toFixed(2)} s = ${(n / cpuS).toFixed(0)} articles per CPU-second; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`)
console.log(`peak rss ${peakRssMiB().toFixed(0)} MiB`)
console.log(machineLine())
