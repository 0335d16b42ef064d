// Capture histories for multiple systems estimation: for each person (cluster), which lists
// recorded them. Persons with the same pattern (and stratum) are counted together.
import { TallyError } from '../domain/index.js'
import type { LinkageRecord, RecordAssignment } from './types.js'

/** One capture pattern: 0/1 per list (in `lists` order), how many persons have it. */
export interface CaptureHistoryRow {
  readonly stratum: string | null
  readonly history: readonly (0 | 1)[]
  readonly count: number
}

/** Capture histories, with the list names that head the 0/1 columns. */
export interface CaptureHistories {
  readonly lists: readonly string[]
  readonly stratifiedBy: string | null
  readonly rows: readonly CaptureHistoryRow[]
}

/**
 * Counts persons by capture pattern, optionally by a stratum: any record field (region, period,
 * sex, ...). A person whose records disagree on the stratum takes the value most of their
 * records give (ties: the first in input order); a person with no value is in stratum "".
 *
 * @example
 * captureHistories(records, result.assignments, { stratifyBy: 'region' }).rows
 * // [{ stratum: 'Aleppo', history: [1, 0, 1, 0], count: 412 }, ...]
 */
export function captureHistories(
  records: readonly LinkageRecord[],
  assignments: readonly RecordAssignment[],
  options: { readonly stratifyBy?: string } = {},
): CaptureHistories {
  if (records.length !== assignments.length) throw new TallyError('bad_input', 'records and assignments differ in length')
  const lists = [...new Set(records.map((r) => String(r.list)))].sort()
  const listIndex = new Map(lists.map((l, i) => [l, i]))
  const stratifyBy = options.stratifyBy ?? null
  const persons = new Map<string, { lists: Set<number>; strata: Map<string, number> }>()
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as LinkageRecord
    const a = assignments[i] as RecordAssignment
    if (a.record_id !== String(r.record_id)) throw new TallyError('bad_input', `assignment ${i} is for record "${a.record_id}", not "${String(r.record_id)}"`)
    let person = persons.get(a.cluster_id)
    if (person === undefined) {
      person = { lists: new Set(), strata: new Map() }
      persons.set(a.cluster_id, person)
    }
    person.lists.add(listIndex.get(String(r.list)) as number)
    if (stratifyBy !== null) {
      const raw = r[stratifyBy]
      const value = raw === null || raw === undefined ? '' : String(raw).trim()
      if (value !== '') person.strata.set(value, (person.strata.get(value) ?? 0) + 1)
    }
  }
  const rows = new Map<string, { stratum: string | null; history: (0 | 1)[]; count: number }>()
  for (const person of persons.values()) {
    const history = lists.map((_, k) => (person.lists.has(k) ? 1 : 0) as 0 | 1)
    let stratum: string | null = null
    if (stratifyBy !== null) {
      stratum = ''
      let best = 0
      for (const [value, count] of person.strata) {
        if (count > best) {
          best = count
          stratum = value
        }
      }
    }
    const key = `${stratum ?? ''}\u0000${history.join('')}`
    const row = rows.get(key)
    if (row === undefined) rows.set(key, { stratum, history, count: 1 })
    else row.count++
  }
  const sorted = [...rows.values()].sort(
    (x, y) => (x.stratum ?? '').localeCompare(y.stratum ?? '') || y.history.join('').localeCompare(x.history.join('')),
  )
  return { lists, stratifiedBy: stratifyBy, rows: sorted }
}
