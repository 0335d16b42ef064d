// Log-linear models for multiple systems estimation (closed population), after Fienberg (1972)
// and the R package Rcapture (Baillargeon & Rivest 2007): the 2^J − 1 observed cells of the
// J-list contingency table are Poisson counts, log E[count] is linear in list effects and their
// interactions, and the unobserved cell (on no list) is extrapolated as exp(intercept).

import { CaptureHistories, EstimateInputError } from './histories.js'
import { PoissonWorkspace, cholesky } from './poisson.js'
import { logFactorial, logGamma, normalQuantile } from './special.js'

/** Log-linear estimation supports 2 to 8 lists (2^8 − 1 = 255 cells). */
export const MAX_LOGLINEAR_LISTS = 8

/** The heterogeneity forms of Rcapture's Mh/Mth models (Chao's lower bound, Poisson2, Darroch). */
export type HeterogeneityForm = 'chao' | 'poisson' | 'darroch'

/**
 * A log-linear model.
 * - `hierarchical`: all list main effects plus the given interactions and (hierarchy) all their
 *   sub-interactions. `interactions` are list bitmasks with at least two bits; [] is independence.
 * - `heterogeneity`: Rcapture's Mth (list effects, `listEffects: true`) or Mh (one common
 *   capture effect) with a term in the number of lists a person is on, which models people who
 *   are more or less "catchable" by every list alike.
 */
export type LoglinearModel =
  | { readonly kind: 'hierarchical'; readonly interactions: readonly number[] }
  | { readonly kind: 'heterogeneity'; readonly form: HeterogeneityForm; readonly listEffects: boolean }

/** Why a model gave no number. */
export type NotEstimableReason =
  /** An interaction's margin is empty: no one is on all of its lists together. */
  | 'zero_margin'
  /** More parameters than the data can separate (e.g. the J-way interaction with J lists). */
  | 'not_identifiable'
  /** The best fit lies on the edge of the parameter space (a fitted cell forced to 0 or ∞). */
  | 'boundary'
  /** The fitting iterations did not settle. */
  | 'no_convergence'

export interface Coefficient {
  /** "(intercept)", a list name, "A:B", or a heterogeneity term. */
  readonly term: string
  readonly value: number
  readonly se: number
}

/** A log-linear estimate of the total, with its profile-likelihood interval and fit statistics. */
export interface LoglinearEstimate {
  readonly kind: 'estimate'
  readonly method: 'loglinear'
  readonly model: LoglinearModel
  readonly modelName: string
  readonly lists: readonly string[]
  readonly observed: number
  /** Estimated number of people on no list, exp(intercept). */
  readonly unobserved: number
  /** Estimated total: observed + unobserved. */
  readonly estimate: number
  /** Standard error of the total: sqrt(f0 + f0²·var(intercept)) (Rcapture's formula). */
  readonly se: number
  /** Profile-likelihood interval for the total (Cormack 1992; Rcapture's profileCI). */
  readonly interval: readonly [number, number]
  readonly level: number
  readonly intervalMethod: 'profile-likelihood'
  readonly deviance: number
  /** Residual degrees of freedom: (2^J − 1) − parameters. 0 means the model is saturated. */
  readonly df: number
  readonly parameters: number
  readonly logLik: number
  readonly aic: number
  readonly bic: number
  readonly coefficients: readonly Coefficient[]
  readonly warnings: readonly string[]
}

export interface LoglinearNotEstimable {
  readonly kind: 'not_estimable'
  readonly method: 'loglinear'
  readonly model: LoglinearModel
  readonly modelName: string
  readonly reason: NotEstimableReason
  /** A sentence for the user, naming the lists involved. */
  readonly detail: string
}

export type LoglinearResult = LoglinearEstimate | LoglinearNotEstimable

export interface LoglinearOptions {
  /** Interval level, default 0.95. */
  readonly level?: number
  /** Compute the profile-likelihood interval (default true; selection turns it off for losers). */
  readonly interval?: boolean
}

// ---------------------------------------------------------------------------------------------
// Design matrices

