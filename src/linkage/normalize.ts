// Name normalisation for Arabic script and Latin transliterations.
//
// Every name token gets three forms:
//  - `compare`: the token normalised within its own script, used when both tokens share a script
//    (Arabic: no harakat, tatweel or hamza seats; Latin: one spelling per sound, so Youssef and
//    Yousef, Rachid and Rashid, Djamel and Jamel become equal);
//  - `skeleton`: a consonant skeleton over one alphabet shared by both scripts, so محمد, Mohammed,
//    Muhammad, Mohamed and M'hamed all become `mhmd`. Short vowels are not written in Arabic, so
//    the skeleton drops every vowel and the glides w/y; a leading `_` keeps the one vowel Arabic
//    does write (an initial alef or ayn), which separates Ahmad (`_hmd`) from Hamid (`hmd`);
//  - `script`: which of the two the token was written in.

/** The writing system of a name token. */
export type Script = 'latin' | 'arabic'

/** One name token in its normalised forms. */
export interface NameToken {
  readonly script: Script
  readonly compare: string
  readonly skeleton: string
  /**
   * A Latin spelling with the vowels the token writes: the compare form of a Latin token, a
   * letter-by-letter romanisation of an Arabic one (يوسف → yusf). Across scripts it is compared
   * when the skeletons differ: three-letter skeletons are too short for one typo to leave them
   * similar, and the long vowels Arabic writes carry evidence the skeleton drops.
   */
  readonly roman: string
  /**
   * The vowels written between consecutive consonants of the skeleton (consonantFrame): what tells
   * Mahmoud (محمود, vowel-less between h and m, a long u before d) from Mohammed (محمد), whose
   * skeletons are one (mhmd).
   */
  readonly vowels: number
}

const ARABIC_LETTER = /[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]/
// Harakat, shadda, sukun, superscript alef and Quranic marks: optional in writing, so never evidence.
const ARABIC_MARKS = /[\u0610-\u061A\u064B-\u065F\u0670\u06D6-\u06ED\u0640]/g

const ARABIC_FOLD: Record<string, string> = {
  'أ': 'ا', 'إ': 'ا', 'آ': 'ا', 'ٱ': 'ا', 'ٲ': 'ا', 'ٳ': 'ا',
  'ؤ': 'و', 'ئ': 'ي', 'ى': 'ي', 'ی': 'ي', 'ې': 'ي', 'ۍ': 'ي',
  'ة': 'ه', 'ۀ': 'ه', 'ە': 'ه',
  'ک': 'ك', 'ڪ': 'ك', 'گ': 'ك',
  'پ': 'ب', 'چ': 'ج', 'ژ': 'ز', 'ڤ': 'ف', 'ڨ': 'ق',
}

/** Arabic letters mapped to the shared skeleton alphabet; '' drops the letter. */
const ARABIC_SKELETON: Record<string, string> = {
  'ا': '', 'ء': '', 'و': '', 'ي': '', 'ع': '',
  'ب': 'b', 'ت': 't', 'ث': 't', 'ج': 'j', 'ح': 'h', 'خ': 'x', 'د': 'd', 'ذ': 'd', 'ر': 'r',
  'ز': 'z', 'س': 's', 'ش': 'S', 'ص': 's', 'ض': 'd', 'ط': 't', 'ظ': 'z', 'غ': 'g', 'ف': 'f',
  'ق': 'k', 'ك': 'k', 'ل': 'l', 'م': 'm', 'ن': 'n', 'ه': 'h',
}

/** Arabic letters (normalised) to Latin, for `roman`; glides are handled in romanizeArabic. */
const ARABIC_ROMAN: Record<string, string> = {
  'ا': 'a', 'ء': '', 'ع': '', 'ب': 'b', 'ت': 't', 'ث': 'th', 'ج': 'j', 'ح': 'h', 'خ': 'kh', 'د': 'd',
  'ذ': 'dh', 'ر': 'r', 'ز': 'z', 'س': 's', 'ش': 'sh', 'ص': 's', 'ض': 'd', 'ط': 't', 'ظ': 'z', 'غ': 'gh',
  'ف': 'f', 'ق': 'q', 'ك': 'k', 'ل': 'l', 'م': 'm', 'ن': 'n', 'ه': 'h',
}

