// Counts for the stats endpoint: documented (graded fair or better) beside reported (everything
// not discounted) beside all records, grouped by one dimension. Computed in SQL so that a
// million rows are counted where they lie.
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { DOCUMENTED_GRADES } from '../../domain/index.js'
import type { Database } from '../schema.js'
import { num } from './common.js'
import { whereIncident, type IncidentFilter } from './incidents.js'
import { wherePerson, type PersonFilter } from './persons.js'
import type { PersonFacts } from './person-facts.js'

/** What is counted: incidents, their victims (sum of the minimum count), or person records. */
export type StatsUnit = 'incidents' | 'victims' | 'persons'
export const STATS_DIMENSIONS = ['month', 'country', 'place', 'type', 'grade', 'sex', 'none'] as const
export type StatsDimension = (typeof STATS_DIMENSIONS)[number]

export interface StatsRow {
  /** The group: a month 'YYYY-MM', a country code, a place, a type, a grade, a sex; "uncertain" or "unknown" where not known. */
  key: string
  documented: number
  reported: number
  all: number
}

export interface Stats {
  unit: StatsUnit
  by: StatsDimension
  totals: Omit<StatsRow, 'key'>
  groups: StatsRow[]
}

const documentedList = sql.join(DOCUMENTED_GRADES.map((g) => sql.lit(g)))

function incidentKey(by: StatsDimension): RawBuilder<string> | null {
  switch (by) {
    case 'month':
      return sql<string>`coalesce(incident.date_month, 'uncertain')`
    case 'country':
      return sql<string>`coalesce(incident.place_country, 'unknown')`
    case 'place':
      return sql<string>`coalesce(incident.place_name, 'unknown')`
    case 'type':
      return sql<string>`incident.type`
    case 'grade':
      return sql<string>`incident.grade`
    case 'none':
      return sql<string>`'all'`
    case 'sex':
      return null
  }
}

function personKey(by: StatsDimension): RawBuilder<string> | null {
  switch (by) {
    case 'month':
      return sql<string>`coalesce(person.death_month, 'uncertain')`
    case 'country':
      return sql<string>`coalesce(person.place_country, 'unknown')`
    case 'place':
      return sql<string>`coalesce(person.place_name, 'unknown')`
    case 'grade':
      return sql<string>`person.grade`
    case 'sex':
      return sql<string>`person.sex`
    case 'none':
      return sql<string>`'all'`
    case 'type':
      return null
  }
}

function finish(unit: StatsUnit, by: StatsDimension, rows: { key: unknown; documented: unknown; reported: unknown; all: unknown }[]): Stats {
  const groups = rows
    // An aggregate over no rows still answers one row, of nulls: no group.
    .filter((r) => r.all !== null)
    .map((r) => ({ key: String(r.key), documented: num(r.documented), reported: num(r.reported), all: num(r.all) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const totals = groups.reduce(
    (t, g) => ({ documented: t.documented + g.documented, reported: t.reported + g.reported, all: t.all + g.all }),
    { documented: 0, reported: 0, all: 0 },
  )
  return { unit, by, totals, groups }
}

/** Incident or victim counts by one dimension; null when the dimension does not apply. */
export async function incidentStats(db: Kysely<Database>, unit: 'incidents' | 'victims', by: StatsDimension, f: IncidentFilter): Promise<Stats | null> {
  const key = incidentKey(by)
  if (key === null) return null
  const weight = unit === 'victims' ? sql<number>`coalesce(incident.victims_min, 0)` : sql<number>`1`
  const q = whereIncident(db.selectFrom('incident'), f)
    .select([
      key.as('key'),
      sql<number>`sum(case when incident.grade in (${documentedList}) then ${weight} else 0 end)`.as('documented'),
      sql<number>`sum(case when incident.grade <> 'discounted' then ${weight} else 0 end)`.as('reported'),
      sql<number>`sum(${weight})`.as('all'),
    ])
  // PostgreSQL refuses GROUP BY a constant: with no dimension, aggregate over everything.
  return finish(unit, by, await (by === 'none' ? q : q.groupBy(key)).execute())
}

/**
 * Person counts by one dimension; null when the dimension does not apply. Served from the
 * in-memory PersonFacts when the filter is one it can answer, else by SQL.
 */
export async function personStats(db: Kysely<Database>, by: StatsDimension, f: PersonFilter, facts?: PersonFacts): Promise<Stats | null> {
  const key = personKey(by)
  if (key === null) return null
  const country = f.place === undefined ? undefined : /^[A-Z]{2}$/.test(f.place) ? f.place : null
  if (facts && by !== 'place' && by !== 'type' && country !== null && f.q === undefined && f.incidentId === undefined) {
    await facts.refresh(db)
    const rows = facts.count(by, { grade: f.grade, sex: f.sex, fate: f.fate, country, dateFrom: f.dateFrom, dateTo: f.dateTo })
    return finish('persons', by, rows)
  }
  const q = wherePerson(db.selectFrom('person'), f)
    .select([
      key.as('key'),
      sql<number>`sum(case when person.grade in (${documentedList}) then 1 else 0 end)`.as('documented'),
      sql<number>`sum(case when person.grade <> 'discounted' then 1 else 0 end)`.as('reported'),
      sql<number>`count(*)`.as('all'),
    ])
  return finish('persons', by, await (by === 'none' ? q : q.groupBy(key)).execute())
}
