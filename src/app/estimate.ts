// Estimation use cases: multiple systems estimation from a histories file (no database) or from
// the linked lists in the database, each database run stored with its parameters, seed and the
// hash of its input so it can be reproduced.
import { readFile } from 'node:fs/promises'
import { parse as parseCsv } from 'csv-parse/sync'
import { TallyError, canonicalJson, sha256Hex } from '../domain/index.js'
import {
  EstimateInputError,
  estimateLcmcr,
  estimateStratified,
  fitLoglinear,
  historiesFromRows,
  historyText,
  parseHistories,
  parseModel,
  selectLoglinear,
  type CaptureHistories,
  type LcmcrEstimate,
  type LoglinearResult,
  type StratifiedMethod,
} from '../estimate/index.js'
import type { Context } from './context.js'
import { historiesFromDatabase } from './linkage.js'

/** What to run. Defaults follow the R packages: LCMCR's K = 10, burn-in 10,000, thinning 100. */
export type EstimateMethod =
  | { method: 'loglinear'; model?: string; criterion?: 'aic' | 'bic'; level?: number }
  | { method: 'lcmcr'; seed?: number; iterations?: number; burnin?: number; thin?: number; classes?: number; chains?: number; level?: number }

/** The contract's JSON: method, observed, estimate, interval, level, and the method's details. */
export type EstimateReport =
  | {
      method: 'loglinear'
      lists: string[]
      observed: number
      estimate: number | null
      interval: [number, number] | null
      level: number
      model: string
      /** When the model cannot be fitted: why, instead of a number. */
      notEstimable: { reason: string; detail: string } | null
      se: number | null
      deviance: number | null
      df: number | null
      aic: number | null
      bic: number | null
      selection: SelectionSummary | null
      warnings: string[]
    }
  | {
      method: 'lcmcr'
      lists: string[]
      observed: number
      estimate: number
      mean: number
      interval: [number, number]
      level: number
      settings: LcmcrEstimate['settings']
      diagnostics: LcmcrEstimate['diagnostics']
      warnings: string[]
    }

interface SelectionSummary {
  criterion: string
  candidates: number
  closeRange: [number, number]
}

function loglinearReport(h: CaptureHistories, r: LoglinearResult, level: number, selection: SelectionSummary | null): EstimateReport {
  const base = { method: 'loglinear' as const, lists: [...h.lists], observed: h.observed, level, model: r.modelName, selection }
  if (r.kind === 'not_estimable') {
    return { ...base, estimate: null, interval: null, notEstimable: { reason: r.reason, detail: r.detail }, se: null, deviance: null, df: null, aic: null, bic: null, warnings: [] }
  }
  return {
    ...base,
    estimate: r.estimate,
    interval: [r.interval[0], r.interval[1]],
    notEstimable: null,
    se: r.se,
    deviance: r.deviance,
    df: r.df,
    aic: r.aic,
    bic: r.bic,
    warnings: [...r.warnings],
  }
}

/**
 * Runs one estimation over validated capture histories. Input problems throw TallyError
 * ('bad_input') naming the row and column; a model that cannot be fitted is reported as such.
 */
export function runEstimate(h: CaptureHistories, m: EstimateMethod): EstimateReport {
  try {
    switch (m.method) {
      case 'loglinear': {
        const level = m.level ?? 0.95
        if (m.model !== undefined) return loglinearReport(h, fitLoglinear(h, parseModel(m.model, h.lists), { level }), level, null)
        const s = selectLoglinear(h, { criterion: m.criterion ?? 'aic', level })
        return loglinearReport(h, s.best, level, { criterion: s.criterion, candidates: s.candidates.length, closeRange: [s.closeRange[0], s.closeRange[1]] })
      }
      case 'lcmcr': {
        const r = estimateLcmcr(h, lcmcrOptions(m))
        return {
          method: 'lcmcr',
          lists: [...r.lists],
          observed: r.observed,
          estimate: r.estimate,
          mean: r.mean,
          interval: [r.interval[0], r.interval[1]],
          level: r.level,
          settings: r.settings,
          diagnostics: r.diagnostics,
          warnings: [...r.warnings],
        }
      }
    }
  } catch (e) {
    if (e instanceof EstimateInputError) throw new TallyError('bad_input', e.message, e.issues.map((i) => ({ path: i.where, message: i.message })))
    throw e
  }
}

