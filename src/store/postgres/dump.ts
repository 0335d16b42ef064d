// Backups of a PostgreSQL workspace with PostgreSQL's own tools. `pg_dump` writes the workspace
// schema as one consistent snapshot (safe while the server writes). A backup is checked, and a
// restore is staged, by loading the dump into a fresh scratch schema of the same database:
// pg_restore cannot rename a schema, so the load runs in one psql transaction that moves the
// dump's schema name aside, restores under it, renames the result to the scratch name and puts
// the name back. Until that transaction commits nobody else sees any of it, so the live schema
// is never touched; a load that fails half-way leaves nothing behind.
//
// Connection details go to the tools through PG* environment variables, never their command
// line (visible to every user in `ps`), and their messages are scrubbed of the password.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, renameSync, rmSync } from 'node:fs'
import pg from 'pg'
import { TallyError } from '../../domain/index.js'
import { redactUrl } from './index.js'

// Orders the schema renames of concurrent restores (an advisory lock, like the audit chain's).
const SCHEMA_SWAP_LOCK_KEY = 7_284_452

// Names Tally creates or accepts: plain identifiers, so that they can be quoted without escaping.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/

function quoteIdent(name: string): string {
  if (!IDENTIFIER.test(name)) throw new TallyError('bad_input', `unsupported PostgreSQL schema name "${name}": use letters, digits and _ (at most 63)`)
  return `"${name}"`
}

function parseUrl(url: string): URL {
  try {
    return new URL(url)
  } catch {
    throw new TallyError('bad_input', `not a valid PostgreSQL URL: ${redactUrl(url)}`)
  }
}

/** The `search_path` setting inside the URL's `options` parameter (`-c search_path=...`), if any. */
function searchPathOption(u: URL): RegExpExecArray | null {
  return /(?:-c\s*|--)search_path=(\S+)/.exec(u.searchParams.get('options') ?? '')
}

/**
 * The schema holding the workspace at `url`: the first entry of the search_path set in the URL's
 * `options`, else `public` (where migrations put the tables).
 */
export function workspaceSchema(url: string): string {
  const u = parseUrl(url)
  const first = searchPathOption(u)?.[1]?.split(',')[0]?.trim()
  if (!first) return 'public'
  const quoted = /^"(.*)"$/.exec(first)
  const name = quoted ? (quoted[1] ?? '').replace(/""/g, '"') : first.toLowerCase()
  if (name === '$user') return decodeURIComponent(u.username) || process.env.PGUSER || 'public'
  return name
}

/** The same URL with its search_path naming only `schema` (other options kept). */
export function withSchema(url: string, schema: string): string {
  const u = parseUrl(url)
  const options = (u.searchParams.get('options') ?? '').replace(/(?:-c\s*|--)search_path=\S+/g, '').trim()
  u.searchParams.set('options', `${options} -c search_path=${schema}`.trim())
  return u.toString()
}

/** The environment for libpq tools: the parent's, with the connection taken from the URL. */
export function connectionEnv(url: string): NodeJS.ProcessEnv {
  const u = parseUrl(url)
  const env: NodeJS.ProcessEnv = { ...process.env }
  const host = u.searchParams.get('host') ?? decodeURIComponent(u.hostname).replace(/^\[(.*)\]$/, '$1')
  if (host) env.PGHOST = host
  if (u.port) env.PGPORT = u.port
  if (u.username) env.PGUSER = decodeURIComponent(u.username)
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password)
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''))
  if (database) env.PGDATABASE = database
  const params: [string, string][] = [
    ['sslmode', 'PGSSLMODE'],
    ['sslrootcert', 'PGSSLROOTCERT'],
    ['sslcert', 'PGSSLCERT'],
    ['sslkey', 'PGSSLKEY'],
    ['connect_timeout', 'PGCONNECT_TIMEOUT'],
    ['application_name', 'PGAPPNAME'],
  ]
  for (const [param, name] of params) {
    const value = u.searchParams.get(param)
    if (value !== null) env[name] = value
  }
  if (!u.searchParams.has('sslmode') && /^(true|1)$/i.test(u.searchParams.get('ssl') ?? '')) env.PGSSLMODE = 'require'
  env.PGCONNECT_TIMEOUT ??= '10'
  return env
}

/** A tool's stderr made fit for a one-line error: no password, no blank lines, at most 3 lines. */
function scrub(stderr: string, url: string): string {
  let text = stderr
  const password = parseUrl(url).password
  for (const secret of new Set([password, decodeURIComponent(password)])) if (secret) text = text.split(secret).join('***')
  const lines = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
  return lines.slice(-3).join('; ') || 'no message'
}

