import type { Insertable, Kysely, Selectable } from 'kysely'
import { parseEdtf, type CasualtyList, type ListInput, type ListRecord, type ListRecordInput, type Sex } from '../../domain/index.js'
import type { CasualtyListTable, Database, ListRecordTable } from '../schema.js'
import { decodeCursor, nowIso, toPage, type Page, type PageRequest } from './common.js'

export function toList(r: Selectable<CasualtyListTable>): CasualtyList {
  return {
    id: Number(r.id),
    name: r.name,
    sourceId: r.source_id === null ? null : Number(r.source_id),
    description: r.description,
    createdAt: r.created_at,
  }
}

export function toListRecord(r: Selectable<ListRecordTable>): ListRecord {
  return {
    id: Number(r.id),
    listId: Number(r.list_id),
    rowNumber: Number(r.row_number),
    recordKey: r.record_key,
    raw: JSON.parse(r.raw_json) as Record<string, string>,
    fullName: r.full_name,
    givenName: r.given_name,
    familyName: r.family_name,
    sex: r.sex as Sex | null,
    ageMin: r.age_min === null ? null : Number(r.age_min),
    ageMax: r.age_max === null ? null : Number(r.age_max),
    dateOfDeath: r.death_edtf,
    place: r.place,
    personId: r.person_id === null ? null : Number(r.person_id),
  }
}

export async function getList(db: Kysely<Database>, id: number): Promise<CasualtyList | undefined> {
  const r = await db.selectFrom('casualty_list').selectAll().where('id', '=', id).executeTakeFirst()
  return r && toList(r)
}

export async function findListByName(db: Kysely<Database>, name: string): Promise<CasualtyList | undefined> {
  const r = await db.selectFrom('casualty_list').selectAll().where('name', '=', name).executeTakeFirst()
  return r && toList(r)
}

export async function listLists(db: Kysely<Database>): Promise<CasualtyList[]> {
  const rows = await db.selectFrom('casualty_list').selectAll().orderBy('id').execute()
  return rows.map(toList)
}

export async function insertList(trx: Kysely<Database>, input: ListInput): Promise<CasualtyList> {
  const row = await trx
    .insertInto('casualty_list')
    .values({ name: input.name, source_id: input.sourceId ?? null, description: input.description ?? null, created_at: nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toList(row)
}

export function listRecordRow(listId: number, r: ListRecordInput): Insertable<ListRecordTable> {
  const death = r.dateOfDeath ? parseEdtf(r.dateOfDeath) : null
  return {
    list_id: listId,
    row_number: r.rowNumber,
    record_key: r.recordKey ?? null,
    raw_json: JSON.stringify(r.raw),
    full_name: r.fullName ?? null,
    given_name: r.givenName ?? null,
    family_name: r.familyName ?? null,
    sex: r.sex ?? null,
    age_min: r.ageMin ?? null,
    age_max: r.ageMax ?? null,
    death_edtf: death?.edtf ?? null,
    death_earliest: death?.earliest ?? null,
    death_latest: death?.latest ?? null,
    place: r.place ?? null,
    person_id: null,
  }
}

/** The highest row number already stored for a list (0 when none): where a resumed import starts. */
export async function lastListRow(db: Kysely<Database>, listId: number): Promise<number> {
  const r = await db.selectFrom('list_record').select((eb) => eb.fn.max('row_number').as('m')).where('list_id', '=', listId).executeTakeFirst()
  return r?.m === null || r?.m === undefined ? 0 : Number(r.m)
}

export async function listRecordsOf(db: Kysely<Database>, listId: number, page: PageRequest): Promise<Page<ListRecord>> {
  const rows = await db
    .selectFrom('list_record')
    .selectAll()
    .where('list_id', '=', listId)
    .where('id', '>', decodeCursor(page.cursor))
    .orderBy('id')
    .limit(page.limit + 1)
    .execute()
  return toPage(rows, page.limit, toListRecord)
}