/** Reads a histories CSV (one 0/1 column per list, header = list name, plus `count`). */
export async function readHistoriesFile(file: string): Promise<CaptureHistories> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    throw new TallyError('bad_input', `cannot read ${file}`)
  }
  let cells: string[][]
  try {
    cells = parseCsv(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true }) as string[][]
  } catch (e) {
    throw new TallyError('bad_input', `${file}: not CSV: ${e instanceof Error ? e.message : String(e)}`)
  }
  const [header, ...rows] = cells
  if (!header) throw new TallyError('bad_input', `${file}: empty file`)
  try {
    return parseHistories({ header, rows })
  } catch (e) {
    if (e instanceof EstimateInputError) throw new TallyError('bad_input', `${file}: ${e.message}`, e.issues.map((i) => ({ path: `${file}: ${i.where}`, message: i.message })))
    throw e
  }
}

/** Validated histories from list names and history strings ("1010": first list first). */
export function historiesFromTable(lists: readonly string[], rows: readonly { history: string; count: number }[]): CaptureHistories {
  try {
    return historiesFromRows(lists, rows)
  } catch (e) {
    if (e instanceof EstimateInputError) throw new TallyError('bad_input', e.message, e.issues.map((i) => ({ path: `body.rows: ${i.where}`, message: i.message })))
    throw e
  }
}

/** The digest that identifies an estimation's input: lists and histories, canonical. */
export function historiesHash(h: CaptureHistories): string {
  const rows = Array.from(h.masks, (mask, i) => [historyText(mask, h.lists.length), h.counts[i]])
  return sha256Hex(canonicalJson({ lists: h.lists, rows }))
}

export interface StoredEstimate {
  id: number
  report: EstimateReport
  inputHash: string
}

/** Runs an estimate and stores the run (method, parameters, seed, input and its hash, result). */
export async function estimateAndStore(ctx: Context, h: CaptureHistories, m: EstimateMethod, stratify: string | null = null): Promise<StoredEstimate> {
  const report = runEstimate(h, m)
  const inputHash = historiesHash(h)
  const histories = Array.from(h.masks, (mask, i) => ({ history: historyText(mask, h.lists.length), count: h.counts[i] ?? 0 }))
  const id = await ctx.store.write(ctx.actor.name, (w) =>
    w.createEstimateRun({
      method: m.method,
      parameters: m,
      seed: m.method === 'lcmcr' ? (m.seed ?? 1) : null,
      inputHash,
      stratify,
      histories: { lists: [...h.lists], rows: histories },
      result: report,
    }),
  )
  return { id, report, inputHash }
}

export function listEstimates(ctx: Context, limit: number, cursor?: string) {
  return ctx.store.estimates.list({ limit, cursor })
}

export async function getEstimate(ctx: Context, id: number) {
  const e = await ctx.store.estimates.get(id)
  if (!e) throw new TallyError('not_found', `estimate ${id} does not exist`)
  return e
}

function whole(n: number): string {
  return Math.round(n).toLocaleString('en')
}

