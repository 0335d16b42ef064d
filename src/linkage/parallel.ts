// Blocking and comparison spread over worker threads. The columns go to each worker once; then
// blocking rules go one at a time, and comparison pairs in chunks, so that a fast worker takes
// more of them. The main thread merges each rule's pairs in rule order as they arrive.
import os from 'node:os'
import { Worker } from 'node:worker_threads'
import { CandidateUnion, type Candidates, type RulePairs } from './blocking.js'
import { CompareContext, compareRange, FIELD_COUNT } from './compare.js'
import { assemblePrepared, nameTexts, prepareFields, validateRecords, type PreparedColumns, type PreparedNames, type PreparedRecords } from './prepare.js'
import type { BlockingRule, LinkageRecord } from './types.js'

/** Below this many pairs one thread is faster than starting workers. */
export const PARALLEL_MIN_PAIRS = 200_000
/** Below this many records blocking stays on the main thread. */
export const PARALLEL_MIN_RECORDS = 20_000
const CHUNK = 250_000
const MIN_CHUNK = 1_000

/** A request to a worker (compare-worker.ts). */
export type WorkerRequest =
  | { readonly kind: 'block'; readonly id: number; readonly rule: BlockingRule }
  /** The candidate pairs and the levels to fill, in shared memory: sent once, before 'compare'. */
  | { readonly kind: 'pairs'; readonly a: Int32Array; readonly b: Int32Array; readonly levels: Uint8Array }
  | { readonly kind: 'compare'; readonly start: number; readonly end: number }

/** A worker's answer: the pairs of one rule, or the comparison vectors of one chunk. */
export type WorkerReply =
  | ({ readonly kind: 'block'; readonly id: number } & RulePairs)
  | { readonly kind: 'compare'; readonly id: number }

/**
 * The columns workers need (no strings of record ids, no warnings).
 *
 * @example new Worker(url, { workerData: columnsOf(prepared) })
 */
export function columnsOf(p: PreparedRecords): PreparedColumns {
  return {
    n: p.n, list: p.list, sex: p.sex, age: p.age, dateLo: p.dateLo, dateHi: p.dateHi, monthLo: p.monthLo,
    monthHi: p.monthHi, locality: p.locality, admin: p.admin, country: p.country, lat: p.lat, lon: p.lon,
    tokenStart: p.tokenStart, tokenIds: p.tokenIds, nameKey: p.nameKey, givenAt: p.givenAt, tokenCompare: p.tokenCompare,
    tokenSkeleton: p.tokenSkeleton, tokenRoman: p.tokenRoman, tokenScript: p.tokenScript, tokenSkeletonId: p.tokenSkeletonId, tokenVowels: p.tokenVowels,
    tokenBlockId: p.tokenBlockId,
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
 * A fixed set of worker threads holding the prepared columns, for blocking and comparison.
 * Close it when done.
 *
 * @example const pool = new LinkagePool(prepared, 2); try { await pool.block(rules) } finally { await pool.close() }
 */
export class LinkagePool {
  private readonly workers: Worker[]
  constructor(prepared: PreparedRecords, size: number) {
    const columns = columnsOf(prepared)
    this.workers = Array.from({ length: Math.max(1, size) }, () => new Worker(new URL('./compare-worker.js', import.meta.url), { workerData: columns }))
  }

  get size(): number {
    return this.workers.length
  }

  /** Candidate pairs under the union of the rules (rules already validated), as blockCandidates. */
  async block(rules: readonly BlockingRule[], n: number): Promise<Candidates> {
    const union = new CandidateUnion(n)
    const results: (RulePairs | undefined)[] = rules.map(() => undefined)
    let merged = 0
    await this.run(
      rules.length,
      (worker, job) => worker.postMessage({ kind: 'block', id: job, rule: rules[job] as BlockingRule } satisfies WorkerRequest),
      (reply) => {
        if (reply.kind !== 'block') throw new Error('blocking worker gave a comparison reply')
        results[reply.id] = reply
        for (let r = results[merged]; r !== undefined && merged < rules.length; r = results[merged]) {
          union.add(rules[merged] as BlockingRule, r)
          results[merged] = undefined
          merged++
        }
      },
    )
    return union.finish()
  }

  /**
   * Comparison vectors for every pair (a[k], b[k]), FIELD_COUNT level codes each. The pairs and
   * the levels are shared with the workers, not sent chunk by chunk: with a copy of every chunk
   * both ways, comparison took 28-34 s at a million records, shared 21.7-25 s (the copies were
   * main-thread garbage, likely collected on the cores the workers compare on; not profiled).
   */
  async compare(a: Int32Array, b: Int32Array): Promise<Uint8Array> {
    const total = a.length
    const sharedA = inSharedMemory(a)
    const sharedB = inSharedMemory(b)
    const levels = new Uint8Array(new SharedArrayBuffer(total * FIELD_COUNT))
    for (const worker of this.workers) worker.postMessage({ kind: 'pairs', a: sharedA, b: sharedB, levels } satisfies WorkerRequest)
    // At least four chunks per worker, so that a few hundred thousand pairs do not go to one.
    const chunk = Math.max(MIN_CHUNK, Math.min(CHUNK, Math.ceil(total / (4 * this.workers.length))))
    await this.run(
      Math.ceil(total / chunk),
      (worker, job) => {
        const start = job * chunk
        worker.postMessage({ kind: 'compare', start, end: Math.min(total, start + chunk) } satisfies WorkerRequest)
      },
      (reply) => {
        if (reply.kind !== 'compare') throw new Error('comparison worker gave a blocking reply')
      },
    )
    return levels
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
  }

  /** Hands out jobs 0 .. total-1, one at a time per worker, until every reply is in. */
  private run(total: number, send: (worker: Worker, job: number) => void, receive: (reply: WorkerReply) => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (total === 0) {
        resolve()
        return
      }
      let next = 0
      let done = 0
      let settled = false
      const cleanups: (() => void)[] = []
      const finish = (error?: Error): void => {
        if (settled) return
        settled = true
        for (const c of cleanups) c()
        if (error === undefined) resolve()
        else reject(error)
      }
      for (const worker of this.workers) {
        const feed = (): void => {
          if (next < total) send(worker, next++)
        }
        const onMessage = (reply: WorkerReply): void => {
          // The worker gets its next job before the reply is taken in: taking in a rule's pairs
          // (merging them into the union) takes seconds at a million records, which the worker
          // spent idle when it was fed afterwards.
          feed()
          try {
            receive(reply)
          } catch (e) {
            finish(e instanceof Error ? e : new Error(String(e)))
            return
          }
          done++
          if (done === total) finish()
        }
        const onError = (e: Error): void => finish(e)
        const onExit = (code: number): void => {
          if (done < total) finish(new Error(`linkage worker stopped with code ${code}`))
        }
        worker.on('message', onMessage)
        worker.on('error', onError)
        worker.on('exit', onExit)
        cleanups.push(() => {
          worker.off('message', onMessage)
          worker.off('error', onError)
          worker.off('exit', onExit)
        })
        feed()
      }
    })
  }
}

