// Synthetic casualty lists with known truth, for the linkage benchmark, tests and the demo. Four lists of
// different coverage and style record the deaths of one population of persons:
//  - "en":  English transliteration, given and family name in separate columns, precise dates;
//  - "ar":  Arabic script full name (often with the father's name), Arabic-Indic digits, dates
//           sometimes only to the month;
//  - "fr":  French transliteration, half of names written FAMILY first, ages "environ 20";
//  - "mix": given/family columns in either script, much missing.
// Every list has typos, missing fields, age and date noise and a few internal duplicates; names
// are drawn with Zipf-like frequencies, so common names collide as in real lists. Deaths happen in
// towns and in the villages around them, and some come in families: relatives killed together
// share their family name, often their father's name, the day and the place, and must not be
// taken for one person.
import { FAMILY_NAMES, FEMALE_GIVEN_NAMES, MALE_GIVEN_NAMES, type PooledName } from './names.js'
import type { LinkageRecord } from './types.js'
import { lowerBound } from './growable.js'
import { seededRandom as rng } from './link.js'

/** A place as a gazetteer would give it, with spellings lists use. */
interface Place {
  readonly names: readonly string[]
  readonly admin: string
  readonly country: string
  readonly lat: number
  readonly lon: number
}

const PLACES: readonly Place[] = [
  ['Aleppo|Halab', 'Aleppo', 'Syria', 36.2, 37.16], ['Al-Bab|el-Bab', 'Aleppo', 'Syria', 36.37, 37.52],
  ['Manbij|Menbij', 'Aleppo', 'Syria', 36.53, 37.95], ['Azaz|Aazaz', 'Aleppo', 'Syria', 36.59, 37.05],
  ['Idlib|Edlib', 'Idlib', 'Syria', 35.93, 36.63], ['Saraqib|Saraqeb', 'Idlib', 'Syria', 35.86, 36.8],
  ['Maarat al-Numan|Maarrat an-Numan', 'Idlib', 'Syria', 35.65, 36.67], ['Jisr al-Shughur|Jisr ash-Shughur', 'Idlib', 'Syria', 35.81, 36.32],
  ['Homs|Hims', 'Homs', 'Syria', 34.73, 36.71], ['Al-Qusayr|Qusair', 'Homs', 'Syria', 34.51, 36.58],
  ['Talbiseh|Talbisah', 'Homs', 'Syria', 34.84, 36.73], ['Al-Rastan|Rastan', 'Homs', 'Syria', 34.93, 36.73],
  ['Hama|Hamah', 'Hama', 'Syria', 35.13, 36.75], ['Kafr Zita|Kafr Zeita', 'Hama', 'Syria', 35.37, 36.6],
  ['Douma|Duma', 'Rif Dimashq', 'Syria', 33.57, 36.4], ['Darayya|Daraya', 'Rif Dimashq', 'Syria', 33.46, 36.24],
  ['Zamalka|Zamalka', 'Rif Dimashq', 'Syria', 33.52, 36.36], ['Harasta|Harasta', 'Rif Dimashq', 'Syria', 33.56, 36.37],
  ['Damascus|Dimashq', 'Damascus', 'Syria', 33.51, 36.29], ['Yarmouk|Yarmuk', 'Damascus', 'Syria', 33.47, 36.3],
  ['Daraa|Deraa', 'Daraa', 'Syria', 32.62, 36.1], ['Busra al-Harir|Bosra al-Harir', 'Daraa', 'Syria', 32.84, 36.34],
  ['Deir ez-Zor|Deir al-Zour', 'Deir ez-Zor', 'Syria', 35.33, 40.14], ['Al-Mayadin|Mayadeen', 'Deir ez-Zor', 'Syria', 35.02, 40.45],
  ['Al-Bukamal|Abu Kamal', 'Deir ez-Zor', 'Syria', 34.45, 40.92], ['Raqqa|Al-Raqqah', 'Raqqa', 'Syria', 35.95, 39.01],
  ['Tabqa|Al-Tabqah', 'Raqqa', 'Syria', 35.84, 38.55], ['Hasakah|Al-Hasakah', 'Hasakah', 'Syria', 36.5, 40.75],
  ['Qamishli|Al-Qamishli', 'Hasakah', 'Syria', 37.05, 41.23], ['Latakia|Al-Ladhiqiyah', 'Latakia', 'Syria', 35.52, 35.78],
  ['Jableh|Jablah', 'Latakia', 'Syria', 35.36, 35.93], ['Tartus|Tartous', 'Tartus', 'Syria', 34.89, 35.89],
  ['Baniyas|Banias', 'Tartus', 'Syria', 35.18, 35.94], ['Suwayda|Sweida', 'Suwayda', 'Syria', 32.71, 36.57],
  ['Mosul|Al-Mawsil', 'Nineveh', 'Iraq', 36.34, 43.13], ['Tal Afar|Tall Afar', 'Nineveh', 'Iraq', 36.38, 42.45],
  ['Sinjar|Shingal', 'Nineveh', 'Iraq', 36.32, 41.87], ['Fallujah|Al-Falluja', 'Anbar', 'Iraq', 33.35, 43.78],
  ['Ramadi|Al-Ramadi', 'Anbar', 'Iraq', 33.42, 43.3], ['Haditha|Hadithah', 'Anbar', 'Iraq', 34.14, 42.38],
  ['Tikrit|Tekrit', 'Salah al-Din', 'Iraq', 34.6, 43.68], ['Baiji|Bayji', 'Salah al-Din', 'Iraq', 34.93, 43.49],
  ['Baghdad|Baghdad', 'Baghdad', 'Iraq', 33.31, 44.36], ['Baqubah|Baquba', 'Diyala', 'Iraq', 33.75, 44.64],
  ['Kirkuk|Kerkuk', 'Kirkuk', 'Iraq', 35.47, 44.39], ['Beni Mellal|Bni Mellal', 'Beni Mellal-Khenifra', 'Morocco', 32.34, -6.36],
  ['Al Hoceima|Al-Hoceima', 'Tanger-Tetouan-Al Hoceima', 'Morocco', 35.25, -3.93], ['Tetouan|Tetuan', 'Tanger-Tetouan-Al Hoceima', 'Morocco', 35.57, -5.37],
  ['Ben Guerdane|Ben Gardane', 'Medenine', 'Tunisia', 33.14, 11.22], ['Kasserine|Al-Qasrayn', 'Kasserine', 'Tunisia', 35.17, 8.83],
].map(([names, admin, country, lat, lon]) => ({
  names: String(names).split('|'),
  admin: String(admin),
  country: String(country),
  lat: Number(lat),
  lon: Number(lon),
}))