/** The report in a few plain sentences, for the terminal. */
export function describeEstimate(r: EstimateReport): string[] {
  const pct = `${Math.round(r.level * 100)}%`
  const lines = [`lists: ${r.lists.join(', ')}; people on at least one list: ${whole(r.observed)}`]
  switch (r.method) {
    case 'loglinear':
      if (r.estimate === null || r.interval === null) {
        lines.push(`log-linear model ${r.model}: no estimate — ${r.notEstimable?.detail ?? 'the model cannot be fitted'}`)
      } else {
        lines.push(`estimated total: ${whole(r.estimate)} (${pct} profile-likelihood interval ${whole(r.interval[0])} – ${whole(r.interval[1])}; SE ${whole(r.se ?? 0)})`)
        lines.push(`log-linear model ${r.model}: deviance ${r.deviance?.toFixed(2)} on ${r.df} df, AIC ${r.aic?.toFixed(2)}, BIC ${r.bic?.toFixed(2)}`)
        if (r.selection) lines.push(`selected by ${r.selection.criterion.toUpperCase()} among ${r.selection.candidates} models; models within 2 points estimate ${whole(r.selection.closeRange[0])} – ${whole(r.selection.closeRange[1])}`)
      }
      break
    case 'lcmcr':
      lines.push(`estimated total: ${whole(r.estimate)} (posterior median; ${pct} credible interval ${whole(r.interval[0])} – ${whole(r.interval[1])})`)
      lines.push(
        `LCMCR: K=${r.settings.classes}, ${r.settings.sweeps.toLocaleString('en')} sweeps per chain, ${r.settings.chains} chain(s), seed ${r.settings.seed}; ESS ${Math.round(r.diagnostics.ess)}, R-hat ${r.diagnostics.rhat.toFixed(3)}${r.diagnostics.mixed ? '' : ' — NOT MIXED: run longer before trusting this'}`,
      )
      break
  }
  for (const w of r.warnings) lines.push(`warning: ${w}`)
  return lines
}

/** A stratified estimate as stored and shown: each stratum and the sum with its interval. */
export interface StratifiedReport {
  method: 'lcmcr' | 'loglinear'
  stratify: string
  strata: { name: string; observed: number; estimate: number | null; interval: [number, number] | null; notEstimable: string | null; warnings: string[] }[]
  total: { estimate: number; interval: [number, number]; level: number; intervalMethod: string; observed: number; complete: boolean; excluded: string[] } | null
  warnings: string[]
}

/**
 * Estimates from the latest linkage run in the database, as a whole or by stratum (sex, place
 * of death, year of death), and stores the run.
 */
export async function estimateFromDatabase(
  ctx: Context,
  m: EstimateMethod,
  stratify: 'sex' | 'place' | 'year' | null,
): Promise<{ id: number; runId: number; report: EstimateReport | StratifiedReport }> {
  const db = await historiesFromDatabase(ctx, stratify)
  if (stratify === null) {
    const h = historiesFromTable(db.lists, db.strata[0]?.rows ?? [])
    const stored = await estimateAndStore(ctx, h, m, null)
    return { id: stored.id, runId: db.runId, report: stored.report }
  }
  const method: StratifiedMethod =
    m.method === 'lcmcr'
      ? { method: 'lcmcr', options: lcmcrOptions(m) }
      : { method: 'loglinear', criterion: m.criterion ?? 'aic', level: m.level ?? 0.95, ...(m.model === undefined ? {} : { model: parseModel(m.model, db.lists) }) }
  let result: ReturnType<typeof estimateStratified>
  try {
    result = estimateStratified(
      db.strata.map((s) => ({ name: s.stratum ?? 'unknown', lists: db.lists, rows: s.rows })),
      method,
    )
  } catch (e) {
    if (e instanceof EstimateInputError) throw new TallyError('bad_input', e.message)
    throw e
  }
  const report: StratifiedReport = {
    method: result.method,
    stratify,
    strata: result.strata.map((s) =>
      s.kind === 'estimate'
        ? { name: s.name, observed: s.observed, estimate: s.estimate, interval: [s.interval[0], s.interval[1]], notEstimable: null, warnings: [...s.warnings] }
        : { name: s.name, observed: s.observed, estimate: null, interval: null, notEstimable: s.reason, warnings: [] },
    ),
    total: result.total
      ? {
          estimate: result.total.estimate,
          interval: [result.total.interval[0], result.total.interval[1]],
          level: result.total.level,
          intervalMethod: result.total.intervalMethod,
          observed: result.total.observed,
          complete: result.total.complete,
          excluded: [...result.total.excluded],
        }
      : null,
    warnings: [...result.warnings],
  }
  const all = historiesFromTable(
    db.lists,
    mergeRows(db.strata.flatMap((s) => s.rows)),
  )
  const id = await ctx.store.write(ctx.actor.name, (w) =>
    w.createEstimateRun({
      method: m.method,
      parameters: m,
      seed: m.method === 'lcmcr' ? (m.seed ?? 1) : null,
      inputHash: sha256Hex(canonicalJson({ lists: db.lists, strata: db.strata })),
      stratify,
      histories: { lists: db.lists, strata: db.strata, linkageRun: db.runId, observed: all.observed },
      result: report,
    }),
  )
  return { id, runId: db.runId, report }
}

