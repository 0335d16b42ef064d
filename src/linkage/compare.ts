// The comparison kernel: for a pair of records, one level code per field. Runs in worker threads
// over millions of pairs, so it reads typed columns, writes into a Uint8Array, and memoises token
// similarities (names repeat: the same two spellings meet again and again).
import { jaroWinkler, jaroWinklerCodes, meanOfGreedyPairs } from './similarity.js'
import { vowelsAgree } from './normalize.js'
import { MAX_TOKENS, NO_DATE, type PreparedColumns } from './prepare.js'

/** The comparison fields, in the order of a comparison vector. */
export const FIELDS = ['name', 'sex', 'age', 'date', 'place'] as const
export type Field = (typeof FIELDS)[number]

/** Level labels per field; level 0 is always "missing" (neutral evidence). */
export const LEVELS: Readonly<Record<Field, readonly string[]>> = {
  name: ['missing', 'exact', 'similarity ≥ 0.95', 'similarity ≥ 0.88', 'similarity ≥ 0.75', 'different'],
  sex: ['missing', 'same', 'different'],
  age: ['missing', 'exact', '± 2 years', '± 5 years', 'different'],
  date: ['missing', 'same day', '± 7 days', 'same month', 'intervals overlap', '8 to 31 days apart', 'different'],
  place: ['missing', 'same locality', 'within 10 km', 'same admin area', 'same country', 'different'],
}

export const FIELD_COUNT = FIELDS.length
export const LEVEL_COUNTS: readonly number[] = FIELDS.map((f) => LEVELS[f].length)

/** The name level of a candidate pair set aside unscored (see CompareContext.compareCandidate). */
export const SET_ASIDE = 255
/** One set-aside pair in this many is compared all the same, to stand for the others in the fit. */
export const SET_ASIDE_SAMPLING = 16
/** Flag on the name level of such a sampled pair. */
export const SAMPLED = 0x40
const SAMPLE_BELOW = 2 ** 32 / SET_ASIDE_SAMPLING

/**
 * Name levels 1 to 3 (exact, ≥ 0.95, ≥ 0.88) carry the term-frequency adjustment. Level 3 joined
 * them when the given-name rules (a level 3 of brothers is now level 4) and the ±5-bit limit
 * had made it safe: F1 at 300,000 0.9574 → 0.9587; with level 4 as well, 0.9565 (relatives of a
 * rare family name linked).
 */
export const NAME_TF_LEVELS = 3

/** Which spelling of a token a Jaro–Winkler is taken on. */
type TokenForm = 'compare' | 'skeleton' | 'roman'
/**
 * Across scripts, the romanised Arabic spelling against the Latin one counts a little less than a
 * skeleton agreement: the romanisation guesses the short vowels as absent.
 */
const ROMAN_WEIGHT = 0.95

// Direct-mapped memo of token similarities: a fixed table indexed by a hash of the token pair,
// each slot holding the pair it answers for. No allocation, no Map of boxed keys, and a collision
// only costs one recomputation. Sized by the input: 2^22 slots (64 MiB) at a million records cut
// Jaro–Winkler time by a fifth, and would be a waste of a start for ten records.
const MAX_MEMO_BITS = 22
/** Tokens in the dense table of CompareContext (512² similarities: 2 MiB). */
const COMMON_TOKENS = 512
const MIN_MEMO_BITS = 12

function memoBits(records: number): number {
  return Math.max(MIN_MEMO_BITS, Math.min(MAX_MEMO_BITS, Math.ceil(Math.log2(Math.max(2, records))) + 3))
}

/**
 * Reusable per-thread state of the kernel: the token-similarity memo.
 *
 * @example const levels = new Uint8Array(FIELD_COUNT); new CompareContext(prepared).compare(0, 1, levels, 0)
 */