/**
 * A rough romanisation of a normalised Arabic token, then the Latin normalisation: w and y at the
 * start of a word or after alef, u and i elsewhere; a final haa (taa marbuta) as a.
 *
 * @example romanizeArabic('يوسف') // 'yusf'
 */
export function romanizeArabic(word: string): string {
  let out = ''
  for (let k = 0; k < word.length; k++) {
    const ch = word[k] as string
    const consonantal = k === 0 || word[k - 1] === 'ا'
    if (ch === 'و') out += consonantal ? 'w' : 'u'
    else if (ch === 'ي') out += consonantal ? 'y' : 'i'
    else if (ch === 'ه' && k === word.length - 1 && k > 0) out += 'a'
    else out += ARABIC_ROMAN[ch] ?? ''
  }
  return normalizeLatinToken(out)
}

const EASTERN_DIGIT = /[\u0660-\u0669\u06f0-\u06f9]/
const ARABIC_INDIC_ZERO = 0x0660
const PERSIAN_ZERO = 0x06f0

/**
 * Replaces Arabic-Indic (٠١٢…) and Persian (۰۱۲…) digits with ASCII digits.
 *
 * @example normalizeDigits('٢٠١٤-١٢') // '2014-12'
 */
export function normalizeDigits(text: string): string {
  // Most text has none: returned as it is, without building a copy letter by letter.
  if (!EASTERN_DIGIT.test(text)) return text
  let out = ''
  for (const ch of text) {
    const c = ch.charCodeAt(0)
    if (c >= ARABIC_INDIC_ZERO && c <= ARABIC_INDIC_ZERO + 9) out += String.fromCharCode(48 + c - ARABIC_INDIC_ZERO)
    else if (c >= PERSIAN_ZERO && c <= PERSIAN_ZERO + 9) out += String.fromCharCode(48 + c - PERSIAN_ZERO)
    else out += ch
  }
  return out
}

/**
 * Normalises Arabic script: removes harakat and tatweel, folds alef and hamza seats to bare
 * letters, taa marbuta to haa, alef maqsura and Persian yeh to yaa, Persian/Urdu letters to their
 * Arabic counterparts, and Arabic-Indic or Persian digits to ASCII.
 *
 * @example normalizeArabic('مُحَمَّد') // 'محمد'
 * @example normalizeArabic('فاطمة') // 'فاطمه'
 */
export function normalizeArabic(text: string): string {
  const stripped = normalizeDigits(text.normalize('NFC')).replace(ARABIC_MARKS, '')
  let out = ''
  for (const ch of stripped) out += ARABIC_FOLD[ch] ?? ch
  return out
}

/**
 * True when the text contains Arabic letters.
 *
 * @example isArabicScript('Ali علي') // true
 */
export function isArabicScript(text: string): boolean {
  return ARABIC_LETTER.test(text)
}

// Ordered rewrites from the spellings of English and French transliteration to one Latin form.
// Order matters: 'sch' before 'ch', French 'ou' + vowel (Oualid) before plain 'ou'.
const LATIN_REWRITES: ReadonlyArray<readonly [RegExp, string]> = [
  [/[''`ʿʾ’‘]/g, ''],
  [/tch/g, 'sh'],
  [/sch/g, 'sh'],
  [/ch/g, 'sh'],
  [/dj/g, 'j'],
  [/ph/g, 'f'],
  [/ck/g, 'k'],
  [/q/g, 'k'],
  [/ou(?=[aeiy])/g, 'w'],
  [/ou|oo/g, 'u'],
  [/ee/g, 'i'],
  [/[ae][iy](?![aeiou])/g, 'ai'],
  [/c(?=[ei])/g, 's'],
  [/c/g, 'k'],
  [/v/g, 'f'],
  [/p/g, 'b'],
  [/x/g, 'ks'],
  [/y$/g, 'i'],
  [/([a-z])\1+/g, '$1'],
  [/(?<=[aeiou])h$/g, ''],
  [/(?<=^[a-z]{2,}[^aeiou])e$/g, ''],
]

/**
 * Normalises one Latin-script name token to a single spelling per sound: accents dropped, French
 * and English digraphs unified (ou/u, ch/sh, dj/j, ph/f, q/k), doubled letters collapsed, a final
 * silent h or French mute e removed.
 *
 * @example normalizeLatinToken('Youssef') // 'yusef'
 * @example normalizeLatinToken('Rachid') === normalizeLatinToken('Rashid') // true
 */
export function normalizeLatinToken(token: string): string {
  let s = latinCache.get(token)
  if (s !== undefined) return s
  s = normalizeLatinUncached(token)
  if (latinCache.size > 500_000) latinCache.clear()
  latinCache.set(token, s)
  return s
}

const latinCache = new Map<string, string>()

function normalizeLatinUncached(token: string): string {
  let s = token.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
  s = s.replace(/[^a-z'`ʿʾ’‘]/g, '')
  for (const [pattern, replacement] of LATIN_REWRITES) s = s.replace(pattern, replacement)
  return s
}

