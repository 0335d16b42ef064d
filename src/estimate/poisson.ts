// Poisson regression with a log link, fitted by iteratively reweighted least squares (Newton's
// method for the canonical link), written by hand on flat typed arrays so that thousands of
// candidate models can be fitted in well under a second. A workspace is reused across fits:
// nothing is allocated per iteration.

import { logFactorial } from './special.js'

/** Outcome of one Poisson fit. Arrays belong to the workspace: copy what you keep. */
export type PoissonFitStatus = 'converged' | 'singular' | 'no_convergence'

/**
 * Reusable buffers for Poisson fits with up to `maxRows` observations and `maxCols` columns.
 *
 * @example
 * const ws = new PoissonWorkspace(16, 16)
 * // fill ws.x (row-major rows × cols) and ws.y, then:
 * const status = ws.fit(rows, cols)
 */
export class PoissonWorkspace {
  readonly maxRows: number
  readonly maxCols: number
  /** Design, row-major: x[r * cols + c]. */
  readonly x: Float64Array
  /** Response counts. */
  readonly y: Float64Array
  /** Coefficients after a fit; also the warm start when `fit(..., true)`. */
  readonly beta: Float64Array
  /** Fitted means. */
  readonly mu: Float64Array
  readonly eta: Float64Array
  /** X'WX, then its Cholesky factor (lower, row-major). */
  readonly a: Float64Array
  readonly rhs: Float64Array
  private readonly tmp: Float64Array
  deviance = NaN
  iterations = 0

  constructor(maxRows: number, maxCols: number) {
    this.maxRows = maxRows
    this.maxCols = maxCols
    this.x = new Float64Array(maxRows * maxCols)
    this.y = new Float64Array(maxRows)
    this.beta = new Float64Array(maxCols)
    this.mu = new Float64Array(maxRows)
    this.eta = new Float64Array(maxRows)
    this.a = new Float64Array(maxCols * maxCols)
    this.rhs = new Float64Array(maxCols)
    this.tmp = new Float64Array(maxCols)
  }

  /**
   * Fits log E[y] = Xβ by IRLS. Starts from μ = y + 0.1 (as R's glm) with start 'cold'; from the
   * current beta with 'beta'; from the current fitted means with 'mu' (a neighbouring model's fit,
   * which saves iterations in a model search). Convergence: relative change in deviance < 1e-10.
   */
  fit(rows: number, cols: number, start: 'cold' | 'beta' | 'mu' = 'cold', maxIter = 100): PoissonFitStatus {
    const { x, y, mu, eta, beta } = this
    const warm = start === 'beta'
    if (start === 'beta') {
      this.linearPredictor(rows, cols)
    } else if (start === 'mu') {
      for (let r = 0; r < rows; r++) {
        if (!(mu[r]! > 0 && mu[r]! < Infinity)) mu[r] = y[r]! + 0.1
        eta[r] = Math.log(mu[r]!)
      }
    } else {
      for (let r = 0; r < rows; r++) {
        mu[r] = y[r]! + 0.1
        eta[r] = Math.log(mu[r]!)
      }
    }
    let devOld = warm ? this.computeDeviance(rows) : Infinity
    for (let it = 1; it <= maxIter; it++) {
      this.iterations = it
      // Normal equations of the weighted least squares step: (X'WX) β = X'W z, z = η + (y − μ)/μ.
      const a = this.a
      const rhs = this.rhs
      a.fill(0, 0, cols * cols)
      rhs.fill(0, 0, cols)
      for (let r = 0; r < rows; r++) {
        const w = mu[r]!
        const wz = w * eta[r]! + (y[r]! - w)
        const off = r * cols
        for (let i = 0; i < cols; i++) {
          const xi = x[off + i]!
          if (xi === 0) continue
          const wxi = w * xi
          rhs[i] = rhs[i]! + xi * wz
          const ai = i * cols
          for (let j = 0; j <= i; j++) {
            const xj = x[off + j]!
            if (xj !== 0) a[ai + j] = a[ai + j]! + wxi * xj
          }
        }
      }
      if (!cholesky(a, cols, 1e-13)) return 'singular'
      choleskySolve(a, cols, rhs, beta)
      this.linearPredictor(rows, cols)
      const dev = this.computeDeviance(rows)
      if (!Number.isFinite(dev)) return 'no_convergence'
      if (Math.abs(dev - devOld) / (Math.abs(dev) + 0.1) < 1e-10) {
        this.deviance = dev
        return 'converged'
      }
      devOld = dev
    }
    this.deviance = devOld
    return 'no_convergence'
  }

