// Counting: documented beside reported beside all, for incidents, their victims, or persons.
import { TallyError, type Fate, type Grade, type IncidentType, type Sex } from '../domain/index.js'
import { DEFAULT_SUPPRESSION_THRESHOLD, PUBLISHED_ONLY } from '../security/index.js'
import type { Stats, StatsDimension, StatsUnit } from '../store/index.js'
import type { Context } from './context.js'

export interface StatsQuery {
  unit: StatsUnit
  by: StatsDimension
  type?: IncidentType | undefined
  grade?: Grade | undefined
  dateFrom?: string | undefined
  dateTo?: string | undefined
  place?: string | undefined
  perpetrator?: string | undefined
  sex?: Sex | undefined
  fate?: Fate | undefined
  q?: string | undefined
}

/**
 * Counts by one dimension. Dates filter on certainty: an incident counts in a period only when
 * all of its possible dates lie inside it (see docs/METHOD.md).
 *
 * @example // "120 verified cases within the last six months" of 25 December 2014:
 * await stats(ctx, { unit: 'victims', by: 'grade', type: 'execution', dateFrom: '2014-06-25', dateTo: '2014-12-31' })
 */
/** A group too small to publish: its counts withheld, so nobody in it can be singled out. */
export interface SuppressedGroup {
  key: string
  documented: null
  reported: null
  all: null
  suppressed: true
}

export async function stats(ctx: Context, q: StatsQuery): Promise<(Stats | (Omit<Stats, 'groups'> & { groups: (Stats['groups'][number] | SuppressedGroup)[] })) & { query: StatsQuery }> {
  let result: Stats | null
  if (q.unit === 'persons') {
    if (q.type || q.perpetrator) throw new TallyError('bad_input', 'persons cannot be filtered by incident type or perpetrator', [{ path: q.type ? 'type' : 'perpetrator', message: 'not a person field' }])
    result = await ctx.store.stats.persons(q.by, { grade: q.grade, dateFrom: q.dateFrom, dateTo: q.dateTo, place: q.place, sex: q.sex, fate: q.fate, q: q.q })
  } else {
    if (q.sex || q.fate) throw new TallyError('bad_input', `${q.unit} cannot be filtered by sex or fate`, [{ path: q.sex ? 'sex' : 'fate', message: 'not an incident field' }])
    result = await ctx.store.stats.incidents(q.unit, q.by, { type: q.type, grade: q.grade, dateFrom: q.dateFrom, dateTo: q.dateTo, place: q.place, perpetrator: q.perpetrator, q: q.q })
  }
  if (result === null) throw new TallyError('bad_input', `${q.unit} cannot be counted by ${q.by}`, [{ path: 'by', message: `not a dimension of ${q.unit}` }])
  if (PUBLISHED_ONLY[ctx.actor.role] && q.unit !== 'incidents') {
    // The public sees counts of people only in groups of at least the export's threshold.
    const k = DEFAULT_SUPPRESSION_THRESHOLD
    const groups = result.groups.map((g) => (g.all > 0 && g.all < k ? { key: g.key, documented: null, reported: null, all: null, suppressed: true as const } : g))
    return { ...result, groups, query: q }
  }
  return { ...result, query: q }
}