// One letter per consonant sound; the vowels (and the glides w, y) are read by latinFrame.
const LATIN_SKELETON_DIGRAPHS: ReadonlyArray<readonly [RegExp, string]> = [
  [/sh/g, 'S'],
  [/kh/g, 'x'],
  [/gh/g, 'G'],
  [/th/g, 't'],
  [/dh/g, 'd'],
  // Egyptian transliteration writes ج as g (Gamal = Jamal); غ is gh, set aside above.
  [/g/g, 'j'],
  [/G/g, 'g'],
]

// Vowel classes of what is written between two consonants: a (fatha, alef), i (kasra, ya),
// u (damma, waw); Latin e stands for a or i (Hamed, Hamid). GAP_EXISTS marks a gap of the word.
const VOWEL_A = 1
const VOWEL_I = 2
const VOWEL_U = 4
const GAP_EXISTS = 8
const LATIN_VOWEL_CLASS: Readonly<Record<string, number>> = { a: VOWEL_A, e: VOWEL_A | VOWEL_I, i: VOWEL_I, y: VOWEL_I, o: VOWEL_U, u: VOWEL_U, w: VOWEL_U }
const ARABIC_LONG_VOWEL: Readonly<Record<string, number>> = { 'ا': VOWEL_A, 'ي': VOWEL_I, 'و': VOWEL_U }
/** Gaps kept (4 bits each in 32). */
const MAX_GAPS = 8

/** A word's consonant skeleton and the vowels written between its consonants (NameToken). */
interface ConsonantFrame {
  readonly skeleton: string
  readonly vowels: number
}

/**
 * The skeleton and vowel gaps of a word from its letters in order: `units` are consonants (one
 * skeleton letter each) and vowel classes. Doubled consonants are one (also across a vowel:
 * Mamoun), a final h is dropped (taa marbuta or a silent h in one script and absent in the other,
 * Fatima/فاطمة), and so is the l of an Abd compound's article (written in Abdelmajid, عبد المجيد,
 * assimilated in Abderrahmane; Abdullah keeps its l, Allah's); a final t after m is a d (Ahmet). Gap k,
 * at bits 4k, holds the vowel classes written between consonants k and k + 1, so that gap k of
 * two words of one skeleton lies between the same two consonants.
 */
function consonantFrame(units: readonly (string | number)[], initialVowel: boolean): ConsonantFrame {
  const consonants: string[] = []
  const gaps: number[] = []
  for (const u of units) {
    if (typeof u === 'number') {
      // Vowels before the first consonant are the initial-vowel mark's business.
      if (gaps.length > 0) gaps[gaps.length - 1] = (gaps[gaps.length - 1] as number) | u
    } else if (consonants[consonants.length - 1] !== u) {
      consonants.push(u)
      gaps.push(0)
    }
  }
  if (consonants.length > 1 && consonants[consonants.length - 1] === 'h') {
    consonants.pop()
    gaps.pop()
  }
  // The d of the -mad and -mud names is written t in Turkish spelling (Ahmet, Mehmet, Mahmut),
  // common on French and Turkish lists. Only after m: elsewhere a final t is often the name's own
  // ت (Farhat فرحات is not Farhad فرهاد, Refaat رفعت not Rafid), and the rule is the same in both
  // scripts so that Hikmat meets حكمت.
  if (consonants.length >= 3 && consonants[consonants.length - 1] === 't' && consonants[consonants.length - 2] === 'm') consonants[consonants.length - 1] = 'd'
  if (initialVowel && consonants.length >= 5 && consonants[0] === 'b' && consonants[1] === 'd' && consonants[2] === 'l') {
    gaps[1] = (gaps[1] as number) | (gaps[2] as number)
    consonants.splice(2, 1)
    gaps.splice(2, 1)
  }
  // After Abd, the vowel of the article or its absence is a spelling (Abdulkarim, Abdelkrim,
  // Abd al-Karim): that gap is left out.
  const abd = initialVowel && consonants.length >= 4 && consonants[0] === 'b' && consonants[1] === 'd'
  let vowels = 0
  for (let k = 0; k + 1 < consonants.length && k < MAX_GAPS; k++) if (!(abd && k === 1)) vowels |= ((gaps[k] as number) | GAP_EXISTS) << (4 * k)
  return { skeleton: (initialVowel ? '_' : '') + consonants.join(''), vowels }
}

