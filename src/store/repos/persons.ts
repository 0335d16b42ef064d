import { sql, type Insertable, type Kysely, type Selectable, type SelectQueryBuilder } from 'kysely'
import { monthOf, parseEdtf, type Fate, type Grade, type Person, type PersonInputParsed, type Place, type Sex } from '../../domain/index.js'
import type { Database, PersonTable } from '../schema.js'
import { containsPattern, decodeCursor, nowIso, placeFromColumns, placeToColumns, toPage, type Page, type PageRequest } from './common.js'
import { placeCondition } from './incidents.js'

export function toPerson(r: Selectable<PersonTable>, incidentIds: number[]): Person {
  return {
    id: Number(r.id),
    name: r.name,
    nameVariants: JSON.parse(r.name_variants) as Person['nameVariants'],
    sex: r.sex as Sex,
    ageMin: r.age_min === null ? null : Number(r.age_min),
    ageMax: r.age_max === null ? null : Number(r.age_max),
    nationality: r.nationality,
    origin: r.origin === null ? null : (JSON.parse(r.origin) as Place),
    affiliation: r.affiliation,
    fate: r.fate as Fate,
    dateOfDeath: r.death_edtf,
    deathEarliest: r.death_earliest,
    deathLatest: r.death_latest,
    placeOfDeath: placeFromColumns(r),
    cause: r.cause as Person['cause'],
    incidentIds,
    grade: r.grade as Grade,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    sealed: r.protected_data ?? null,
  }
}

export interface PersonFilter {
  q?: string | undefined
  sex?: Sex | undefined
  grade?: Grade | undefined
  fate?: Fate | undefined
  dateFrom?: string | undefined
  dateTo?: string | undefined
  place?: string | undefined
  incidentId?: number | undefined
}

export function wherePerson<O>(query: SelectQueryBuilder<Database, 'person', O>, f: PersonFilter): SelectQueryBuilder<Database, 'person', O> {
  let q = query
  if (f.sex) q = q.where('person.sex', '=', f.sex)
  if (f.grade) q = q.where('person.grade', '=', f.grade)
  if (f.fate) q = q.where('person.fate', '=', f.fate)
  if (f.dateFrom) q = q.where('person.death_earliest', '>=', f.dateFrom)
  if (f.dateTo) q = q.where('person.death_latest', '<=', f.dateTo)
  if (f.place) q = q.where(placeCondition('person', f.place))
  if (f.q) {
    const p = containsPattern(f.q)
    q = q.where(sql<boolean>`(lower(person.name) like ${p} escape '\\' or lower(person.name_variants) like ${p} escape '\\')`)
  }
  if (f.incidentId !== undefined) {
    const incidentId = f.incidentId
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('person_incident').select('person_incident.person_id').whereRef('person_incident.person_id', '=', 'person.id').where('person_incident.incident_id', '=', incidentId)),
    )
  }
  return q
}

async function incidentIdsOf(db: Kysely<Database>, personIds: number[]): Promise<Map<number, number[]>> {
  const out = new Map<number, number[]>()
  if (personIds.length === 0) return out
  const rows = await db.selectFrom('person_incident').select(['person_id', 'incident_id']).where('person_id', 'in', personIds).orderBy('incident_id').execute()
  for (const r of rows) {
    const list = out.get(Number(r.person_id)) ?? []
    list.push(Number(r.incident_id))
    out.set(Number(r.person_id), list)
  }
  return out
}

export async function getPerson(db: Kysely<Database>, id: number): Promise<Person | undefined> {
  const r = await db.selectFrom('person').selectAll().where('id', '=', id).executeTakeFirst()
  if (!r) return undefined
  const links = await incidentIdsOf(db, [id])
  return toPerson(r, links.get(id) ?? [])
}

export async function listPersons(db: Kysely<Database>, f: PersonFilter, page: PageRequest): Promise<Page<Person>> {
  const q = wherePerson(db.selectFrom('person').selectAll().where('person.id', '>', decodeCursor(page.cursor)), f)
  const rows = await q.orderBy('person.id').limit(page.limit + 1).execute()
  const links = await incidentIdsOf(
    db,
    rows.map((r) => Number(r.id)),
  )
  return toPage(rows, page.limit, (r) => toPerson(r, links.get(Number(r.id)) ?? []))
}

/** The row for a person; grade is decided by the caller (from claims). */
export function personRow(p: PersonInputParsed, grade: Grade, at: string): Insertable<PersonTable> {
  const death = p.dateOfDeath ? parseEdtf(p.dateOfDeath) : null
  return {
    name: p.name,
    name_variants: JSON.stringify(p.nameVariants),
    sex: p.sex,
    age_min: p.ageMin ?? null,
    age_max: p.ageMax ?? null,
    nationality: p.nationality ?? null,
    origin: p.origin ? JSON.stringify(p.origin) : null,
    affiliation: p.affiliation ?? null,
    fate: p.fate,
    death_edtf: death?.edtf ?? null,
    death_earliest: death?.earliest ?? null,
    death_latest: death?.latest ?? null,
    death_month: death ? monthOf(death) : null,
    ...placeToColumns(p.placeOfDeath),
    cause: p.cause ?? null,
    grade,
    created_at: at,
    updated_at: at,
  }
}

async function linkIncidents(trx: Kysely<Database>, personId: number, incidentIds: number[]): Promise<void> {
  await trx.deleteFrom('person_incident').where('person_id', '=', personId).execute()
  const unique = [...new Set(incidentIds)]
  if (unique.length > 0) await trx.insertInto('person_incident').values(unique.map((incident_id) => ({ person_id: personId, incident_id }))).execute()
}

/** `sealed`: the protected fields, sealed by the caller. */
export async function insertPerson(trx: Kysely<Database>, p: PersonInputParsed, grade: Grade, sealed: string | null): Promise<Person> {
  const row = await trx.insertInto('person').values({ ...personRow(p, grade, nowIso()), protected_data: sealed }).returningAll().executeTakeFirstOrThrow()
  await linkIncidents(trx, Number(row.id), p.incidentIds)
  return toPerson(row, [...new Set(p.incidentIds)].sort((a, b) => a - b))
}

/** `sealed` undefined leaves the protected fields as they were. */
export async function updatePerson(trx: Kysely<Database>, id: number, p: PersonInputParsed, sealed: string | null | undefined): Promise<Person | undefined> {
  const { created_at: _created, grade: _grade, ...columns } = personRow(p, 'weak', nowIso())
  const row = await trx.updateTable('person').set({ ...columns, ...(sealed === undefined ? {} : { protected_data: sealed }) }).where('id', '=', id).returningAll().executeTakeFirst()
  if (!row) return undefined
  await linkIncidents(trx, id, p.incidentIds)
  return toPerson(row, [...new Set(p.incidentIds)].sort((a, b) => a - b))
}

export async function setPersonGrade(trx: Kysely<Database>, id: number, grade: Grade): Promise<void> {
  await trx.updateTable('person').set({ grade, updated_at: nowIso() }).where('id', '=', id).execute()
}
