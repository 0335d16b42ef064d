import { sql, type Kysely, type Selectable } from 'kysely'
import type { Source, SourceInput, SourceKind } from '../../domain/index.js'
import type { Database, SourceTable } from '../schema.js'
import { containsPattern, decodeCursor, nowIso, toPage, type Page, type PageRequest } from './common.js'

export function toSource(r: Selectable<SourceTable>): Source {
  return {
    id: Number(r.id),
    kind: r.kind as Source['kind'],
    name: r.name,
    reliability: r.reliability as Source['reliability'],
    independenceGroup: r.independence_group,
    description: r.description,
    url: r.url,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sealed: r.protected_data,
  }
}

export interface SourceFilter {
  kind?: SourceKind | undefined
  q?: string | undefined
}

export async function getSource(db: Kysely<Database>, id: number): Promise<Source | undefined> {
  const r = await db.selectFrom('source').selectAll().where('id', '=', id).executeTakeFirst()
  return r && toSource(r)
}

export async function findSourceByName(db: Kysely<Database>, name: string): Promise<Source | undefined> {
  const r = await db.selectFrom('source').selectAll().where('name', '=', name).orderBy('id').limit(1).executeTakeFirst()
  return r && toSource(r)
}

export async function listSources(db: Kysely<Database>, f: SourceFilter, page: PageRequest): Promise<Page<Source>> {
  let q = db.selectFrom('source').selectAll().where('id', '>', decodeCursor(page.cursor))
  if (f.kind) q = q.where('kind', '=', f.kind)
  if (f.q) q = q.where(sql<boolean>`lower(name) like ${containsPattern(f.q)} escape '\\'`)
  const rows = await q.orderBy('id').limit(page.limit + 1).execute()
  return toPage(rows, page.limit, toSource)
}

/** `sealed`: the protected fields, already sealed by the caller (the store never sees them in the clear). */
export async function insertSource(trx: Kysely<Database>, input: SourceInput, sealed: string | null): Promise<Source> {
  const at = nowIso()
  const row = await trx
    .insertInto('source')
    .values({
      kind: input.kind,
      name: input.name,
      reliability: input.reliability,
      independence_group: input.independenceGroup ?? input.name,
      description: input.description ?? null,
      url: input.url ?? null,
      created_at: at,
      updated_at: at,
      protected_data: sealed,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toSource(row)
}

/** `sealed` undefined leaves the protected fields as they were. */
export async function updateSource(trx: Kysely<Database>, id: number, input: SourceInput, sealed: string | null | undefined): Promise<Source | undefined> {
  const row = await trx
    .updateTable('source')
    .set({
      kind: input.kind,
      name: input.name,
      reliability: input.reliability,
      independence_group: input.independenceGroup ?? input.name,
      description: input.description ?? null,
      url: input.url ?? null,
      updated_at: nowIso(),
      ...(sealed === undefined ? {} : { protected_data: sealed }),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
  return row && toSource(row)
}