/** The frame of a Latin token's normalised spelling. */
function latinFrame(compare: string): ConsonantFrame {
  let k = compare
  for (const [pattern, replacement] of LATIN_SKELETON_DIGRAPHS) k = k.replace(pattern, replacement)
  const units: (string | number)[] = []
  for (const ch of k) units.push(LATIN_VOWEL_CLASS[ch] ?? ch)
  return consonantFrame(units, /^[aeiou]/.test(compare))
}

/** The frame of an Arabic-script token. */
function arabicFrame(word: string): ConsonantFrame {
  // The alef of an article inside a compound (عبدالله, ابوعبدالرحمن) is not a long vowel.
  const s = normalizeArabic(word).replace(/\s+/g, '').replace(/^((?:ابو)?عبد|ابو)ال/, '$1ل')
  const units: (string | number)[] = []
  for (const ch of s) {
    const consonant = ARABIC_SKELETON[ch] ?? ''
    if (consonant !== '') units.push(consonant)
    else if (ARABIC_LONG_VOWEL[ch] !== undefined) units.push(ARABIC_LONG_VOWEL[ch])
  }
  const first = s[0] ?? ''
  return consonantFrame(units, first === 'ا' || first === 'ع' || first === 'ء')
}

/**
 * The cross-script consonant skeleton of a Latin token (already normalised or raw).
 *
 * @example latinSkeleton('Mohammed') // 'mhmd'
 * @example latinSkeleton('Abdelkader') // '_bdkdr'
 */
export function latinSkeleton(token: string): string {
  return latinFrame(normalizeLatinToken(token)).skeleton
}

/**
 * The cross-script consonant skeleton of an Arabic-script token.
 *
 * @example arabicSkeleton('محمد') // 'mhmd'
 * @example arabicSkeleton('عبد القادر') === latinSkeleton('Abdelkader') // true
 */
export function arabicSkeleton(token: string): string {
  return arabicFrame(token).skeleton
}

/**
 * Whether two tokens of one skeleton can be one name by the vowels they write (NameToken.vowels).
 * Two Latin spellings may differ in one gap, by a vowel written or not (Fahd, Fahad; the first
 * gap is free: Mhamed, Mohamed) or by its kind (Yusuf, Yousef), not in two (Mahmud against
 * Mohamed: no vowel between h and m, and u against e before d). Across scripts, a long vowel the Arabic
 * writes must be heard in the Latin (محمود: u before d, so not Mohamed). Arabic short vowels are
 * not written, so محمد against Mahmoud cannot be told apart this way. Two Arabic spellings must
 * write the same long vowels (محمد is not محمود).
 *
 * @example vowelsAgree(tokenizeName('Mahmoud')[0].vowels, false, tokenizeName('Mohammed')[0].vowels, false) // false
 */
export function vowelsAgree(x: number, xArabic: boolean, y: number, yArabic: boolean): boolean {
  if (xArabic && yArabic) return x === y
  if (!xArabic && !yArabic) {
    // A vowel written or not in one gap is a spelling (Fahd/Fahad, Fatma/Fatima), and so is one
    // vowel for another; both at once make two names.
    let differences = 0
    for (let k = 0; k < MAX_GAPS; k++) {
      const gx = (x >>> (4 * k)) & 15
      const gy = (y >>> (4 * k)) & 15
      if ((gx & GAP_EXISTS) === 0 || (gy & GAP_EXISTS) === 0) continue
      const ex = (gx & 7) === 0
      const ey = (gy & 7) === 0
      if (ex !== ey) {
        if (k > 0) differences++
      } else if (!ex && (gx & gy & 7) === 0) differences++
    }
    return differences < 2
  }
  const arabic = xArabic ? x : y
  const latin = xArabic ? y : x
  for (let k = 0; k < MAX_GAPS; k++) {
    const ga = (arabic >>> (4 * k)) & 15
    const gl = (latin >>> (4 * k)) & 15
    if ((ga & GAP_EXISTS) !== 0 && (gl & GAP_EXISTS) !== 0 && (ga & 7) !== 0 && (gl & ga & 7) === 0) return false
  }
  return true
}

