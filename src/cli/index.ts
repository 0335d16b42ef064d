// The `tally` command: thin over app/ (and server/ for `serve`). Parses flags, calls a use case,
// prints. Errors print one line, `error: <message>`, and exit 2 for bad input, 1 for failures.
import { rmSync, existsSync } from 'node:fs'
import { Command, CommanderError, Option } from 'commander'
import * as app from '../app/index.js'
import { isTallyError, TallyError, type ErrorCode } from '../domain/index.js'
import { buildServer } from '../server/index.js'

const EXIT: Record<ErrorCode, number> = {
  bad_input: 2,
  not_found: 2,
  conflict: 1,
  unauthenticated: 1,
  forbidden: 1,
  unavailable: 1,
  internal: 1,
}

const DEMO_DB = './data/demo.db'

function dbOption(): Option {
  return new Option('--db <location>', 'SQLite file or postgres:// URL (default: $TALLY_DB or ./data/tally.db)')
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TallyError('bad_input', `--port must be an integer from 0 to 65535, not "${value}"`)
  return port
}

async function serve(store: app.Store, port: number, host: string, out: (line: string) => void): Promise<void> {
  const server = await buildServer({ store })
  try {
    await server.listen({ port, host })
  } catch (e) {
    await store.close()
    const why = e instanceof Error ? e.message : String(e)
    throw new TallyError('unavailable', `cannot listen on ${host}:${port}: ${why}`)
  }
  const address = server.addresses()[0] as { port: number } | undefined
  out(`Tally is serving ${store.location} on http://${host === '0.0.0.0' ? 'localhost' : host}:${address?.port ?? port}  (API docs: /api/docs; stop with Ctrl-C)`)
  const stop = () => {
    server
      .close()
      .then(() => store.close())
      .finally(() => process.exit(0))
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
}

/** Builds the command tree. `out` and `err` are where lines go (tests capture them). */
export function buildProgram(out: (line: string) => void = console.log, err: (line: string) => void = console.error): Command {
  const program = new Command('tally')
    .description('Record, verify, link and count deaths and abuses in armed conflict, protecting those who testify.')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out(s.trimEnd()), writeErr: (s) => err(s.trimEnd()) })

  program
    .command('init')
    .description('create the workspace database, or bring an existing one up to date')
    .addOption(dbOption())
    .action(async (o: { db?: string }) => {
      const r = await app.initWorkspace(app.resolveDatabase(o.db))
      out(`${r.existed ? 'Updated' : 'Created'} ${r.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} workspace at ${r.location}`)
    })

  program
    .command('serve')
    .description('serve the web application and the HTTP API')
    .addOption(dbOption())
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to listen on (loopback by default: sign-in does not exist yet)', '127.0.0.1')
    .action(async (o: { db?: string; port: string; host: string }) => {
      const port = parsePort(o.port)
      const store = await app.openWorkspace(app.resolveDatabase(o.db))
      await serve(store, port, o.host, out)
    })

  program
    .command('demo')
    .description('build a fresh demo workspace from the seed article, then serve it')
    .option('--db <location>', `where to build it (a SQLite file is deleted and rebuilt; default ${DEMO_DB})`, DEMO_DB)
    .option('--no-serve', 'build the workspace and exit')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .action(async (o: { db: string; serve: boolean; port: string; host: string }) => {
      const port = parsePort(o.port)
      if (!/^postgres/i.test(o.db) && o.db !== ':memory:') {
        for (const suffix of ['', '-wal', '-shm']) if (existsSync(o.db + suffix)) rmSync(o.db + suffix)
      }
      const store = await app.openWorkspace(o.db)
      const ctx: app.Context = { store, actor: { name: 'demo' } }
      if ((await store.sources.list({}, { limit: 1 })).items.length > 0) {
        await store.close()
        throw new TallyError('bad_input', `${store.location} is not empty: the demo needs an empty database`)
      }
      const summary = await app.buildDemo(ctx)
      out(`Demo workspace built at ${store.location}: the seed article (document ${summary.documentId}), ${summary.sources} sources, ${Object.keys(summary.incidents).length} incidents, ${summary.claims} claims.`)
      if (!o.serve) {
        await store.close()
        return
      }
      const base = `http://${o.host}:${port}`
      out('Try:')
      out(`  ${base}/                                         the demo in the browser`)
      out(`  ${base}/api/v1/incidents/${summary.incidents.casablanca}                        the Casablanca case: contested`)
      out(`  ${base}/api/v1/stats?unit=victims&type=execution&dateFrom=2014-06-25&dateTo=2014-12-25   "120 verified cases in six months"`)
      out(`  ${base}/api/docs                                 the API`)
      await serve(store, port, o.host, out)
    })

  const audit = program.command('audit').description('the tamper-evident audit log')
  audit
    .command('verify')
    .description('check the audit chain; exits 0 when intact, 1 naming the first bad event')
    .addOption(dbOption())
    .action(async (o: { db?: string }) => {
      const store = await app.openWorkspace(app.resolveDatabase(o.db))
      try {
        const r = await app.verifyAudit(store)
        if (r.kind === 'intact') {
          out(`audit chain intact: ${r.events} events, head ${r.head}`)
        } else {
          err(`error: audit chain broken at event ${r.firstBad}: ${r.reason} (${r.checked} events before it verified)`)
          process.exitCode = 1
        }
      } finally {
        await store.close()
      }
    })
  return program
}

/** Runs the CLI; resolves to the exit code (a running server keeps the process alive). */
export async function main(argv: string[], out?: (line: string) => void, err: (line: string) => void = console.error): Promise<number> {
  const program = buildProgram(out, err)
  try {
    await program.parseAsync(argv)
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 2
    if (isTallyError(e)) {
      err(`error: ${e.message}`)
      for (const issue of e.issues) err(`  ${issue.path}: ${issue.message}`)
      return EXIT[e.code]
    }
    err(`error: ${e instanceof Error ? e.message : String(e)}`)
    return 1
  }
}