interface Design {
  readonly names: string[]
  /** values[c * cells + mask] for mask in 0..2^J−1 (mask 0 is the unobserved cell). */
  readonly values: Float64Array
  readonly cols: number
  /** Columns that are Chao heterogeneity parameters (dropped when negative, as Rcapture does). */
  readonly chaoCols: number[]
}

function popcount(x: number): number {
  let c = 0
  while (x) {
    x &= x - 1
    c++
  }
  return c
}

function termName(mask: number, lists: readonly string[]): string {
  const parts: string[] = []
  for (let b = 0; b < lists.length; b++) if (mask & (1 << b)) parts.push(lists[b] as string)
  return parts.join(':')
}

/** All interaction masks (≥ 2 bits) implied by the generators, sorted by order then mask. */
function hierarchicalClosure(generators: readonly number[]): number[] {
  const set = new Set<number>()
  for (const g of generators) {
    // Enumerate the subsets of g with at least two bits.
    for (let s = g; s > 0; s = (s - 1) & g) if (popcount(s) >= 2) set.add(s)
  }
  return [...set].sort((a, b) => popcount(a) - popcount(b) || a - b)
}

/** The maximal terms of a closure: the generating class that names a hierarchical model. */
function generatingClass(terms: readonly number[]): number[] {
  return terms.filter((t) => !terms.some((u) => u !== t && (u & t) === t))
}

/**
 * A readable name for a model: "independence", "A:B + B:C", "Mth Chao".
 *
 * @example modelName({ kind: 'hierarchical', interactions: [0b011] }, ['A', 'B', 'C']) // 'A:B'
 */
export function modelName(model: LoglinearModel, lists: readonly string[]): string {
  switch (model.kind) {
    case 'hierarchical': {
      const gens = generatingClass(hierarchicalClosure(model.interactions))
      return gens.length === 0 ? 'independence' : gens.map((g) => termName(g, lists)).join(' + ')
    }
    case 'heterogeneity': {
      const form = model.form === 'chao' ? 'Chao' : model.form === 'poisson' ? 'Poisson2' : 'Darroch'
      return `${model.listEffects ? 'Mth' : 'Mh'} ${form}`
    }
  }
}

function buildDesign(j: number, lists: readonly string[], model: LoglinearModel): Design {
  const cells = 1 << j
  const names: string[] = ['(intercept)']
  const colFns: ((mask: number) => number)[] = [() => 1]
  const chaoCols: number[] = []
  const addTerm = (t: number, name: string): void => {
    names.push(name)
    colFns.push((mask) => ((mask & t) === t ? 1 : 0))
  }
  switch (model.kind) {
    case 'hierarchical':
      for (let b = 0; b < j; b++) addTerm(1 << b, lists[b] as string)
      for (const t of hierarchicalClosure(model.interactions)) addTerm(t, termName(t, lists))
      break
    case 'heterogeneity':
      if (model.listEffects) for (let b = 0; b < j; b++) addTerm(1 << b, lists[b] as string)
      else {
        names.push('captures')
        colFns.push((mask) => popcount(mask))
      }
      switch (model.form) {
        case 'chao':
          // Chao's lower-bound model: one parameter per capture count from 3 up (Rcapture).
          for (let k = 3; k <= j; k++) {
            chaoCols.push(names.length)
            names.push(`eta${k}`)
            colFns.push((mask) => Math.max(popcount(mask) - k + 1, 0))
          }
          break
        case 'poisson':
          names.push('tau')
          colFns.push((mask) => 2 ** popcount(mask) - 1)
          break
        case 'darroch':
          names.push('tau')
          colFns.push((mask) => popcount(mask) ** 2 / 2)
          break
      }
      break
  }
  const cols = names.length
  const values = new Float64Array(cols * cells)
  for (let c = 0; c < cols; c++) {
    const f = colFns[c] as (mask: number) => number
    for (let m = 0; m < cells; m++) values[c * cells + m] = f(m)
  }
  return { names, values, cols, chaoCols }
}