export class CompareContext {
  // One 16-byte entry per slot (low token, high token, value as float64), so that a lookup touches
  // one cache line instead of three arrays. The value is kept in full: a hit returns exactly what
  // a miss computes, so a pair's levels do not depend on which pairs a thread compared before it
  // (with a float32 value they did, and results varied with the number of worker threads).
  private readonly memoBits: number
  private readonly memo: Int32Array
  private readonly memoValue: Float64Array
  private readonly scores = new Float64Array(MAX_TOKENS * MAX_TOKENS)
  /** UTF-16 code units of every token's comparison form, skeleton and romanisation, end to end. */
  private readonly codes: Uint16Array
  /** Token t's comparison form is codes[compareStart[t] .. +compareLength[t]), its skeleton and romanisation likewise. */
  private readonly compareStart: Int32Array
  private readonly compareLength: Int32Array
  private readonly skeletonStart: Int32Array
  private readonly skeletonLength: Int32Array
  private readonly romanStart: Int32Array
  private readonly romanLength: Int32Array
  /** ROW fields per record (see rowsOf), and the same memory read as float32 for coordinates. */
  private readonly row: Int32Array
  private readonly rowCoordinates: Float32Array
  /**
   * The similarities of the COMMON_TOKENS tokens held by the most records, among themselves, in a
   * dense table (NaN until first asked): fathers' and given names are mostly these, and their
   * pairs scattered over the memo's 64 MiB missed the caches (the memo lookup was 5.3 s of a
   * worker's 25 s at a million records, profiled). commonRank is a token's row, or -1.
   */
  private readonly commonRank: Int16Array
  private readonly common: Float64Array
  /** Per token: 1 when written at least ESTABLISHED_SHARE × n times (and 3): a name, not a slip. */
  private readonly established: Uint8Array
  /** Per token: the Abd or Abu compound it is (compoundOf), read once rather than on every memo miss. */
  private readonly compounds: readonly (Compound | null)[]
  constructor(readonly data: PreparedColumns) {
    const held = new Int32Array(data.tokenCompare.length)
    for (let k = 0; k < data.tokenIds.length; k++) held[data.tokenIds[k] as number] = (held[data.tokenIds[k] as number] as number) + 1
    const establishedMin = Math.max(3, Math.ceil(data.n * ESTABLISHED_SHARE))
    this.established = Uint8Array.from(held, (h) => (h >= establishedMin ? 1 : 0))
    const byCount = Array.from(held.keys()).sort((x, y) => (held[y] as number) - (held[x] as number) || x - y)
    this.commonRank = new Int16Array(held.length).fill(-1)
    const commonCount = Math.min(COMMON_TOKENS, byCount.length)
    for (let r = 0; r < commonCount; r++) this.commonRank[byCount[r] as number] = r
    this.common = new Float64Array(commonCount * COMMON_TOKENS).fill(Number.NaN)
    this.compounds = Array.from(data.tokenCompare, (compare, t) => compoundOf(compare, data.tokenSkeleton[t] as string, data.tokenRoman[t] as string))
    this.memoBits = memoBits(data.n)
    this.memo = new Int32Array(4 << this.memoBits).fill(-1)
    this.memoValue = new Float64Array(this.memo.buffer)
    const rows = rowsOf(data)
    this.row = rows.row
    this.rowCoordinates = rows.coordinates
    const tokens = data.tokenCompare.length
    let size = 0
    for (let t = 0; t < tokens; t++) {
      size += (data.tokenCompare[t] as string).length + (data.tokenSkeleton[t] as string).length + (data.tokenRoman[t] as string).length
    }
    this.codes = new Uint16Array(size)
    this.compareStart = new Int32Array(tokens)
    this.compareLength = new Int32Array(tokens)
    this.skeletonStart = new Int32Array(tokens)
    this.skeletonLength = new Int32Array(tokens)
    this.romanStart = new Int32Array(tokens)
    this.romanLength = new Int32Array(tokens)
    let at = 0
    for (let t = 0; t < tokens; t++) {
      for (const [text, starts, lengths] of [
        [data.tokenCompare[t] as string, this.compareStart, this.compareLength],
        [data.tokenSkeleton[t] as string, this.skeletonStart, this.skeletonLength],
        [data.tokenRoman[t] as string, this.romanStart, this.romanLength],
      ] as const) {
        starts[t] = at
        lengths[t] = text.length
        for (let c = 0; c < text.length; c++) this.codes[at++] = text.charCodeAt(c)
      }
    }
  }

