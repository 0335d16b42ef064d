// Records to columns: every field a comparison needs, parsed once, in typed arrays indexed by the
// record's position. Names become integer token ids into a dictionary of distinct normalised
// tokens, so the hot loops compare integers and look strings up only for the rare new pair.
import { parseEdtf, TallyError } from '../domain/index.js'
import { isArabicScript, normalizeDigits, splitName, tokenizeName, type NameToken } from './normalize.js'
import type { LinkageRecord } from './types.js'
import { stableCountingSort } from './growable.js'

/** A day number: days since 1970-01-01 (UTC). */
export type DayNumber = number

/** "No date" in dateLo/dateHi. */
export const NO_DATE = -2147483648
/** At most this many name tokens per record are kept (the token-set score uses bit masks). */
export const MAX_TOKENS = 8

/** The columns the comparison kernel reads; plain data, so it can be sent to worker threads. */
export interface PreparedColumns {
  readonly n: number
  readonly list: Uint16Array
  /** 0 unknown, 1 male, 2 female. */
  readonly sex: Uint8Array
  /** Years; -1 unknown. */
  readonly age: Int16Array
  readonly dateLo: Int32Array
  readonly dateHi: Int32Array
  /** year*12 + month-1 of dateLo and dateHi. */
  readonly monthLo: Int32Array
  readonly monthHi: Int32Array
  /** Place parts as ids; -1 unknown. */
  readonly locality: Int32Array
  readonly admin: Int32Array
  readonly country: Int32Array
  readonly lat: Float64Array
  readonly lon: Float64Array
  /** Name tokens of record i are tokenIds[tokenStart[i] .. tokenStart[i+1]). */
  readonly tokenStart: Int32Array
  readonly tokenIds: Int32Array
  /**
   * The multiset of the name's skeletons as a 53-bit hash (equal for equal multisets; two
   * different ones collide about once in 2^53, and every use checks the tokens or only gains a
   * candidate pair); -1 when there is no name.
   */
  readonly nameKey: Float64Array
  /**
   * Per record: position of the given name among its tokens (splitName), -1 when the name does
   * not show which word it is. Comparison pairs given name with given name.
   */
  readonly givenAt: Int8Array
  /** Per token id: compare form, skeleton, script (0 latin, 1 arabic), skeleton id. */
  readonly tokenCompare: readonly string[]
  readonly tokenSkeleton: readonly string[]
  /** Per token id: its Latin spelling (NameToken.roman). */
  readonly tokenRoman: readonly string[]
  readonly tokenScript: Uint8Array
  readonly tokenSkeletonId: Int32Array
  /** Per token id: the vowels written between its consonants (NameToken.vowels, vowelsAgree). */
  readonly tokenVowels: Int32Array
  /**
   * Per token id: id of its skeleton without the initial-vowel mark, for blocking only (Brahim and
   * Ibrahim must meet in a block; the comparison then weighs the difference).
   */
  readonly tokenBlockId: Int32Array
}

/** Prepared records: the columns plus what only the main thread needs. */
export interface PreparedRecords extends PreparedColumns {
  readonly recordIds: readonly string[]
  readonly listNames: readonly string[]
  /**
   * Per record: log2 of how common its name is, the product over its tokens of the share of
   * records holding each token (at least 1/n). The term-frequency adjustment reads it.
   */
  readonly nameLogFrequency: Float64Array
  /** Record positions in recordIdOrder: an order of the records that does not depend on the input's. */
  readonly idOrder: Int32Array
  readonly skeletonCount: number
  readonly placeCount: number
  readonly warnings: string[]
}

const MALE = new Set(['m', 'male', 'man', 'h', 'homme', 'masculin', 'ذكر', 'رجل', 'boy'])
const FEMALE = new Set(['f', 'female', 'woman', 'w', 'femme', 'féminin', 'feminin', 'أنثى', 'انثى', 'امرأة', 'girl'])

function text(value: unknown): string {
  if (value === null || value === undefined) return ''
  return String(value).trim()
}

/**
 * Reads a sex field: 1 male, 2 female, 0 unknown.
 *
 * @example parseSex('F') // 2
 */
export function parseSex(value: unknown): number {
  const s = text(value).toLowerCase()
  if (MALE.has(s)) return 1
  if (FEMALE.has(s)) return 2
  return 0
}

