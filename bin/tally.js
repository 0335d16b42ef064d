#!/usr/bin/env node
// The `tally` command. The TypeScript sources are compiled to dist/ by `npm ci` (prepare).
import { main } from '../dist/src/cli/index.js'

main(process.argv).then((code) => {
  process.exitCode = code
})