/** Copies the design for the given columns into ws.x: rows = masks 1..2^J−1, plus mask 0 if `augmented`. */
function loadDesign(ws: PoissonWorkspace, d: Design, colIdx: readonly number[], cells: number, augmented: boolean): number {
  const p = colIdx.length
  const rows = augmented ? cells : cells - 1
  for (let r = 0; r < rows; r++) {
    const mask = r < cells - 1 ? r + 1 : 0
    for (let c = 0; c < p; c++) ws.x[r * p + c] = d.values[(colIdx[c] as number) * cells + mask]!
  }
  return rows
}

function denseCounts(h: CaptureHistories, cells: number): Float64Array {
  const y = new Float64Array(cells)
  for (let i = 0; i < h.masks.length; i++) y[h.masks[i]!] = h.counts[i]!
  return y
}

function checkLists(h: CaptureHistories): void {
  if (h.lists.length > MAX_LOGLINEAR_LISTS) {
    throw new EstimateInputError('too_many_lists', [
      { where: 'lists', message: `${h.lists.length} lists given; log-linear models support at most ${MAX_LOGLINEAR_LISTS} (use the latent-class model, or merge lists)` },
    ])
  }
}

function checkModel(model: LoglinearModel, j: number): void {
  if (model.kind !== 'hierarchical') return
  const full = (1 << j) - 1
  for (const t of model.interactions) {
    if (!Number.isInteger(t) || t <= 0 || (t & ~full) !== 0 || popcount(t) < 2) {
      throw new EstimateInputError('bad_model', [{ where: 'model', message: `interaction mask ${t} is not a set of at least two of the ${j} lists` }])
    }
  }
}

/** True when X'X of the observed rows is of full rank (else the model is not identifiable). */
function identifiable(d: Design, colIdx: readonly number[], cells: number): boolean {
  const p = colIdx.length
  if (p > cells - 1) return false
  const a = new Float64Array(p * p)
  for (let m = 1; m < cells; m++) {
    for (let i = 0; i < p; i++) {
      const xi = d.values[(colIdx[i] as number) * cells + m]!
      if (xi === 0) continue
      for (let k = 0; k <= i; k++) a[i * p + k] = a[i * p + k]! + xi * d.values[(colIdx[k] as number) * cells + m]!
    }
  }
  return cholesky(a, p, 1e-9)
}

/** Largest |coefficient| we accept before calling the fit a boundary solution (e^30 ≈ 1e13). */
const BOUNDARY_COEF = 30

// ---------------------------------------------------------------------------------------------
// Fitting one model

/**
 * Fits one log-linear model and estimates the total with its standard error and a
 * profile-likelihood interval. Models that cannot be fitted return `kind: 'not_estimable'` with
 * the reason; bad input (more than 8 lists, malformed interactions) throws EstimateInputError.
 *
 * @example
 * const h = historiesFromRows(['A', 'B', 'C'], rows)
 * const r = fitLoglinear(h, { kind: 'hierarchical', interactions: [0b011] }) // A:B
 * if (r.kind === 'estimate') console.log(r.estimate, r.interval)
 */