/**
 * Comparison vectors for every pair (a[k], b[k]), FIELD_COUNT level codes each; `workers` = 0
 * computes them on this thread.
 *
 * @example const levels = await compareAllPairs(prepared, a, b, 2)
 */
export async function compareAllPairs(prepared: PreparedRecords, a: Int32Array, b: Int32Array, workers: number): Promise<Uint8Array> {
  if (workers <= 0 || a.length === 0) {
    const levels = new Uint8Array(a.length * FIELD_COUNT)
    compareRange(new CompareContext(prepared), a, b, 0, a.length, levels)
    return levels
  }
  const pool = new LinkagePool(prepared, workers)
  try {
    return await pool.compare(a, b)
  } finally {
    await pool.close()
  }
}

/** The array itself when it is already in shared memory (as blocking leaves candidates), else a shared copy. */
function inSharedMemory(x: Int32Array): Int32Array {
  if (x.buffer instanceof SharedArrayBuffer) return x
  const copy = new Int32Array(new SharedArrayBuffer(x.length * 4))
  copy.set(x)
  return copy
}

/**
 * From this many records, names are tokenised on a worker (prepareRecordsInParallel). Names are
 * nine tenths of preparation, so the gain is not two threads: it is that the names' garbage is
 * collected in the worker's small heap instead of the main heap, which holds the whole input.
 * Measured (flat synthetic records): 1,000,000: 8.9 → 6.8 s; 600,000: 3.8 → 4.1 s; 300,000:
 * 2.06 → 2.11 s (the worker's start and its cold compiler cost more than it saves below that).
 */
export const NAME_WORKER_MIN_RECORDS = 750_000

/**
 * prepareRecords with the names tokenised on a worker thread while this thread validates the
 * records and reads their other fields. The result is the same, column for column (tested).
 *
 * @example const prepared = await prepareRecordsInParallel(records)
 */
export async function prepareRecordsInParallel(records: readonly LinkageRecord[]): Promise<PreparedRecords> {
  // Names are texts: sent in tens of milliseconds, where the records themselves took seconds.
  const worker = new Worker(new URL('./name-worker.js', import.meta.url), { workerData: nameTexts(records) })
  const names = new Promise<PreparedNames>((resolve, reject) => {
    worker.once('message', (m: PreparedNames) => resolve(m))
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`name worker stopped with code ${code}`)))
  })
  try {
    validateRecords(records)
    const fields = prepareFields(records)
    return assemblePrepared(records, await names, fields)
  } finally {
    // Settled or not (bad input), the worker is done with.
    names.catch(() => undefined)
    await worker.terminate()
  }
}
