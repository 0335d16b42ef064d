import type { Insertable, Kysely, Selectable } from 'kysely'
import { parseEdtf, type CasualtyList, type ListInput, type ListRecord, type ListRecordInput, type Sex } from '../../domain/index.js'
import type { CasualtyListTable, Database, ListImportTable, ListRecordTable } from '../schema.js'
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

export function listRecordRow(listId: number, importId: number | null, r: ListRecordInput): Insertable<ListRecordTable> {
  const death = r.dateOfDeath ? parseEdtf(r.dateOfDeath) : null
  return {
    list_id: listId,
    import_id: importId,
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

export interface ListImport {
  id: number
  listId: number
  fileName: string
  fileSha256: string
  format: string
  encoding: string
  mapping: { column: string; field: string }[]
  status: 'running' | 'done'
  rowsStored: number
  rowsRejected: number
  lastRow: number
  startedAt: string
  updatedAt: string
  finishedAt: string | null
}

export function toListImport(r: Selectable<ListImportTable>): ListImport {
  return {
    id: Number(r.id),
    listId: Number(r.list_id),
    fileName: r.file_name,
    fileSha256: r.file_sha256,
    format: r.format,
    encoding: r.encoding,
    mapping: JSON.parse(r.mapping_json) as ListImport['mapping'],
    status: r.status as ListImport['status'],
    rowsStored: Number(r.rows_stored),
    rowsRejected: Number(r.rows_rejected),
    lastRow: Number(r.last_row),
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    finishedAt: r.finished_at,
  }
}

export async function findListImport(db: Kysely<Database>, listId: number, fileSha256: string): Promise<ListImport | undefined> {
  const r = await db.selectFrom('list_import').selectAll().where('list_id', '=', listId).where('file_sha256', '=', fileSha256).executeTakeFirst()
  return r && toListImport(r)
}

export async function importsOfList(db: Kysely<Database>, listId: number): Promise<ListImport[]> {
  return (await db.selectFrom('list_import').selectAll().where('list_id', '=', listId).orderBy('id').execute()).map(toListImport)
}

export async function insertListImport(
  trx: Kysely<Database>,
  i: { listId: number; fileName: string; fileSha256: string; format: string; encoding: string; mapping: ListImport['mapping'] },
): Promise<ListImport> {
  const at = nowIso()
  const row = await trx
    .insertInto('list_import')
    .values({
      list_id: i.listId,
      file_name: i.fileName,
      file_sha256: i.fileSha256,
      format: i.format,
      encoding: i.encoding,
      mapping_json: JSON.stringify(i.mapping),
      status: 'running',
      rows_stored: 0,
      rows_rejected: 0,
      last_row: 0,
      started_at: at,
      updated_at: at,
      finished_at: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toListImport(row)
}

export async function updateListImport(
  trx: Kysely<Database>,
  id: number,
  progress: { rowsStored: number; rowsRejected: number; lastRow: number; done: boolean },
): Promise<void> {
  const at = nowIso()
  await trx
    .updateTable('list_import')
    .set({
      rows_stored: progress.rowsStored,
      rows_rejected: progress.rowsRejected,
      last_row: progress.lastRow,
      status: progress.done ? 'done' : 'running',
      updated_at: at,
      finished_at: progress.done ? at : null,
    })
    .where('id', '=', id)
    .execute()
}

export async function countListRecords(db: Kysely<Database>, listId: number): Promise<number> {
  const r = await db.selectFrom('list_record').select((eb) => eb.fn.countAll().as('n')).where('list_id', '=', listId).executeTakeFirst()
  return Number(r?.n ?? 0)
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