/** Share of deaths in one of the villages around a town rather than in the town itself. */
const VILLAGE_SHARE = 0.6
/**
 * Villages per town: 50 towns and their villages make about 1,450 places, as many as Syria's
 * administrative units (14 provincial centres, 158 cities, 572 towns and 726 villages in the
 * 2022 municipal count); lists name the town or village, not only the province.
 */
const VILLAGES_PER_TOWN = 28
/** Villages lie within this many degrees (north and east) of their town: a district, ~20 km. */
const VILLAGE_SPREAD = 0.2
const VILLAGE_PREFIXES: readonly (readonly [string, string])[] = [
  ['Kafr', 'Kfar'], ['Tell', 'Tall'], ['Deir', 'Dayr'], ['Ain', 'Ayn'], ['Beit', 'Bayt'],
  ['Khirbet', 'Kherbet'], ['Maarat', 'Maaret'], ['Qasr', 'Kasr'], ['Umm', 'Oum'], ['Jabal', 'Djebel'],
]

// Family names: the shipped pool plus the patronymic and nisba families real lists are full of
// (Abu Ali, al-Hassani, ...): about 500 common family names with Zipf frequencies, the most
// common shared by thousands at a million records.
const FAMILIES: readonly PooledName[] = [
  ...FAMILY_NAMES,
  ...MALE_GIVEN_NAMES.map((g) => ({
    arabic: `أبو ${g.arabic}`,
    latin: [`Abu ${g.latin[0] ?? ''}`, `Abou ${g.latin[g.latin.length - 1] ?? ''}`, `Abu-${g.latin[1] ?? g.latin[0] ?? ''}`],
  })),
  ...MALE_GIVEN_NAMES.filter((g) => !g.arabic.includes(' ')).map((g) => ({
    arabic: `ال${g.arabic}ي`,
    latin: [`al-${g.latin[0] ?? ''}i`, `el-${g.latin[g.latin.length - 1] ?? ''}i`, `Al ${g.latin[1] ?? g.latin[0] ?? ''}i`],
  })),
]