/**
 * Reads an age in years from a number or text ("about 20", "~20", "20-25", "٢٠"); -1 when absent
 * or implausible (over 120).
 *
 * @example parseAge('about 20') // 20
 * @example parseAge('20-25') // 23
 */
export function parseAge(value: unknown): number {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 && value <= 120 ? Math.round(value) : -1
  const s = normalizeDigits(text(value))
  const m = /(\d{1,3})(?:\s*[-–]\s*(\d{1,3}))?/.exec(s)
  if (!m) return -1
  const lo = Number(m[1])
  const hi = m[2] === undefined ? lo : Number(m[2])
  const age = Math.round((lo + hi) / 2)
  return age <= 120 ? age : -1
}

function dayNumber(y: number, m: number, d: number): DayNumber {
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000)
}

function isoToDay(iso: string): DayNumber {
  return dayNumber(Number(iso.slice(0, 4)), Number(iso.slice(5, 7)), Number(iso.slice(8, 10)))
}

const PLAIN_DATE = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/
const DMY_DATE = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/

/**
 * A date of death as an interval of days [earliest, latest]; null when absent. Uncertainty and
 * approximation marks (~ ? %) keep the interval of the date they qualify ("2014-12~" is December
 * 2014). Throws when the text is not a date.
 *
 * @example parseDeathDate('2014-12') // [16405, 16435]
 */
export function parseDeathDate(value: unknown): readonly [DayNumber, DayNumber] | null {
  const raw = normalizeDigits(text(value))
  if (raw === '') return null
  const s = raw.replace(/[~?%]+$/, '')
  const plain = PLAIN_DATE.exec(s)
  if (plain) {
    const y = Number(plain[1])
    if (plain[2] === undefined) return [dayNumber(y, 1, 1), dayNumber(y, 12, 31)]
    const mo = Number(plain[2])
    if (mo < 1 || mo > 12) throw new Error(`bad month in "${raw}"`)
    if (plain[3] === undefined) return [dayNumber(y, mo, 1), dayNumber(y, mo + 1, 0)]
    const d = Number(plain[3])
    if (d < 1 || d > 31) throw new Error(`bad day in "${raw}"`)
    const day = dayNumber(y, mo, d)
    return [day, day]
  }
  const dmy = DMY_DATE.exec(s)
  if (dmy) {
    const day = dayNumber(Number(dmy[3]), Number(dmy[2]), Number(dmy[1]))
    return [day, day]
  }
  const parsed = parseEdtf(raw)
  if (parsed.earliest === null || parsed.latest === null) return null
  return [isoToDay(parsed.earliest), isoToDay(parsed.latest)]
}

function monthOf(day: DayNumber): number {
  const d = new Date(day * 86_400_000)
  return d.getUTCFullYear() * 12 + d.getUTCMonth()
}

/**
 * Checks the input and throws TallyError('bad_input') naming the first offending record: empty
 * input, a missing record_id or list, a repeated record_id.
 *
 * @example validateRecords([]) // throws: no records to link
 */
export function validateRecords(records: readonly LinkageRecord[]): void {
  if (records.length === 0) throw new TallyError('bad_input', 'no records to link: the input is empty')
  const seen = new Map<string, number>()
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as LinkageRecord
    const id = text(r.record_id)
    if (id === '') throw new TallyError('bad_input', `record ${i + 1} has no record_id`, [{ path: `[${i}].record_id`, message: 'required' }])
    if (text(r.list) === '') throw new TallyError('bad_input', `record "${id}" (row ${i + 1}) has no list`, [{ path: `[${i}].list`, message: 'required' }])
    const first = seen.get(id)
    if (first !== undefined) {
      throw new TallyError('bad_input', `record_id "${id}" is repeated (rows ${first + 1} and ${i + 1})`, [{ path: `[${i}].record_id`, message: 'repeated' }])
    }
    seen.set(id, i)
  }
}

/** Records with coordinates a place name needs before its centre is trusted. */
const MIN_LOCATED_RECORDS = 2
/** A place name whose located records lie further than this (km, RMS) from their centre names
 * more than one place, and gets no centre. */
const MAX_PLACE_SPREAD_KM = 5

/**
 * Gives records that name a place but carry no coordinates the centre of the coordinates that
 * other records give for the same place name (in the same country): a gazetteer learnt from the
 * lists themselves. Lists spell one town several ways (Aleppo, Halab) and only coordinates show
 * that the spellings are one place: with them, the comparison's "within 10 km" level can see it.
 * Names whose located records are spread out (two villages of one name) get nothing.
 */
