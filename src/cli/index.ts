// The `tally` command: thin over app/ (and server/ for `serve`). Parses flags, calls a use case,
// prints. Errors print one line, `error: <message>`, and exit 2 for bad input, 1 for failures.
import { createWriteStream, existsSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { Command, CommanderError, Option } from 'commander'
import * as app from '../app/index.js'
import { ROLES, Role, isTallyError, TallyError, type ErrorCode } from '../domain/index.js'

const EXIT: Record<ErrorCode, number> = {
  bad_input: 2,
  not_found: 2,
  conflict: 1,
  unauthenticated: 1,
  forbidden: 1,
  rate_limited: 1,
  unavailable: 1,
  internal: 1,
}

const DEMO_DB = './data/demo.db'
// The CLI runs on the machine that holds the database (and the key file): it acts as an administrator.
const CLI_ACTOR: app.Actor = { name: `cli:${process.env.USER ?? 'local'}`, role: 'admin' }

/**
 * A progress line on stderr, redrawn in place, only when stderr is a terminal (logs and pipes
 * get the final summary only). Call with null to clear it.
 */
function progressLine(): (text: string | null) => void {
  if (!process.stderr.isTTY) return () => undefined
  let last = 0
  let shown = false
  return (text) => {
    if (text === null) {
      if (shown) process.stderr.write('\r\x1b[K')
      shown = false
      return
    }
    const now = Date.now()
    if (now - last < 100) return
    last = now
    shown = true
    process.stderr.write(`\r\x1b[K${text}`)
  }
}

function dbOption(): Option {
  return new Option('--db <location>', 'SQLite file or postgres:// URL (default: $TALLY_DB or ./data/tally.db)')
}

function keyFileOption(): Option {
  return new Option('--key-file <file>', 'the data key that seals protected fields (default: $TALLY_KEY_FILE, else beside a SQLite database as NAME.key)')
}

/** The use-case context of a CLI command: an administrator on the machine, with the data key when there is one. */
function cliContext(store: app.Store, database: string, keyFlag?: string): app.Context {
  return { store, actor: CLI_ACTOR, sealer: app.openSealer(app.resolveKeyFile(keyFlag, database)) }
}

/** Opens the workspace named by --db (or TALLY_DB), runs `fn`, and closes it whatever happens. */
async function withWorkspace<T>(dbFlag: string | undefined, fn: (store: app.Store) => Promise<T>): Promise<T> {
  const store = await app.openWorkspace(app.resolveDatabase(dbFlag))
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

/** A secret (password) read from standard input, never from the command line (where `ps` shows it). */
async function readSecretFromStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '')
}

function parsePort(value: string): number {
  const port = Number(value)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TallyError('bad_input', `--port must be an integer from 0 to 65535, not "${value}"`)
  return port
}

function parseInteger(flag: string, value: string, min: number): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < min) throw new TallyError('bad_input', `${flag} must be a whole number ≥ ${min}, not "${value}"`)
  return n
}

function parseNumber(flag: string, value: string, above: number, below: number): number {
  const n = Number(value)
  if (!Number.isFinite(n) || n <= above || n >= below) throw new TallyError('bad_input', `${flag} must be a number between ${above} and ${below}, not "${value}"`)
  return n
}

interface ServeOptions {
  sealer: app.FieldSealer | null
  https?: { key: Buffer; cert: Buffer } | null
  trustProxy?: boolean
  requestsPerMinute?: number
}

