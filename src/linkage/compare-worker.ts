// Worker thread: receives the prepared columns once (workerData), then chunks of pairs, and
// answers each with its comparison vectors (transferred, not copied).
import { parentPort, workerData } from 'node:worker_threads'
import { CompareContext, compareRange } from './compare.js'
import type { PreparedColumns } from './prepare.js'

interface ChunkRequest {
  readonly id: number
  readonly a: Int32Array
  readonly b: Int32Array
}

const ctx = new CompareContext(workerData as PreparedColumns)
parentPort?.on('message', (msg: ChunkRequest) => {
  const levels = compareRange(ctx, msg.a, msg.b, 0, msg.a.length)
  parentPort?.postMessage({ id: msg.id, levels }, [levels.buffer as ArrayBuffer])
})
