import type { Kysely, Selectable } from 'kysely'
import type { Assertion, Claim, ClaimField, ClaimInputParsed, ClaimStatus, ClaimSubject, ClaimForGrading, Credibility, Reliability } from '../../domain/index.js'
import type { ClaimTable, Database } from '../schema.js'
import { decodeCursor, nowIso, toPage, type Page, type PageRequest } from './common.js'

function subjectOf(r: Selectable<ClaimTable>): ClaimSubject {
  switch (r.subject_kind) {
    case 'incident':
      return { kind: 'incident', incidentId: Number(r.subject_id) }
    case 'person':
      return { kind: 'person', personId: Number(r.subject_id) }
    default:
      return { kind: 'unassigned' }
  }
}

function subjectColumns(s: ClaimSubject): { subject_kind: string; subject_id: number | null } {
  switch (s.kind) {
    case 'incident':
      return { subject_kind: 'incident', subject_id: s.incidentId }
    case 'person':
      return { subject_kind: 'person', subject_id: s.personId }
    case 'unassigned':
      return { subject_kind: 'unassigned', subject_id: null }
  }
}

export function toClaim(r: Selectable<ClaimTable>): Claim {
  return {
    id: Number(r.id),
    documentId: Number(r.document_id),
    sourceId: Number(r.source_id),
    start: Number(r.span_start),
    end: Number(r.span_end),
    quote: r.quote,
    sealedQuote: r.protected_quote ?? null,
    subject: subjectOf(r),
    assertion: { field: r.field, value: JSON.parse(r.value_json) } as Assertion,
    credibility: Number(r.credibility) as Credibility,
    status: r.status as ClaimStatus,
    extractedBy: r.extracted_by,
    note: r.note,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export interface ClaimFilter {
  status?: ClaimStatus | undefined
  documentId?: number | undefined
  sourceId?: number | undefined
  field?: ClaimField | undefined
  incidentId?: number | undefined
  personId?: number | undefined
}

export async function getClaim(db: Kysely<Database>, id: number): Promise<Claim | undefined> {
  const r = await db.selectFrom('claim').selectAll().where('id', '=', id).executeTakeFirst()
  return r && toClaim(r)
}

export async function listClaims(db: Kysely<Database>, f: ClaimFilter, page: PageRequest): Promise<Page<Claim>> {
  let q = db.selectFrom('claim').selectAll().where('id', '>', decodeCursor(page.cursor))
  if (f.status) q = q.where('status', '=', f.status)
  if (f.documentId !== undefined) q = q.where('document_id', '=', f.documentId)
  if (f.sourceId !== undefined) q = q.where('source_id', '=', f.sourceId)
  if (f.field) q = q.where('field', '=', f.field)
  if (f.incidentId !== undefined) q = q.where('subject_kind', '=', 'incident').where('subject_id', '=', f.incidentId)
  if (f.personId !== undefined) q = q.where('subject_kind', '=', 'person').where('subject_id', '=', f.personId)
  const rows = await q.orderBy('id').limit(page.limit + 1).execute()
  return toPage(rows, page.limit, toClaim)
}

/** Every claim about one subject, each with its source's reliability and independence group. */
export async function claimsForGrading(db: Kysely<Database>, subject: Exclude<ClaimSubject, { kind: 'unassigned' }>): Promise<ClaimForGrading[]> {
  const cols = subjectColumns(subject)
  const rows = await db
    .selectFrom('claim')
    .innerJoin('source', 'source.id', 'claim.source_id')
    .select(['claim.id', 'claim.status', 'claim.credibility', 'claim.field', 'claim.value_json', 'source.reliability', 'source.independence_group'])
    .where('claim.subject_kind', '=', cols.subject_kind)
    .where('claim.subject_id', '=', cols.subject_id)
    .orderBy('claim.id')
    .execute()
  return rows.map((r) => ({
    id: Number(r.id),
    status: r.status as ClaimStatus,
    credibility: Number(r.credibility) as Credibility,
    assertion: { field: r.field, value: JSON.parse(r.value_json) } as Assertion,
    source: { reliability: r.reliability as Reliability, independenceGroup: r.independence_group },
  }))
}

/** A claim on a protected document has its quote sealed (by the caller) and none in the clear. */
function claimColumns(c: ClaimInputParsed & { sourceId: number }, sealedQuote: string | null) {
  return {
    protected_quote: sealedQuote,
    document_id: c.documentId,
    source_id: c.sourceId,
    span_start: c.start,
    span_end: c.end,
    quote: sealedQuote === null ? c.quote : '',
    ...subjectColumns(c.subject),
    field: c.assertion.field,
    value_json: JSON.stringify(c.assertion.value),
    credibility: c.credibility,
    status: c.status,
    extracted_by: c.extractedBy,
    note: c.note ?? null,
  }
}

export async function insertClaim(trx: Kysely<Database>, c: ClaimInputParsed & { sourceId: number }, sealedQuote: string | null): Promise<Claim> {
  const at = nowIso()
  const row = await trx
    .insertInto('claim')
    .values({ ...claimColumns(c, sealedQuote), created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toClaim(row)
}

export async function updateClaim(trx: Kysely<Database>, id: number, c: ClaimInputParsed & { sourceId: number }, sealedQuote: string | null): Promise<Claim | undefined> {
  const row = await trx
    .updateTable('claim')
    .set({ ...claimColumns(c, sealedQuote), updated_at: nowIso() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
  return row && toClaim(row)
}