function imputeCoordinates(c: {
  readonly n: number
  /** Positions in recordIdOrder: the sums are taken in it, so they do not depend on row order. */
  readonly order: Int32Array
  readonly locality: Int32Array
  readonly country: Int32Array
  readonly lat: Float64Array
  readonly lon: Float64Array
}): void {
  const key = new Map<number, number>()
  const placeOf = new Int32Array(c.n).fill(-1)
  for (let i = 0; i < c.n; i++) {
    const l = c.locality[i] as number
    if (l < 0) continue
    const code = l * 65_536 + ((c.country[i] as number) + 1)
    let id = key.get(code)
    if (id === undefined) {
      id = key.size
      key.set(code, id)
    }
    placeOf[i] = id
  }
  const places = key.size
  // Per place name: located records, and the sums and sums of squares of their coordinates.
  const count = new Float64Array(places)
  const sumLat = new Float64Array(places)
  const sumLon = new Float64Array(places)
  const sumLat2 = new Float64Array(places)
  const sumLon2 = new Float64Array(places)
  for (let q = 0; q < c.n; q++) {
    const i = c.order[q] as number
    const p = placeOf[i] as number
    const la = c.lat[i] as number
    const lo = c.lon[i] as number
    if (p < 0 || Number.isNaN(la) || Number.isNaN(lo)) continue
    count[p] = (count[p] as number) + 1
    sumLat[p] = (sumLat[p] as number) + la
    sumLon[p] = (sumLon[p] as number) + lo
    sumLat2[p] = (sumLat2[p] as number) + la * la
    sumLon2[p] = (sumLon2[p] as number) + lo * lo
  }
  // RMS distance from the centre in km: the variances of latitude and longitude in degrees,
  // scaled by the length of a degree there.
  const spread = new Float64Array(places)
  for (let p = 0; p < places; p++) {
    const k = count[p] as number
    if (k === 0) continue
    const meanLat = (sumLat[p] as number) / k
    const meanLon = (sumLon[p] as number) / k
    const varLat = Math.max(0, (sumLat2[p] as number) / k - meanLat * meanLat)
    const varLon = Math.max(0, (sumLon2[p] as number) / k - meanLon * meanLon)
    const kmLon = 111.2 * Math.cos((meanLat * Math.PI) / 180)
    spread[p] = Math.sqrt(varLat * 111.2 * 111.2 + varLon * kmLon * kmLon)
  }
  for (let i = 0; i < c.n; i++) {
    const p = placeOf[i] as number
    if (p < 0 || !Number.isNaN(c.lat[i] as number)) continue
    const k = count[p] as number
    if (k < MIN_LOCATED_RECORDS || (spread[p] as number) > MAX_PLACE_SPREAD_KM) continue
    c.lat[i] = (sumLat[p] as number) / k
    c.lon[i] = (sumLon[p] as number) / k
  }
}

/** Distinct values of one field remembered while preparing (bounded: a free-text field could
 * hold a million distinct values). */
const VALUE_CACHE_LIMIT = 100_000
/** A date cache entry for an absent date. */
const NO_DATE_VALUES = [NO_DATE, NO_DATE, 0, 0] as const
/** The entry for a text that is not a date: the same values, told apart by identity, so that
 * each record holding it is warned about. */
const NOT_A_DATE = [NO_DATE, NO_DATE, 0, 0] as const

class Interner {
  readonly ids = new Map<string, number>()
  id(key: string): number {
    let id = this.ids.get(key)
    if (id === undefined) {
      id = this.ids.size
      this.ids.set(key, id)
    }
    return id
  }
}

function placeKey(part: string): string {
  return tokenizeName(part).map((t) => t.skeleton).join(' ')
}

const keyScratch: number[] = []

/**
 * A 53-bit hash of the multiset of skeletons of tokens [from, to) (their skeleton ids, sorted).
 * A dictionary of the skeletons sorted and joined cost a long new string and a lookup in a table
 * of every distinct name (a second of a million records' preparation).
 */
