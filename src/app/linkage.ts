// Record linkage use cases: link a CSV file without a database (the `tally link --csv` contract),
// or link every list in the database and store the run, its clusters and its review queue.
import { readFile, writeFile } from 'node:fs/promises'
import { parse as parseCsv } from 'csv-parse/sync'
import { TallyError, canonicalJson, sha256Hex } from '../domain/index.js'
import { captureHistories as linkageHistories, linkRecords, reviewQueue, type LinkageRecord, type LinkOptions, type LinkResult } from '../linkage/index.js'
import { historiesFromRows, type CaptureHistories } from '../estimate/index.js'
import type { Context } from './context.js'

/** Columns of the link contract (DESIGN.md); unknown columns are kept (they may be strata). */
export const LINK_COLUMNS = ['record_id', 'list', 'full_name', 'given_name', 'family_name', 'sex', 'age', 'date_of_death', 'place'] as const

function decodeUtf8(bytes: Buffer, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    let offset = 0
    // Find the first byte that breaks UTF-8, to point the user at it.
    for (let lo = 0, hi = bytes.length; lo < hi; ) {
      const mid = (lo + hi) >> 1
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, mid))
        lo = mid + 1
        offset = mid
      } catch {
        hi = mid
      }
    }
    throw new TallyError('bad_input', `${file} is not UTF-8 text (unreadable bytes near byte ${offset}): save it as UTF-8 and try again`)
  }
}

/**
 * Reads link-contract records from CSV text. Errors name the file, the line and the column.
 *
 * @example readLinkCsv('record_id,list,full_name\nr1,A,Omar Khatib\n', 'in.csv')
 */