  private linearPredictor(rows: number, cols: number): void {
    const { x, beta, eta, mu } = this
    for (let r = 0; r < rows; r++) {
      let s = 0
      const off = r * cols
      for (let c = 0; c < cols; c++) s += x[off + c]! * beta[c]!
      eta[r] = s
      mu[r] = Math.exp(s)
    }
  }

  private computeDeviance(rows: number): number {
    const { y, mu } = this
    let d = 0
    for (let r = 0; r < rows; r++) {
      const yr = y[r]!
      const m = mu[r]!
      d += yr > 0 ? yr * Math.log(yr / m) - (yr - m) : m
    }
    return 2 * d
  }

  /** Poisson log-likelihood at the current fit (with the log y! terms, as R's glm AIC). */
  logLik(rows: number): number {
    let ll = 0
    for (let r = 0; r < rows; r++) {
      const yr = this.y[r]!
      const m = this.mu[r]!
      ll += (yr > 0 ? yr * Math.log(m) : 0) - m - logFactorial(yr)
    }
    return ll
  }

  /**
   * Diagonal of (X'WX)⁻¹ at the current fit (the coefficients' variances), into out[0..cols).
   * Returns false when X'WX is singular.
   */
  covarianceDiagonal(rows: number, cols: number, out: Float64Array): boolean {
    const { x, mu, a, tmp, rhs } = this
    a.fill(0, 0, cols * cols)
    for (let r = 0; r < rows; r++) {
      const w = mu[r]!
      const off = r * cols
      for (let i = 0; i < cols; i++) {
        const xi = x[off + i]!
        if (xi === 0) continue
        const ai = i * cols
        for (let j = 0; j <= i; j++) a[ai + j] = a[ai + j]! + w * xi * x[off + j]!
      }
    }
    if (!cholesky(a, cols, 1e-13)) return false
    for (let c = 0; c < cols; c++) {
      rhs.fill(0, 0, cols)
      rhs[c] = 1
      choleskySolve(a, cols, rhs, tmp)
      out[c] = tmp[c]!
    }
    return true
  }
}

/**
 * In-place Cholesky factorisation of the symmetric matrix whose lower triangle is in a (row-major
 * n×n). Fails (returns false) when a pivot is not positive relative to the diagonal, i.e. the
 * matrix is singular to working precision: that is how non-identifiable models are detected.
 */
export function cholesky(a: Float64Array, n: number, relTol: number): boolean {
  let maxDiag = 0
  for (let i = 0; i < n; i++) maxDiag = Math.max(maxDiag, Math.abs(a[i * n + i]!))
  const tol = relTol * maxDiag
  for (let j = 0; j < n; j++) {
    const jj = j * n
    let d = a[jj + j]!
    for (let k = 0; k < j; k++) d -= a[jj + k]! * a[jj + k]!
    if (!(d > tol)) return false
    const ljj = Math.sqrt(d)
    a[jj + j] = ljj
    for (let i = j + 1; i < n; i++) {
      const ii = i * n
      let s = a[ii + j]!
      for (let k = 0; k < j; k++) s -= a[ii + k]! * a[jj + k]!
      a[ii + j] = s / ljj
    }
  }
  return true
}

/** Solves L L' out = b given the factor from `cholesky`. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array, out: Float64Array): void {
  for (let i = 0; i < n; i++) {
    let s = b[i]!
    const ii = i * n
    for (let k = 0; k < i; k++) s -= l[ii + k]! * out[k]!
    out[i] = s / l[ii + i]!
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = out[i]!
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * out[k]!
    out[i] = s / l[i * n + i]!
  }
}
