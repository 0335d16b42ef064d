// Comparison of all candidate pairs, spread over worker threads. The columns go to each worker
// once; pairs go in chunks so that a fast worker takes more of them.
import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { CompareContext, compareRange, FIELD_COUNT } from './compare.js'
import type { PreparedColumns, PreparedRecords } from './prepare.js'

/** Below this many pairs one thread is faster than starting workers. */
export const PARALLEL_MIN_PAIRS = 200_000
const CHUNK = 250_000

interface ChunkReply {
  readonly id: number
  readonly levels: Uint8Array
}

/**
 * The columns workers need (no strings of record ids, no warnings).
 *
 * @example new Worker(url, { workerData: columnsOf(prepared) })
 */
export function columnsOf(p: PreparedRecords): PreparedColumns {
  return {
    n: p.n, list: p.list, sex: p.sex, age: p.age, dateLo: p.dateLo, dateHi: p.dateHi, monthLo: p.monthLo,
    monthHi: p.monthHi, locality: p.locality, admin: p.admin, country: p.country, lat: p.lat, lon: p.lon,
    tokenStart: p.tokenStart, tokenIds: p.tokenIds, nameKey: p.nameKey, tokenCompare: p.tokenCompare,
    tokenSkeleton: p.tokenSkeleton, tokenScript: p.tokenScript, tokenSkeletonId: p.tokenSkeletonId,
  }
}

/**
 * Default worker count: every core, when the input is large enough to pay for them.
 *
 * @example defaultWorkers(1000) // 0: one thread is faster for a thousand pairs
 */
export function defaultWorkers(pairCount: number): number {
  if (pairCount < PARALLEL_MIN_PAIRS) return 0
  return Math.max(1, os.availableParallelism())
}

/**
 * Comparison vectors for every pair (a[k], b[k]), FIELD_COUNT level codes each; `workers` = 0
 * computes them on this thread.
 *
 * @example const levels = await compareAllPairs(prepared, a, b, 2)
 */
export async function compareAllPairs(prepared: PreparedRecords, a: Int32Array, b: Int32Array, workers: number): Promise<Uint8Array> {
  const total = a.length
  if (workers <= 0 || total === 0) return compareRange(new CompareContext(prepared), a, b, 0, total)
  const out = new Uint8Array(total * FIELD_COUNT)
  const columns = columnsOf(prepared)
  const pool = Array.from({ length: workers }, () => new Worker(new URL('./compare-worker.js', import.meta.url), { workerData: columns }))
  let next = 0
  try {
    await Promise.all(
      pool.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            const send = (): void => {
              if (next >= total) {
                resolve()
                return
              }
              const start = next
              const end = Math.min(total, start + CHUNK)
              next = end
              worker.postMessage({ id: start, a: a.slice(start, end), b: b.slice(start, end) })
            }
            worker.on('message', (reply: ChunkReply) => {
              out.set(reply.levels, reply.id * FIELD_COUNT)
              send()
            })
            worker.on('error', reject)
            worker.on('exit', (code) => {
              if (code !== 0 && next < total) reject(new Error(`comparison worker stopped with code ${code}`))
            })
            send()
          }),
      ),
    )
  } finally {
    await Promise.all(pool.map((w) => w.terminate()))
  }
  return out
}