export function fitLoglinear(h: CaptureHistories, model: LoglinearModel, options: LoglinearOptions = {}): LoglinearResult {
  checkLists(h)
  const j = h.lists.length
  checkModel(model, j)
  const level = options.level ?? 0.95
  if (!(level > 0 && level < 1)) throw new EstimateInputError('bad_option', [{ where: 'level', message: `interval level ${level} is not between 0 and 1` }])
  const cells = 1 << j
  const name = modelName(model, h.lists)
  const fail = (reason: NotEstimableReason, detail: string): LoglinearNotEstimable => ({ kind: 'not_estimable', method: 'loglinear', model, modelName: name, reason, detail })
  const y = denseCounts(h, cells)

  if (model.kind === 'hierarchical') {
    for (const t of hierarchicalClosure(model.interactions)) {
      let margin = 0
      for (let m = 1; m < cells; m++) if ((m & t) === t) margin += y[m]!
      if (margin === 0) {
        return fail('zero_margin', `no one is on ${termName(t, h.lists).split(':').join(' and ')} together, so the ${termName(t, h.lists)} interaction cannot be estimated`)
      }
    }
  } else if (j < 3) {
    return fail('not_identifiable', `${name} needs at least 3 lists; with 2 lists heterogeneity cannot be told apart from dependence`)
  }

  const design = buildDesign(j, h.lists, model)
  let colIdx = design.names.map((_, i) => i)
  if (!identifiable(design, colIdx, cells)) {
    return fail(
      'not_identifiable',
      colIdx.length > cells - 1
        ? `${name} has ${colIdx.length} parameters but only ${cells - 1} observable cells: its highest interaction cannot be separated from the number unobserved`
        : `${name} has parameters the data cannot separate`,
    )
  }

  const ws = new PoissonWorkspace(cells, colIdx.length)
  const warnings: string[] = []
  let status = fitColumns(ws, design, colIdx, cells, y)
  // Rcapture sets negative Chao eta parameters to zero (they would make the bound not a bound).
  while (status === 'converged' && design.chaoCols.length > 0) {
    const negative = colIdx.findIndex((c, i) => design.chaoCols.includes(c) && ws.beta[i]! < 0)
    if (negative < 0) break
    warnings.push(`${design.names[colIdx[negative] as number]} was negative and is set to 0 (as Rcapture does)`)
    colIdx = colIdx.filter((_, i) => i !== negative)
    status = fitColumns(ws, design, colIdx, cells, y)
  }
  if (status === 'singular') return fail('boundary', `${name}: the fit reached the edge of the parameter space (a fitted cell went to zero)`)
  if (status === 'no_convergence') return fail('no_convergence', `${name}: the fitting iterations did not converge`)
  const p = colIdx.length
  for (let c = 0; c < p; c++) {
    if (Math.abs(ws.beta[c]!) > BOUNDARY_COEF) {
      return fail('boundary', `${name}: the ${design.names[colIdx[c] as number]} parameter runs off to infinity (boundary solution); the estimate would be meaningless`)
    }
  }

  const rows = cells - 1
  const beta0 = ws.beta[0]!
  const f0 = Math.exp(beta0)
  const deviance = ws.deviance
  const logLik = ws.logLik(rows)
  const variances = new Float64Array(p)
  if (!ws.covarianceDiagonal(rows, p, variances)) return fail('boundary', `${name}: the information matrix is singular at the fit`)
  const coefficients: Coefficient[] = colIdx.map((c, i) => ({ term: design.names[c] as string, value: ws.beta[i]!, se: Math.sqrt(variances[i]!) }))
  const se = Math.sqrt(f0 + f0 * f0 * variances[0]!)
  const df = rows - p
  const aic = -2 * logLik + 2 * p
  const bic = -2 * logLik + Math.log(h.observed) * p
  const estimate = h.observed + f0

  let interval: [number, number] = [NaN, NaN]
  if (options.interval !== false) {
    const betaHat = Float64Array.from(ws.beta.subarray(0, p))
    const prof = profileInterval(ws, design, colIdx, cells, y, h.observed, f0, se, level, betaHat)
    interval = [prof.lower, prof.upper]
    warnings.push(...prof.warnings)
  }
  if (df === 0) warnings.push('the model is saturated (0 degrees of freedom): it fits the observed table exactly, so its fit cannot be checked')
  if (se > estimate) warnings.push('the standard error exceeds the estimate: the data say little about the number unobserved under this model')
  if (f0 > 20 * h.observed) warnings.push('the estimated unobserved count is more than 20 times the observed: treat with great caution')

  return {
    kind: 'estimate',
    method: 'loglinear',
    model,
    modelName: name,
    lists: h.lists,
    observed: h.observed,
    unobserved: f0,
    estimate,
    se,
    interval,
    level,
    intervalMethod: 'profile-likelihood',
    deviance,
    df,
    parameters: p,
    logLik,
    aic,
    bic,
    coefficients,
    warnings,
  }
}

function fitColumns(ws: PoissonWorkspace, d: Design, colIdx: readonly number[], cells: number, y: Float64Array): ReturnType<PoissonWorkspace['fit']> {
  const rows = loadDesign(ws, d, colIdx, cells, false)
  for (let r = 0; r < rows; r++) ws.y[r] = y[r + 1]!
  return ws.fit(rows, colIdx.length)
}

