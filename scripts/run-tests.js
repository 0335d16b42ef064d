#!/usr/bin/env node
// Runs every compiled test file (dist/src/**/*.test.js, dist/test/**/*.test.js) with node's test
// runner. Node 20 has no glob support in `node --test`, so the files are listed here.
// Extra arguments narrow the run: `npm test -- store` runs the files whose path contains "store".
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'

function findTests(dir) {
  let out = []
  let entries
  try {
    entries = readdirSync(dir)
  } catch {
    return out
  }
  for (const name of entries) {
    const full = join(dir, name)
    if (statSync(full).isDirectory()) out = out.concat(findTests(full))
    else if (name.endsWith('.test.js')) out.push(full)
  }
  return out
}

const filters = process.argv.slice(2)
const files = [...findTests('dist/src'), ...findTests('dist/test')]
  .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
  .sort()
if (files.length === 0) {
  console.error('error: no test files found under dist/ (did the build run?)')
  process.exit(2)
}
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', ...files], { stdio: 'inherit' })
process.exit(result.status ?? 1)