  /** jaroWinkler of two tokens' comparison forms, skeletons or romanisations, bit for bit. */
  private tokenJaroWinkler(x: number, y: number, form: TokenForm): number {
    const starts = form === 'skeleton' ? this.skeletonStart : form === 'roman' ? this.romanStart : this.compareStart
    const lengths = form === 'skeleton' ? this.skeletonLength : form === 'roman' ? this.romanLength : this.compareLength
    const la = lengths[x] as number
    const lb = lengths[y] as number
    if (la > 30 || lb > 30) {
      const d = this.data
      const texts = form === 'skeleton' ? d.tokenSkeleton : form === 'roman' ? d.tokenRoman : d.tokenCompare
      return jaroWinkler(texts[x] as string, texts[y] as string)
    }
    return jaroWinklerCodes(this.codes, starts[x] as number, la, starts[y] as number, lb)
  }

  /**
   * Similarity of two name tokens. Same script: Jaro–Winkler of the normalised spellings, or 0.96
   * when only the vowels differ (Mohamed / Muhammad have one skeleton). Across scripts: equal
   * consonant skeletons score 1, otherwise the better of the skeletons' Jaro–Winkler and that of
   * the Latin spelling against the romanised Arabic (a typo in a three-letter skeleton leaves
   * little of it; the written long vowels of the romanisation keep the rest comparable). One
   * skeleton is one name only when the vowels allow it (vowelsAgree: Mahmoud and Mohammed share
   * mhmd); otherwise the spellings alone are compared, and score at most OTHER_VOWELS_MAX. Two
   * Abd or two Abu compounds are compared by what follows Abd or Abu (compoundOf).
   */
  tokenSimilarity(x: number, y: number): number {
    if (x === y) return 1
    const lo = x < y ? x : y
    const hi = x < y ? y : x
    const rankLo = this.commonRank[lo] as number
    const rankHi = this.commonRank[hi] as number
    if (rankLo >= 0 && rankHi >= 0) {
      const c = rankLo * COMMON_TOKENS + rankHi
      let v = this.common[c] as number
      if (v !== v) {
        v = this.similarityOf(lo, hi)
        this.common[c] = v
      }
      return v
    }
    const at = ((Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b)) >>> (32 - this.memoBits)) << 2
    if (this.memo[at] === lo && this.memo[at + 1] === hi) return this.memoValue[(at >> 1) + 1] as number
    const s = this.similarityOf(lo, hi)
    this.memo[at] = lo
    this.memo[at + 1] = hi
    this.memoValue[(at >> 1) + 1] = s
    return s
  }

  /** The similarity of tokens x and y, computed (tokenSimilarity keeps it). */
  private similarityOf(x: number, y: number): number {
    const d = this.data
    let s: number
    // Always in the order of the spellings: Jaro–Winkler in floating point is not bit-for-bit
    // symmetric, and token numbers follow the order of the input (and which pair reached the memo
    // first would depend on how pairs were split over workers).
    const xFirst = d.tokenScript[x] !== d.tokenScript[y] ? (d.tokenScript[x] as number) < (d.tokenScript[y] as number) : (d.tokenCompare[x] as string) <= (d.tokenCompare[y] as string)
    const lo = xFirst ? x : y
    const hi = xFirst ? y : x
    const sameName = this.oneSkeletonName(lo, hi)
    if (sameName) s = d.tokenScript[lo] === d.tokenScript[hi] ? Math.max(this.tokenJaroWinkler(lo, hi, 'compare'), 0.96) : 1
    // One skeleton but other vowels (Mahmoud, Mohammed; محمد, محمود): two names, as far as the
    // letters say, however alike they look (Jaro–Winkler 0.95 for the Arabic pair).
    else if (d.tokenSkeletonId[lo] === d.tokenSkeletonId[hi]) s = Math.min(OTHER_VOWELS_MAX, d.tokenScript[lo] === d.tokenScript[hi] ? this.tokenJaroWinkler(lo, hi, 'compare') : ROMAN_WEIGHT * this.tokenJaroWinkler(lo, hi, 'roman'))
    else {
      // Two compounds of one kind (Abd al-Hamid, Abd al-Majid; Abu Wael, Abu Yusuf) are told
      // apart by what follows Abd or Abu: their shared start made Jaro–Winkler score 0.94.
      const cx = this.compounds[lo] ?? null
      const cy = this.compounds[hi] ?? null
      const both = cx !== null && cy !== null && cx.kind === cy.kind ? { x: cx, y: cy } : null
      const jw = (form: TokenForm): number => (both !== null ? jaroWinkler(both.x[form], both.y[form]) : this.tokenJaroWinkler(lo, hi, form))
      s = d.tokenScript[lo] === d.tokenScript[hi] ? Math.max(jw('compare'), 0.95 * jw('skeleton')) : Math.max(jw('skeleton'), ROMAN_WEIGHT * jw('roman'))
    }
    return s
  }

  /** Whether tokens x and y have one skeleton and vowels that let them be one name (vowelsAgree). */
  private oneSkeletonName(x: number, y: number): boolean {
    const d = this.data
    return d.tokenSkeletonId[x] === d.tokenSkeletonId[y] && vowelsAgree(d.tokenVowels[x] as number, d.tokenScript[x] === 1, d.tokenVowels[y] as number, d.tokenScript[y] === 1)
  }

  /** Whether tokens x and y are one name: the same token, or one skeleton and its vowels with a Latin spelling. */
  private sameToken(x: number, y: number): boolean {
    const d = this.data
    return x === y || ((d.tokenScript[x] === 0 || d.tokenScript[y] === 0) && this.oneSkeletonName(x, y))
  }

  /**
   * Order-insensitive token-set score (see tokenSetSimilarity in similarity.ts) over token ids,
   * with a preallocated score matrix: this is the innermost loop of linkage. When both names show
   * their given name (gi, gj: positions, else -1), the two given names are paired with each other
   * at their similarity `given`, whatever it is, so that a son's name holding his father's given
   * name (Ahmad Mohammed al-Idlibi against Mohammed al-Idlibi) is not taken for the father's.
   */
  private tokenSetScore(ai: number, ae: number, bi: number, be: number, gi: number, gj: number, given: number): number {
    const d = this.data
    const swap = ae - ai > be - bi
    const si = swap ? bi : ai
    const ns = swap ? be - bi : ae - ai
    const li = swap ? ai : bi
    const nl = swap ? ae - ai : be - bi
    let usedShort = 0
    let usedLong = 0
    let paired = 0
    let sum = 0
    if (gi >= 0 && gj >= 0) {
      usedShort = 1 << (swap ? gj : gi)
      usedLong = 1 << (swap ? gi : gj)
      paired = 1
      sum = given
    }
    // Pairs that score 1 are paired first, without the memo: the same token, or one skeleton in
    // both scripts. The greedy pairing would take them first in any case (nothing scores more),
    // and most candidate pairs share most of their tokens, so the similarity matrix is left with
    // the few tokens that differ.
    for (let i = 0; i < ns; i++) {
      if ((usedShort & (1 << i)) !== 0) continue
      const x = d.tokenIds[si + i] as number
      for (let j = 0; j < nl; j++) {
        if ((usedLong & (1 << j)) !== 0) continue
        const y = d.tokenIds[li + j] as number
        if (x === y || (d.tokenScript[x] !== d.tokenScript[y] && this.oneSkeletonName(x, y))) {
          usedShort |= 1 << i
          usedLong |= 1 << j
          paired++
          sum++
          break
        }
      }
    }
    if (paired === ns) return sum / ns
    const rs = ns - paired
    const rl = nl - paired
    const scores = this.scores
    let r = 0
    for (let i = 0; i < ns; i++) {
      if ((usedShort & (1 << i)) !== 0) continue
      const x = d.tokenIds[si + i] as number
      let c = 0
      for (let j = 0; j < nl; j++) {
        if ((usedLong & (1 << j)) !== 0) continue
        scores[r * rl + c] = this.tokenSimilarity(x, d.tokenIds[li + j] as number)
        c++
      }
      r++
    }
    return (sum + meanOfGreedyPairs(scores, rs, rl) * rs) / ns
  }

  /** Whether token x is one name with a token of tokenIds[start .. end) other than at `skip`. */
  private holdsElsewhere(x: number, start: number, end: number, skip: number): boolean {
    for (let k = start; k < end; k++) if (k !== skip && this.sameToken(x, this.data.tokenIds[k] as number)) return true
    return false
  }

  /** Name level of records i and j (order-insensitive token-set score, given names paired). */
  nameLevel(i: number, j: number): number {
    const d = this.data
    const ai = d.tokenStart[i] as number
    const ae = d.tokenStart[i + 1] as number
    const bi = d.tokenStart[j] as number
    const be = d.tokenStart[j + 1] as number
    if (ai === ae || bi === be) return 0
    let gi = d.givenAt[i] as number
    let gj = d.givenAt[j] as number
    // A name written family first with nothing to show it (Haddad Ahmed, Abu Ayub Firas: no
    // comma, capitals or article) has its family name taken for the given name: when each given
    // name is another word of the other name, the order is what differs, and the names are
    // compared as sets. Not when, in two names of three words or more, each given name is the
    // word after the other's (Ahmad Mohammed Haddad and Mohammed Ahmad Haddad: a man and his
    // father); in two words that is what a swap looks like.
    if (gi >= 0 && gj >= 0) {
      const x = d.tokenIds[ai + gi] as number
      const y = d.tokenIds[bi + gj] as number
      if (!this.sameToken(x, y) && this.holdsElsewhere(x, bi, be, bi + gj) && this.holdsElsewhere(y, ai, ae, ai + gi)) {
        const fathers =
          ae - ai >= 3 &&
          be - bi >= 3 &&
          bi + gj + 1 < be &&
          ai + gi + 1 < ae &&
          this.sameToken(x, d.tokenIds[bi + gj + 1] as number) &&
          this.sameToken(y, d.tokenIds[ai + gi + 1] as number)
        if (!fathers) {
          gi = -1
          gj = -1
        }
      }
    }
    const givens = gi >= 0 && gj >= 0
    // The key is a hash: equal keys are checked token by token, and token counts must agree too
    // (a collision of "Ali" with "Ali Hassan" must not pass as exact). Brothers Ahmad Mohammed
    // and Mohammed Ahmad have one multiset: the given names must agree as well.
    if (d.nameKey[i] === d.nameKey[j] && ae - ai === be - bi && (!givens || this.sameToken(d.tokenIds[ai + gi] as number, d.tokenIds[bi + gj] as number))) {
      // Same skeleton multiset: exact when the words pair off one to one as the same name
      // (sameToken: transliteration varies the vowels, Mohamed, Muhammad, but not the consonants;
      // two Arabic spellings must agree letter for letter, حسن is not حسين).
      let used = 0
      let allSame = true
      for (let k = 0; k < ae - ai && allSame; k++) {
        const x = d.tokenIds[ai + k] as number
        allSame = false
        for (let l = 0; l < be - bi; l++) {
          if ((used & (1 << l)) === 0 && this.sameToken(x, d.tokenIds[bi + l] as number)) {
            used |= 1 << l
            allSame = true
            break
          }
        }
      }
      if (allSame) return 1
    }
    const x = givens ? (d.tokenIds[ai + gi] as number) : -1
    const y = givens ? (d.tokenIds[bi + gj] as number) : -1
    const given = givens ? this.tokenSimilarity(x, y) : 1
    const level = scoreLevel(this.tokenSetScore(ai, ae, bi, be, givens ? gi : -1, givens ? gj : -1, given))
    // Two different given names leave at best "somewhat similar": relatives share every other
    // word of their names (Ahmad and Mohammed al-Hassan, brothers, score 0.9 over their words).
    // Only when both are established names, written by many records: a misspelt name is
    // written by few, and a misspelling of a short name can score as low as another name (Taha/Twher 0.76,
    // Ahmad/Mohammed 0.79). At 300,000 synthetic records this halved the links between
    // relatives killed together (3,311 to 1,870 pairs) and raised F1 (0.952 to 0.954).
    // (One name, sameToken, scores at least 0.96: never under GIVEN_SIMILAR.)
    if (givens && level < GIVEN_DIFFERENT_CAP && given < GIVEN_SIMILAR && this.established[x] === 1 && this.established[y] === 1) return GIVEN_DIFFERENT_CAP
    return level
  }

  /** Writes the comparison vector of records i and j at out[offset .. offset + FIELD_COUNT). */
  compare(i: number, j: number, out: Uint8Array, offset: number): void {
    this.compareOthers(i, j, out, offset)
    out[offset] = this.nameLevel(i, j)
  }

  /**
   * As compare, for a candidate pair from blocking: when two of sex, age, date and place clearly
   * contradict each other, the name (the costly part) is not compared and the name level is
   * SET_ASIDE. Such a pair is worth less than -14 bits before its name under any model fitted so
   * far (each contradiction is an error of its own in one of the two records), which no name can
   * make up for; most candidate pairs of a large input are of this kind (blocking chose them for
   * a name, not for the rest).
   */
  compareCandidate(i: number, j: number, out: Uint8Array, offset: number): void {
    this.compareOthers(i, j, out, offset)
    const contradictions =
      (out[offset + 1] === 2 ? 1 : 0) + (out[offset + 2] === 4 ? 1 : 0) + (out[offset + 3] === DATE_DIFFERENT ? 1 : 0) + (out[offset + 4] === 5 ? 1 : 0)
    if (contradictions < 2) out[offset] = this.nameLevel(i, j)
    // One in SET_ASIDE_SAMPLING is compared all the same and marked, so that the model can be
    // fitted on all candidates (the sample counted SET_ASIDE_SAMPLING times), as without it.
    else if ((Math.imul(i, 0x9e3779b1) ^ Math.imul(j, 0x85ebca6b)) >>> 0 < SAMPLE_BELOW) out[offset] = this.nameLevel(i, j) | SAMPLED
    else out[offset] = SET_ASIDE
  }

  /** Every level but the name's, from the two records' rows. */
  private compareOthers(i: number, j: number, out: Uint8Array, offset: number): void {
    const r = this.row
    const x = i * ROW
    const y = j * ROW
    const si = r[x + R_SEX] as number
    const sj = r[y + R_SEX] as number
    out[offset + 1] = si === 0 || sj === 0 ? 0 : si === sj ? 1 : 2

    const ai = r[x + R_AGE] as number
    const aj = r[y + R_AGE] as number
    if (ai < 0 || aj < 0) out[offset + 2] = 0
    else {
      const diff = ai > aj ? ai - aj : aj - ai
      out[offset + 2] = diff === 0 ? 1 : diff <= 2 ? 2 : diff <= 5 ? 3 : 4
    }

    out[offset + 3] = dateLevel(r, x, y)
    out[offset + 4] = placeLevel(r, this.rowCoordinates, x, y)
  }
}

