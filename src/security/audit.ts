// Verification of the audit chain over a whole store, in batches so a long log never sits in memory.
import { ChainVerifier, type ChainCheck } from '../domain/index.js'
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