// ---------------------------------------------------------------------------------------------
// Profile likelihood interval

interface Profile {
  lower: number
  upper: number
  warnings: string[]
}

/**
 * Cormack's (1992) profile-likelihood interval, as Rcapture's profileCI: for a trial number
 * unobserved n0, refit the model on the complete table (unobserved cell = n0) and take the
 * multinomial profile log-likelihood −D(n0)/2 + log N! − log n0! − N log N + n0 log n0
 * (N = n + n0). The interval is where it lies within χ²₁(level)/2 of its maximum. Rcapture uses a
 * grid with Stirling's approximation; we solve for the ends directly with exact log-factorials.
 */
function profileInterval(
  ws: PoissonWorkspace,
  d: Design,
  colIdx: readonly number[],
  cells: number,
  y: Float64Array,
  n: number,
  f0: number,
  se: number,
  level: number,
  betaHat: Float64Array,
): Profile {
  const p = colIdx.length
  const rows = loadDesign(ws, d, colIdx, cells, true)
  for (let r = 0; r < rows - 1; r++) ws.y[r] = y[r + 1]!
  const last = rows - 1
  const warnings: string[] = []
  const resetStart = (): void => {
    ws.beta.set(betaHat)
  }
  const ll = (n0: number): number => {
    ws.y[last] = n0
    resetStart()
    let status = ws.fit(rows, p, 'beta')
    if (status !== 'converged') status = ws.fit(rows, p, 'cold')
    if (status !== 'converged') return NaN
    const total = n + n0
    return -ws.deviance / 2 + logGamma(total + 1) - logGamma(n0 + 1) - total * Math.log(total) + (n0 > 0 ? n0 * Math.log(n0) : 0)
  }
  // Maximise over n0 (unimodal) by golden-section search around the Poisson estimate.
  const spread = Math.max(se, Math.sqrt(f0 + 1), 1)
  let a = Math.max(0, f0 - 5 * spread)
  let b = f0 + 5 * spread
  const g = (Math.sqrt(5) - 1) / 2
  let c = b - g * (b - a)
  let e = a + g * (b - a)
  let fc = ll(c)
  let fe = ll(e)
  for (let it = 0; it < 80 && b - a > 1e-6 * Math.max(1, f0); it++) {
    if (fc > fe) {
      b = e
      e = c
      fe = fc
      c = b - g * (b - a)
      fc = ll(c)
    } else {
      a = c
      c = e
      fc = fe
      e = a + g * (b - a)
      fe = ll(e)
    }
  }
  const n0max = (a + b) / 2
  const lmax = ll(n0max)
  const z = normalQuantile(1 - (1 - level) / 2)
  const threshold = lmax - (z * z) / 2
  if (!Number.isFinite(lmax)) return { lower: NaN, upper: NaN, warnings: ['the profile likelihood could not be computed'] }

  const solve = (lo: number, hi: number, loAbove: boolean): number => {
    // Bisection on the sign of ll − threshold; loAbove says which end is inside the interval.
    for (let it = 0; it < 100 && hi - lo > 1e-7 * Math.max(1, hi); it++) {
      const mid = (lo + hi) / 2
      const inside = ll(mid) >= threshold
      if (inside === loAbove) lo = mid
      else hi = mid
    }
    return (lo + hi) / 2
  }
  let lower: number
  if (ll(0) >= threshold) lower = n
  else lower = n + solve(0, n0max, false)
  let step = Math.max(spread, 1)
  let inside = n0max
  let outside = n0max + step
  let upper: number
  for (;;) {
    const v = ll(outside)
    if (!(v >= threshold)) break
    inside = outside
    step *= 2
    outside = n0max + step
    if (outside > 1e12) break
  }
  if (outside > 1e12) {
    upper = Infinity
    warnings.push('the profile likelihood does not fall off: the interval has no finite upper end')
  } else upper = n + solve(inside, outside, true)
  return { lower, upper, warnings }
}

// ---------------------------------------------------------------------------------------------
// Model specifications

