import { isEdtf } from '../../domain/index.js'
// Normalising one cell of a casualty list: sex, age, date of death. Each parser returns a value or
// a short message saying what is wrong, never throws: a bad cell is a per-row error, not a stop.
import type { Sex } from '../../domain/index.js'
import { foldDigits, isoDay, isoMonth, monthNumber, MONTH_NAME_PATTERN } from '../calendar.js'

/** A parsed cell: the value, or why it could not be read. */
export type CellResult<T> = { ok: true; value: T } | { ok: false; message: string }

const ok = <T>(value: T): CellResult<T> => ({ ok: true, value })
const bad = <T>(message: string): CellResult<T> => ({ ok: false, message })

const SEX_WORDS = new Map<string, Sex>([
  ...['m', 'male', 'man', 'boy', 'h', 'homme', 'masculin', 'garçon', 'garcon', 'ذكر', 'رجل', 'ذ', 'طفل', 'm.'].map(
    (w) => [w, 'male'] as [string, Sex],
  ),
  ...['f', 'female', 'woman', 'girl', 'femme', 'féminin', 'feminin', 'fille', 'أنثى', 'انثى', 'امرأة', 'إمرأة', 'طفلة', 'أ', 'ا', 'f.'].map(
    (w) => [w, 'female'] as [string, Sex],
  ),
  ...['u', 'unknown', '?', 'inconnu', 'nd', 'n/a', 'na', 'غير معروف', 'مجهول'].map((w) => [w, 'unknown'] as [string, Sex]),
])

/**
 * Sex from a list cell in English, French or Arabic ("M", "femme", "ذكر").
 *
 * @example parseSex('Féminin') // { ok: true, value: 'female' }
 */
export function parseSex(cell: string): CellResult<Sex> {
  const v = SEX_WORDS.get(cell.trim().toLowerCase())
  return v === undefined ? bad(`unknown sex "${cell}" (expected M/F, male/female, homme/femme, ذكر/أنثى)`) : ok(v)
}

/** An age range in whole years. */
export interface AgeRange {
  min: number
  max: number
}

const ABOUT = /^(?:about|around|approx\.?|approximately|circa|ca\.?|c\.|~|environ|vers|env\.?|حوالي|حوالى|نحو|قرابة|تقريبا)\s*(\d{1,3})\s*(?:ans?|years?|yrs?|y|سنة|عاما|عام)?\s*(?:تقريبا)?$/
const RANGE = /^(\d{1,3})\s*(?:-|–|—|to|à|a|الى|إلى)\s*(\d{1,3})\s*(?:ans?|years?|yrs?|سنة|عاما)?$/
const SINGLE = /^(\d{1,3})\s*(?:ans?|years?(?: old)?|yrs?|y|سنة|عاما|عام)?$/
const DECADE = /^(\d)0s$/
const UNDER = /^(?:<|under|moins de|أقل من)\s*(\d{1,3})$/

/**
 * An age or age range. Rules (documented in docs/intake-notes.md): "20" → 20–20; "20-25" → 20–25;
 * "about 20" / "environ 20" / "حوالي 20" → ±10 % with at least ±2 years (18–22); "20s" → 20–29;
 * "<18" / "under 18" → 0–17. Arabic-Indic digits are accepted.
 *
 * @example parseAge('about 20') // { ok: true, value: { min: 18, max: 22 } }
 */
