// Month names and digit folding shared by list normalisation and article extraction.
// Arabic has two month-name traditions: the Levantine/Iraqi Syriac names (كانون الثاني ...) and
// the transliterated European names used in the Maghreb and Egypt (يناير, جانفي ...): both appear
// in the casualty lists Tally imports, so both are accepted.

const MONTHS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [1, ['january', 'jan', 'janvier', 'janv', 'يناير', 'كانون الثاني', 'جانفي', 'ينير']],
  [2, ['february', 'feb', 'février', 'fevrier', 'févr', 'fevr', 'فبراير', 'شباط', 'فيفري', 'فبراير']],
  [3, ['march', 'mar', 'mars', 'مارس', 'آذار', 'اذار']],
  [4, ['april', 'apr', 'avril', 'avr', 'أبريل', 'ابريل', 'نيسان', 'أفريل', 'افريل']],
  [5, ['may', 'mai', 'مايو', 'أيار', 'ايار', 'ماي']],
  [6, ['june', 'jun', 'juin', 'يونيو', 'حزيران', 'جوان', 'يونيه']],
  [7, ['july', 'jul', 'juillet', 'juil', 'يوليو', 'تموز', 'جويلية', 'يوليوز', 'يوليه']],
  [8, ['august', 'aug', 'août', 'aout', 'أغسطس', 'اغسطس', 'آب', 'اب', 'أوت', 'اوت', 'غشت']],
  [9, ['september', 'sep', 'sept', 'septembre', 'سبتمبر', 'أيلول', 'ايلول', 'شتنبر']],
  [10, ['october', 'oct', 'octobre', 'أكتوبر', 'اكتوبر', 'تشرين الأول', 'تشرين الاول']],
  [11, ['november', 'nov', 'novembre', 'نوفمبر', 'تشرين الثاني', 'نونبر']],
  [12, ['december', 'dec', 'décembre', 'decembre', 'déc', 'ديسمبر', 'كانون الأول', 'كانون الاول', 'دجنبر']],
]

const MONTH_BY_NAME = new Map<string, number>()
for (const [n, names] of MONTHS) for (const name of names) MONTH_BY_NAME.set(name, n)

/** Every month name, longest first, escaped for a regular expression alternation. */
export const MONTH_NAME_PATTERN = [...MONTH_BY_NAME.keys()]
  .sort((a, b) => b.length - a.length)
  .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  .join('|')

/**
 * The month number (1–12) of a month name in English, French or Arabic; null when unknown.
 *
 * @example monthNumber('Décembre') // 12
 */
export function monthNumber(name: string): number | null {
  const key = name.trim().toLowerCase().replace(/\.$/, '')
  return MONTH_BY_NAME.get(key) ?? null
}

/**
 * Replaces Arabic-Indic (٠–٩) and Eastern Arabic-Indic (۰–۹) digits by ASCII digits, one for one,
 * so offsets in the text are unchanged.
 *
 * @example foldDigits('١٢٠') // '120'
 */
export function foldDigits(text: string): string {
  let out = ''
  let changed = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0x660 && c <= 0x669) {
      out += String.fromCharCode(48 + c - 0x660)
      changed = true
    } else if (c >= 0x6f0 && c <= 0x6f9) {
      out += String.fromCharCode(48 + c - 0x6f0)
      changed = true
    } else out += text[i]
  }
  return changed ? out : text
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))

/**
 * Days in a month of a (proleptic Gregorian) year.
 *
 * @example daysInMonth(2016, 2) // 29
 */
export function daysInMonth(year: number, month: number): number {
  // Arithmetic rather than a Date: this runs once per row of million-row lists.
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

/**
 * `YYYY-MM-DD` for valid parts, null otherwise.
 *
 * @example isoDay(2014, 2, 30) // null
 */
export function isoDay(year: number, month: number, day: number): string | null {
  if (!(year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month))) return null
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`
}

/**
 * `YYYY-MM` for valid parts, null otherwise.
 *
 * @example isoMonth(2014, 12) // '2014-12'
 */
export function isoMonth(year: number, month: number): string | null {
  if (!(year >= 1 && year <= 9999 && month >= 1 && month <= 12)) return null
  return `${String(year).padStart(4, '0')}-${pad2(month)}`
}