// Every field compareOthers reads of one record, side by side in one 64-byte row: a candidate
// pair's second record is anywhere in memory, and reading its fields from a dozen separate
// columns cost a cache miss each (a third of all comparison time at a million records).
const ROW = 16
const R_SEX = 0
const R_AGE = 1
const R_DATE_LO = 2
const R_DATE_HI = 3
const R_MONTH_LO = 4
const R_MONTH_HI = 5
const R_LOCALITY = 6
const R_ADMIN = 7
const R_COUNTRY = 8
/**
 * A located record's position as a point on the unit sphere (float32: under a metre), at these
 * positions of the row; NaN without coordinates. Two records are within 10 km when the straight
 * line between their points is shorter than the chord of a 10 km arc: the same test as the
 * great-circle distance, without a sine, cosine and arcsine for each pair.
 */
const R_X = 9
const R_Y = 10
const R_Z = 11
const EARTH_RADIUS_KM = 6371
const NEAR_KM = 10
const NEAR_CHORD_SQUARED = (2 * Math.sin(NEAR_KM / (2 * EARTH_RADIUS_KM))) ** 2

function rowsOf(d: PreparedColumns): { row: Int32Array; coordinates: Float32Array } {
  const row = new Int32Array(d.n * ROW)
  const coordinates = new Float32Array(row.buffer)
  for (let i = 0; i < d.n; i++) {
    const x = i * ROW
    row[x + R_SEX] = d.sex[i] as number
    row[x + R_AGE] = d.age[i] as number
    row[x + R_DATE_LO] = d.dateLo[i] as number
    row[x + R_DATE_HI] = d.dateHi[i] as number
    row[x + R_MONTH_LO] = d.monthLo[i] as number
    row[x + R_MONTH_HI] = d.monthHi[i] as number
    row[x + R_LOCALITY] = d.locality[i] as number
    row[x + R_ADMIN] = d.admin[i] as number
    row[x + R_COUNTRY] = d.country[i] as number
    const lat = ((d.lat[i] as number) * Math.PI) / 180
    const lon = ((d.lon[i] as number) * Math.PI) / 180
    coordinates[x + R_X] = Math.cos(lat) * Math.cos(lon)
    coordinates[x + R_Y] = Math.cos(lat) * Math.sin(lon)
    coordinates[x + R_Z] = Math.sin(lat)
  }
  return { row, coordinates }
}

