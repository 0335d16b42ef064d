// Counts of people or cases, exact and vague, as ranges {min, max|null}.
import { foldDigits } from './calendar.js'

export interface CountFound {
  start: number
  end: number
  min: number
  max: number | null
  /** The counted thing as written, without the quantifier ("such cases", "other guys"). */
  counted: string
  /** Its head noun ("cases", "guys"). */
  head: string
  rule: string
}

const EXACT: Record<string, number> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19, twenty: 20, thirty: 30,
  forty: 40, fifty: 50, hundred: 100, 'a hundred': 100, 'a dozen': 12, dozen: 12,
  deux: 2, trois: 3, quatre: 4, cinq: 5, sept: 7, huit: 8, neuf: 9, dix: 10, douze: 12, vingt: 20, trente: 30, cent: 100,
  'اثنان': 2, 'اثنين': 2, 'ثلاثة': 3, 'أربعة': 4, 'خمسة': 5, 'ستة': 6, 'سبعة': 7, 'ثمانية': 8, 'تسعة': 9, 'عشرة': 10,
}
// Vague quantities, each a documented range (docs/intake-notes.md).
const VAGUE: Record<string, [number, number | null]> = {
  'scores of': [40, null], 'dozens of': [24, null], 'hundreds of': [200, null], 'thousands of': [2000, null],
  'a few': [2, 5], few: [2, 5], several: [3, 9], many: [2, null], numerous: [2, null], 'a number of': [2, null],
  'a handful of': [2, 5], 'some': [2, null],
  'des dizaines de': [20, null], 'des centaines de': [200, null], 'des milliers de': [2000, null], plusieurs: [3, 9],
  quelques: [2, 5], 'de nombreux': [2, null], 'de nombreuses': [2, null],
  'عشرات': [20, null], 'عشرات من': [20, null], 'مئات': [200, null], 'مئات من': [200, null], 'آلاف': [2000, null], 'عدد من': [2, null], 'بضعة': [3, 9],
}
const MODIFIER: Record<string, 'atLeast' | 'moreThan' | 'about' | 'upTo'> = {
  'at least': 'atLeast', 'more than': 'moreThan', 'over': 'moreThan', 'about': 'about', 'around': 'about', 'nearly': 'about',
  'almost': 'about', 'some': 'about', 'up to': 'upTo', 'au moins': 'atLeast', 'plus de': 'moreThan', 'environ': 'about',
  'près de': 'about', 'jusqu\'à': 'upTo', 'حوالي': 'about', 'نحو': 'about', 'أكثر من': 'moreThan', 'ما لا يقل عن': 'atLeast',
}

/** Nouns that name people, victims or cases: what a casualty count counts. */
const COUNTED = new Set([
  'people', 'persons', 'person', 'men', 'man', 'women', 'woman', 'children', 'child', 'boys', 'girls', 'civilians', 'fighters', 'fighter',
  'cases', 'case', 'deaths', 'victims', 'bodies', 'executions', 'killings', 'members', 'youths', 'youth', 'guys', 'families', 'soldiers',
  'prisoners', 'detainees', 'deserters', 'recruits', 'militants', 'jihadists', 'combatants', 'sons', 'son', 'dead', 'elements',
  'personnes', 'hommes', 'femmes', 'enfants', 'civils', 'combattants', 'morts', 'victimes', 'cas', 'corps', 'jeunes', 'soldats', 'membres', 'tués',
  'شخصا', 'أشخاص', 'قتيلا', 'قتلى', 'مقاتلا', 'مقاتلين', 'مدنيا', 'مدنيين', 'حالة', 'حالات', 'جثة', 'جثث', 'طفلا', 'أطفال', 'امرأة', 'نساء', 'شهيدا', 'عنصرا', 'عناصر', 'شابا', 'شبان',
])
const SKIP_WORDS = new Set(['such', 'other', 'its', 'own', 'their', 'his', 'her', 'the', 'of', 'these', 'those', 'more', 'local', 'young', 'foreign', 'new', 'moroccan', 'syrian', 'iraqi', 'autres', 'de', 'ses', 'leurs', 'من', 'آخرين'])

const QUANT = [...Object.keys(VAGUE), ...Object.keys(EXACT)].sort((a, b) => b.length - a.length).join('|')
const MOD = Object.keys(MODIFIER).sort((a, b) => b.length - a.length).join('|')
const COUNT_RE = new RegExp(`(?<![\\p{L}\\d])(?:(${MOD})\\s+)?(\\d{1,3}(?:,\\d{3})+|\\d+|${QUANT})(?![\\p{L}\\d])((?:\\s+[\\p{L}'’-]+){1,4})`, 'giu')

/**
 * Finds counts of people or cases ("120 such cases", "four other guys", "scores of its own
 * fighters", "١٢٠ حالة"). A number counts only when one of the next few words is a person or case
 * noun, so "six months" and "one notes" are not counts.
 *
 * @example findCounts('ISIS killed scores of its own fighters')[0] // { min: 40, max: null, head: 'fighters', ... }
 */
export function findCounts(text: string): CountFound[] {
  const folded = foldDigits(text)
  const out: CountFound[] = []
  COUNT_RE.lastIndex = 0
  for (let m = COUNT_RE.exec(folded); m !== null; m = COUNT_RE.exec(folded)) {
    const quant = (m[2] as string).toLowerCase()
    const words = (m[3] as string).trim().split(/\s+/)
    let head = -1
    for (let i = 0; i < words.length; i++) {
      const w = (words[i] as string).toLowerCase().replace(/[’']s$/, '')
      if (COUNTED.has(w)) {
        head = i
        break
      }
      if (!SKIP_WORDS.has(w) && i >= 1) break
    }
    if (head < 0) {
      COUNT_RE.lastIndex = m.index + (m[1]?.length ?? 0) + (m[2] as string).length + 1
      continue
    }
    let min: number
    let max: number | null
    let rule: string
    const vague = VAGUE[quant]
    if (vague !== undefined) {
      ;[min, max] = vague
      rule = `"${quant}" read as ${min}–${max ?? 'open'}`
    } else {
      const n = EXACT[quant] ?? Number(quant.replace(/,/g, ''))
      min = n
      max = n
      rule = 'exact'
      // "talking about one local youth": modifiers bind to figures only.
      const mod = m[1] === undefined || !/^\d/.test(quant) ? undefined : MODIFIER[m[1].toLowerCase()]
      if (mod === 'atLeast') [max, rule] = [null, 'at least']
      else if (mod === 'moreThan') [min, max, rule] = [n + 1, null, 'more than']
      else if (mod === 'upTo') [min, rule] = [0, 'up to']
      else if (mod === 'about') [min, max, rule] = [Math.floor((n * 9) / 10), Math.ceil((n * 11) / 10), 'about: ±10 %']
    }
    const countedWords = words.slice(0, head + 1)
    const tail = countedWords.join(' ')
    const relEnd = folded.indexOf(tail, m.index + (m[1]?.length ?? 0) + (m[2] as string).length) + tail.length
    const counted = countedWords.filter((w) => !/^(?:of|its|own|their|his|her|de|ses|leurs|من)$/i.test(w)).join(' ')
    // A modifier that does not bind ("about one") is left out of the span.
    const start = m[1] !== undefined && (m[1] === undefined || !/^\d/.test(quant)) ? m.index + m[0].indexOf(m[2] as string, m[1].length) : m.index
    out.push({ start, end: relEnd, min, max, counted, head: (countedWords[head] as string).toLowerCase(), rule })
    COUNT_RE.lastIndex = relEnd
  }
  return out
}
