// The audit chain's arithmetic: canonical JSON and the hash that links each event to the one
// before it. Pure, so the store (which appends) and security (which verifies) share one rule.
import { createHash } from 'node:crypto'
import type { AuditEvent } from './schemas.js'

/** The hash that precedes the first event. */
export const GENESIS_HASH = '0'.repeat(64)

/**
 * JSON with object keys sorted at every depth and no whitespace, so that equal values always
 * serialise to the same bytes. Undefined properties are dropped and non-finite numbers become
 * null, as JSON.stringify does.
 *
 * @example canonicalJson({ b: 1, a: [true, { d: null, c: 'x' }] }) // '{"a":[true,{"c":"x","d":null}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  // JSON.stringify with an array of property names writes, at every depth, only those
  // properties and in that order: given every key sorted, it is canonical JSON, in native code
  // (this runs over every row of a bulk import).
  const keys = new Set<string>()
  collectKeys(value, keys)
  return JSON.stringify(value, [...keys].sort()) ?? 'null'
}

function collectKeys(value: unknown, keys: Set<string>): void {
  if (value === null || typeof value !== 'object') return
  if (Array.isArray(value)) {
    for (const v of value) collectKeys(v, keys)
    return
  }
  if (ArrayBuffer.isView(value)) throw new Error('canonicalJson: binary values are not supported; digest them first')
  const record = value as Record<string, unknown>
  for (const k in record) {
    keys.add(k)
    collectKeys(record[k], keys)
  }
}

/** SHA-256 of a string's UTF-8 bytes, or of raw bytes, as lower-case hex. */
export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex')
}

/** The digest stored for a change: the hash of its canonical JSON. */
export function digestOfChange(change: unknown): string {
  return sha256Hex(canonicalJson(change))
}

/**
 * The digest of a batch of rows (bulk imports): SHA-256 over each row's canonical JSON followed
 * by a newline, fed row by row so that a million rows never become one string.
 */
export function digestOfRows(rows: readonly unknown[], header: unknown = null): string {
  const hash = createHash('sha256')
  hash.update(canonicalJson(header) + '\n')
  // The sorted keys of all rows, found once: each row's JSON is then canonical, as canonicalJson(row) would write it.
  const keys = new Set<string>()
  collectKeys(rows, keys)
  const sorted = [...keys].sort()
  for (const row of rows) hash.update((JSON.stringify(row, sorted) ?? 'null') + '\n')
  return hash.digest('hex')
}

/**
 * The hash of an event: SHA-256 over the canonical JSON of every field but the hash itself,
 * including the sequence number and the previous event's hash, so that altering, removing or
 * reordering any event breaks the chain from there on.
 */
export function auditEventHash(event: Omit<AuditEvent, 'hash'>): string {
  return sha256Hex(
    canonicalJson({
      seq: event.seq,
      at: event.at,
      actor: event.actor,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId,
      digest: event.digest,
      prevHash: event.prevHash,
    }),
  )
}

/** The outcome of checking a chain. `firstBad` is the sequence number of the first broken event. */
export type ChainCheck =
  | { kind: 'intact'; events: number; head: string }
  | { kind: 'broken'; firstBad: number; reason: string; checked: number }

/**
 * Walks events in the order stored (by seq) and reports the first one that does not follow:
 * a gap or repeat in seq (removed or reordered), a prevHash that is not the previous hash
 * (removed, reordered or inserted), or a hash that does not match the content (altered).
 * Feed it events in batches through a ChainVerifier for large logs.
 */
export class ChainVerifier {
  private expectedSeq = 1
  private prev = GENESIS_HASH
  private failure: ChainCheck | null = null

  /** Checks the next event; returns false once the chain is broken. */
  push(event: AuditEvent): boolean {
    if (this.failure) return false
    const seq = this.expectedSeq
    if (event.seq !== seq) {
      this.failure = {
        kind: 'broken',
        firstBad: event.seq,
        reason: `expected event ${seq} but found event ${event.seq}: an event was removed or the log reordered`,
        checked: seq - 1,
      }
      return false
    }
    if (event.prevHash !== this.prev) {
      this.failure = {
        kind: 'broken',
        firstBad: seq,
        reason: `event ${seq} does not link to the hash of event ${seq - 1}: an event was removed, inserted or reordered`,
        checked: seq - 1,
      }
      return false
    }
    if (auditEventHash(event) !== event.hash) {
      this.failure = { kind: 'broken', firstBad: seq, reason: `event ${seq} was altered: its content does not match its hash`, checked: seq - 1 }
      return false
    }
    this.prev = event.hash
    this.expectedSeq = seq + 1
    return true
  }

  result(): ChainCheck {
    return this.failure ?? { kind: 'intact', events: this.expectedSeq - 1, head: this.prev }
  }
}