/**
 * Parses a model given as list interactions, e.g. "A:B,B:C" (list names from the header);
 * "" or "independence" is the independence model. Unknown names throw EstimateInputError.
 *
 * @example parseModel('A:B, B:C', ['A', 'B', 'C']) // { kind: 'hierarchical', interactions: [3, 6] }
 */
export function parseModel(spec: string, lists: readonly string[]): LoglinearModel {
  const text = spec.trim()
  if (text === '' || text.toLowerCase() === 'independence') return { kind: 'hierarchical', interactions: [] }
  const interactions: number[] = []
  for (const raw of text.split(/[,+]/)) {
    const term = raw.trim()
    if (term === '') continue
    let mask = 0
    for (const part of term.split(':')) {
      const name = part.trim()
      const idx = lists.indexOf(name)
      if (idx < 0) {
        throw new EstimateInputError('bad_model', [{ where: `model term '${term}'`, message: `unknown list '${name}' (lists: ${lists.join(', ')})` }])
      }
      if (mask & (1 << idx)) throw new EstimateInputError('bad_model', [{ where: `model term '${term}'`, message: `list '${name}' appears twice` }])
      mask |= 1 << idx
    }
    if (popcount(mask) >= 2) interactions.push(mask)
  }
  return { kind: 'hierarchical', interactions }
}

// ---------------------------------------------------------------------------------------------
// Model selection

export type Criterion = 'aic' | 'bic'

/** One fitted candidate in a model search. */
export interface CandidateSummary {
  readonly modelName: string
  readonly model: LoglinearModel
  readonly estimate: number
  readonly deviance: number
  readonly df: number
  readonly parameters: number
  readonly aic: number
  readonly bic: number
}

export interface SelectionOptions {
  readonly criterion?: Criterion
  readonly level?: number
  /** 'exhaustive' fits every hierarchical model (≤ 5 lists); 'stepwise' searches greedily. */
  readonly search?: 'auto' | 'exhaustive' | 'stepwise'
}

export interface LoglinearSelection {
  readonly criterion: Criterion
  readonly search: 'exhaustive' | 'stepwise'
  /** The selected model, fitted with its interval; not_estimable when no candidate could be fitted. */
  readonly best: LoglinearResult
  /** Estimable candidates, best first. */
  readonly candidates: readonly CandidateSummary[]
  /** Number of candidates that could not be fitted, by reason. */
  readonly failures: Readonly<Record<NotEstimableReason, number>>
  /** Range of the estimates of candidates within 2 criterion points of the best (model uncertainty). */
  readonly closeRange: readonly [number, number]
  readonly warnings: readonly string[]
}

/** Result of a quick fit inside a search: just what ranking needs. */
type Quick = { ok: true; summary: CandidateSummary } | { ok: false; reason: NotEstimableReason }

class QuickFitter {
  private readonly ws: PoissonWorkspace
  private readonly cells: number
  private readonly y: Float64Array
  private readonly logN: number
  private readonly sumLogFactY: number
  private warm = false

  constructor(
    private readonly h: CaptureHistories,
    private readonly criterion: Criterion,
  ) {
    const j = h.lists.length
    this.cells = 1 << j
    this.ws = new PoissonWorkspace(this.cells, this.cells)
    this.y = denseCounts(h, this.cells)
    this.logN = Math.log(h.observed)
    let s = 0
    for (let m = 1; m < this.cells; m++) s += logFactorial(this.y[m]!)
    this.sumLogFactY = s
  }

