// Worker thread: receives the prepared columns once (workerData), then requests: the pairs of one
// blocking rule (transferred back, not copied), the candidate pairs and their levels in shared
// memory, or a range of those pairs to compare in place.
import { parentPort, workerData } from 'node:worker_threads'
import { blockRule } from './blocking.js'
import { CompareContext, compareRange } from './compare.js'
import type { WorkerReply, WorkerRequest } from './parallel.js'
import type { PreparedColumns } from './prepare.js'

const columns = workerData as PreparedColumns
let ctx: CompareContext | undefined
let shared: Extract<WorkerRequest, { kind: 'pairs' }> | undefined
parentPort?.on('message', (msg: WorkerRequest) => {
  if (msg.kind === 'block') {
    const pairs = blockRule(columns, msg.rule)
    const reply: WorkerReply = { kind: 'block', id: msg.id, ...pairs }
    parentPort?.postMessage(reply, [pairs.codes.buffer])
    return
  }
  if (msg.kind === 'pairs') {
    shared = msg
    return
  }
  if (shared === undefined) throw new Error('comparison asked before the pairs were shared')
  ctx ??= new CompareContext(columns)
  compareRange(ctx, shared.a, shared.b, msg.start, msg.end, shared.levels)
  const reply: WorkerReply = { kind: 'compare', id: msg.start }
  parentPort?.postMessage(reply)
})