async function serve(store: app.Store, port: number, host: string, out: (line: string) => void, o: ServeOptions): Promise<void> {
  // Loaded only to serve: every other command starts faster without the HTTP stack.
  const { buildServer } = await import('../server/index.js')
  const server = await buildServer({ store, sealer: o.sealer, https: o.https ?? null, trustProxy: o.trustProxy ?? false, requestsPerMinute: o.requestsPerMinute, logger: process.env.TALLY_LOG === '1' })
  try {
    await server.listen({ port, host })
  } catch (e) {
    await store.close()
    const why = e instanceof Error ? e.message : String(e)
    throw new TallyError('unavailable', `cannot listen on ${host}:${port}: ${why}`)
  }
  // Build the statistics copy now rather than on the first request; serving goes on meanwhile.
  store.warmUp().catch(() => undefined)
  const address = server.addresses()[0] as { port: number } | undefined
  out(`Tally is serving ${store.location} on ${o.https ? 'https' : 'http'}://${host === '0.0.0.0' ? 'localhost' : host}:${address?.port ?? port}  (API docs: /api/docs; stop with Ctrl-C)`)
  if (!o.sealer) out('warning: no key file: protected fields (witness identities, marked testimony) can be neither stored nor shown')
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
    .description('create the workspace database, its data key file and the first administrator (or bring an existing workspace up to date)')
    .addOption(dbOption())
    .addOption(keyFileOption())
    .option('--admin <name>', 'username of the first administrator', 'admin')
    .action(async (o: { db?: string; keyFile?: string; admin: string }) => {
      const database = app.resolveDatabase(o.db)
      const r = await app.initWorkspace(database, app.resolveKeyFile(o.keyFile, database), o.admin)
      out(`${r.existed ? 'Updated' : 'Created'} ${r.kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} workspace at ${r.location}`)
      out(r.keyCreated ? `Created the data key file ${r.keyFile} (mode 0600). Back it up apart from the database: without it protected fields are lost; with the database, it exposes them.` : `Data key file: ${r.keyFile}`)
      if (r.admin) out(`Created administrator "${r.admin.username}" with password ${r.admin.password}  (shown once: write it down now)`)
    })

  program
    .command('serve')
    .description('serve the web application and the HTTP API')
    .addOption(dbOption())
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to listen on (loopback by default; put TLS in front, or use --tls-cert, before opening it to a network)', '127.0.0.1')
    .addOption(keyFileOption())
    .option('--tls-cert <file>', 'serve HTTPS with this certificate (PEM); session cookies are then Secure')
    .option('--tls-key <file>', 'the certificate\'s private key (PEM)')
    .option('--trust-proxy', 'behind a reverse proxy: take the client address and https from X-Forwarded-* headers')
    .option('--rate-limit <perMinute>', 'requests a minute allowed to each user or token (0: no limit, for benchmarks)', '1200')
    .action(async (o: { db?: string; port: string; host: string; keyFile?: string; tlsCert?: string; tlsKey?: string; trustProxy?: boolean; rateLimit: string }) => {
      const port = parsePort(o.port)
      if (Boolean(o.tlsCert) !== Boolean(o.tlsKey)) throw new TallyError('bad_input', '--tls-cert and --tls-key go together')
      const https = o.tlsCert && o.tlsKey ? { cert: readFileSync(o.tlsCert), key: readFileSync(o.tlsKey) } : null
      const database = app.resolveDatabase(o.db)
      const sealer = app.openSealer(app.resolveKeyFile(o.keyFile, database))
      const store = await app.openWorkspace(database)
      await serve(store, port, o.host, out, { sealer, https, trustProxy: o.trustProxy ?? false, requestsPerMinute: parseInteger('--rate-limit', o.rateLimit, 0) })
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
      const keyFile = app.resolveKeyFile(undefined, o.db, {})
      if (!/^postgres/i.test(o.db) && o.db !== ':memory:') {
        for (const suffix of ['', '-wal', '-shm']) if (existsSync(o.db + suffix)) rmSync(o.db + suffix)
        rmSync(keyFile, { force: true })
      }
      const init = await app.initWorkspace(o.db, keyFile)
      const store = await app.openWorkspace(o.db)
      const sealer = app.openSealer(keyFile)
      const ctx: app.Context = { store, actor: { name: 'demo', role: 'admin' }, sealer }
      if ((await store.sources.list({}, { limit: 1 })).items.length > 0) {
        await store.close()
        throw new TallyError('bad_input', `${store.location} is not empty: the demo needs an empty database`)
      }
      const summary = await app.buildDemo(ctx)
      out(`Demo workspace built at ${store.location}: the seed article (document ${summary.documentId}) ingested; ${summary.sources} sources graded; ${Object.keys(summary.incidents).length} incidents; ${summary.claims} claims accepted by a reviewer (${summary.fromDrafts} of them found by the extractor); ${summary.draftsLeft} drafts left in the review queue.`)
      out(
        `Synthetic lists: ${summary.lists.records.toLocaleString('en')} records from 4 lists linked into ${summary.lists.persons.toLocaleString('en')} persons (truth: ${summary.lists.truePersonsObserved.toLocaleString('en')}); estimated total ${Math.round(summary.lists.estimate).toLocaleString('en')} (95% interval ${Math.round(summary.lists.interval[0]).toLocaleString('en')} – ${Math.round(summary.lists.interval[1]).toLocaleString('en')}, LCMCR; truth: ${summary.lists.trueTotal.toLocaleString('en')}).`,
      )
      if (!o.serve) {
        await store.close()
        return
      }
      const base = `http://${o.host}:${port}`
      if (init.admin) out(`Sign in at ${base}/ as "${init.admin.username}" with password ${init.admin.password}  (generated for this demo; shown once)`)
      out('Try:')
      out(`  ${base}/                                         the demo in the browser`)
      out(`  ${base}/api/v1/incidents/${summary.incidents.casablanca}                        the Casablanca case: contested`)
      out(`  ${base}/api/v1/stats?unit=victims&type=execution&dateFrom=2014-06-25&dateTo=2014-12-25   "120 verified cases in six months"`)
      out(`  ${base}/api/v1/estimates/${summary.lists.estimateRun}                        the estimate from the synthetic lists`)
      out(`  ${base}/api/v1/linkage/pairs                      uncertain record pairs for review`)
      out(`  ${base}/api/docs                                 the API`)
      await serve(store, port, o.host, out, { sealer })
    })

  program
    .command('export-list')
    .description('write a list back out as imported (original columns), CSV or JSON lines')
    .requiredOption('--list <name>', 'the list')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .requiredOption('--out <file>', 'where to write it')
    .addOption(dbOption())
    .action(async (o: { list: string; format: 'csv' | 'json'; out: string; db?: string }) => {
      const store = await app.openWorkspace(app.resolveDatabase(o.db))
      try {
        const r = await app.exportList({ store, actor: CLI_ACTOR }, { list: o.list, format: o.format, out: o.out })
        out(`list "${o.list}": ${r.rows.toLocaleString('en')} rows written to ${o.out}`)
      } finally {
        await store.close()
      }
    })

  program
    .command('extract')
    .description('no database: print the draft claims, places, dates, counts and speakers found in documents')
    .argument('<files...>', 'text or HTML files')
    .addOption(new Option('--lang <code>', 'language of the documents (detected otherwise)').choices(['en', 'fr', 'ar']))
    .option('--published <edtf>', 'publication date, when the document does not give it')
    .option('--json', 'print JSON (the default and only format for now)')
    .action(async (files: string[], o: { lang?: 'en' | 'fr' | 'ar'; published?: string }) => {
      const results = []
      for (const file of files) {
        const { document, extraction } = await app.extractFile(file, { language: o.lang, published: o.published })
        results.push({
          file,
          title: document.title,
          author: document.author,
          outlet: document.outlet,
          publishedDate: document.publishedDate,
          languageGuess: document.language,
          removed: document.removed,
          text: document.text,
          ...extraction,
        })
      }
      out(JSON.stringify(files.length === 1 ? results[0] : results, null, 2))
    })

  program
    .command('ingest')
    .description('store documents with their original bytes, and what they assert as draft claims for review')
    .argument('<files...>', 'text or HTML files')
    .option('--source <name>', 'who published them (created if new, reliability to be judged)')
    .addOption(new Option('--lang <code>', 'language of the documents (detected otherwise)').choices(['en', 'fr', 'ar']))
    .option('--published <edtf>', 'publication date, when the document does not give it')
    .option('--protected', 'testimony that could identify its witness: seal its text, quotes and the names it gives')
    .addOption(dbOption())
    .addOption(keyFileOption())
    .action(async (files: string[], o: { source?: string; lang?: 'en' | 'fr' | 'ar'; published?: string; protected?: boolean; db?: string; keyFile?: string }) => {
      const database = app.resolveDatabase(o.db)
      const store = await app.openWorkspace(database)
      try {
        const ctx = cliContext(store, database, o.keyFile)
        for (const file of files) {
          const r = await app.ingestDocument(ctx, { file, source: o.source, language: o.lang, published: o.published, protected: o.protected ?? false })
          if (!r.created) out(`${file}: already stored as document ${r.document.id} (same SHA-256): nothing to do`)
          else out(`${file}: document ${r.document.id} "${r.document.title}" (${r.document.language}), ${r.drafts} draft claims for review, ${r.speakers.length} quoted speakers as candidate sources`)
          for (const n of r.notes) out(`  note: ${n}`)
        }
      } finally {
        await store.close()
      }
    })

  program
    .command('import-list')
    .description('import a casualty list (CSV or JSON), streaming; re-run to resume an interrupted import')
    .argument('<file>', 'the list file')
    .requiredOption('--list <name>', 'the list (one organisation\'s list) to add the rows to; created if new')
    .option('--map <column=field...>', 'map a column to a field: recordKey, fullName, givenName, familyName, sex, age, dateOfDeath, place, ignore')
    .addOption(new Option('--format <format>', 'file format (guessed from the name otherwise)').choices(['csv', 'json']))
    .addOption(dbOption())
    .action(async (file: string, o: { list: string; map?: string[]; format?: 'csv' | 'json'; db?: string }) => {
      const store = await app.openWorkspace(app.resolveDatabase(o.db))
      const progress = progressLine()
      try {
        const r = await app.importList(
          { store, actor: CLI_ACTOR },
          { file, list: o.list, map: o.map, format: o.format, onProgress: (p) => progress(`${p.rowsStored.toLocaleString('en')} rows stored, ${p.rowsRejected.toLocaleString('en')} rejected`) },
        )
        progress(null)
        if (r.alreadyImported) {
          out(`${file} was already imported into list "${r.list.name}" (${r.rowsResumed.toLocaleString('en')} rows): nothing to do`)
          return
        }
        out(`list "${r.list.name}": ${r.rowsStored.toLocaleString('en')} rows stored${r.rowsResumed ? `, ${r.rowsResumed.toLocaleString('en')} already stored by an interrupted run` : ''}, ${r.rowsRejected.toLocaleString('en')} rejected (encoding ${r.encoding})`)
        out(`columns: ${r.mapping.map((m) => `${m.column} → ${m.field}`).join(', ')}`)
        if (r.errorsFile) out(`rejected rows: ${r.errorsFile}`)
      } finally {
        progress(null)
        await store.close()
      }
    })

  program
    .command('link')
    .description('link the records of the same person across lists (and within each list)')
    .option('--csv <file>', 'no database: link this CSV (record_id,list,full_name,given_name,family_name,sex,age,date_of_death,place)')
    .option('--out <file>', 'with --csv: where to write record_id,cluster_id,match_probability')
    .option('--threshold <p>', 'match probability at or above which two records are linked', '0.5')
    .addOption(dbOption())
    .action(async (o: { csv?: string; out?: string; threshold: string; db?: string }) => {
      const threshold = parseNumber('--threshold', o.threshold, 0, 1)
      const progress = progressLine()
      const onProgress = (m: string) => progress(m)
      try {
        if (o.csv !== undefined) {
          if (o.out === undefined) throw new TallyError('bad_input', '--csv needs --out FILE for the result')
          const r = await app.linkCsvFile(o.csv, o.out, { threshold, onProgress })
          progress(null)
          out(`${r.records.toLocaleString('en')} records linked into ${r.clusters.toLocaleString('en')} persons (${r.candidatePairs.toLocaleString('en')} candidate pairs compared); written to ${o.out}`)
          for (const w of r.warnings) out(`warning: ${w}`)
          return
        }
        const store = await app.openWorkspace(app.resolveDatabase(o.db))
        try {
          const r = await app.linkDatabase({ store, actor: CLI_ACTOR }, { threshold, onProgress })
          progress(null)
          out(`linkage run ${r.runId}: ${r.records.toLocaleString('en')} list records linked into ${r.clusters.toLocaleString('en')} persons; ${r.decisionsApplied} reviewer decisions kept; ${r.reviewPairs} uncertain pairs queued for review`)
          for (const w of r.warnings) out(`warning: ${w}`)
        } finally {
          await store.close()
        }
      } finally {
        progress(null)
      }
    })

  program
    .command('estimate')
    .description('estimate the total, documented or not, from the overlap of lists (multiple systems estimation)')
    .option('--histories <file>', 'capture histories CSV, one 0/1 column per list (header = list name) and a count column; stored as a run only when --db or TALLY_DB names a workspace')
    .addOption(new Option('--stratify <field>', 'from the database: estimate by stratum and sum').choices(['sex', 'place', 'year']))
    .addOption(new Option('--method <method>', 'Bayesian latent-class model or log-linear models').choices(['lcmcr', 'loglinear']).default('lcmcr'))
    .option('--model <terms>', 'log-linear: fix the list interactions, e.g. "A:B,B:C" (list names from the header)')
    .addOption(new Option('--criterion <criterion>', 'log-linear: select the model by').choices(['aic', 'bic']).default('aic'))
    .option('--seed <n>', 'LCMCR: random seed (equal seeds, equal results)', '1')
    .option('--iterations <n>', 'LCMCR: Gibbs iterations in all, burn-in included', '110000')
    .option('--burnin <n>', 'LCMCR: iterations discarded first', '10000')
    .option('--thin <n>', 'LCMCR: keep one iteration in n', '100')
    .option('--classes <k>', 'LCMCR: most latent classes (truncation level K)', '10')
    .option('--chains <n>', 'LCMCR: independent chains (use 4 for published figures)', '1')
    .option('--level <p>', 'interval level', '0.95')
    .option('--json', 'print the result as JSON')
    .addOption(dbOption())
    .action(
      async (o: {
        histories?: string
        stratify?: 'sex' | 'place' | 'year'
        method: 'lcmcr' | 'loglinear'
        model?: string
        criterion: 'aic' | 'bic'
        seed: string
        iterations: string
        burnin: string
        thin: string
        classes: string
        chains: string
        level: string
        json?: boolean
        db?: string
      }) => {
        const level = parseNumber('--level', o.level, 0, 1)
        const method: app.EstimateMethod =
          o.method === 'loglinear'
            ? { method: 'loglinear', model: o.model, criterion: o.criterion, level }
            : {
                method: 'lcmcr',
                seed: parseInteger('--seed', o.seed, -2147483648),
                iterations: parseInteger('--iterations', o.iterations, 1),
                burnin: parseInteger('--burnin', o.burnin, 0),
                thin: parseInteger('--thin', o.thin, 1),
                classes: parseInteger('--classes', o.classes, 1),
                chains: parseInteger('--chains', o.chains, 1),
                level,
              }
        if (o.histories !== undefined) {
          if (o.stratify !== undefined) throw new TallyError('bad_input', '--stratify works on the database; with --histories, give one file per stratum')
          const h = await app.readHistoriesFile(o.histories)
          // With a workspace named (--db or TALLY_DB) the run is stored there; otherwise nothing is written.
          const location = o.db ?? (process.env.TALLY_DB || undefined)
          if (location === undefined) {
            const report = app.runEstimate(h, method)
            if (o.json) out(JSON.stringify(report, null, 2))
            else for (const line of app.describeEstimate(report)) out(line)
            return
          }
          const store = await app.openWorkspace(location)
          try {
            const stored = await app.estimateAndStore({ store, actor: CLI_ACTOR }, h, method)
            if (o.json) out(JSON.stringify({ estimateRun: stored.id, inputHash: stored.inputHash, ...stored.report }, null, 2))
            else {
              for (const line of app.describeEstimate(stored.report)) out(line)
              out(`stored as estimate run ${stored.id} (input ${stored.inputHash.slice(0, 12)}…)`)
            }
          } finally {
            await store.close()
          }
          return
        }
        const store = await app.openWorkspace(app.resolveDatabase(o.db))
        try {
          const ctx = { store, actor: CLI_ACTOR }
          const r = await app.estimateFromDatabase(ctx, method, o.stratify ?? null)
          const three = await app.threeNumbers(ctx)
          if (o.json) {
            out(JSON.stringify({ estimateRun: r.id, linkageRun: r.runId, documented: three.victims.documented, reported: three.victims.reported, ...r.report }, null, 2))
            return
          }
          if ('stratify' in r.report) {
            for (const s of r.report.strata) {
              out(`  ${o.stratify} ${s.name}: observed ${s.observed.toLocaleString('en')}, ${s.estimate === null ? `not estimable (${s.notEstimable})` : `estimated ${Math.round(s.estimate).toLocaleString('en')} (${Math.round(s.interval![0]).toLocaleString('en')} – ${Math.round(s.interval![1]).toLocaleString('en')})`}`)
            }
            const t = r.report.total
            if (t) out(`estimated total over strata: ${Math.round(t.estimate).toLocaleString('en')} (${Math.round(t.level * 100)}% interval ${Math.round(t.interval[0]).toLocaleString('en')} – ${Math.round(t.interval[1]).toLocaleString('en')}, ${t.intervalMethod})${t.complete ? '' : `; strata left out: ${t.excluded.join(', ')}`}`)
            for (const w of r.report.warnings) out(`warning: ${w}`)
          } else {
            for (const line of app.describeEstimate(r.report)) out(line)
          }
          out(
            `side by side: documented ${three.victims.documented.toLocaleString('en')} victims (incidents graded confirmed or fair) · reported ${three.victims.reported.toLocaleString('en')} (not discounted) · on the lists ${three.listed?.persons.toLocaleString('en') ?? 0} persons after linkage · estimated as above`,
          )
          out(`stored as estimate run ${r.id} (linkage run ${r.runId})`)
        } finally {
          await store.close()
        }
      },
    )

  program
    .command('backup')
    .description('copy the workspace to FILE while it stays in use, and check the copy (SQLite online backup; PostgreSQL: pg_dump, checked in a scratch schema)')
    .argument('<file>', 'where to write the backup (never overwritten)')
    .addOption(dbOption())
    .action(async (file: string, o: { db?: string }) => {
      const store = await app.openWorkspace(app.resolveDatabase(o.db))
      try {
        const r = await app.backupWorkspace(store, file)
        out(`backup written to ${file}: ${r.chain.kind === 'intact' ? `audit chain intact (${r.chain.events} events, head ${r.chain.head})` : `AUDIT CHAIN BROKEN at event ${r.chain.firstBad}`}; ${r.alteredDocuments.length === 0 ? 'every document matches its SHA-256' : `documents altered: ${r.alteredDocuments.join(', ')}`} (checked: ${r.checked})`)
        if (!r.ok) process.exitCode = 1
      } finally {
        await store.close()
      }
    })

  program
    .command('restore')
    .description('replace the workspace with a backup, only if the backup verifies; the replaced data is kept (stop the server first)')
    .argument('<file>', 'the backup')
    .addOption(dbOption())
    .action(async (file: string, o: { db?: string }) => {
      const location = app.resolveDatabase(o.db)
      const r = await app.restoreWorkspace(location, file)
      out(`restored ${file} to ${r.location}${r.previous ? `; the ${r.kind === 'postgres' ? 'schema' : 'database'} it replaced is kept as ${r.previous}` : ''}`)
    })

  const audit = program.command('audit').description('the tamper-evident audit log')
  audit
    .command('verify')
    .description('check the audit chain; exits 0 when intact, 1 naming the first bad event')
    .option('--head <seq:hash>', 'also check that the log still holds this head, published earlier with `tally audit head`')
    .addOption(dbOption())
    .action(async (o: { db?: string; head?: string }) => {
      const store = await app.openWorkspace(app.resolveDatabase(o.db))
      try {
        const r = await app.verifyAudit(store, o.head)
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
  audit
    .command('head')
    .description('print the head of the audit log (seq:hash) to publish elsewhere; verify against it later with --head')
    .addOption(dbOption())
    .action(async (o: { db?: string }) => {
      const store = await app.openWorkspace(app.resolveDatabase(o.db))
      try {
        out(await app.auditHead(store))
      } finally {
        await store.close()
      }
    })

  const user = program.command('user').description('people who sign in, each with one role: admin, reviewer, documenter, analyst, viewer')
  user
    .command('add')
    .description('add a user; the password is generated and shown once, or read from standard input with --password-stdin')
    .argument('<name>', 'username')
    .requiredOption('--role <role>', 'admin, reviewer, documenter, analyst or viewer')
    .option('--password-stdin', 'read the password from standard input instead of generating one')
    .addOption(dbOption())
    .action(async (name: string, o: { role: string; passwordStdin?: boolean; db?: string }) => {
      const role = Role.safeParse(o.role)
      if (!role.success) throw new TallyError('bad_input', `--role must be one of ${ROLES.join(', ')}, not "${o.role}"`)
      const password = o.passwordStdin ? await readSecretFromStdin() : undefined
      await withWorkspace(o.db, async (store) => {
      const r = await app.createUser({ store, actor: CLI_ACTOR }, { username: name, role: role.data, password })
      out(`Added ${r.user.role} "${r.user.username}"${r.generatedPassword ? ` with password ${r.generatedPassword}  (shown once)` : ''}`)
      })
    })
  user
    .command('password')
    .description('set a new password (generated, or from standard input) and end the user\'s sessions')
    .argument('<name>', 'username')
    .option('--password-stdin', 'read the password from standard input')
    .addOption(dbOption())
    .action(async (name: string, o: { passwordStdin?: boolean; db?: string }) => {
      const password = o.passwordStdin ? await readSecretFromStdin() : undefined
      await withWorkspace(o.db, async (store) => {
      const r = await app.setUserPassword({ store, actor: CLI_ACTOR }, name, password)
      out(`Password of "${name}" changed${r.generatedPassword ? ` to ${r.generatedPassword}  (shown once)` : ''}; their sessions are ended`)
      })
    })
  for (const [verb, disabled] of [['disable', true], ['enable', false]] as const) {
    user
      .command(verb)
      .description(disabled ? 'stop a user from signing in, ending their sessions' : 'let a disabled user sign in again')
      .argument('<name>', 'username')
      .addOption(dbOption())
      .action(async (name: string, o: { db?: string }) => {
        await withWorkspace(o.db, async (store) => {
        await app.setUserDisabled({ store, actor: CLI_ACTOR }, name, disabled)
        out(`${name} ${disabled ? 'disabled' : 'enabled'}`)
        })
      })
  }
  user
    .command('list')
    .addOption(dbOption())
    .action(async (o: { db?: string }) => {
      await withWorkspace(o.db, async (store) => {
      for (const u of await app.listUsers({ store, actor: CLI_ACTOR })) out(`${u.username}\t${u.role}${u.disabled ? '\tdisabled' : ''}`)
      })
    })

  const token = program.command('token').description('API tokens for scripts: Authorization: Bearer <token>')
  token
    .command('create')
    .description('create a token scoped to a role; it is printed once and stored only as a hash')
    .argument('<name>', 'a name saying what uses it')
    .requiredOption('--role <role>', 'the role it acts with')
    .option('--expires-days <days>', 'expire after this many days')
    .addOption(dbOption())
    .action(async (name: string, o: { role: string; expiresDays?: string; db?: string }) => {
      const role = Role.safeParse(o.role)
      if (!role.success) throw new TallyError('bad_input', `--role must be one of ${ROLES.join(', ')}, not "${o.role}"`)
      await withWorkspace(o.db, async (store) => {
      const r = await app.createApiToken({ store, actor: CLI_ACTOR }, { name, role: role.data, expiresInDays: o.expiresDays === undefined ? undefined : parseInteger('--expires-days', o.expiresDays, 1) })
      out(r.secret)
      err(`token "${r.token.name}" (${r.token.role}) created${r.token.expiresAt ? `, expires ${r.token.expiresAt}` : ''}: the line above is shown once`)
      })
    })
  token
    .command('revoke')
    .argument('<name>', 'the token\'s name')
    .addOption(dbOption())
    .action(async (name: string, o: { db?: string }) => {
      await withWorkspace(o.db, async (store) => {
      await app.revokeApiToken({ store, actor: CLI_ACTOR }, name)
      out(`token "${name}" revoked`)
      })
    })
  token
    .command('list')
    .addOption(dbOption())
    .action(async (o: { db?: string }) => {
      await withWorkspace(o.db, async (store) => {
      for (const t of await app.listApiTokens({ store, actor: CLI_ACTOR })) {
        out(`${t.name}\t${t.role}\t${t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt ? `expires ${t.expiresAt}` : 'active'}\tlast used ${t.lastUsedAt ?? 'never'}`)
      }
      })
    })

  const key = program.command('key').description('the data key that seals protected fields')
  key
    .command('rotate')
    .description('make a new key current and re-encrypt every protected value under it, while the server runs')
    .addOption(dbOption())
    .addOption(keyFileOption())
    .action(async (o: { db?: string; keyFile?: string }) => {
      const database = app.resolveDatabase(o.db)
      const keyFile = app.resolveKeyFile(o.keyFile, database)
      const store = await app.openWorkspace(database)
      try {
        const r = await app.rotateKey({ store, actor: CLI_ACTOR }, keyFile)
        out(`New key ${r.newKeyId} is current; ${r.resealed.toLocaleString('en')} protected ${r.resealed === 1 ? 'value' : 'values'} re-encrypted. The previous key ${r.previousKeyId} is kept, retired: run \`tally key prune\` once every running server has picked up the new key.`)
      } finally {
        await store.close()
      }
    })
  key
    .command('prune')
    .description('remove retired keys that no stored value uses')
    .addOption(dbOption())
    .addOption(keyFileOption())
    .action(async (o: { db?: string; keyFile?: string }) => {
      const database = app.resolveDatabase(o.db)
      const store = await app.openWorkspace(database)
      try {
        const removed = await app.pruneKeys({ store, actor: CLI_ACTOR }, app.resolveKeyFile(o.keyFile, database))
        out(removed.length > 0 ? `removed retired keys: ${removed.join(', ')}` : 'no retired key is unused: nothing removed')
      } finally {
        await store.close()
      }
    })

  program
    .command('export')
    .description('write victims or incidents as CSV, JSON, GeoJSON or HXL; --public publishes documented data only, without names or free text, with small cells suppressed')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json', 'geojson', 'hxl']).default('csv'))
    .addOption(new Option('--of <what>', 'what to export').choices(['victims', 'incidents']).default('victims'))
    .option('--public', 'the public, redacted dataset')
    .option('--threshold <n>', 'with --public: the smallest place × month × sex cell published (default 3)')
    .requiredOption('--out <file>', 'where to write it (written to a temporary file, renamed when complete)')
    .addOption(dbOption())
    .action(async (o: { format: app.ExportFormat; of: app.ExportSubject; public?: boolean; threshold?: string; out: string; db?: string }) => {
      const store = await app.openWorkspace(app.resolveDatabase(o.db))
      const partial = `${o.out}.partial-${process.pid}`
      try {
        const stream = createWriteStream(partial, { mode: 0o600 })
        let summary: app.ExportSummary
        try {
          summary = await app.exportRecords({ store, actor: CLI_ACTOR }, { format: o.format, of: o.of, public: o.public ?? false, threshold: o.threshold, out: stream })
        } finally {
          await new Promise<void>((resolve, reject) => stream.end((e?: Error | null) => (e ? reject(e) : resolve())))
        }
        renameSync(partial, o.out)
        out(
          `${summary.rows.toLocaleString('en')} ${o.of} written to ${o.out}${o.public ? ` (public: ${summary.suppressedRows.toLocaleString('en')} rows in ${summary.suppressedCells.toLocaleString('en')} cells below ${summary.threshold} suppressed)` : ''}${summary.withoutCoordinates ? `; ${summary.withoutCoordinates.toLocaleString('en')} without coordinates` : ''}`,
        )
      } catch (e) {
        rmSync(partial, { force: true })
        throw e
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
      for (const issue of e.issues) if (!e.message.includes(issue.message)) err(`  ${issue.path}: ${issue.message}`)
      return EXIT[e.code]
    }
    err(`error: ${e instanceof Error ? e.message : String(e)}`)
    return 1
  }
}
