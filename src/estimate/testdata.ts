// Published capture-recapture tables used by the tests and the benchmark (counts as printed in
// /work/shared/reference/mse-published.md; histories list 1 first). Not part of the public API.

import { CaptureHistories, historiesFromRows } from './histories.js'
import { Rng } from './rng.js'

const ORDER4 = ['1111', '1110', '1101', '1100', '1011', '1010', '1001', '1000', '0111', '0110', '0101', '0100', '0011', '0010', '0001']
const ORDER3 = ['111', '110', '101', '100', '011', '010', '001']

function table(order: readonly string[], counts: readonly number[], lists: readonly string[]): CaptureHistories {
  return historiesFromRows(
    lists,
    order.map((history, i) => ({ history, count: counts[i] as number })),
  )
}

/** HIV in Rome (Abeni et al. 1994), Rcapture's `HIV` data, n = 1,896. */
export function hivTable(): CaptureHistories {
  return table(ORDER4, [0, 3, 1, 33, 0, 20, 6, 403, 3, 35, 10, 545, 11, 621, 205], ['c1', 'c2', 'c3', 'c4'])
}

/** Diabetes in Casale Monferrato (Bruno et al. 1994), n = 2,069. */
export function diabetesTable(): CaptureHistories {
  return table(ORDER4, [58, 157, 18, 104, 46, 650, 12, 709, 14, 20, 7, 74, 8, 182, 10], ['c1', 'c2', 'c3', 'c4'])
}

/** Darroch et al. (1993), 3 lists, n = 414. */
export function darrochTable(): CaptureHistories {
  return table(ORDER3, [72, 155, 7, 71, 13, 53, 43], ['c1', 'c2', 'c3'])
}

/**
 * A synthetic population with known size: `total` people in latent classes (shares `weights`),
 * list j catching a person of class c with probability `capture[c][j]`. Seeded. The people no
 * list catches are dropped, as in real data.
 *
 * @example syntheticHistories(5000, [1], [[0.3, 0.2, 0.25, 0.3]], 7)
 */
export function syntheticHistories(total: number, weights: readonly number[], capture: readonly (readonly number[])[], seed: number): CaptureHistories {
  const rng = new Rng(seed)
  const j = (capture[0] as readonly number[]).length
  const counts = new Map<number, number>()
  const cum: number[] = []
  let acc = 0
  for (const w of weights) cum.push((acc += w))
  for (let i = 0; i < total; i++) {
    const u = rng.uniform() * acc
    let c = cum.findIndex((x) => u < x)
    if (c < 0) c = weights.length - 1
    const probs = capture[c] as readonly number[]
    let mask = 0
    for (let b = 0; b < j; b++) if (rng.uniform() < (probs[b] as number)) mask |= 1 << b
    if (mask !== 0) counts.set(mask, (counts.get(mask) ?? 0) + 1)
  }
  const lists = Array.from({ length: j }, (_, b) => String.fromCharCode(65 + b))
  const rows = [...counts.entries()].map(([mask, count]) => {
    let history = ''
    for (let b = 0; b < j; b++) history += mask & (1 << b) ? '1' : '0'
    return { history, count }
  })
  return historiesFromRows(lists, rows)
}
