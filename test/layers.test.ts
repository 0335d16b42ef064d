// The layering rule of eslint.config.js fires where DESIGN.md says it must.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ESLint } from 'eslint'

const eslint = new ESLint()

async function layeringErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: file })
  return (result?.messages ?? []).filter((m) => m.ruleId === 'tally/layering').map((m) => m.message)
}

test('domain imports nothing else of ours', async () => {
  const errors = await layeringErrors('src/domain/x.ts', "import { openStore } from '../store/index.js'\nexport const y = openStore\n")
  assert.equal(errors.length, 1)
  assert.match(errors[0] ?? '', /domain\/ may not import store\//)
})

test('pure algorithm modules never import store, app, server or cli', async () => {
  for (const mod of ['intake', 'linkage', 'estimate']) {
    for (const target of ['store', 'app', 'server', 'cli']) {
      const errors = await layeringErrors(`src/${mod}/x.ts`, `import * as t from '../${target}/index.js'\nexport const y = t\n`)
      assert.equal(errors.length, 1, `${mod} -> ${target}`)
    }
  }
})

test('server and cli reach the store only through app', async () => {
  assert.equal((await layeringErrors('src/server/x.ts', "import * as s from '../store/index.js'\nexport const y = s\n")).length, 1)
  assert.equal((await layeringErrors('src/cli/x.ts', "import * as s from '../store/index.js'\nexport const y = s\n")).length, 1)
  assert.equal((await layeringErrors('src/server/x.ts', "import * as a from '../app/index.js'\nexport const y = a\n")).length, 0)
})

test('other folders are reached only through their index.ts', async () => {
  const errors = await layeringErrors('src/app/x.ts', "import { insertSource } from '../store/repos/sources.js'\nexport const y = insertSource\n")
  assert.equal(errors.length, 1)
  assert.match(errors[0] ?? '', /through its index\.ts/)
})

test('the real source tree passes the layering rule', async () => {
  const results = await eslint.lintFiles(['src'])
  const bad = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'tally/layering').map((m) => `${r.filePath}:${m.line} ${m.message}`))
  assert.deepEqual(bad, [])
})
