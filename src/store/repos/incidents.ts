import { sql, type Kysely, type RawBuilder, type Selectable, type SelectQueryBuilder } from 'kysely'
import {
  monthOf,
  parseEdtf,
  type Act,
  type ActInput,
  type Grade,
  type Incident,
  type IncidentInput,
  type IncidentType,
} from '../../domain/index.js'
import type { ActTable, Database, IncidentTable } from '../schema.js'
import { containsPattern, decodeCursor, nowIso, placeFromColumns, placeToColumns, toPage, type Page, type PageRequest } from './common.js'

export function toIncident(r: Selectable<IncidentTable>): Incident {
  const override =
    r.grade_override === null
      ? null
      : { grade: r.grade_override as Grade, reason: r.grade_override_reason ?? '', by: r.grade_override_by ?? '', at: r.grade_override_at ?? '' }
  return {
    id: Number(r.id),
    type: r.type as IncidentType,
    title: r.title,
    description: r.description,
    date: r.date_edtf,
    dateEarliest: r.date_earliest,
    dateLatest: r.date_latest,
    place: placeFromColumns(r),
    perpetrator: r.perpetrator,
    victimsMin: r.victims_min === null ? null : Number(r.victims_min),
    victimsMax: r.victims_max === null ? null : Number(r.victims_max),
    computedGrade: r.computed_grade as Grade,
    gradeOverride: override,
    grade: r.grade as Grade,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

/** Filters shared by incident lists and incident statistics. */
export interface IncidentFilter {
  type?: IncidentType | undefined
  grade?: Grade | undefined
  /** Only incidents with one of these grades (the published view asks for the documented ones). */
  grades?: readonly Grade[] | undefined
  /** Only incidents certainly on or after this day (their earliest possible day). */
  dateFrom?: string | undefined
  /** Only incidents certainly on or before this day (their latest possible day). */
  dateTo?: string | undefined
  /** A country code (two capitals), a gazetteer id ("geonames:2553604"), or part of a place name. */
  place?: string | undefined
  perpetrator?: string | undefined
  /** Free text over title and description. */
  q?: string | undefined
}

/** Applies an IncidentFilter to a select over `incident`. */
export function whereIncident<O>(
  query: SelectQueryBuilder<Database, 'incident', O>,
  f: IncidentFilter,
): SelectQueryBuilder<Database, 'incident', O> {
  let q = query
  if (f.type) q = q.where('incident.type', '=', f.type)
  if (f.grade) q = q.where('incident.grade', '=', f.grade)
  if (f.grades) q = q.where('incident.grade', 'in', f.grades.length > 0 ? [...f.grades] : ['(none)'])
  if (f.dateFrom) q = q.where('incident.date_earliest', '>=', f.dateFrom)
  if (f.dateTo) q = q.where('incident.date_latest', '<=', f.dateTo)
  if (f.place) q = q.where(placeCondition('incident', f.place))
  if (f.perpetrator) q = q.where(sql<boolean>`lower(incident.perpetrator) like ${containsPattern(f.perpetrator)} escape '\\'`)
  if (f.q) {
    const p = containsPattern(f.q)
    q = q.where(sql<boolean>`(lower(incident.title) like ${p} escape '\\' or lower(coalesce(incident.description, '')) like ${p} escape '\\')`)
  }
  return q
}

/** Place filter: a country code, a gazetteer id, or part of the place name. */
export function placeCondition(table: 'incident' | 'person', place: string): RawBuilder<boolean> {
  if (/^[A-Z]{2}$/.test(place)) return sql<boolean>`${sql.ref(`${table}.place_country`)} = ${place}`
  if (/^[a-z]+:\S+$/.test(place)) return sql<boolean>`${sql.ref(`${table}.place_gazetteer_id`)} = ${place}`
  return sql<boolean>`lower(${sql.ref(`${table}.place_name`)}) like ${containsPattern(place)} escape '\\'`
}

export async function getIncident(db: Kysely<Database>, id: number): Promise<Incident | undefined> {
  const r = await db.selectFrom('incident').selectAll().where('id', '=', id).executeTakeFirst()
  return r && toIncident(r)
}

export async function listIncidents(db: Kysely<Database>, f: IncidentFilter, page: PageRequest): Promise<Page<Incident>> {
  const q = whereIncident(db.selectFrom('incident').selectAll().where('id', '>', decodeCursor(page.cursor)), f)
  const rows = await q.orderBy('id').limit(page.limit + 1).execute()
  return toPage(rows, page.limit, toIncident)
}

function incidentColumns(input: IncidentInput) {
  const date = input.date ? parseEdtf(input.date) : null
  return {
    type: input.type,
    title: input.title,
    description: input.description ?? null,
    date_edtf: date?.edtf ?? null,
    date_earliest: date?.earliest ?? null,
    date_latest: date?.latest ?? null,
    date_month: date ? monthOf(date) : null,
    ...placeToColumns(input.place),
    perpetrator: input.perpetrator ?? null,
    victims_min: input.victimsMin ?? null,
    victims_max: input.victimsMax ?? null,
  }
}

export async function insertIncident(trx: Kysely<Database>, input: IncidentInput, grade: Grade): Promise<Incident> {
  const at = nowIso()
  const row = await trx
    .insertInto('incident')
    .values({ ...incidentColumns(input), computed_grade: grade, grade, created_at: at, updated_at: at })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toIncident(row)
}

export async function updateIncident(trx: Kysely<Database>, id: number, input: IncidentInput): Promise<Incident | undefined> {
  const row = await trx
    .updateTable('incident')
    .set({ ...incidentColumns(input), updated_at: nowIso() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
  return row && toIncident(row)
}

/** Stores a newly computed grade; the grade that counts stays the override when there is one. */
export async function setIncidentComputedGrade(trx: Kysely<Database>, id: number, grade: Grade): Promise<Incident | undefined> {
  const row = await trx
    .updateTable('incident')
    .set({ computed_grade: grade, grade: sql<string>`coalesce(grade_override, ${grade})`, updated_at: nowIso() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
  return row && toIncident(row)
}

/** Sets (or with null, clears) a reviewer's override of the grade. */
export async function setIncidentGradeOverride(
  trx: Kysely<Database>,
  id: number,
  override: { grade: Grade; reason: string; by: string } | null,
): Promise<Incident | undefined> {
  const at = nowIso()
  const row = await trx
    .updateTable('incident')
    .set(
      override === null
        ? { grade_override: null, grade_override_reason: null, grade_override_by: null, grade_override_at: null, grade: sql<string>`computed_grade`, updated_at: at }
        : {
            grade_override: override.grade,
            grade_override_reason: override.reason,
            grade_override_by: override.by,
            grade_override_at: at,
            grade: override.grade,
            updated_at: at,
          },
    )
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst()
  return row && toIncident(row)
}

export function toAct(r: Selectable<ActTable>): Act {
  return {
    id: Number(r.id),
    incidentId: Number(r.incident_id),
    kind: r.kind as Act['kind'],
    personId: r.person_id === null ? null : Number(r.person_id),
    victimCount: r.victim_count === null ? null : Number(r.victim_count),
    perpetrator: r.perpetrator,
    involvement: r.involvement as Act['involvement'],
    createdAt: r.created_at,
  }
}

export async function insertAct(trx: Kysely<Database>, input: ActInput): Promise<Act> {
  const row = await trx
    .insertInto('act')
    .values({
      incident_id: input.incidentId,
      kind: input.kind,
      person_id: input.personId ?? null,
      victim_count: input.victimCount ?? null,
      perpetrator: input.perpetrator ?? null,
      involvement: input.involvement,
      created_at: nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toAct(row)
}

export async function actsOfIncident(db: Kysely<Database>, incidentId: number): Promise<Act[]> {
  const rows = await db.selectFrom('act').selectAll().where('incident_id', '=', incidentId).orderBy('id').execute()
  return rows.map(toAct)
}