  /** Fits the hierarchical model whose terms (main effects and interactions) are `terms`. */
  fit(interactions: readonly number[]): Quick {
    const { cells, ws, y, h } = this
    const j = h.lists.length
    const terms: number[] = [0]
    for (let b = 0; b < j; b++) terms.push(1 << b)
    for (const t of interactions) {
      let margin = 0
      for (let m = t; m < cells; m = (m + 1) | t) margin += y[m]!
      if (margin === 0) return { ok: false, reason: 'zero_margin' }
      terms.push(t)
    }
    const p = terms.length
    const rows = cells - 1
    if (p > rows) return { ok: false, reason: 'not_identifiable' }
    const x = ws.x
    for (let r = 0; r < rows; r++) {
      const mask = r + 1
      for (let c = 0; c < p; c++) {
        const t = terms[c]!
        x[r * p + c] = (mask & t) === t ? 1 : 0
      }
      ws.y[r] = y[mask]!
    }
    // No rank check needed: the cell-by-term incidence matrix of all 2^J terms is invertible
    // (the zeta matrix of the subset lattice), and deleting the unobserved cell's row leaves a
    // single dependency, Σ_t (−1)^|t| column_t = 0, which involves the J-way term. So every
    // hierarchical model without the J-way term is identifiable.
    // Start from the previous model's fitted means: neighbouring models in the search differ by
    // one term, so this saves iterations; fall back to the usual cold start if it fails.
    let status = this.warm ? ws.fit(rows, p, 'mu') : ws.fit(rows, p, 'cold')
    if (status !== 'converged' && this.warm) status = ws.fit(rows, p, 'cold')
    this.warm = status === 'converged'
    if (status === 'singular') return { ok: false, reason: 'boundary' }
    if (status === 'no_convergence') return { ok: false, reason: 'no_convergence' }
    for (let c = 0; c < p; c++) if (Math.abs(ws.beta[c]!) > BOUNDARY_COEF) return { ok: false, reason: 'boundary' }
    let ll = -this.sumLogFactY
    for (let r = 0; r < rows; r++) {
      const yr = ws.y[r]!
      const m = ws.mu[r]!
      ll += (yr > 0 ? yr * Math.log(m) : 0) - m
    }
    const model: LoglinearModel = { kind: 'hierarchical', interactions: generatingClass(interactions) }
    return {
      ok: true,
      summary: {
        modelName: modelName(model, h.lists),
        model,
        estimate: h.observed + Math.exp(ws.beta[0]!),
        deviance: ws.deviance,
        df: rows - p,
        parameters: p,
        aic: -2 * ll + 2 * p,
        bic: -2 * ll + this.logN * p,
      },
    }
  }

  score(s: CandidateSummary): number {
    return this.criterion === 'aic' ? s.aic : s.bic
  }
}

/**
 * Visits every hierarchical model of J lists (all main effects; any down-closed set of
 * interactions except the J-way one, which is never identifiable from 2^J − 1 cells).
 * `visit` receives the included interaction masks (shared array: copy to keep).
 * Counts: 3 lists → 8 models, 4 → 113, 5 → 6,893.
 *
 * @example
 * let n = 0
 * forEachHierarchicalModel(4, () => n++) // n === 113
 */
export function forEachHierarchicalModel(j: number, visit: (interactions: readonly number[]) => void): void {
  const full = (1 << j) - 1
  const candidates: number[] = []
  for (let m = 1; m < full; m++) if (popcount(m) >= 2) candidates.push(m)
  candidates.sort((a, b) => popcount(a) - popcount(b) || a - b)
  const included = new Uint8Array(full + 1)
  const chosen: number[] = []
  const rec = (i: number): void => {
    if (i === candidates.length) {
      visit(chosen)
      return
    }
    const t = candidates[i]!
    rec(i + 1)
    // Hierarchy: t may enter only if every sub-interaction one list smaller is already in.
    let ok = true
    if (popcount(t) > 2) {
      for (let b = t; b > 0; b &= b - 1) {
        const sub = t & ~(b & -b)
        if (!included[sub]) {
          ok = false
          break
        }
      }
    }
    if (ok) {
      included[t] = 1
      chosen.push(t)
      rec(i + 1)
      chosen.pop()
      included[t] = 0
    }
  }
  rec(0)
}

/**
 * Selects a hierarchical log-linear model by AIC or BIC and estimates the total with it.
 * With up to 5 lists every hierarchical model is fitted (6,893 for 5 lists); with 6 to 8 lists
 * a stepwise search (add or drop one interaction at a time, from independence) is used, since
 * exhaustive search is out of reach (7.8 million models for 6 lists).
 *
 * @example
 * const sel = selectLoglinear(h, { criterion: 'bic' })
 * if (sel.best.kind === 'estimate') console.log(sel.best.modelName, sel.best.estimate, sel.closeRange)
 */
