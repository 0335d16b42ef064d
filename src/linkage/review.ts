// Review support: which uncertain pairs a reviewer should look at first. A pair is informative
// when the model is unsure (posterior near 0.5) and when its answer moves many pairwise links:
// confirming a pair joins two groups of sizes s and t (s·t links), rejecting a linked pair splits
// a group.
import { FIELD_COUNT, FIELDS, LEVELS } from './compare.js'
import type { LinkResult } from './types.js'

/** One pair to put before a reviewer. */
export interface ReviewItem {
  readonly a: string
  readonly b: string
  readonly probability: number
  /** Whether the two records are currently in the same cluster. */
  readonly linked: boolean
  /** How the records compare, field by field ("name: similarity ≥ 0.88", ...). */
  readonly comparison: readonly string[]
  readonly priority: number
}

/**
 * The `limit` most informative uncertain pairs, most informative first. Priority is
 * uncertainty (1 at p = 0.5, 0 at p = 0 or 1) × log2(1 + links the decision affects).
 *
 * @example reviewQueue(result, 20)[0] // { a: 'r12', b: 'r907', probability: 0.52, ... }
 */
export function reviewQueue(result: LinkResult, limit = 50, minUncertainty = 0.05): ReviewItem[] {
  const { a, b, probability, levels } = result.pairs
  const clusterSize = new Int32Array(result.clusterCount)
  for (const c of result.clusterOf) clusterSize[c] = (clusterSize[c] as number) + 1
  const scored: { k: number; priority: number }[] = []
  for (let k = 0; k < a.length; k++) {
    const p = probability[k] as number
    const uncertainty = 1 - Math.abs(2 * p - 1)
    if (uncertainty < minUncertainty) continue
    const ca = result.clusterOf[a[k] as number] as number
    const cb = result.clusterOf[b[k] as number] as number
    const impact = ca === cb ? (clusterSize[ca] as number) - 1 : (clusterSize[ca] as number) * (clusterSize[cb] as number)
    scored.push({ k, priority: uncertainty * Math.log2(1 + impact) })
  }
  scored.sort((x, y) => y.priority - x.priority || x.k - y.k)
  return scored.slice(0, limit).map(({ k, priority }) => {
    const i = a[k] as number
    const j = b[k] as number
    return {
      a: result.recordIds[i] as string,
      b: result.recordIds[j] as string,
      probability: probability[k] as number,
      linked: result.clusterOf[i] === result.clusterOf[j],
      comparison: FIELDS.map((f, q) => `${f}: ${LEVELS[f][levels[k * FIELD_COUNT + q] as number] ?? '?'}`),
      priority,
    }
  })
}
