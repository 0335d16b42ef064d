// Dates and periods in running text, resolved against the publication date into EDTF.
import { foldDigits, isoDay, isoMonth, monthNumber, MONTH_NAME_PATTERN } from './calendar.js'

/** A date or period found in text. `edtf` is null when it needs an anchor that is not known. */
export interface DateFound {
  start: number
  end: number
  edtf: string | null
  /** How it was read, in plain words (the rule applied, or why it stays unresolved). */
  rule: string
}

const NUM_WORDS: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  a: 1, an: 1, un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, sept: 7, huit: 8, neuf: 9, dix: 10, douze: 12,
  'واحد': 1, 'اثنين': 2, 'ثلاثة': 3, 'أربعة': 4, 'خمسة': 5, 'ستة': 6, 'الستة': 6, 'الثلاثة': 3, 'سبعة': 7, 'عشرة': 10,
}

type Unit = 'day' | 'week' | 'month' | 'year'
const UNIT: Record<string, Unit> = {
  day: 'day', days: 'day', week: 'week', weeks: 'week', month: 'month', months: 'month', year: 'year', years: 'year',
  jour: 'day', jours: 'day', semaine: 'week', semaines: 'week', mois: 'month', an: 'year', ans: 'year', année: 'year', années: 'year',
  'أيام': 'day', 'يوما': 'day', 'أسابيع': 'week', 'أسبوع': 'week', 'أشهر': 'month', 'الأشهر': 'month', 'شهور': 'month', 'شهرا': 'month', 'سنوات': 'year', 'الأيام': 'day', 'الأسابيع': 'week',
}

function addUnits(day: string, n: number, unit: Unit): string {
  const d = new Date(`${day}T00:00:00Z`)
  if (unit === 'day') d.setUTCDate(d.getUTCDate() + n)
  else if (unit === 'week') d.setUTCDate(d.getUTCDate() + 7 * n)
  else if (unit === 'month') d.setUTCMonth(d.getUTCMonth() + n)
  else d.setUTCFullYear(d.getUTCFullYear() + n)
  return d.toISOString().slice(0, 10)
}

const NUM = '(\\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|a|an|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze)'
interface Rule {
  re: RegExp
  read: (m: RegExpExecArray, anchor: string | null) => { edtf: string | null; rule: string }
}

const needAnchor = (what: string): { edtf: null; rule: string } => ({ edtf: null, rule: `${what}; unresolved: the publication date (with its year) is not known` })
const num = (s: string | undefined): number => (s === undefined ? 1 : (NUM_WORDS[s.toLowerCase()] ?? Number(s)))