export function parseAge(cell: string): CellResult<AgeRange> {
  // Fast path for the common plain number (a million-row list is mostly these).
  if (cell.length <= 3 && /^\d+$/.test(cell)) return checkAge(Number(cell), Number(cell), cell)
  const v = foldDigits(cell.trim().toLowerCase())
  let m = SINGLE.exec(v)
  if (m) return checkAge(Number(m[1]), Number(m[1]), cell)
  m = RANGE.exec(v)
  if (m) return checkAge(Number(m[1]), Number(m[2]), cell)
  m = ABOUT.exec(v)
  if (m) {
    const n = Number(m[1])
    const d = Math.max(2, Math.round(n * 0.1))
    return checkAge(Math.max(0, n - d), Math.min(130, n + d), cell)
  }
  m = DECADE.exec(v)
  if (m) return checkAge(Number(m[1]) * 10, Number(m[1]) * 10 + 9, cell)
  m = UNDER.exec(v)
  if (m) return checkAge(0, Math.max(0, Number(m[1]) - 1), cell)
  return bad(`cannot read age "${cell}" (examples: 20, 20-25, about 20)`)
}

function checkAge(min: number, max: number, cell: string): CellResult<AgeRange> {
  if (max > 130) return bad(`age "${cell}" is over 130`)
  if (min > max) return bad(`age range "${cell}" has its minimum above its maximum`)
  return ok({ min, max })
}

const ISO = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/
const NUMERIC = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/
const DAY_MONTH_YEAR = new RegExp(`^(\\d{1,2})(?:er)?\\s+(${MONTH_NAME_PATTERN})\\.?,?\\s+(\\d{4})$`, 'i')
const MONTH_DAY_YEAR = new RegExp(`^(${MONTH_NAME_PATTERN})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})$`, 'i')
const MONTH_YEAR = new RegExp(`^(${MONTH_NAME_PATTERN})\\.?,?\\s+(\\d{4})$`, 'i')

/**
 * A date of death as EDTF. Accepts ISO (2014-12-25, 2014-12, 2014), day-first numeric dates
 * (25/12/2014, 25.12.2014, 25-12-2014; read month-first only when the day-first reading is
 * impossible, e.g. 12/25/2014), and month names in English, French or Arabic ("25 December 2014",
 * "December 25, 2014", "25 décembre 2014", "٢٥ كانون الأول ٢٠١٤", "décembre 2014").
 *
 * @example parseDeathDate('25/12/2014') // { ok: true, value: '2014-12-25' }
 */
export function parseDeathDate(cell: string): CellResult<string> {
  const v = /^[\d/.-]+$/.test(cell) ? cell : foldDigits(cell.trim()).replace(/\s+/g, ' ')
  let m = ISO.exec(v)
  if (m) {
    const y = Number(m[1])
    if (m[2] === undefined) return y >= 1 ? ok(m[1] as string) : bad(`year "${cell}" is not valid`)
    if (m[3] === undefined) return orBad(isoMonth(y, Number(m[2])), cell)
    return orBad(isoDay(y, Number(m[2]), Number(m[3])), cell)
  }
  m = NUMERIC.exec(v)
  if (m) {
    const a = Number(m[1])
    const b = Number(m[2])
    const y = Number(m[3])
    // Day first is the convention of the regions Tally serves; month first only when forced.
    return orBad(isoDay(y, b, a) ?? (a <= 12 && b > 12 ? isoDay(y, a, b) : null), cell)
  }
  m = DAY_MONTH_YEAR.exec(v)
  if (m) return orBad(isoDay(Number(m[3]), monthNumber(m[2] as string) ?? 0, Number(m[1])), cell)
  m = MONTH_DAY_YEAR.exec(v)
  if (m) return orBad(isoDay(Number(m[3]), monthNumber(m[1] as string) ?? 0, Number(m[2])), cell)
  m = MONTH_YEAR.exec(v)
  if (m) return orBad(isoMonth(Number(m[2]), monthNumber(m[1] as string) ?? 0), cell)
  // Lists that already write EDTF ("2014-12~", "2014-06/2014-12", "2014?") keep it as written.
  if (isEdtf(v)) return ok(v)
  return bad(`cannot read date "${cell}" (examples: 2014-12-25, 25/12/2014, 25 December 2014, 2014-12~)`)
}

function orBad(value: string | null, cell: string): CellResult<string> {
  return value === null ? bad(`"${cell}" is not a valid calendar date`) : ok(value)
}