export function selectLoglinear(h: CaptureHistories, options: SelectionOptions = {}): LoglinearSelection {
  checkLists(h)
  const criterion = options.criterion ?? 'aic'
  const j = h.lists.length
  const requested = options.search ?? 'auto'
  if (requested === 'exhaustive' && j > 5) {
    throw new EstimateInputError('bad_option', [{ where: 'search', message: `exhaustive search is limited to 5 lists (${j} given): use stepwise` }])
  }
  const search: 'exhaustive' | 'stepwise' = requested === 'auto' ? (j <= 5 ? 'exhaustive' : 'stepwise') : requested
  const fitter = new QuickFitter(h, criterion)
  const failures: Record<NotEstimableReason, number> = { zero_margin: 0, not_identifiable: 0, boundary: 0, no_convergence: 0 }
  const candidates: CandidateSummary[] = []
  const record = (q: Quick): CandidateSummary | undefined => {
    if (q.ok) {
      candidates.push(q.summary)
      return q.summary
    }
    failures[q.reason] += 1
    return undefined
  }

  if (search === 'exhaustive') {
    forEachHierarchicalModel(j, (interactions) => {
      record(fitter.fit(interactions))
    })
  } else {
    stepwise(j, fitter, record)
  }
  candidates.sort((a, b) => fitter.score(a) - fitter.score(b))
  const top = candidates[0]
  const warnings: string[] = []
  if (top === undefined) {
    const model: LoglinearModel = { kind: 'hierarchical', interactions: [] }
    return {
      criterion,
      search,
      best: { kind: 'not_estimable', method: 'loglinear', model, modelName: 'independence', reason: 'boundary', detail: 'no hierarchical model could be fitted to these data' },
      candidates,
      failures,
      closeRange: [NaN, NaN],
      warnings: ['no candidate model could be fitted'],
    }
  }
  const best = fitLoglinear(h, top.model, { level: options.level ?? 0.95 })
  const bestScore = fitter.score(top)
  // The selected model's own (fully fitted) estimate is always inside the range.
  let lo = best.kind === 'estimate' ? best.estimate : Infinity
  let hi = best.kind === 'estimate' ? best.estimate : -Infinity
  for (const c of candidates) {
    if (fitter.score(c) - bestScore > 2) break
    lo = Math.min(lo, c.estimate)
    hi = Math.max(hi, c.estimate)
  }
  if (hi > 1.25 * lo) {
    warnings.push(
      `models almost as good as the selected one (within 2 ${criterion.toUpperCase()} points) give estimates from ${Math.round(lo)} to ${Math.round(hi)}: the choice of model matters more than the interval shows`,
    )
  }
  return { criterion, search, best, candidates, failures, closeRange: [lo, hi], warnings }
}

function stepwise(j: number, fitter: QuickFitter, record: (q: Quick) => CandidateSummary | undefined): void {
  const full = (1 << j) - 1
  let current: number[] = []
  const start = record(fitter.fit(current))
  let currentScore = start ? fitter.score(start) : Infinity
  const seen = new Set<string>([''])
  for (let step = 0; step < 200; step++) {
    const set = new Set(current)
    const moves: number[][] = []
    for (let t = 1; t < full; t++) {
      if (popcount(t) < 2 || set.has(t)) continue
      let ok = true
      if (popcount(t) > 2) for (let b = t; b > 0; b &= b - 1) if (!set.has(t & ~(b & -b))) ok = false
      if (ok) moves.push([...current, t])
    }
    for (const t of current) {
      if (!current.some((u) => u !== t && (u & t) === t)) moves.push(current.filter((u) => u !== t))
    }
    let bestMove: number[] | undefined
    let bestScore = currentScore
    for (const m of moves) {
      const key = [...m].sort((a, b) => a - b).join(',')
      if (seen.has(key)) continue
      seen.add(key)
      const s = record(fitter.fit(m))
      if (s && fitter.score(s) < bestScore - 1e-9) {
        bestScore = fitter.score(s)
        bestMove = m
      }
    }
    if (!bestMove) return
    current = bestMove
    currentScore = bestScore
  }
}