// The long tail: real populations carry thousands of rare family names besides the common ones,
// and the number of distinct names grows with the population. Rare names are made as nisbas of
// the form C1aC2aC3i (al-Kharani, الخراني) from consonants written in both scripts, with the
// English and French spelling of each consonant, so that they transliterate like real names.
const CONSONANTS: readonly (readonly [string, string, string])[] = [
  ['ب', 'b', 'b'], ['ت', 't', 't'], ['ج', 'j', 'dj'], ['ح', 'h', 'h'], ['خ', 'kh', 'kh'], ['د', 'd', 'd'],
  ['ر', 'r', 'r'], ['ز', 'z', 'z'], ['س', 's', 's'], ['ش', 'sh', 'ch'], ['ف', 'f', 'f'], ['ق', 'q', 'k'],
  ['ك', 'k', 'k'], ['ل', 'l', 'l'], ['م', 'm', 'm'], ['ن', 'n', 'n'], ['غ', 'gh', 'gh'], ['ص', 's', 's'],
  ['ط', 't', 't'], ['ع', '', ''],
]
const RARE_FAMILIES: readonly PooledName[] = (() => {
  const out: PooledName[] = []
  for (const [a1, e1, f1] of CONSONANTS) {
    if (e1 === '') continue
    for (const [a2, e2, f2] of CONSONANTS) {
      for (const [a3, e3, f3] of CONSONANTS) {
        if (e3 === '' || a2 === a3) continue
        const en = `${e1}a${e2}a${e3}i`
        const fr = `${f1}a${f2}a${f3}i`
        const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1)
        out.push({ arabic: `ال${a1}${a2}ا${a3}ي`, latin: [`al-${cap(en)}`, `Al ${cap(en)}`, `el-${cap(fr)}`] })
      }
    }
  }
  return out
})()
const RARE_SHARE = 0.4

/**
 * The villages of each town (same index as PLACES), named like real ones (Kafr Nabla, Tall
 * Rifaat: a prefix and a three-consonant root) with an English and a French spelling. The same
 * gazetteer for every seed: it is geography, not a draw.
 */
const VILLAGES: readonly (readonly Place[])[] = (() => {
  const random = rng(1_470)
  const cap = (x: string): string => x.charAt(0).toUpperCase() + x.slice(1)
  const consonant = (): readonly [string, string, string] => {
    // Not ayn (no Latin letter of its own here), so every root has three written consonants.
    return CONSONANTS[Math.floor(random() * (CONSONANTS.length - 1))] as readonly [string, string, string]
  }
  const taken = new Set<string>()
  return PLACES.map((town) => {
    const villages: Place[] = []
    while (villages.length < VILLAGES_PER_TOWN) {
      const [, e1, f1] = consonant()
      const [, e2, f2] = consonant()
      const [, e3, f3] = consonant()
      const [prefixEn, prefixFr] = VILLAGE_PREFIXES[Math.floor(random() * VILLAGE_PREFIXES.length)] as readonly [string, string]
      const en = `${prefixEn} ${cap(e1)}a${e2}${e3}a`
      if (taken.has(en)) continue
      taken.add(en)
      villages.push({
        names: [en, `${prefixFr} ${cap(f1)}a${f2}${f3}a`],
        admin: town.admin,
        country: town.country,
        lat: town.lat + (random() - 0.5) * 2 * VILLAGE_SPREAD,
        lon: town.lon + (random() - 0.5) * 2 * VILLAGE_SPREAD,
      })
    }
    return villages
  })
})()

/** Share of deaths that come with relatives killed in the same incident (a strike on a home). */
const FAMILY_SHARE = 0.15
/** Relatives killed together: 2 and more, each further one with this probability, at most 6. */
const FAMILY_MORE = 0.5
const FAMILY_MAX = 6
/** A relative killed together is a sibling (same father) with this probability, else a cousin. */
const SIBLING_SHARE = 0.7

/** Zipf-like sampler over indices 0..n-1 with exponent s. */
function zipf(n: number, s: number, random: () => number): () => number {
  const cum = new Float64Array(n)
  let total = 0
  for (let i = 0; i < n; i++) {
    total += 1 / Math.pow(i + 1, s)
    cum[i] = total
  }
  // x < total = cum[n - 1], so an index below n is always found.
  return () => lowerBound(cum, random() * total)
}

interface Person {
  readonly sex: 1 | 2
  readonly given: PooledName
  readonly father: PooledName
  readonly family: PooledName
  readonly age: number
  readonly day: number
  readonly place: Place
}