const DATE_DIFFERENT = 6

/** The best name level of two records whose given names are two different established names. */
const GIVEN_DIFFERENT_CAP = 4
/** Given names scoring under this are two names (or one misspelt: see ESTABLISHED_SHARE). */
const GIVEN_SIMILAR = 0.88
/**
 * Share of records that must hold a token for it to count as an established name: 1 in 5,000.
 * One misspelling of the commonest name (Mohammed, a tenth of the records) is held by about 1 in
 * 100,000 (a few per cent of its records are misspelt, in one of hundreds of ways), so this is
 * twenty times above it, and a rarer given name is left to the word-set score alone.
 */
const ESTABLISHED_SHARE = 2e-4

/**
 * The most two words of one skeleton whose vowels make them two names may score: under
 * GIVEN_SIMILAR, so that two established given names of this kind are two names.
 */
const OTHER_VOWELS_MAX = 0.85

/** Abd and Abu compounds, and what follows their start in each spelling of a token. */
interface Compound {
  readonly kind: 'abd' | 'abu' | 'abu abd'
  readonly compare: string
  readonly skeleton: string
  readonly roman: string
}
const LATIN_COMPOUND = /^(abou?|abo)?(abd[aeiou]*l?)?/
const ARABIC_COMPOUND = /^(ابو)?(عبدال|عبد)?/
const ROMAN_COMPOUND = /^(abu)?(a?bdal?)?/

