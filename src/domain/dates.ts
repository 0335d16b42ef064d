import edtf from 'edtf'
import { TallyError } from './errors.js'
import type { IsoDay } from './ids.js'

/**
 * A date as the sources give it, in EDTF (ISO 8601-2), with the first and last calendar day it
 * can mean. "2014-12~" (about December 2014), "2014-06-25/2014-12-25" (within the last six months
 * of an article dated 25 December 2014), "2015" all store honestly and still filter and count.
 * An open end ("../2014-12") has a null bound.
 */
export interface EdtfDate {
  readonly edtf: string
  readonly earliest: IsoDay | null
  readonly latest: IsoDay | null
}

/** Bounds are days of the years 0000–9999 (sortable as text); anything outside is refused. */
class OutOfRange extends Error {}

function dayOf(ms: number): IsoDay {
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) throw new OutOfRange(String(ms))
  const iso = new Date(ms).toISOString()
  if (!/^\d{4}-\d{2}-\d{2}T/.test(iso)) throw new OutOfRange(iso)
  return iso.slice(0, 10) as IsoDay
}

function bound(part: string, which: 'min' | 'max'): IsoDay | null {
  if (part === '' || part === '..') return null
  return dayOf(edtf(part)[which])
}

/**
 * Parses an EDTF string and derives its bounds; throws TallyError('bad_input') naming the value.
 *
 * @example parseEdtf('2014-12~') // { edtf: '2014-12~', earliest: '2014-12-01', latest: '2014-12-31' }
 */
export function parseEdtf(text: string): EdtfDate {
  const value = text.trim()
  const plain = plainIsoDate(value)
  if (plain) return plain
  try {
    const parsed = edtf(value)
    if (parsed.type === 'Interval' && value.includes('/')) {
      // edtf.js cannot give bounds of open or unknown interval ends; take each end separately.
      const [start = '', end = ''] = value.split('/')
      return { edtf: parsed.edtf, earliest: bound(start, 'min'), latest: bound(end, 'max') }
    }
    return { edtf: parsed.edtf, earliest: dayOf(parsed.min), latest: dayOf(parsed.max) }
  } catch (e) {
    if (e instanceof OutOfRange) throw new TallyError('bad_input', `"${value}" is outside the years 0000–9999 that Tally records`)
    throw new TallyError('bad_input', `not an EDTF date: "${value}"`)
  }
}

const PLAIN = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/

// Most dates in lists are plain ISO days, months or years; bounds for those are computed directly,
// which is a hundred times faster than the full EDTF grammar (it matters at a million rows).
function plainIsoDate(value: string): EdtfDate | null {
  const m = PLAIN.exec(value)
  if (!m) return null
  const year = Number(m[1])
  if (m[2] === undefined) return { edtf: value, earliest: `${m[1]}-01-01` as IsoDay, latest: `${m[1]}-12-31` as IsoDay }
  const month = Number(m[2])
  if (month < 1 || month > 12) return null
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate()
  if (m[3] === undefined) {
    return { edtf: value, earliest: `${m[1]}-${m[2]}-01` as IsoDay, latest: `${m[1]}-${m[2]}-${String(lastDay).padStart(2, '0')}` as IsoDay }
  }
  const day = Number(m[3])
  if (day < 1 || day > lastDay) return null
  return { edtf: value, earliest: value as IsoDay, latest: value as IsoDay }
}

/** True when `text` parses as EDTF. */
export function isEdtf(text: string): boolean {
  try {
    parseEdtf(text)
    return true
  } catch {
    return false
  }
}

/**
 * The calendar month a date falls in, when it is known to one month ("2014-12", "2014-12-25",
 * "2014-12~"); null when it spans more than one month or is open. Counting by month never guesses
 * a month for an imprecise date: such dates are counted apart, as "uncertain".
 */
export function monthOf(date: EdtfDate): string | null {
  if (date.earliest === null || date.latest === null) return null
  const m = date.earliest.slice(0, 7)
  return m === date.latest.slice(0, 7) ? m : null
}

/** Adds `days` (may be negative) to an ISO day. */
export function addDays(day: IsoDay, days: number): IsoDay {
  const t = Date.parse(`${day}T00:00:00Z`) + days * 86_400_000
  return dayOf(t)
}