type ListStyle = 'en' | 'ar' | 'fr' | 'mix'

interface ListSpec {
  readonly name: ListStyle
  readonly coverage: number
}

const LISTS: readonly ListSpec[] = [
  { name: 'en', coverage: 0.55 },
  { name: 'ar', coverage: 0.45 },
  { name: 'fr', coverage: 0.35 },
  { name: 'mix', coverage: 0.25 },
]

/** Synthetic lists and the true person of every record. */
export interface SyntheticLists {
  readonly records: LinkageRecord[]
  /** Person index per record. */
  readonly truth: Int32Array
  /** Incident index per record: relatives killed together share one (different persons). */
  readonly incident: Int32Array
  readonly persons: number
}

const ARABIC_LETTERS = 'ابتثجحخدذرزسشصضطظعغفقكلمنهوي'
const LATIN_LETTERS = 'abcdefghijklmnopqrstuvwxyz'
const DAY0 = Math.floor(Date.UTC(2011, 2, 15) / 86_400_000)
const DAYS = 3580

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10)
}

function toArabicDigits(s: string): string {
  return s.replace(/[0-9]/g, (d) => String.fromCharCode(0x0660 + Number(d)))
}

/**
 * Generates `size` records (exactly) from four lists over a population sized so that about 60%
 * of observed persons appear on one list only, as in real collections.
 *
 * @example const { records, truth } = generateSyntheticLists(10_000, 7)
 */