/**
 * The compound a token is, from its spellings (compare, skeleton, roman: see prepare.ts), or null.
 * The skeleton of an Abd compound starts _bd, of an Abu compound _b (Abu Abd al-Hadi: _bd, the two
 * b's being one).
 *
 * @example compoundOf('abdulhamid', '_bdhmd', 'abdulhamid')?.compare // 'hamid'
 */
function compoundOf(compare: string, skeleton: string, roman: string): Compound | null {
  // Most words start otherwise: a and b (Latin), or ع or ا and ب (Arabic), let go before any regex.
  const first = compare.charCodeAt(0)
  if ((first !== 0x61 && first !== 0x639 && first !== 0x627) || (compare.charCodeAt(1) !== 0x62 && compare.charCodeAt(1) !== 0x628)) return null
  const arabic = first !== 0x61
  const m = (arabic ? ARABIC_COMPOUND : LATIN_COMPOUND).exec(compare)
  if (m === null || (m[1] === undefined && m[2] === undefined)) return null
  const kind = m[1] !== undefined && m[2] !== undefined ? 'abu abd' : m[1] !== undefined ? 'abu' : 'abd'
  const rest = compare.slice(m[0].length)
  const skeletonStart = kind === 'abu' ? '_b' : '_bd'
  // Nothing of the skeleton after Abd (Abdo, عبده: a name of its own) is no compound.
  if (rest.length === 0 || !skeleton.startsWith(skeletonStart) || skeleton.length === skeletonStart.length) return null
  const r = arabic ? roman.slice(ROMAN_COMPOUND.exec(roman)?.[0].length ?? 0) : rest
  return { kind, compare: rest, skeleton: skeleton.slice(skeletonStart.length), roman: r }
}

