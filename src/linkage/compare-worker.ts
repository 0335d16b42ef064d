// Worker thread: receives the prepared columns once (workerData), then requests: the pairs of one
// blocking rule, or a chunk of pairs to compare. Answers are transferred, not copied.
import { parentPort, workerData } from 'node:worker_threads'
import { blockRule } from './blocking.js'
import { CompareContext, compareRange } from './compare.js'
import type { WorkerReply, WorkerRequest } from './parallel.js'
import type { PreparedColumns } from './prepare.js'

const columns = workerData as PreparedColumns
let ctx: CompareContext | undefined
parentPort?.on('message', (msg: WorkerRequest) => {
  if (msg.kind === 'block') {
    const pairs = blockRule(columns, msg.rule)
    const reply: WorkerReply = { kind: 'block', id: msg.id, ...pairs }
    parentPort?.postMessage(reply, [pairs.codes.buffer])
    return
  }
  ctx ??= new CompareContext(columns)
  const levels = compareRange(ctx, msg.a, msg.b, 0, msg.a.length)
  const reply: WorkerReply = { kind: 'compare', id: msg.id, levels }
  parentPort?.postMessage(reply, [levels.buffer as ArrayBuffer])
})
