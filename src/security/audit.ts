// Verification of the audit chain over a whole store, in batches so a long log never sits in memory.
import { ChainVerifier, TallyError, type ChainCheck } from '../domain/index.js'
import type { Store } from '../store/index.js'

const BATCH = 10_000

/**
 * Reads every audit event in stored order and checks the chain: each event's hash matches its
 * content and links to the previous one, with no gap in sequence numbers.
 *
 * @example const check = await verifyAuditChain(store); if (check.kind === 'broken') console.log(check.firstBad)
 */
export async function verifyAuditChain(store: Store): Promise<ChainCheck> {
  const verifier = new ChainVerifier()
  let after = 0
  for (;;) {
    const events = await store.audit.read(after, BATCH)
    if (events.length === 0) break
    for (const e of events) if (!verifier.push(e)) return verifier.result()
    after = events[events.length - 1]!.seq
  }
  return verifier.result()
}

/**
 * Checks the chain and that it contains a head published earlier (`seq:hash`, as printed by
 * `tally audit head`): the event at that sequence number must still have that hash. This catches
 * what a chain alone cannot: events removed from the end, or the whole log rewritten.
 */
export async function verifyAgainstPublishedHead(store: Store, published: string): Promise<ChainCheck> {
  const m = /^(\d+):([0-9a-f]{64})$/.exec(published.trim())
  if (!m) throw new TallyError('bad_input', `a published head looks like 42:<64 hex digits>, not "${published}"`)
  const seq = Number(m[1])
  const hash = m[2]
  const chain = await verifyAuditChain(store)
  if (chain.kind === 'broken') return chain
  if (chain.events < seq) {
    return { kind: 'broken', firstBad: chain.events + 1, reason: `the log ends at event ${chain.events} but event ${seq} was published: events were removed from the end`, checked: chain.events }
  }
  const [event] = await store.audit.read(seq - 1, 1)
  if (!event || event.hash !== hash) {
    return { kind: 'broken', firstBad: seq, reason: `event ${seq} no longer has the published hash: the log was rewritten`, checked: seq - 1 }
  }
  return chain
}
