// Special functions the estimators need. Written here because src/estimate/ is pure (no npm
// packages) and JavaScript's Math has no log-gamma or normal quantile.

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI)

/**
 * log Γ(x) for x > 0, accurate to about 1e-13 absolute: shift x up to ≥ 10, then Stirling's
 * series to the x⁻⁹ term (its truncation error at x ≥ 10 is about 2e-14).
 *
 * @example logGamma(5) // ≈ Math.log(24)
 */
export function logGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN
  let shift = 0
  let prod = 1
  while (x < 10) {
    prod *= x
    x += 1
    shift += 1
  }
  const inv = 1 / x
  const inv2 = inv * inv
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680 - inv2 / 1188))))
  const value = (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series
  return shift === 0 ? value : value - Math.log(prod)
}

/**
 * log(k!) for whole or fractional k ≥ 0 (continuous extension log Γ(k + 1)).
 *
 * @example logFactorial(3) // ≈ Math.log(6)
 */
export function logFactorial(k: number): number {
  return logGamma(k + 1)
}

/**
 * The standard normal quantile Φ⁻¹(p) (Acklam's rational approximation, relative error below
 * 1.2e-9: far finer than any interval we print), used for interval levels such as 0.95 → 1.959964.
 *
 * @example normalQuantile(0.975) // ≈ 1.959964
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`)
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const pLow = 0.02425
  let x: number
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p))
    x = (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  } else if (p <= 1 - pLow) {
    const q = p - 0.5
    const r = q * q
    x = ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p))
    x = -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  }
  return x
}

/**
 * Empirical quantile of sorted values, R's default (type 7: linear between order statistics).
 *
 * @example quantileSorted(Float64Array.of(1, 2, 3, 4), 0.5) // 2.5
 */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length
  if (n === 0) return NaN
  const h = (n - 1) * p
  const lo = Math.floor(h)
  const hi = Math.min(lo + 1, n - 1)
  const a = sorted[lo] as number
  const b = sorted[hi] as number
  return a + (h - lo) * (b - a)
}