function skeletonMultisetHash(tokenIds: Int32Array, from: number, to: number, skeletonOf: readonly number[]): number {
  keyScratch.length = 0
  for (let k = from; k < to; k++) keyScratch.push(skeletonOf[tokenIds[k] as number] as number)
  keyScratch.sort((x, y) => x - y)
  let h1 = 0x9e3779b9 ^ keyScratch.length
  let h2 = 0x85ebca6b ^ keyScratch.length
  for (const id of keyScratch) {
    h1 = Math.imul(h1 ^ id, 0xcc9e2d51)
    h1 = (h1 << 15) | (h1 >>> 17)
    h2 = Math.imul(h2 ^ id, 0x1b873593)
    h2 = (h2 << 13) | (h2 >>> 19)
    h2 = Math.imul(h2, 5) + 0xe6546b64
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 0x85ebca6b)
  h2 = Math.imul(h2 ^ (h2 >>> 13), 0xc2b2ae35)
  return (h1 >>> 0) * 2 ** 21 + ((h2 >>> 0) >>> 11)
}

/** The name columns of prepared records: each record's tokens, their dictionary, name keys. */
export type PreparedNames = Pick<
  PreparedRecords,
  'tokenStart' | 'tokenIds' | 'nameKey' | 'givenAt' | 'tokenCompare' | 'tokenSkeleton' | 'tokenRoman' | 'tokenScript' | 'tokenSkeletonId' | 'tokenVowels' | 'tokenBlockId' | 'skeletonCount'
> & {
  /** The first (at most WARNING_LIMIT) records whose name has no letters, ascending. */
  readonly letterless: Int32Array
}

/** Warnings kept per preparation (the first ones, in record order). */
const WARNING_LIMIT = 100

/**
 * Each record's name as one text: full_name, or family and given name written "family, given"
 * so that splitName knows which word is the given name (a family name alone ends in a comma).
 *
 * @example nameTexts([{ record_id: '1', list: 'A', given_name: 'Ali', family_name: 'Hassan' }]) // ['Hassan, Ali']
 */
export function nameTexts(records: readonly LinkageRecord[]): string[] {
  return records.map(nameText)
}

function nameText(r: LinkageRecord): string {
  const full = text(r.full_name)
  if (full !== '') return full
  const given = text(r.given_name)
  const family = text(r.family_name)
  if (family === '') return given
  return `${family}, ${given}`.trimEnd()
}

/**
 * Tokenises every name (prepareRecords' name columns). Pure and self-contained, so that a worker
 * thread can do it while the main thread reads the other fields (parallel.ts).
 *
 * @example prepareNames(['محمد الحسن', 'Mohamed el-Hassan']).nameKey // two equal keys
 */
export function prepareNames(names: readonly string[]): PreparedNames {
  const n = names.length
  const skeletons = new Interner()
  const blockSkeletons = new Interner()
  const tokenIndex = new Map<string, number>()
  const tokenCompare: string[] = []
  const tokenSkeleton: string[] = []
  const tokenRoman: string[] = []
  const tokenScriptList: number[] = []
  const tokenSkeletonIdList: number[] = []
  const tokenVowelsList: number[] = []
  const tokenBlockIdList: number[] = []
  const tokenStart = new Int32Array(n + 1)
  let tokenIds = new Int32Array(Math.max(16, n * 3))
  let tokenCount = 0
  const nameKey = new Float64Array(n).fill(-1)
  const givenAt = new Int8Array(n).fill(-1)
  const letterless: number[] = []
  // Names repeat across records: each distinct text is tokenised once, and each distinct token
  // object (tokenizeName returns shared objects) gets its id once. The name cache maps a name's
  // text to the first record that had it: its tokens are then copied from there. No object per
  // name (a million small objects made every garbage collection walk them).
  const nameCache = new Map<string, number>()
  const idOfToken = new Map<NameToken, number>()
  const tokenId = (t: NameToken): number => {
    let id = idOfToken.get(t)
    if (id !== undefined) return id
    const key = (t.script === 'arabic' ? 'A' : 'L') + t.compare
    id = tokenIndex.get(key)
    if (id === undefined) {
      id = tokenCompare.length
      tokenIndex.set(key, id)
      tokenCompare.push(t.compare)
      tokenSkeleton.push(t.skeleton)
      tokenRoman.push(t.roman)
      tokenScriptList.push(t.script === 'arabic' ? 1 : 0)
      tokenSkeletonIdList.push(skeletons.id(t.skeleton))
      tokenVowelsList.push(t.vowels)
      tokenBlockIdList.push(blockSkeletons.id(t.skeleton.replace('_', '')))
    }
    idOfToken.set(t, id)
    return id
  }
  for (let i = 0; i < n; i++) {
    const name = names[i] as string
    tokenStart[i] = tokenCount
    if (tokenCount + MAX_TOKENS > tokenIds.length) {
      const grown = new Int32Array(tokenIds.length * 2)
      grown.set(tokenIds)
      tokenIds = grown
    }
    const seen = nameCache.get(name)
    if (seen !== undefined) {
      const from = tokenStart[seen] as number
      const to = tokenStart[seen + 1] as number
      tokenIds.copyWithin(tokenCount, from, to)
      tokenCount += to - from
      nameKey[i] = nameKey[seen] as number
      givenAt[i] = givenAt[seen] as number
    } else {
      const parts = splitName(name)
      const tokens = parts.tokens.slice(0, MAX_TOKENS)
      givenAt[i] = parts.given < MAX_TOKENS ? parts.given : -1
      for (const t of tokens) tokenIds[tokenCount++] = tokenId(t)
      nameKey[i] = tokens.length > 0 ? skeletonMultisetHash(tokenIds, tokenStart[i] as number, tokenCount, tokenSkeletonIdList) : -1
      nameCache.set(name, i)
    }
    // tokenStart[i + 1] is needed by a later record reusing this one's tokens.
    tokenStart[i + 1] = tokenCount
    if (tokenCount === (tokenStart[i] as number) && name !== '' && letterless.length < WARNING_LIMIT && !isArabicScript(name)) letterless.push(i)
  }
  tokenStart[n] = tokenCount
  return {
    tokenStart,
    tokenIds: tokenIds.slice(0, tokenCount),
    nameKey,
    givenAt,
    tokenCompare,
    tokenSkeleton,
    tokenRoman,
    tokenScript: Uint8Array.from(tokenScriptList),
    tokenSkeletonId: Int32Array.from(tokenSkeletonIdList),
    tokenVowels: Int32Array.from(tokenVowelsList),
    tokenBlockId: Int32Array.from(tokenBlockIdList),
    skeletonCount: skeletons.ids.size,
    letterless: Int32Array.from(letterless),
  }
}

