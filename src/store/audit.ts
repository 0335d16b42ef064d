// Appending to and reading the audit chain. Appends happen only inside a Writer's transaction,
// so a change and its audit event commit together or not at all.
import type { Kysely, Selectable } from 'kysely'
import { GENESIS_HASH, auditEventHash, digestOfChange, type AuditEvent } from '../domain/index.js'
import type { Backend } from './backend.js'
import type { AuditEventTable, Database } from './schema.js'

export interface AuditAppend {
  readonly action: string
  readonly entityType: string
  readonly entityId: string | number
  /** The change itself; only its digest is stored (it may contain protected values). */
  readonly change: unknown
  /** For bulk changes: the digest already computed (see digestOfRows), instead of `change`. */
  readonly digest?: string
}

/** Appends events for one transaction; remembers the head so a batch reads it once. */
export class AuditAppender {
  private head: { seq: number; hash: string } | null = null

  constructor(
    private readonly backend: Backend,
    private readonly trx: Kysely<Database>,
    private readonly actor: string,
  ) {}

  async append(entry: AuditAppend): Promise<AuditEvent> {
    if (this.head === null) {
      await this.backend.lockAuditChain(this.trx)
      const last = await this.trx.selectFrom('audit_event').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
      this.head = last ? { seq: Number(last.seq), hash: last.hash } : { seq: 0, hash: GENESIS_HASH }
    }
    const base = {
      seq: this.head.seq + 1,
      at: new Date().toISOString(),
      actor: this.actor,
      action: entry.action,
      entityType: entry.entityType,
      entityId: String(entry.entityId),
      digest: entry.digest ?? digestOfChange(entry.change),
      prevHash: this.head.hash,
    }
    const event: AuditEvent = { ...base, hash: auditEventHash(base) }
    await this.trx
      .insertInto('audit_event')
      .values({
        seq: event.seq,
        at: event.at,
        actor: event.actor,
        action: event.action,
        entity_type: event.entityType,
        entity_id: event.entityId,
        digest: event.digest,
        prev_hash: event.prevHash,
        hash: event.hash,
      })
      .execute()
    this.head = { seq: event.seq, hash: event.hash }
    return event
  }
}

function toEvent(r: Selectable<AuditEventTable>): AuditEvent {
  return {
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    action: r.action,
    entityType: r.entity_type,
    entityId: r.entity_id,
    digest: r.digest,
    prevHash: r.prev_hash,
    hash: r.hash,
  }
}

/** Audit events in stored order (by seq), from `afterSeq` (exclusive), at most `limit`. */
export async function readAuditEvents(db: Kysely<Database>, afterSeq: number, limit: number): Promise<AuditEvent[]> {
  const rows = await db.selectFrom('audit_event').selectAll().where('seq', '>', afterSeq).orderBy('seq').limit(limit).execute()
  return rows.map(toEvent)
}

/** Events about one entity, oldest first. */
export async function auditTrailOf(db: Kysely<Database>, entityType: string, entityId: string | number): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom('audit_event')
    .selectAll()
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', String(entityId))
    .orderBy('seq')
    .execute()
  return rows.map(toEvent)
}