interface Finished {
  code: number | null
  signal: NodeJS.Signals | null
  stderr: string
}

/** Starts a PostgreSQL client tool; `done` rejects with a clear error when it is not installed. */
function start(tool: string, args: string[], env: NodeJS.ProcessEnv, stdin: 'ignore' | 'pipe', stdout: 'ignore' | 'pipe'): { child: ChildProcess; done: Promise<Finished> } {
  const child = spawn(tool, args, { env, stdio: [stdin, stdout, 'pipe'] })
  const done = new Promise<Finished>((resolve, reject) => {
    let stderr = ''
    child.stderr?.setEncoding('utf8')
    child.stderr?.on('data', (d: string) => {
      // Keep the tail: the last lines say what went wrong.
      stderr = (stderr + d).slice(-8000)
    })
    child.once('error', (e: NodeJS.ErrnoException) => {
      reject(
        e.code === 'ENOENT'
          ? new TallyError('unavailable', `${tool} is not installed: PostgreSQL backups need PostgreSQL's client tools (install postgresql-client)`)
          : new TallyError('unavailable', `cannot run ${tool}: ${e.message}`),
      )
    })
    child.once('close', (code, signal) => resolve({ code, signal, stderr }))
  })
  return { child, done }
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 })
  client.on('error', () => undefined)
  try {
    await client.connect()
  } catch (e) {
    const why = e instanceof Error ? e.message || e.name : String(e)
    throw new TallyError('unavailable', `cannot reach PostgreSQL at ${redactUrl(url)}: ${why}`)
  }
  try {
    return await fn(client)
  } finally {
    await client.end().catch(() => undefined)
  }
}

/**
 * Writes the workspace schema at `url` to `file` with `pg_dump --format=custom`: one consistent
 * snapshot, taken while the server keeps writing. The file appears only when the dump is complete.
 */
export async function dumpPostgres(url: string, file: string): Promise<void> {
  const schema = workspaceSchema(url)
  const partial = `${file}.partial-${process.pid}`
  const args = ['--format=custom', `--schema=${quoteIdent(schema)}`, '--no-owner', '--no-privileges', `--file=${partial}`]
  const { done } = start('pg_dump', args, connectionEnv(url), 'ignore', 'ignore')
  let result: Finished
  try {
    result = await done
  } catch (e) {
    rmSync(partial, { force: true })
    throw e
  }
  if (result.code !== 0) {
    rmSync(partial, { force: true })
    const why = scrub(result.stderr, url)
    if (/no matching schemas were found/.test(why)) throw new TallyError('not_found', `there is no schema "${schema}" at ${redactUrl(url)}: nothing to back up`)
    throw new TallyError('unavailable', `pg_dump of ${redactUrl(url)} failed: ${why}`)
  }
  if (existsSync(file)) {
    rmSync(partial, { force: true })
    throw new TallyError('bad_input', `${file} exists: a backup never overwrites a file`)
  }
  renameSync(partial, file)
}

/** A dump loaded into a scratch schema, waiting to be checked, then to replace the workspace or be dropped. */
export interface StagedRestore {
  /** The scratch schema. */
  readonly scratch: string
  /** The workspace schema the restore would replace. */
  readonly schema: string
  /** A URL that opens the scratch schema (it carries the password: never print it). */
  readonly url: string
  /**
   * In one transaction, renames the workspace schema to `<schema>_before_restore_<time>` (kept,
   * as SQLite keeps the old file) and the scratch schema to the workspace's name. Returns the
   * name the old schema is kept under, or null when there was none.
   */
  replace(): Promise<string | null>
  /** Drops the scratch schema. */
  discard(): Promise<void>
}

let scratchCounter = 0

/**
 * Loads the pg_dump archive `file` into a new scratch schema of the database at `url`, leaving
 * the workspace untouched. Fails, leaving nothing behind, when the file is not a complete dump
 * of a Tally workspace.
 */