const RULES: Rule[] = [
  // "within the last six months", "over the past two weeks", "au cours des six derniers mois"
  {
    re: new RegExp(`\\b(?:within|in|over|during)\\s+the\\s+(?:last|past)\\s+${NUM}\\s+(days?|weeks?|months?|years?)\\b`, 'gi'),
    read: (m, a) => {
      const n = num(m[1])
      const u = UNIT[(m[2] as string).toLowerCase()] as Unit
      return a === null ? needAnchor(`the ${n} ${u}s before publication`) : { edtf: `${addUnits(a, -n, u)}/${a}`, rule: `the ${n} ${u}(s) up to the publication date` }
    },
  },
  {
    re: new RegExp(`\\b(?:au cours des|durant les|pendant les|ces)\\s+${NUM}\\s+derni(?:ers|ères)\\s+(jours|semaines|mois|années)\\b`, 'gi'),
    read: (m, a) => {
      const n = num(m[1])
      const u = UNIT[(m[2] as string).toLowerCase()] as Unit
      return a === null ? needAnchor(`the ${n} ${u}s before publication`) : { edtf: `${addUnits(a, -n, u)}/${a}`, rule: `the ${n} ${u}(s) up to the publication date` }
    },
  },
  // "خلال الأشهر الستة الماضية"
  {
    re: /(?:خلال|في)\s+(الأشهر|الأسابيع|الأيام|السنوات)\s+(الستة|الثلاثة|الأربعة|الخمسة|السبعة|العشرة)\s+(?:الماضية|الأخيرة)/g,
    read: (m, a) => {
      const u = (m[1] === 'السنوات' ? 'year' : UNIT[m[1] as string]) as Unit
      const n = NUM_WORDS[(m[2] as string).replace(/^ال/, '')] ?? NUM_WORDS[m[2] as string] ?? 1
      return a === null ? needAnchor(`the ${n} ${u}s before publication`) : { edtf: `${addUnits(a, -n, u)}/${a}`, rule: `the ${n} ${u}(s) up to the publication date` }
    },
  },
  // "three days ago", "il y a trois jours", "منذ ثلاثة أيام"
  {
    re: new RegExp(`\\b${NUM}\\s+(days?|weeks?|months?|years?)\\s+ago\\b|\\bil y a\\s+${NUM}\\s+(jours|semaines|mois|ans)\\b`, 'gi'),
    read: (m, a) => {
      const n = num(m[1] ?? m[3])
      const u = UNIT[((m[2] ?? m[4]) as string).toLowerCase()] as Unit
      if (a === null) return needAnchor(`${n} ${u}(s) before publication`)
      const d = addUnits(a, -n, u)
      return u === 'day' ? { edtf: d, rule: `${n} day(s) before the publication date` } : { edtf: `${d}~`, rule: `about ${n} ${u}(s) before the publication date` }
    },
  },
  {
    re: /(?:منذ|قبل)\s+(\d+|ثلاثة|أربعة|خمسة|ستة|سبعة|عشرة)\s+(أيام|يوما|أسابيع|أشهر|شهور|سنوات)/g,
    read: (m, a) => {
      const n = NUM_WORDS[m[1] as string] ?? Number(m[1])
      const u = UNIT[m[2] as string] as Unit
      if (a === null) return needAnchor(`${n} ${u}(s) before publication`)
      const d = addUnits(a, -n, u)
      return u === 'day' ? { edtf: d, rule: `${n} day(s) before the publication date` } : { edtf: `${d}~`, rule: `about ${n} ${u}(s) before the publication date` }
    },
  },
  // "in recent weeks" (8 weeks), "in recent days" (14 days), "in recent months" (6 months), "recently" (3 months)
  {
    re: /\b(?:in|over|during) recent (days|weeks|months)\b|\bces derni(?:ers|ères) (jours|semaines|mois)\b|\bfi recent\b|في (?:الأيام|الأسابيع|الأشهر) الأخيرة/gi,
    read: (m, a) => {
      const w = (m[1] ?? m[2] ?? (m[0].includes('الأيام') ? 'days' : m[0].includes('الأسابيع') ? 'weeks' : 'months')).toLowerCase()
      const u = UNIT[w] ?? (w === 'jours' ? 'day' : w === 'semaines' ? 'week' : 'month')
      const n = u === 'day' ? 14 : u === 'week' ? 8 : 6
      const back = u === 'day' ? -14 : u === 'week' ? -56 : 0
      if (a === null) return needAnchor(`recent ${w} before publication`)
      const from = u === 'month' ? addUnits(a, -6, 'month') : addUnits(a, back, 'day')
      return { edtf: `${from}/${a}`, rule: `"recent ${w}" read as the ${n} ${u}s up to the publication date` }
    },
  },
  {
    re: /\brecently\b|\brécemment\b|مؤخرا/gi,
    read: (_m, a) => (a === null ? needAnchor('recently') : { edtf: `${addUnits(a, -3, 'month')}/${a}`, rule: '"recently" read as the 3 months up to the publication date' }),
  },
  // "this week", "last week", "cette semaine", "la semaine dernière", "هذا الأسبوع", "الأسبوع الماضي"
  {
    re: /\b(this|last) (week|month|year)\b|\b(?:cette (semaine)|ce (mois)|cette (année)|la (semaine) dernière|le (mois) dernier|l'(année) dernière)\b|(هذا الأسبوع|الأسبوع الماضي|هذا الشهر|الشهر الماضي)/gi,
    read: (m, a) => {
      const t = m[0].toLowerCase()
      const last = /last|dernière|dernier|الماضي/.test(t)
      const u: Unit = /week|semaine|الأسبوع/.test(t) ? 'week' : /month|mois|الشهر/.test(t) ? 'month' : 'year'
      if (a === null) return needAnchor(t)
      const base = last ? addUnits(a, -1, u) : a
      if (u === 'week') {
        const d = new Date(`${base}T00:00:00Z`)
        const monday = addUnits(base, -((d.getUTCDay() + 6) % 7), 'day')
        return { edtf: `${monday}/${addUnits(monday, 6, 'day')}`, rule: `the ${last ? 'previous' : 'same'} Monday–Sunday week as the publication date` }
      }
      if (u === 'month') return { edtf: base.slice(0, 7), rule: `the ${last ? 'previous' : 'same'} month as the publication date` }
      return { edtf: base.slice(0, 4), rule: `the ${last ? 'previous' : 'same'} year as the publication date` }
    },
  },
  {
    re: /\b(yesterday|today|hier|aujourd'hui)\b|(أمس|اليوم)/gi,
    read: (m, a) => {
      const t = m[0].toLowerCase()
      if (a === null) return needAnchor(t)
      return /yesterday|hier|أمس/.test(t) ? { edtf: addUnits(a, -1, 'day'), rule: 'the day before publication' } : { edtf: a, rule: 'the publication date' }
    },
  },
  // "a few days later": relative to an earlier moment of the story, so only bounded by publication.
  {
    re: /\b(?:a few|several|some|two|three) (?:days|weeks|months) later\b|\bquelques (?:jours|semaines|mois) plus tard\b|بعد (?:أيام|بضعة أيام|أسابيع)/gi,
    read: (_m, a) => (a === null ? needAnchor('later in the story') : { edtf: `../${a}`, rule: 'relative to an earlier moment of the story, not to the publication date: only known to be no later than publication' }),
  },
  {
    re: /\b(?:in the coming (?:days|weeks|months)|dans les (?:prochains jours|prochaines semaines))\b/gi,
    read: (m, a) => (a === null ? needAnchor(m[0]) : { edtf: `${a}/${addUnits(a, /month|mois/.test(m[0]) ? 6 : /week|semaine/.test(m[0]) ? 56 : 30, 'day')}`, rule: 'a future period after the publication date' }),
  },
  // Full dates with month names: "December 25, 2014", "25 December 2014", "25 décembre 2014", "25 ديسمبر 2014"
  {
    re: new RegExp(`(?<![\\p{L}])(?:(${MONTH_NAME_PATTERN})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?(?:,?\\s+(\\d{4}))?|(\\d{1,2})(?:er)?\\s+(${MONTH_NAME_PATTERN})(?:\\s+(\\d{4}))?)(?![\\p{L}])`, 'giu'),
    read: (m, a) => {
      const month = monthNumber((m[1] ?? m[5]) as string) as number
      const day = Number(m[2] ?? m[4])
      const y = m[3] ?? m[6]
      if (y !== undefined) {
        const iso = isoDay(Number(y), month, day)
        return iso === null ? { edtf: null, rule: 'not a calendar date' } : { edtf: iso, rule: 'as written' }
      }
      const mmdd = `${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
      if (a === null) return { edtf: `XXXX-${mmdd}`, rule: 'no year written; year left unspecified' }
      const year = Number(a.slice(0, 4))
      const same = `${a.slice(0, 4)}-${mmdd}`
      return { edtf: same <= a ? same : `${year - 1}-${mmdd}`, rule: 'no year written: the latest such day not after the publication date' }
    },
  },
  {
    re: new RegExp(`(?<![\\p{L}\\d])(${MONTH_NAME_PATTERN})\\s+(\\d{4})\\b`, 'giu'),
    read: (m) => ({ edtf: isoMonth(Number(m[2]), monthNumber(m[1] as string) as number), rule: 'as written' }),
  },
  // A bare year in running text ("2015 will witness", "in 2014").
  { re: /(?<![\d/,.-])((?:19[5-9]|20[0-4])\d)(?![\d/%])/g, read: (m) => ({ edtf: m[1] as string, rule: 'a year as written' }) },
]

/**
 * Finds dates and periods in a text, resolving relative ones against `anchor` (the publication
 * day, `YYYY-MM-DD`; null when unknown or without a year). Non-overlapping, in text order.
 *
 * @example findDates('within the last six months', '2014-12-25')[0]?.edtf // '2014-06-25/2014-12-25'
 */
export function findDates(text: string, anchor: string | null): DateFound[] {
  const folded = foldDigits(text)
  const out: DateFound[] = []
  const taken: Array<[number, number]> = []
  for (const rule of RULES) {
    rule.re.lastIndex = 0
    for (let m = rule.re.exec(folded); m !== null; m = rule.re.exec(folded)) {
      const start = m.index
      const end = start + m[0].length
      if (taken.some(([s, e]) => start < e && end > s)) continue
      // "May" and "march" are also words; a month name alone needs a day or a year beside it.
      const r = rule.read(m, anchor)
      if (r.edtf === null && r.rule === 'not a calendar date') continue
      taken.push([start, end])
      out.push({ start, end, edtf: r.edtf === null ? null : r.edtf, rule: r.rule })
    }
  }
  return out.sort((a, b) => a.start - b.start)
}