export function generateSyntheticLists(size: number, seed = 1): SyntheticLists {
  const random = rng(seed)
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T
  const maleName = zipf(MALE_GIVEN_NAMES.length, 1.0, random)
  const femaleName = zipf(FEMALE_GIVEN_NAMES.length, 0.9, random)
  const familyName = zipf(FAMILIES.length, 0.6, random)
  const placeOf = zipf(PLACES.length, 0.8, random)
  const peaks = Array.from({ length: 40 }, () => DAY0 + Math.floor(random() * DAYS))

  const typo = (word: string, arabic: boolean): string => {
    if (word.length < 3) return word
    const letters = arabic ? ARABIC_LETTERS : LATIN_LETTERS
    const k = 1 + Math.floor(random() * (word.length - 1))
    const c = letters[Math.floor(random() * letters.length)] as string
    switch (Math.floor(random() * 4)) {
      case 0:
        return word.slice(0, k) + word.slice(k + 1)
      case 1:
        return word.slice(0, k) + c + word.slice(k)
      case 2:
        return word.slice(0, k) + c + word.slice(k + 1)
      default:
        return k + 1 < word.length ? word.slice(0, k) + (word[k + 1] as string) + (word[k] as string) + word.slice(k + 2) : word
    }
  }
  const latin = (name: PooledName, style: ListStyle, typoRate: number): string => {
    const v = name.latin
    let s: string
    if (style === 'en') s = random() < 0.7 ? (v[0] as string) : pick(v)
    else if (style === 'fr') s = random() < 0.6 ? (v[v.length - 1] as string) : pick(v)
    else s = pick(v)
    return random() < typoRate ? typo(s, false) : s
  }
  const arabic = (name: PooledName, typoRate: number): string => (random() < typoRate ? typo(name.arabic, true) : name.arabic)

  const newPerson = (family: PooledName, father: PooledName, day: number, place: Place): Person => {
    const sex: 1 | 2 = random() < 0.88 ? 1 : 2
    const given = sex === 1 ? (MALE_GIVEN_NAMES[maleName()] as PooledName) : (FEMALE_GIVEN_NAMES[femaleName()] as PooledName)
    return { sex, given, father, family, age: 14 + Math.floor(Math.pow(random(), 1.6) * 60), day, place }
  }
  // The persons of one incident: one, or relatives killed together (same family name, day and
  // place; siblings also share their father's name).
  const newIncident = (): Person[] => {
    const family = random() < RARE_SHARE ? (RARE_FAMILIES[Math.floor(random() * RARE_FAMILIES.length)] as PooledName) : (FAMILIES[familyName()] as PooledName)
    const father = MALE_GIVEN_NAMES[maleName()] as PooledName
    const day = random() < 0.3 ? (pick(peaks) + Math.floor(random() * 7) - 3) : DAY0 + Math.floor(random() * DAYS)
    const town = placeOf()
    const villages = VILLAGES[town] as readonly Place[]
    const place = random() < VILLAGE_SHARE ? (villages[Math.floor(random() * villages.length)] as Place) : (PLACES[town] as Place)
    let size = 1
    if (random() < FAMILY_SHARE) {
      size = 2
      while (size < FAMILY_MAX && random() < FAMILY_MORE) size++
    }
    const persons: Person[] = []
    for (let k = 0; k < size; k++) {
      const sibling = k === 0 || random() < SIBLING_SHARE
      let person = newPerson(family, sibling ? father : (MALE_GIVEN_NAMES[maleName()] as PooledName), day, place)
      // Parents do not give two of their children one name (cousins may share one).
      for (let tries = 0; tries < 20 && persons.some((q) => q.father === person.father && q.given === person.given); tries++) {
        person = newPerson(family, person.father, day, place)
      }
      persons.push(person)
    }
    return persons
  }

  const render = (p: Person, style: ListStyle, id: string): LinkageRecord => {
    const placeName = (): string => `${pick(p.place.names)}, ${p.place.admin}, ${p.place.country}`
    const noisyAge = (spread: number): number => p.age + Math.round((random() - 0.5) * 2 * spread)
    const date = (pDay: number, pMonth: number, pApprox: number, pYear: number): string => {
      const x = random()
      let day = p.day
      if (random() < 0.1) day += Math.floor(random() * 7) - 3
      const iso = isoDay(day)
      if (x < pDay) return iso
      if (x < pDay + pMonth) return iso.slice(0, 7)
      if (x < pDay + pMonth + pApprox) return `${iso.slice(0, 7)}~`
      if (x < pDay + pMonth + pApprox + pYear) return iso.slice(0, 4)
      return ''
    }
    switch (style) {
      case 'en': {
        const given = latin(p.given, style, 0.05)
        const family = latin(p.family, style, 0.05)
        return {
          record_id: id,
          list: 'en',
          full_name: random() < 0.5 ? `${given} ${latin(p.father, style, 0.05)} ${family}` : '',
          given_name: given,
          family_name: family,
          sex: random() < 0.97 ? (p.sex === 1 ? 'M' : 'F') : '',
          age: random() < 0.9 ? noisyAge(random() < 0.25 ? 2 : 0) : '',
          date_of_death: date(0.9, 0.07, 0, 0.01),
          place: random() < 0.95 ? placeName() : '',
          latitude: random() < 0.7 ? p.place.lat + (random() - 0.5) * 0.02 : null,
          longitude: p.place.lon,
        }
      }
      case 'ar': {
        const parts = [arabic(p.given, 0.04)]
        if (random() < 0.8) parts.push(arabic(p.father, 0.04))
        parts.push(arabic(p.family, 0.04))
        const age = random() < 0.6 ? String(noisyAge(random() < 0.3 ? 2 : 0)) : ''
        return {
          record_id: id,
          list: 'ar',
          full_name: parts.join(' '),
          sex: random() < 0.9 ? (p.sex === 1 ? 'ذكر' : 'أنثى') : '',
          age: random() < 0.3 ? toArabicDigits(age) : age,
          date_of_death: date(0.75, 0.15, 0.05, 0),
          place: random() < 0.9 ? placeName() : '',
        }
      }
      case 'fr': {
        const given = latin(p.given, style, 0.06)
        const family = latin(p.family, style, 0.06)
        const withFather = random() < 0.4 ? ` ${latin(p.father, style, 0.06)}` : ''
        const full = random() < 0.5 ? `${family.toUpperCase()} ${given}${withFather}` : `${given}${withFather} ${family}`
        const a = noisyAge(random() < 0.3 ? 3 : 0)
        return {
          record_id: id,
          list: 'fr',
          full_name: full,
          sex: random() < 0.9 ? (p.sex === 1 ? 'H' : 'F') : '',
          age: random() < 0.75 ? (random() < 0.3 ? `environ ${a}` : String(a)) : '',
          date_of_death: date(0.7, 0.2, 0, 0.05),
          place: random() < 0.9 ? placeName() : '',
        }
      }
      case 'mix': {
        const inArabic = random() < 0.3
        return {
          record_id: id,
          list: 'mix',
          given_name: inArabic ? arabic(p.given, 0.08) : latin(p.given, style, 0.08),
          family_name: random() < 0.92 ? (inArabic ? arabic(p.family, 0.08) : latin(p.family, style, 0.08)) : '',
          sex: random() < 0.7 ? (p.sex === 1 ? 'm' : 'f') : '',
          age: random() < 0.5 ? `about ${noisyAge(2)}` : '',
          date_of_death: date(0.7, 0.1, 0.05, 0.03),
          place: random() < 0.8 ? placeName() : '',
          latitude: random() < 0.5 ? p.place.lat : null,
          longitude: p.place.lon,
        }
      }
    }
  }

  const perList: { record: LinkageRecord; person: number }[][] = LISTS.map(() => [])
  const incidentOf: number[] = []
  let total = 0
  let persons = 0
  let incidents = 0
  const counters = LISTS.map(() => 0)
  while (total < size) {
    const incident = incidents++
    for (const person of newIncident()) {
      if (total >= size) break
      // Heterogeneous visibility: some deaths are seen by every list, some by few.
      const visibility = random() < 0.2 ? 0.5 : random() < 0.8 ? 1 : 1.4
      const index = persons++
      incidentOf.push(incident)
      for (let l = 0; l < LISTS.length && total < size; l++) {
        const spec = LISTS[l] as ListSpec
        if (random() >= Math.min(0.95, spec.coverage * visibility)) continue
        const copies = random() < 0.02 ? 2 : 1
        for (let c = 0; c < copies && total < size; c++) {
          const id = `${spec.name}-${++(counters[l] as number)}`
          ;(perList[l] as { record: LinkageRecord; person: number }[]).push({ record: render(person, spec.name, id), person: index })
          total++
        }
      }
    }
  }
  const records: LinkageRecord[] = []
  const truth = new Int32Array(size)
  const incident = new Int32Array(size)
  for (const rows of perList) {
    // Lists are not in person order.
    for (let i = rows.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1))
      const t = rows[i] as { record: LinkageRecord; person: number }
      rows[i] = rows[j] as { record: LinkageRecord; person: number }
      rows[j] = t
    }
    for (const row of rows) {
      truth[records.length] = row.person
      incident[records.length] = incidentOf[row.person] as number
      records.push(row.record)
    }
  }
  return { records, truth, incident, persons }
}