export async function stagePostgresRestore(url: string, file: string): Promise<StagedRestore> {
  const env = connectionEnv(url)
  const schema = workspaceSchema(url)
  quoteIdent(schema)

  // The archive's table of contents: which schema it holds, and that it is a Tally workspace.
  const toc = start('pg_restore', ['--list', file], env, 'ignore', 'pipe')
  let list = ''
  toc.child.stdout?.setEncoding('utf8')
  toc.child.stdout?.on('data', (d: string) => (list += d))
  const listed = await toc.done
  if (listed.code !== 0) throw new TallyError('bad_input', `${file} is not a pg_dump archive (${scrub(listed.stderr, url)}); nothing was restored`)
  const dumped = /^\d+; \d+ \d+ TABLE (\S+) audit_event /m.exec(list)?.[1]
  if (dumped === undefined) throw new TallyError('bad_input', `${file} is not a backup of a Tally workspace (it holds no audit log); nothing was restored`)
  quoteIdent(dumped)
  const hasSchemaEntry = new RegExp(`^\\d+; \\d+ \\d+ SCHEMA - ${dumped} `, 'm').test(list)

  const tag = `${process.pid}_${Date.now().toString(36)}_${scratchCounter++}`
  const scratch = `tally_restore_${tag}`
  const hold = `tally_hold_${tag}`
  const [d, s, h] = [quoteIdent(dumped), quoteIdent(scratch), quoteIdent(hold)]
  await withClient(url, async () => undefined) // a clear error now if the server is unreachable

  const prefix = [
    `select pg_advisory_xact_lock(${SCHEMA_SWAP_LOCK_KEY});`,
    `do $$ begin if exists (select 1 from pg_catalog.pg_namespace where nspname = '${dumped}') then alter schema ${d} rename to ${h}; end if; end $$;`,
    hasSchemaEntry ? '' : `create schema ${d};`,
  ].join(' ')
  const suffix = [
    `alter schema ${d} rename to ${s};`,
    `do $$ begin if exists (select 1 from pg_catalog.pg_namespace where nspname = '${hold}') then alter schema ${h} rename to ${d}; end if; end $$;`,
  ].join(' ')
  const restore = start('pg_restore', ['--no-owner', '--no-privileges', '--exit-on-error', '--file=-', file], env, 'ignore', 'pipe')
  const load = start('psql', ['--no-psqlrc', '--quiet', '--set=ON_ERROR_STOP=1', '--single-transaction', '-c', prefix, '-f', '-', '-c', suffix], env, 'pipe', 'ignore')
  const loadStdin = load.child.stdin
  if (!restore.child.stdout || !loadStdin) throw new Error('pipes not open')
  loadStdin.on('error', () => undefined) // psql stopped early: its own message says why
  restore.child.stdout.pipe(loadStdin, { end: false })
  let killedLoad = false
  const [restored, loaded] = await Promise.all([
    restore.done.then(
      (r) => {
        // psql commits only after the end of its input: a dump that breaks off never commits.
        if (r.code === 0) loadStdin.end()
        else {
          killedLoad = true
          load.child.kill('SIGKILL')
        }
        return r
      },
      (e: unknown) => {
        killedLoad = true
        load.child.kill('SIGKILL')
        throw e
      },
    ),
    load.done.then(
      (l) => {
        if (l.code !== 0) restore.child.kill('SIGKILL')
        return l
      },
      (e: unknown) => {
        restore.child.kill('SIGKILL')
        throw e
      },
    ),
  ])
  if (loaded.code !== 0 && !killedLoad) {
    throw new TallyError('bad_input', `${file} could not be loaded into a scratch schema (psql: ${scrub(loaded.stderr, url)}); nothing was restored`)
  }
  if (restored.code !== 0) {
    throw new TallyError('bad_input', `${file} is not a complete pg_dump archive (${scrub(restored.stderr, url)}); nothing was restored`)
  }

  return {
    scratch,
    schema,
    url: withSchema(url, scratch),
    replace: () =>
      withClient(url, async (client) => {
        await client.query('begin')
        try {
          await client.query('select pg_advisory_xact_lock($1)', [SCHEMA_SWAP_LOCK_KEY])
          const exists = async (name: string) => (await client.query('select 1 from pg_catalog.pg_namespace where nspname = $1', [name])).rowCount !== 0
          let previous: string | null = null
          if (await exists(schema)) {
            const stamp = new Date().toISOString().replace(/\D/g, '').slice(0, 14)
            for (let n = 1; previous === null || (await exists(previous)); n++) {
              const suffix = `_before_restore_${stamp}${n > 1 ? `_${n}` : ''}`
              previous = schema.slice(0, 63 - suffix.length) + suffix
            }
            await client.query(`alter schema ${quoteIdent(schema)} rename to ${quoteIdent(previous)}`)
          }
          await client.query(`alter schema ${s} rename to ${quoteIdent(schema)}`)
          await client.query('commit')
          return previous
        } catch (e) {
          await client.query('rollback').catch(() => undefined)
          throw e
        }
      }),
    discard: () =>
      withClient(url, async (client) => {
        await client.query(`drop schema if exists ${s} cascade`)
      }),
  }
}
