#!/usr/bin/env node
// `npm run bench -- NAME [args]` runs the compiled benchmark dist/bench/NAME.js (build first:
// `npm run build`). Without a name, lists the benchmarks.
import { readdirSync, existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const [name, ...args] = process.argv.slice(2)
const available = existsSync('dist/bench')
  ? readdirSync('dist/bench').filter((f) => f.endsWith('.js') && !f.includes('.test.') && !f.startsWith('_')).map((f) => f.slice(0, -3))
  : []
if (!name || !available.includes(name)) {
  console.error(name ? `error: no benchmark "${name}"` : 'usage: npm run bench -- NAME [args]')
  console.error(`benchmarks: ${available.join(', ') || '(none built: run npm run build)'}`)
  process.exit(name ? 2 : 0)
}
const r = spawnSync(process.execPath, ['--expose-gc', `dist/bench/${name}.js`, ...args], { stdio: 'inherit' })
process.exit(r.status ?? 1)