/** Every column but the names', read from the records (prepareRecords' other half). */
export type PreparedFields = Pick<
  PreparedRecords,
  'list' | 'sex' | 'age' | 'dateLo' | 'dateHi' | 'monthLo' | 'monthHi' | 'locality' | 'admin' | 'country' | 'lat' | 'lon' | 'recordIds' | 'idOrder' | 'listNames' | 'placeCount'
> & {
  /** The first (at most WARNING_LIMIT) records whose date is not a date, ascending. */
  readonly badDates: number[]
}

/**
 * Reads list, sex, age, date, place and coordinates of every record (records already validated).
 *
 * @example prepareFields([{ record_id: '1', list: 'A', sex: 'F' }]).sex[0] // 2
 */
export function prepareFields(records: readonly LinkageRecord[]): PreparedFields {
  const n = records.length
  const lists = new Interner()
  const places = new Interner()
  const list = new Uint16Array(n)
  const sex = new Uint8Array(n)
  const age = new Int16Array(n)
  const dateLo = new Int32Array(n)
  const dateHi = new Int32Array(n)
  const monthLo = new Int32Array(n)
  const monthHi = new Int32Array(n)
  const locality = new Int32Array(n).fill(-1)
  const admin = new Int32Array(n).fill(-1)
  const country = new Int32Array(n).fill(-1)
  const lat = new Float64Array(n).fill(Number.NaN)
  const lon = new Float64Array(n).fill(Number.NaN)
  const recordIds: string[] = new Array<string>(n)
  const badDates: number[] = []
  const placeCache = new Map<string, readonly [number, number, number]>()
  const sexCache = new Map<unknown, number>()
  const ageCache = new Map<unknown, number>()
  const dateCache = new Map<unknown, readonly [number, number, number, number]>()
  for (let i = 0; i < n; i++) {
    const r = records[i] as LinkageRecord
    recordIds[i] = text(r.record_id)
    const listId = lists.id(text(r.list))
    if (listId > 65535) throw new TallyError('bad_input', 'more than 65,536 lists')
    list[i] = listId
    // Sex, age and date values repeat across a list: each distinct value is read once (this
    // loop's garbage is what made preparation slow at a million records).
    let sexValue = sexCache.get(r.sex)
    if (sexValue === undefined) {
      sexValue = parseSex(r.sex)
      if (sexCache.size < VALUE_CACHE_LIMIT) sexCache.set(r.sex, sexValue)
    }
    sex[i] = sexValue
    let ageValue = ageCache.get(r.age)
    if (ageValue === undefined) {
      ageValue = parseAge(r.age)
      if (ageCache.size < VALUE_CACHE_LIMIT) ageCache.set(r.age, ageValue)
    }
    age[i] = ageValue

    let date = dateCache.get(r.date_of_death)
    if (date === undefined) {
      date = NOT_A_DATE
      try {
        const interval = parseDeathDate(r.date_of_death)
        date = interval === null ? NO_DATE_VALUES : [interval[0], interval[1], monthOf(interval[0]), monthOf(interval[1])]
      } catch {
        // Reported, for every record that has it.
      }
      if (dateCache.size < VALUE_CACHE_LIMIT) dateCache.set(r.date_of_death, date)
    }
    if (date === NOT_A_DATE && badDates.length < WARNING_LIMIT) badDates.push(i)
    dateLo[i] = date[0]
    dateHi[i] = date[1]
    monthLo[i] = date[2]
    monthHi[i] = date[3]

    const place = text(r.place)
    if (place !== '') {
      let ids = placeCache.get(place)
      if (ids === undefined) {
        const parts = place.split(/[,،|]/).map((p) => p.trim()).filter((p) => p.length > 0)
        ids = [
          parts.length > 0 ? places.id(placeKey(parts[0] as string)) : -1,
          parts.length >= 3 ? places.id(placeKey(parts[parts.length - 2] as string)) : -1,
          parts.length >= 2 ? places.id(placeKey(parts[parts.length - 1] as string)) : -1,
        ]
        placeCache.set(place, ids)
      }
      locality[i] = ids[0]
      admin[i] = ids[1]
      country[i] = ids[2]
    }
    if (typeof r.latitude === 'number' && typeof r.longitude === 'number') {
      lat[i] = r.latitude
      lon[i] = r.longitude
    }
  }
  // Lists numbered by name, not by where they first appear: a list's number decides which side of
  // the one-to-one assignment its records are on, and results must not depend on row order.
  const listNames = [...lists.ids.keys()].sort()
  const renumber = new Uint16Array(listNames.length)
  listNames.forEach((name, k) => (renumber[lists.ids.get(name) as number] = k))
  for (let i = 0; i < n; i++) list[i] = renumber[list[i] as number] as number
  // Here rather than when the halves are assembled: at a million records this half runs while a
  // worker tokenises the names, which takes longer.
  const idOrder = recordIdOrder(recordIds)
  return { list, sex, age, dateLo, dateHi, monthLo, monthHi, locality, admin, country, lat, lon, recordIds, idOrder, listNames, placeCount: places.ids.size, badDates }
}

