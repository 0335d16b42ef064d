import { sql, type Kysely, type Selectable } from 'kysely'
import { TallyError, parseEdtf, sha256Hex, type DocumentInput, type DocumentRecord } from '../../domain/index.js'
import type { Database, DocumentTable } from '../schema.js'
import { containsPattern, decodeCursor, nowIso, toPage, type Page, type PageRequest } from './common.js'

export function toDocument(r: Omit<Selectable<DocumentTable>, 'original' | 'protected_text' | 'protected_original'>): DocumentRecord {
  return {
    id: Number(r.id),
    sourceId: Number(r.source_id),
    kind: r.kind as DocumentRecord['kind'],
    title: r.title,
    language: r.language,
    author: r.author,
    publishedDate: r.published_edtf,
    retrievedAt: r.retrieved_at,
    url: r.url,
    text: r.text,
    sha256: r.sha256,
    createdAt: r.created_at,
    protected: Number(r.protected) === 1,
  }
}

// Every column but the original bytes, which are fetched only when asked for.
const COLUMNS = [
  'id',
  'source_id',
  'kind',
  'title',
  'language',
  'author',
  'published_edtf',
  'published_earliest',
  'published_latest',
  'retrieved_at',
  'url',
  'text',
  'sha256',
  'created_at',
  'protected',
] as const

export interface DocumentFilter {
  sourceId?: number | undefined
  language?: string | undefined
  q?: string | undefined
}

export async function getDocument(db: Kysely<Database>, id: number): Promise<DocumentRecord | undefined> {
  const r = await db.selectFrom('document').select(COLUMNS).where('id', '=', id).executeTakeFirst()
  return r && toDocument(r)
}

export async function findDocumentBySha256(db: Kysely<Database>, sha256: string): Promise<DocumentRecord | undefined> {
  const r = await db.selectFrom('document').select(COLUMNS).where('sha256', '=', sha256).executeTakeFirst()
  return r && toDocument(r)
}

/**
 * The original bytes of a document, checked against the SHA-256 taken when it was stored: bytes
 * that no longer match are never returned as evidence.
 */
export async function getDocumentOriginal(db: Kysely<Database>, id: number): Promise<Uint8Array | null | undefined> {
  const r = await db.selectFrom('document').select(['original', 'sha256']).where('id', '=', id).executeTakeFirst()
  if (r === undefined) return undefined
  if (r.original !== null && sha256Hex(r.original) !== r.sha256) {
    throw new TallyError('conflict', `document ${id}: its original bytes no longer match the SHA-256 recorded when it was stored (altered)`)
  }
  return r.original
}

/** The sealed text and original bytes of a protected document (app/ opens them for cleared roles). */
export async function getSealedDocument(db: Kysely<Database>, id: number): Promise<{ text: string; original: string | null } | undefined> {
  const r = await db.selectFrom('document').select(['protected_text', 'protected_original']).where('id', '=', id).where('protected', '=', 1).executeTakeFirst()
  return r?.protected_text ? { text: r.protected_text, original: r.protected_original } : undefined
}

/** Ids of protected documents, whose evidence only a holder of the key can check. */
export async function protectedDocumentIds(db: Kysely<Database>): Promise<number[]> {
  return (await db.selectFrom('document').select('id').where('protected', '=', 1).orderBy('id').execute()).map((r) => Number(r.id))
}

/** Ids of documents whose stored original bytes do not match their SHA-256 (protected ones excepted: see protectedDocumentIds). */
export async function alteredDocuments(db: Kysely<Database>): Promise<number[]> {
  const bad: number[] = []
  let after = 0
  for (;;) {
    const rows = await db.selectFrom('document').select(['id', 'original', 'sha256']).where('id', '>', after).orderBy('id').limit(200).execute()
    for (const r of rows) if (r.original !== null && sha256Hex(r.original) !== r.sha256) bad.push(Number(r.id))
    if (rows.length < 200) return bad
    after = Number(rows[rows.length - 1]!.id)
  }
}

export async function listDocuments(db: Kysely<Database>, f: DocumentFilter, page: PageRequest): Promise<Page<DocumentRecord>> {
  let q = db.selectFrom('document').select(COLUMNS).where('id', '>', decodeCursor(page.cursor))
  if (f.sourceId !== undefined) q = q.where('source_id', '=', f.sourceId)
  if (f.language) q = q.where('language', '=', f.language)
  if (f.q) q = q.where(sql<boolean>`lower(title) like ${containsPattern(f.q)} escape '\\'`)
  const rows = await q.orderBy('id').limit(page.limit + 1).execute()
  return toPage(rows, page.limit, toDocument)
}

/**
 * Stores a document. `original` is the bytes as received (the text's UTF-8 bytes when absent);
 * their SHA-256 identifies the document, so the same bytes are never stored twice. A protected
 * document comes with its text and original already sealed by the caller, and neither is kept
 * in the clear.
 */
export async function insertDocument(
  trx: Kysely<Database>,
  input: DocumentInput,
  original?: Uint8Array,
  sealed?: { text: string; original: string },
): Promise<DocumentRecord> {
  const bytes = original ?? Buffer.from(input.text, 'utf8')
  const published = input.publishedDate ? parseEdtf(input.publishedDate) : null
  const row = await trx
    .insertInto('document')
    .values({
      source_id: input.sourceId,
      kind: input.kind,
      title: input.title,
      language: input.language,
      author: input.author ?? null,
      published_edtf: published?.edtf ?? null,
      published_earliest: published?.earliest ?? null,
      published_latest: published?.latest ?? null,
      retrieved_at: input.retrievedAt ?? nowIso(),
      url: input.url ?? null,
      text: sealed ? '' : input.text,
      sha256: sha256Hex(bytes),
      original: sealed ? null : bytes,
      created_at: nowIso(),
      protected: sealed ? 1 : 0,
      protected_text: sealed?.text ?? null,
      protected_original: sealed?.original ?? null,
    })
    .returning(COLUMNS)
    .executeTakeFirstOrThrow()
  return toDocument(row)
}