function mergeRows(rows: { history: string; count: number }[]): { history: string; count: number }[] {
  const m = new Map<string, number>()
  for (const r of rows) m.set(r.history, (m.get(r.history) ?? 0) + r.count)
  return [...m].map(([history, count]) => ({ history, count }))
}

function lcmcrOptions(m: EstimateMethod & { method: 'lcmcr' }) {
  const burnin = m.burnin ?? 10_000
  const thin = m.thin ?? 100
  const iterations = m.iterations ?? burnin + 1000 * thin
  if (iterations <= burnin) throw new TallyError('bad_input', `--iterations (${iterations}) must exceed --burnin (${burnin})`)
  return { classes: m.classes, burnin, thin, samples: Math.floor((iterations - burnin) / thin), seed: m.seed, chains: m.chains, level: m.level }
}

/** The three numbers, side by side, as Tally always reports them. */
export interface ThreeNumbers {
  /** Victims of incidents graded fair or better (sum of minimum counts), and of all not discounted. */
  victims: { documented: number; reported: number }
  /** Person records graded fair or better, and all not discounted. */
  personRecords: { documented: number; reported: number }
  /** Persons found on the casualty lists after the latest linkage (null before any linkage). */
  listed: { persons: number; linkageRun: number } | null
  /** The latest estimate of the total, documented or not, with its interval and method. */
  estimated: { estimate: number; interval: [number, number]; level: number; method: string; estimateRun: number; createdAt: string } | null
}

/**
 * Documented, reported and estimated, side by side (see docs/METHOD.md): what sources said and
 * reviewers checked, and the statistical estimate that includes the deaths no list recorded.
 */
export async function threeNumbers(ctx: Context): Promise<ThreeNumbers> {
  const [victims, persons, run] = await Promise.all([
    ctx.store.stats.incidents('victims', 'none', {}),
    ctx.store.stats.persons('none', {}),
    ctx.store.linkage.latestRun(),
  ])
  let estimated: ThreeNumbers['estimated'] = null
  // The newest stored run that gave a number.
  for (let cursor: string | undefined, newest: ThreeNumbers['estimated'] = null; ; ) {
    const page = await ctx.store.estimates.list({ limit: 500, cursor })
    for (const e of page.items) {
      const r = e.result as { estimate?: number | null; interval?: [number, number] | null; level?: number; total?: { estimate: number; interval: [number, number]; level: number } | null }
      const value = r.total ?? (typeof r.estimate === 'number' && r.interval ? { estimate: r.estimate, interval: r.interval, level: r.level ?? 0.95 } : null)
      if (value) newest = { ...value, method: e.method, estimateRun: e.id, createdAt: e.createdAt }
    }
    if (!page.nextCursor) {
      estimated = newest
      break
    }
    cursor = page.nextCursor
  }
  return {
    victims: { documented: victims?.totals.documented ?? 0, reported: victims?.totals.reported ?? 0 },
    personRecords: { documented: persons?.totals.documented ?? 0, reported: persons?.totals.reported ?? 0 },
    listed: run ? { persons: run.clusters, linkageRun: run.id } : null,
    estimated,
  }
}