/** Name level of a similarity score in [0, 1] (levels 2 to 5; 1, exact, is decided apart). */
function scoreLevel(s: number): number {
  if (s >= 0.95) return 2
  if (s >= 0.88) return 3
  if (s >= 0.75) return 4
  return 5
}

// Two exact days 8 to 31 days apart are a level of their own: a list's day is rarely off by more
// than a week, so they are weak evidence at best, while "same month" (one side known only to the
// month) is good evidence. Put together in one level, the fit gave both +5.5 bits.
function dateLevel(r: Int32Array, x: number, y: number): number {
  const li = r[x + R_DATE_LO] as number
  const lj = r[y + R_DATE_LO] as number
  if (li === NO_DATE || lj === NO_DATE) return 0
  const hi = r[x + R_DATE_HI] as number
  const hj = r[y + R_DATE_HI] as number
  const gap = Math.max(li, lj) - Math.min(hi, hj)
  if (li === hi && lj === hj) {
    if (li === lj) return 1
    if (gap <= 7) return 2
    return gap <= 31 ? 5 : DATE_DIFFERENT
  }
  // At least one date is an interval (a month, a year, an EDTF range).
  if (gap <= 0) {
    const mi = r[x + R_MONTH_LO] as number
    const oneMonth = mi === r[x + R_MONTH_HI] && r[y + R_MONTH_LO] === r[y + R_MONTH_HI] && mi === r[y + R_MONTH_LO]
    return oneMonth ? 3 : 4
  }
  return gap <= 7 ? 4 : DATE_DIFFERENT
}

