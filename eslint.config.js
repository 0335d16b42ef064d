// Lint: typescript-eslint's recommended rules plus Tally's layering rule.
// The layering rule is the dependency table of DESIGN.md made executable: a module may import
// only the modules listed for it, and only through their index.ts (a folder's public face).
import path from 'node:path'
import tseslint from 'typescript-eslint'

const SRC = path.resolve('src')

/** Which top-level modules of src/ each module may import. Tests and benches are free. */
const ALLOWED = {
  domain: [],
  estimate: [],
  intake: ['domain'],
  linkage: ['domain'],
  store: ['domain'],
  security: ['domain', 'store'],
  app: ['domain', 'store', 'security', 'intake', 'linkage', 'estimate'],
  server: ['domain', 'app'],
  cli: ['domain', 'app', 'server'],
}

function moduleOf(file) {
  const rel = path.relative(SRC, file)
  if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined
  return rel.split(path.sep)[0]
}

const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'Enforce the dependency direction between src/ modules (DESIGN.md).' },
    schema: [],
    messages: {
      forbidden: '{{from}}/ may not import {{to}}/ (allowed: {{allowed}}). See DESIGN.md.',
      pastIndex: 'Import {{to}}/ through its index.ts, not {{path}}.',
      unknown: '{{from}}/ is not in the layering table of eslint.config.js.',
    },
  },
  create(context) {
    const file = context.filename
    const from = moduleOf(file)
    if (from === undefined || file.endsWith('.test.ts')) return {}
    function check(node, spec) {
      if (typeof spec !== 'string' || !spec.startsWith('.')) return
      const target = path.resolve(path.dirname(file), spec)
      const to = moduleOf(target)
      if (to === undefined || to === from) return
      const allowed = ALLOWED[from]
      if (allowed === undefined) {
        context.report({ node, messageId: 'unknown', data: { from } })
        return
      }
      if (!allowed.includes(to)) {
        context.report({ node, messageId: 'forbidden', data: { from, to, allowed: allowed.join(', ') || 'nothing' } })
        return
      }
      const inside = path.relative(path.join(SRC, to), target)
      if (inside !== 'index.js' && inside !== 'index.ts') {
        context.report({ node, messageId: 'pastIndex', data: { to, path: spec } })
      }
    }
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
    }
  },
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'web/dist/**'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { tally: { rules: { layering } } },
    rules: {
      'tally/layering': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
)