export function readLinkCsv(text: string, file: string): LinkageRecord[] {
  let rows: Record<string, string>[]
  try {
    rows = parseCsv(text, { columns: (h: string[]) => h.map((c) => c.trim().toLowerCase()), skip_empty_lines: true, trim: true }) as Record<string, string>[]
  } catch (e) {
    throw new TallyError('bad_input', `${file}: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (rows.length === 0) throw new TallyError('bad_input', `${file}: no records (an empty file, or a header only)`)
  const header = Object.keys(rows[0] ?? {})
  for (const required of ['record_id', 'list']) {
    if (!header.includes(required)) throw new TallyError('bad_input', `${file}: the column "${required}" is missing (columns: ${header.join(', ')})`)
  }
  if (!header.some((c) => c === 'full_name' || c === 'given_name' || c === 'family_name')) {
    throw new TallyError('bad_input', `${file}: no name column: give full_name, or given_name and family_name`)
  }
  return rows as unknown as LinkageRecord[]
}

function csvCell(v: string | number): string {
  const s = String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export interface LinkFileResult {
  records: number
  clusters: number
  candidatePairs: number
  warnings: readonly string[]
  timings: Readonly<Record<string, number>>
}

/**
 * Links the records of a CSV file and writes `record_id,cluster_id,match_probability`. No
 * database: the file in, the file out.
 */
export async function linkCsvFile(inFile: string, outFile: string, options: LinkOptions = {}): Promise<LinkFileResult> {
  let bytes: Buffer
  try {
    bytes = await readFile(inFile)
  } catch {
    throw new TallyError('bad_input', `cannot read ${inFile}`)
  }
  const records = readLinkCsv(decodeUtf8(bytes, inFile), inFile)
  const result = await linkRecords(records, options)
  const lines = ['record_id,cluster_id,match_probability']
  for (const a of result.assignments) lines.push(`${csvCell(a.record_id)},${csvCell(a.cluster_id)},${a.match_probability.toFixed(4)}`)
  await writeFile(outFile, lines.join('\n') + '\n')
  return { records: records.length, clusters: result.clusterCount, candidatePairs: result.candidatePairs, warnings: result.warnings, timings: result.timings }
}

/** Capture histories for estimation from linked records, optionally by stratum. */
export function historiesOfLinkage(records: readonly LinkageRecord[], result: LinkResult, stratifyBy?: string): { stratum: string | null; histories: CaptureHistories }[] {
  const h = linkageHistories(records, result.assignments, stratifyBy === undefined ? {} : { stratifyBy })
  const byStratum = new Map<string | null, { history: string; count: number }[]>()
  for (const row of h.rows) {
    const rows = byStratum.get(row.stratum) ?? []
    rows.push({ history: row.history.join(''), count: row.count })
    byStratum.set(row.stratum, rows)
  }
  return [...byStratum].map(([stratum, rows]) => ({ stratum, histories: historiesFromRows(h.lists, rows) }))
}

/** The hash of a linkage input: every record's contract fields, canonical. */
export function linkageInputHash(records: readonly LinkageRecord[]): string {
  return sha256Hex(canonicalJson(records.map((r) => LINK_COLUMNS.map((c) => r[c] ?? null))))
}

export interface LinkDatabaseResult {
  runId: number
  records: number
  clusters: number
  candidatePairs: number
  reviewPairs: number
  decisionsApplied: number
  warnings: readonly string[]
}

/** How many uncertain pairs a run keeps for review. */
const REVIEW_PAIRS = 2000

/**
 * Links every list record in the database, respecting every reviewer decision so far, and
 * stores the run (parameters, seed, input hash), each record's cluster and the review pairs.
 */
export async function linkDatabase(ctx: Context, options: Omit<LinkOptions, 'decisions'> = {}): Promise<LinkDatabaseResult> {
  const rows = await ctx.store.linkage.records()
  if (rows.length === 0) throw new TallyError('bad_input', 'there are no list records to link: import a list first (tally import-list)')
  const records: LinkageRecord[] = rows.map((r) => ({ ...r, record_id: String(r.id) }))
  const decisions = (await ctx.store.linkage.decisions()).map((d) => ({ a: String(d.recordA), b: String(d.recordB), decision: d.decision }))
  const result = await linkRecords(records, { ...options, decisions })
  const queue = reviewQueue(result, REVIEW_PAIRS)
  const parameters = { threshold: options.threshold ?? 0.5, termFrequency: options.termFrequency ?? true, rules: options.rules ?? 'default', maxIterations: options.maxIterations ?? 300 }
  const run = await ctx.store.write(ctx.actor.name, (w) =>
    w.createLinkageRun(
      {
        parameters,
        // Linkage is deterministic (EM from fixed starting values); the seed is recorded for the contract.
        seed: 0,
        inputHash: linkageInputHash(records),
        records: records.length,
        clusters: result.clusterCount,
        summary: { candidatePairs: result.candidatePairs, contradictedPairs: result.contradictedPairs, blocking: result.blocking, model: result.model, priors: result.priors, warnings: result.warnings, decisions: decisions.length },
      },
      result.assignments.map((a, i) => ({ listRecordId: rows[i]!.id, cluster: result.clusterOf[i]!, matchProbability: a.match_probability })),
      queue.map((q) => ({ recordA: Number(q.a), recordB: Number(q.b), probability: q.probability, linked: q.linked, comparison: q.comparison, priority: q.priority })),
    ),
  )
  return {
    runId: run.id,
    records: records.length,
    clusters: result.clusterCount,
    candidatePairs: result.candidatePairs,
    reviewPairs: queue.length,
    decisionsApplied: decisions.length,
    warnings: result.warnings,
  }
}

/** Linkage runs, oldest first. */
export function listLinkageRuns(ctx: Context, page: { limit: number; cursor?: string | undefined }) {
  return ctx.store.linkage.runs(page)
}

/** The latest run's most informative undecided pairs (or all of its review pairs). */
export async function reviewPairs(ctx: Context, limit: number, all = false) {
  const run = await ctx.store.linkage.latestRun()
  if (!run) throw new TallyError('not_found', 'no linkage run yet: run tally link first')
  return { run, pairs: await ctx.store.linkage.pairs(run.id, limit, all) }
}

/** Records a reviewer's decision on a review pair; the next run keeps it. */
export async function decidePair(ctx: Context, pairId: number, decision: 'same' | 'different', reason: string | null) {
  const pair = await ctx.store.linkage.pair(pairId)
  if (!pair) throw new TallyError('not_found', `linkage pair ${pairId} does not exist`)
  return ctx.store.write(ctx.actor.name, (w) => w.decideMatch({ a: Number(pair.record_a), b: Number(pair.record_b), decision, reason }))
}

export type StratifyField = 'sex' | 'place' | 'year'

/** Capture histories of the latest linkage run: list names and, per stratum, history rows. */
export interface DatabaseHistories {
  runId: number
  lists: string[]
  strata: { stratum: string | null; rows: { history: string; count: number }[] }[]
}

/** Capture histories of the latest linkage run, by stratum when asked. */
export async function historiesFromDatabase(ctx: Context, stratify: StratifyField | null): Promise<DatabaseHistories> {
  const run = await ctx.store.linkage.latestRun()
  if (!run) throw new TallyError('bad_input', 'no linkage run yet: link the lists first (tally link)')
  const rows = await ctx.store.linkage.clusterLists(run.id, stratify)
  const lists = [...new Set(rows.map((r) => r.list))].sort()
  const index = new Map(lists.map((l, i) => [l, i]))
  // Per cluster: its lists and the stratum most of its records give.
  const clusters = new Map<number, { mask: number; strata: Map<string, number> }>()
  for (const r of rows) {
    const c = clusters.get(r.cluster) ?? { mask: 0, strata: new Map<string, number>() }
    c.mask |= 1 << (index.get(r.list) ?? 0)
    if (r.stratum !== null && r.stratum !== '') c.strata.set(r.stratum, (c.strata.get(r.stratum) ?? 0) + 1)
    clusters.set(r.cluster, c)
  }
  const counts = new Map<string | null, Map<number, number>>()
  for (const c of clusters.values()) {
    let stratum: string | null = null
    if (stratify !== null) {
      let best = 0
      stratum = 'unknown'
      for (const [value, n] of c.strata) if (n > best) [stratum, best] = [value, n]
    }
    const byMask = counts.get(stratum) ?? new Map<number, number>()
    byMask.set(c.mask, (byMask.get(c.mask) ?? 0) + 1)
    counts.set(stratum, byMask)
  }
  const strata = [...counts]
    .map(([stratum, byMask]) => ({
      stratum,
      rows: [...byMask].map(([mask, count]) => ({ history: lists.map((_, i) => ((mask >> i) & 1 ? '1' : '0')).join(''), count })),
    }))
    .sort((a, b) => String(a.stratum).localeCompare(String(b.stratum)))
  return { runId: run.id, lists, strata }
}