function placeLevel(r: Int32Array, c: Float32Array, x: number, y: number): number {
  const li = r[x + R_LOCALITY] as number
  const lj = r[y + R_LOCALITY] as number
  const x1 = c[x + R_X] as number
  const x2 = c[y + R_X] as number
  const hasCoords = !Number.isNaN(x1) && !Number.isNaN(x2)
  if (li < 0 && lj < 0 && !hasCoords) return 0
  const ci = r[x + R_COUNTRY] as number
  const cj = r[y + R_COUNTRY] as number
  // Same locality name in different countries is a different place.
  if (li >= 0 && li === lj && (ci < 0 || cj < 0 || ci === cj)) return 1
  if (hasCoords) {
    const dx = x1 - x2
    const dy = (c[x + R_Y] as number) - (c[y + R_Y] as number)
    const dz = (c[x + R_Z] as number) - (c[y + R_Z] as number)
    if (dx * dx + dy * dy + dz * dz <= NEAR_CHORD_SQUARED) return 2
  }
  const ai = r[x + R_ADMIN] as number
  const aj = r[y + R_ADMIN] as number
  if (ai >= 0 && ai === aj) return 3
  if (ci >= 0 && ci === cj) return 4
  if (li < 0 || lj < 0) {
    // One side has no locality: only a conflict at a level both have is evidence.
    if ((ai >= 0 && aj >= 0) || (ci >= 0 && cj >= 0)) return 5
    return 0
  }
  return 5
}

/**
 * Great-circle distance in kilometres (haversine).
 *
 * @example Math.round(distanceKm(36.2, 37.16, 33.51, 36.29)) // 309 (Aleppo–Damascus)
 */
export function distanceKm(lat1: number, lon1: number, lat2: number, lon2: number): number {
  const r = Math.PI / 180
  const dLat = (lat2 - lat1) * r
  const dLon = (lon2 - lon1) * r
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * r) * Math.cos(lat2 * r) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)))
}

/**
 * Writes the comparison vectors of candidate pairs [start, end) of (a, b) into `out`: FIELD_COUNT
 * level codes for pair p at out[p * FIELD_COUNT ..] (name level SET_ASIDE for a pair of clear
 * contradictions). Worker threads each fill their ranges of one shared `out`.
 *
 * @example compareRange(ctx, a, b, 0, a.length, new Uint8Array(a.length * FIELD_COUNT))
 */
export function compareRange(ctx: CompareContext, a: Int32Array, b: Int32Array, start: number, end: number, out: Uint8Array): void {
  for (let p = start; p < end; p++) ctx.compareCandidate(a[p] as number, b[p] as number, out, p * FIELD_COUNT)
}