const LATIN_ARTICLES = new Set(['al', 'el', 'il', 'ul', 'ol', 'as', 'es', 'ash', 'ech', 'esh', 'ach', 'ad', 'ed', 'ar', 'er', 'at', 'et', 'az', 'ez', 'an', 'en', 'ag', 'adh', 'ath', 'ez'])
const LATIN_SON_OF = new Set(['bin', 'ben', 'ibn', 'bint', 'ould', 'walad', 'ibnu'])
const LATIN_ABD = new Set(['abd', 'abdel', 'abdul', 'abdal', 'abdol', 'abdoul', 'abdu', 'abdou', 'abde', 'abdi', 'abdil'])
const LATIN_ABU = new Set(['abu', 'abou', 'abo'])
const ARABIC_SON_OF = new Set(['بن', 'ابن', 'بنت', 'ال', 'ولد'])
/** "ad-Din" written as one word after its name (Nour Eddine, Salah Uddin), normalised. */
const LATIN_GLUED_DIN = new Set(['eddin', 'eddine', 'uddin', 'uddine', 'addin', 'addine', 'aldin', 'eldin', 'iddin'].map((w) => normalizeLatinToken(w)))
/** "al-Din" at the end of a word, after at least three letters (Nuraldin, Salaheldine). */
const LATIN_GLUED_ARTICLE_DIN = /(?<=\p{L}{3})[aeu]ld(?:in|een|ine)$/iu
/** "Din" after an article (Nur al-Din, Salah ad-Din), normalised. */
const LATIN_DIN = new Set(['din', 'deen', 'dine', 'dyn'].map((w) => normalizeLatinToken(w)))