/** Pairwise precision, recall and F1 of a clustering against the truth. */
export interface PairwiseScores {
  readonly truePairs: number
  readonly predictedPairs: number
  readonly correctPairs: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
}

/** Records of distinct persons counted together, as pairs, by what the persons have in common. */
export interface WrongPairs {
  /** Pairs of records in one cluster that are of different persons. */
  readonly wrong: number
  /** Of those, pairs of relatives killed in the same incident (the family counted as fewer dead). */
  readonly relatives: number
}

/**
 * Wrongly linked pairs, and how many of them join relatives killed together: the error that makes
 * a family's dead look fewer than they were.
 *
 * @example wrongPairs(result.clusterOf, lists.truth, lists.incident).relatives
 */
export function wrongPairs(clusterOf: Int32Array, truth: Int32Array, incident: Int32Array): WrongPairs {
  const linked = pairsWithin(clusterOf.length, (i) => clusterOf[i] as number)
  const same = pairsWithin(clusterOf.length, (i) => (clusterOf[i] as number) * 4_194_304 + (truth[i] as number))
  const sameIncident = pairsWithin(clusterOf.length, (i) => (clusterOf[i] as number) * 4_194_304 + (incident[i] as number))
  return { wrong: linked - same, relatives: sameIncident - same }
}

/** Pairs of records with equal keys: Σ k(k−1)/2 over the groups of key(i), i < records. */
function pairsWithin(records: number, key: (i: number) => number): number {
  const counts = new Map<number, number>()
  for (let i = 0; i < records; i++) {
    const k = key(i)
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  let pairs = 0
  for (const c of counts.values()) pairs += (c * (c - 1)) / 2
  return pairs
}

/**
 * Pairwise scores: a pair of records is predicted linked when in one cluster, truly linked when of
 * one person.
 *
 * @example pairwiseScores(result.clusterOf, truth).f1
 */
export function pairwiseScores(clusterOf: Int32Array, truth: Int32Array): PairwiseScores {
  const truePairs = pairsWithin(truth.length, (i) => truth[i] as number)
  const predictedPairs = pairsWithin(clusterOf.length, (i) => clusterOf[i] as number)
  const correctPairs = pairsWithin(clusterOf.length, (i) => (clusterOf[i] as number) * 4_194_304 + (truth[i] as number))
  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs
  const recall = truePairs === 0 ? 1 : correctPairs / truePairs
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
  return { truePairs, predictedPairs, correctPairs, precision, recall, f1 }
}