/**
 * Record positions ordered by a 64-bit hash of their record ids: an order that depends on the
 * records, not on the order they came in (ids are unique). Linkage starts from it wherever an
 * order is needed, so that the same records give the same results in any order.
 *
 * @example recordIdOrder(['b', 'a']) // the same two positions for ['a', 'b'], swapped
 */
export function recordIdOrder(recordIds: readonly string[]): Int32Array {
  const n = recordIds.length
  // Four 16-bit digits of the hash, least significant first, sorted by stable counting passes.
  const digits = [new Uint16Array(n), new Uint16Array(n), new Uint16Array(n), new Uint16Array(n)] as const
  for (let i = 0; i < n; i++) {
    const id = recordIds[i] as string
    let h1 = 0x811c9dc5
    let h2 = 0x9e3779b9
    for (let c = 0; c < id.length; c++) {
      const code = id.charCodeAt(c)
      h1 = Math.imul(h1 ^ code, 0x01000193)
      h2 = Math.imul(h2 ^ code, 0x85ebca6b) ^ (h2 >>> 13)
    }
    h1 = Math.imul(h1 ^ (h1 >>> 16), 0x7feb352d)
    h2 = Math.imul(h2 ^ (h2 >>> 15), 0x846ca68b)
    digits[0][i] = h2 & 0xffff
    digits[1][i] = h2 >>> 16
    digits[2][i] = h1 & 0xffff
    digits[3][i] = h1 >>> 16
  }
  let order: Int32Array = Int32Array.from({ length: n }, (_, i) => i)
  for (const digit of digits) order = stableCountingSort(order, digit, 65_536)
  return order
}