/** Splits a raw name into its words, keeping hyphenated articles apart (al-Hassan → al, Hassan). */
function splitWords(text: string): string[] {
  return normalizeDigits(text.normalize('NFC'))
    .split(/[\s\-‐‑–—_.,;:/()"]+/)
    .filter((w) => w.length > 0)
}

/**
 * Splits a full name into normalised tokens: articles (al-, el-, ash-, ال) and "son of" particles
 * (bin, ben, ibn, ould, بن) dropped, compounds joined (Abd + name, Abu + name, عبد + name), each
 * token given its compare form and skeleton. Order is kept; comparisons decide whether it matters.
 *
 * @example tokenizeName('Abd al-Majid el-Hassan').map((t) => t.skeleton) // ['_bdmjd', 'hsn']
 * @example tokenizeName('عبد المجيد الحسن').map((t) => t.skeleton) // ['_bdmjd', 'hsn']
 */
export function tokenizeName(text: string): NameToken[] {
  return tokenizeWords(splitWords(text), [], [])
}

/** A name's tokens and which of them is the given name. */
export interface NameParts {
  readonly tokens: NameToken[]
  /** Index in tokens of the person's own (given) name; -1 when the name does not show it. */
  readonly given: number
}

/**
 * Tokenises a name (as tokenizeName) and finds its given name, the word that tells relatives
 * apart: brothers share their father's and family names, and a son's full name holds his
 * father's given name (Ahmad Mohammed al-Idlibi, son of Mohammed al-Idlibi). The given name is
 * the first token, except that words before a comma (al-Hassan, Mohammed) and words in capitals
 * among words that are not (AL-HASSAN Mohammed, the French convention) are the family name.
 * A name of family words only has no given name (-1).
 *
 * @example splitName('Ahmad Mohammed al-Idlibi').given // 0
 * @example splitName('EL-ALI Mahmoud').given // 1
 * @example splitName('al-Hassan, Mohammed').given // 1
 */
export function splitName(text: string): NameParts {
  const words = splitWords(text)
  const from: number[] = []
  const articled: boolean[] = []
  const tokens = tokenizeWords(words, from, articled)
  const comma = text.search(/[,،]/)
  const familyWords = comma >= 0 ? splitWords(text.slice(0, comma)).length : 0
  const hasLower = words.some((w) => /\p{Ll}/u.test(w))
  const isCapitals = (w: string): boolean => hasLower && w.length >= 2 && /^[\p{Lu}'’ʿ]+$/u.test(w) && /\p{Lu}/u.test(w)
  // A word with an article is a family name (al-Hassan Mohammed) when the name does not end in
  // one: a name that does (al-Abbas Mohammed al-Hassan) may begin with a given name that takes
  // the article (al-Abbas, al-Walid, الحسن).
  const familyFirst = articled[tokens.length - 1] !== true
  let firstCandidate = -1
  let articledOnly = true
  for (let t = 0; t < tokens.length; t++) {
    const w = from[t] as number
    if (w < familyWords || isCapitals(words[w] as string)) continue
    if (firstCandidate < 0) firstCandidate = t
    if (articled[t] !== true) articledOnly = false
    if (familyFirst && articled[t] !== true) return { tokens, given: t }
  }
  // A name that ends in an article-word starts with its given name; a name of such words only is
  // a family name alone (al-Hassan) and shows no given name.
  return { tokens, given: articledOnly ? -1 : firstCandidate }
}

/**
 * The tokens of a name's words; from[t] is set to the index of the word token t begins at, and
 * articled[t] to whether an article came with it (al-Hassan, Alhassan, الحسن).
 */
function tokenizeWords(words: readonly string[], from: number[], articled: boolean[]): NameToken[] {
  const out: NameToken[] = []
  let article = false
  for (let i = 0; i < words.length; i++) {
    from[out.length] = i
    articled[out.length] = article
    article = false
    const word = words[i] ?? ''
    if (isArabicScript(word)) {
      let w = withoutArabicArticle(word)
      if (w !== word && (word.startsWith('ال') || word.startsWith('ٱل'))) articled[out.length] = true
      if (w.length === 0 || ARABIC_SON_OF.has(w)) continue
      // As in Latin script: one letter before another word is no name.
      if (w.length === 1 && i + 1 < words.length) continue
      // Abu Abd al-Hadi: the Abd compound binds first, then Abu takes it whole.
      if ((w === 'ابو' || w === 'بو') && i + 2 < words.length && normalizeArabic(words[i + 1] ?? '') === 'عبد') {
        w = w + 'عبد' + normalizeArabic(words[i + 2] ?? '')
        i += 2
      } else if ((w === 'عبد' || w === 'ابو' || w === 'بو') && i + 1 < words.length) {
        w = w + normalizeArabic(words[++i] ?? '')
      } else if (w.length > 6 && w.endsWith('الدين')) {
        // نورالدين: "al-Din" written into the word with its article.
        w = w.slice(0, -5) + 'دين'
      } else if (i + 1 < words.length && isArabicDin(words[i + 1] ?? '')) {
        // Nur al-Din, Salah al-Din: one name, written in one word as often as in two
        // (Nureddin, Salaheddine).
        w = w + 'دين'
        i++
      }
      out.push(arabicToken(w))
    } else {
      const lower = normalizeLatinToken(word)
      if (lower.length === 0) continue
      const more = i + 1 < words.length
      if (more && LATIN_ARTICLES.has(lower)) {
        article = true
        continue
      }
      if (LATIN_SON_OF.has(lower)) continue
      // One letter before another word is no name: an initial, or an article with a slip in it
      // (a-Khaled, e-Masri), and kept it would be a word the other spelling lacks.
      if (more && lower.length === 1) continue
      if (more && LATIN_ABD.has(lower)) {
        let j = i + 1
        if (j + 1 < words.length && LATIN_ARTICLES.has(normalizeLatinToken(words[j] ?? ''))) j++
        i = j
        out.push(latinToken('abdal' + (words[j] ?? '')))
        continue
      }
      if (more && LATIN_ABU.has(lower)) {
        i++
        // Abu Abd al-Hadi, as Abu Abdulhadi.
        if (i + 1 < words.length && LATIN_ABD.has(normalizeLatinToken(words[i] ?? ''))) {
          let j = i + 1
          if (j + 1 < words.length && LATIN_ARTICLES.has(normalizeLatinToken(words[j] ?? ''))) j++
          i = j
          out.push(latinToken('abuabdal' + (words[j] ?? '')))
          continue
        }
        // Abu al-Hassan, as أبو الحسن and Abulhassan keep the article's l.
        if (i + 1 < words.length && LATIN_ARTICLES.has(normalizeLatinToken(words[i] ?? ''))) {
          i++
          out.push(latinToken('abul' + (words[i] ?? '')))
          continue
        }
        out.push(latinToken('abu' + (words[i] ?? '')))
        continue
      }
      if (more && LATIN_GLUED_DIN.has(normalizeLatinToken(words[i + 1] ?? ''))) {
        out.push(latinToken(word + 'din'))
        i++
        continue
      }
      if (i + 2 < words.length && LATIN_ARTICLES.has(normalizeLatinToken(words[i + 1] ?? '')) && LATIN_DIN.has(normalizeLatinToken(words[i + 2] ?? ''))) {
        out.push(latinToken(word + 'din'))
        i += 2
        continue
      }
      const unglued = withoutGluedArticle(word)
      if (unglued !== word) articled[out.length] = true
      // Nuraldin, Salaheldine: "ad-Din" written into the word with its article.
      out.push(latinToken(unglued.replace(LATIN_GLUED_ARTICLE_DIN, 'din')))
    }
  }
  return out
}

/** Whether an Arabic word is الدين, the second half of Nur al-Din and its like. */
function isArabicDin(word: string): boolean {
  return isArabicScript(word) && normalizeArabic(word) === 'الدين'
}

/**
 * A Latin word without an article written joined to it (Alhassan, AlMasri, ElMasri: al-Hassan,
 * al-Masri, el-Masri), as the Arabic article is always dropped (الحسن → حسن). Only before a
 * consonant and at least four letters, so that Ali, Alaa, Elias and Alwan stay whole, unless a
 * capital shows the joint (AlAani); "El" only when a capital follows it (ElMasri), because many
 * names begin with a hamza-alef written El: Elham, Elhami (إلهامي), Elyas.
 */
function withoutGluedArticle(word: string): string {
  if (/^[AE]l\p{Lu}\p{L}{2}/u.test(word)) return word.slice(2)
  if (!/^al/i.test(word)) return word
  const rest = normalizeLatinToken(word.slice(2))
  return rest.length >= 4 && !/^[aeiouwy]/.test(rest) ? word.slice(2) : word
}

/**
 * An Arabic word normalised, without the definite article. The article is written with a bare
 * alef (ال, or wasla ٱل); a name whose first letter is a hamza-seated alef is not the article:
 * إلياس is Ilyas, not al-Yas. So the test is made before folding the alef forms together.
 * The article goes before compounds are read (العبد الله is عبد الله with an article); الله itself
 * is a name.
 */
function withoutArabicArticle(word: string): string {
  let w = arabicWords.get(word)
  if (w === undefined) {
    if (arabicWords.size > 500_000) arabicWords.clear()
    w = withoutArabicArticleUncached(word)
    arabicWords.set(word, w)
  }
  return w
}

// Arabic words as written → normalised without the article: the same few thousand words make up
// every name of a list, and normalising each occurrence again cost 2 s of a million records'
// preparation (10.1 → 8.1 s under the profiler).
const arabicWords = new Map<string, string>()

function withoutArabicArticleUncached(word: string): string {
  const w = normalizeArabic(word)
  const raw = word.normalize('NFC').replace(ARABIC_MARKS, '')
  const bareArticle = raw.startsWith('ال') || raw.startsWith('ٱل')
  return bareArticle && w.length >= 4 && w !== 'الله' ? w.slice(2) : w
}

// One cache per script, keyed by the word itself: a key built per token ('A' + word) cost a new
// string, and its hashing, for each of the three million tokens of a million records.
const arabicTokens = new Map<string, NameToken>()
const latinTokens = new Map<string, NameToken>()

function cached(cache: Map<string, NameToken>, word: string, make: () => NameToken): NameToken {
  let t = cache.get(word)
  if (t === undefined) {
    if (cache.size > 500_000) cache.clear()
    t = make()
    cache.set(word, t)
  }
  return t
}

function arabicToken(word: string): NameToken {
  return cached(arabicTokens, word, () => {
    const frame = arabicFrame(word)
    return { script: 'arabic', compare: word, skeleton: frame.skeleton, roman: romanizeArabic(word), vowels: frame.vowels }
  })
}

function latinToken(word: string): NameToken {
  return cached(latinTokens, word, () => {
    const compare = normalizeLatinToken(word)
    const frame = latinFrame(compare)
    return { script: 'latin', compare, skeleton: frame.skeleton, roman: compare, vowels: frame.vowels }
  })
}