/**
 * Prepared records from their two halves: coordinates learnt for place names, each record's name
 * frequency, and the warnings of both halves in record order.
 *
 * @example assemblePrepared(records, prepareNames(nameTexts(records)), prepareFields(records))
 */
export function assemblePrepared(records: readonly LinkageRecord[], names: PreparedNames, fields: PreparedFields): PreparedRecords {
  const n = records.length
  const { locality, country, lat, lon } = fields
  const idOrder = fields.idOrder
  imputeCoordinates({ n, order: idOrder, locality, country, lat, lon })
  const { tokenStart, tokenIds, tokenSkeletonId } = names

  // How common each record's name is, from its tokens: the share of records holding each token
  // (by skeleton, so every spelling and script of a name counts as one), multiplied. Agreeing on
  // "Mohammed" alone is weak evidence, on "Mohammed al-Kharani" strong, whatever else each record
  // holds; a frequency of the whole name could not tell those apart.
  const skeletonRecords = new Float64Array(names.skeletonCount)
  const lastRecord = new Int32Array(names.skeletonCount).fill(-1)
  for (let i = 0; i < n; i++) {
    for (let k = tokenStart[i] as number; k < (tokenStart[i + 1] as number); k++) {
      const sk = tokenSkeletonId[tokenIds[k] as number] as number
      if (lastRecord[sk] === i) continue
      lastRecord[sk] = i
      skeletonRecords[sk] = (skeletonRecords[sk] as number) + 1
    }
  }
  const nameLogFrequency = new Float64Array(n)
  const floor = Math.log2(1 / n)
  for (let i = 0; i < n; i++) {
    let log = 0
    for (let k = tokenStart[i] as number; k < (tokenStart[i + 1] as number); k++) {
      log += Math.log2((skeletonRecords[tokenSkeletonId[tokenIds[k] as number] as number] as number) / n)
    }
    // On a grid of 1/64 bit: scoring takes one weight per distinct value (link.ts, PairClasses),
    // and a product of frequencies would otherwise take nearly one value per name.
    nameLogFrequency[i] = Math.round(Math.max(floor, log) * 64) / 64
  }

  // Warnings in record order, a record's date before its name, the first WARNING_LIMIT.
  const warnings: string[] = []
  let d = 0
  let l = 0
  while (warnings.length < WARNING_LIMIT && (d < fields.badDates.length || l < names.letterless.length)) {
    const di = d < fields.badDates.length ? (fields.badDates[d] as number) : Number.POSITIVE_INFINITY
    const li = l < names.letterless.length ? (names.letterless[l] as number) : Number.POSITIVE_INFINITY
    if (di <= li) {
      warnings.push(`record "${fields.recordIds[di] as string}": date_of_death "${text((records[di] as LinkageRecord).date_of_death)}" is not a date; treated as unknown`)
      d++
    } else {
      warnings.push(`record "${fields.recordIds[li] as string}": name "${nameText(records[li] as LinkageRecord)}" has no letters; treated as unknown`)
      l++
    }
  }

  return {
    n,
    list: fields.list,
    sex: fields.sex,
    age: fields.age,
    dateLo: fields.dateLo,
    dateHi: fields.dateHi,
    monthLo: fields.monthLo,
    monthHi: fields.monthHi,
    locality,
    admin: fields.admin,
    country,
    lat,
    lon,
    recordIds: fields.recordIds,
    listNames: fields.listNames,
    placeCount: fields.placeCount,
    tokenStart,
    tokenIds,
    nameKey: names.nameKey,
    givenAt: names.givenAt,
    tokenCompare: names.tokenCompare,
    tokenSkeleton: names.tokenSkeleton,
    tokenRoman: names.tokenRoman,
    tokenScript: names.tokenScript,
    tokenSkeletonId,
    tokenVowels: names.tokenVowels,
    tokenBlockId: names.tokenBlockId,
    nameLogFrequency,
    idOrder,
    skeletonCount: names.skeletonCount,
    warnings,
  }
}

/**
 * Validates and prepares records for blocking and comparison (on this thread; parallel.ts has a
 * version that tokenises names on a worker meanwhile).
 *
 * @example prepareRecords([{ record_id: '1', list: 'A', full_name: 'محمد الحسن' }]).n // 1
 */
export function prepareRecords(records: readonly LinkageRecord[]): PreparedRecords {
  validateRecords(records)
  return assemblePrepared(records, prepareNames(nameTexts(records)), prepareFields(records))
}
