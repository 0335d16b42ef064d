import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  arabicSkeleton,
  latinSkeleton,
  normalizeArabic,
  normalizeDigits,
  normalizeLatinToken,
  romanizeArabic,
  splitName,
  tokenizeName,
  vowelsAgree,
} from './normalize.js'

/** The skeletons of a name's tokens, in order. */
const skeletons = (name: string): string[] => tokenizeName(name).map((t) => t.skeleton)

/** Asserts that each pair of spellings has the same skeletons. */
function assertSameSkeletons(pairs: readonly (readonly [string, string])[]): void {
  for (const [a, b] of pairs) assert.deepEqual(skeletons(a), skeletons(b), `${a} / ${b}`)
}

test('Arabic normalisation table: harakat, tatweel, alef and hamza forms, taa marbuta, alef maqsura', () => {
  const cases: [string, string][] = [
    ['مُحَمَّد', 'محمد'], // harakat and shadda
    ['محـــمد', 'محمد'], // tatweel
    ['أحمد', 'احمد'],
    ['إبراهيم', 'ابراهيم'],
    ['آمنة', 'امنه'], // madda alef and taa marbuta
    ['ٱلله', 'الله'], // wasla
    ['مصطفى', 'مصطفي'], // alef maqsura
    ['فؤاد', 'فواد'], // hamza on waw
    ['وائل', 'وايل'], // hamza on yaa
    ['یوسف', 'يوسف'], // Persian yeh
    ['کریم', 'كريم'], // Persian kaf and yeh
  ]
  for (const [input, expected] of cases) assert.equal(normalizeArabic(input), expected, input)
})

test('Arabic-Indic and Persian digits become ASCII', () => {
  assert.equal(normalizeDigits('٢٠١٤-١٢-٠٣'), '2014-12-03')
  assert.equal(normalizeDigits('۱۹'), '19')
  assert.equal(normalizeArabic('عمر ٢٣'), 'عمر 23')
})

test('Latin transliterations of one name share a normalised form or a skeleton', () => {
  assert.equal(normalizeLatinToken('Rachid'), normalizeLatinToken('Rashid'))
  assert.equal(normalizeLatinToken('Djamel'), normalizeLatinToken('Jamel'))
  assert.equal(normalizeLatinToken('Youssef'), normalizeLatinToken('Yousef'))
  assert.equal(normalizeLatinToken('Oualid'), normalizeLatinToken('Walid'))
  const mohammed = ['Mohammed', 'Muhammad', 'Mohamed', 'Mohamad', "M'hamed", 'Mhamed', 'Mouhamad'].map(latinSkeleton)
  assert.deepEqual(new Set(mohammed), new Set(['mhmd']))
  assert.equal(latinSkeleton('Moustapha'), latinSkeleton('Mustafa'))
  assert.equal(latinSkeleton('Khaled'), latinSkeleton('Khalid'))
  assert.equal(latinSkeleton('Gamal'), latinSkeleton('Jamal'))
  assert.equal(latinSkeleton('Tariq'), latinSkeleton('Tarek'))
})

test('the skeleton keeps Ahmad and Hamid apart (initial alef)', () => {
  assert.notEqual(latinSkeleton('Ahmad'), latinSkeleton('Hamid'))
  assert.notEqual(arabicSkeleton('أحمد'), arabicSkeleton('حامد'))
  assert.equal(arabicSkeleton('أحمد'), latinSkeleton('Ahmed'))
  assert.equal(arabicSkeleton('حامد'), latinSkeleton('Hamed'))
})

test('cross-script skeletons: Arabic script meets Latin transliteration', () => {
  const pairs: [string, string][] = [
    ['محمد', 'Mohammed'],
    ['مصطفى', 'Moustapha'],
    ['خالد', 'Khaled'],
    ['يوسف', 'Youssef'],
    ['إبراهيم', 'Ibrahim'],
    ['فاطمة', 'Fatima'],
    ['رشيد', 'Rachid'],
    ['جمال', 'Djamel'],
    ['عمر', 'Omar'],
    ['طارق', 'Tarek'],
    ['غسان', 'Ghassan'],
  ]
  for (const [arabic, latin] of pairs) assert.equal(arabicSkeleton(arabic), latinSkeleton(latin), `${arabic} / ${latin}`)
})

test('compounds, articles and "son of" particles', () => {
  const abdelmajid = skeletons('Abdelmajid')
  assert.deepEqual(skeletons('Abd al-Majid'), abdelmajid)
  assert.deepEqual(skeletons('Abdul Majeed'), abdelmajid)
  assert.deepEqual(skeletons('عبد المجيد'), abdelmajid)
  assert.deepEqual(skeletons('Abderrahmane'), skeletons('Abd al-Rahman'))
  assert.deepEqual(skeletons('عبد الرحمن'), skeletons('Abdulrahman'))
  assert.deepEqual(skeletons('Abdullah'), skeletons('عبد الله'))
  assert.deepEqual(skeletons('al-Hassan'), skeletons('El Hassan'))
  assert.deepEqual(skeletons('الحسن'), skeletons('Hassan'))
  assert.deepEqual(skeletons('Ash-Shami'), skeletons('ech-Chami'))
  assert.deepEqual(skeletons('Ali bin Salem'), skeletons('Ali Ben Salem'))
  assert.deepEqual(skeletons('علي بن سالم'), skeletons('Ali ibn Salem'))
  assert.deepEqual(skeletons('العبد الله'), skeletons('al-Abdullah'))
  assert.equal(tokenizeName('Mohammed Ahmed al-Hassan').length, 3)
  // إلياس begins with a hamza-seated alef: not the article, and it meets Elias / Ilyas.
  assert.deepEqual(skeletons('إلياس'), skeletons('Elias'))
  assert.deepEqual(skeletons('الياس'), skeletons('Yas'))
  // Abu Abd al-Hadi is one compound however it is split.
  assert.deepEqual(skeletons('أبو عبد الهادي'), skeletons('Abu Abdulhadi'))
  assert.deepEqual(skeletons('Abu Abd al-Hadi'), skeletons('Abu Abdulhadi'))
  assert.equal(tokenizeName('محمد أبو عبد الهادي').length, 2)
})

test('romanised Arabic keeps the long vowels for comparison across scripts', () => {
  assert.equal(romanizeArabic('يوسف'), 'yusf')
  assert.equal(romanizeArabic('وليد'), 'wlid') // the short a is not written
  assert.equal(romanizeArabic('فاطمه'), 'fatma')
  assert.equal(tokenizeName('Youssef')[0]?.roman, 'yusef')
})

test('a single letter before another word is dropped: an initial, or an article with a slip in it', () => {
  assert.deepEqual(skeletons('a-Khaled'), skeletons('al-Khaled'))
  assert.deepEqual(skeletons('M. Ali Hassan'), skeletons('Ali Hassan'))
  // A last word of one letter stays: nothing shows what it is.
  assert.equal(tokenizeName('Ali H').length, 2)
})

test('an article written joined to a Latin name is dropped as the Arabic one is; names that begin so are kept', () => {
  assertSameSkeletons([
    ['Alhassan', 'al-Hassan'],
    ['AlMasri', 'al-Masri'],
    ['ElMasri', 'el-Masri'],
    // A capital after the article shows the joint before a vowel too.
    ['AlAani', 'al-Ani'],
    ['ElOmari', 'العمري'],
    ['ALKHATIB Ahmad', 'al-Khatib Ahmad'],
    ['Albaraa', 'البراء'],
    ['Ahmed Alsayed', 'أحمد السيد'],
  ])
  for (const name of ['Ali', 'Alaa', 'Elias', 'Alwan', 'Elham', 'Elhami', 'ELHAMI', 'Alexander']) {
    assert.equal(tokenizeName(name)[0]?.compare, normalizeLatinToken(name), name)
  }
  // A hamza-alef name written El keeps its first letters in both scripts.
  assert.deepEqual(skeletons('Elhami'), skeletons('إلهامي'))
})

test('the given name is found: first word, after a comma, or the word not in capitals', () => {
  const given = (name: string): string | undefined => {
    const parts = splitName(name)
    return parts.given < 0 ? undefined : parts.tokens[parts.given]?.compare
  }
  assert.equal(given('Ahmad Mohammed al-Idlibi'), 'ahmad')
  assert.equal(given('أحمد محمد الإدلبي'), 'احمد')
  assert.equal(given('al-Idlibi, Ahmad'), 'ahmad')
  assert.equal(given('EL-ALI Mahmoud Hassan'), 'mahmud')
  assert.equal(given('AL QADATI Ameen'), 'amin')
  assert.equal(given('Abd al-Rahman Hany el-Kaazi'), 'abdalrahman')
  assert.equal(given('الفخايق, عبد المجيد'), 'عبدالمجيد')
  // A name all in capitals says nothing by its capitals: its first word is the given name.
  assert.equal(given('MOHAMMED AL-HASSAN'), 'mohamed')
  // A family name alone (given name column empty) has no given name.
  assert.equal(given('al-Hassan,'), undefined)
  assert.equal(splitName('').given, -1)
  // The tokens are those tokenizeName gives, in order.
  assert.deepEqual(splitName('EL-ALI Mahmoud').tokens.map((t) => t.skeleton), skeletons('EL-ALI Mahmoud'))
})

test('"ad-Din" names are one word however they are written', () => {
  assertSameSkeletons([
    ['Nour al-Din', 'Nureddin'],
    ['Nour Eddine', 'نور الدين'],
    ['Salah ad-Din', 'Salaheddine'],
    ['Salahuddin', 'صلاح الدين'],
    ['Izz al-Din Hassan', 'عز الدين حسن'],
    ['Nuraldin', 'نورالدين'],
    ['Salaheldine', 'Salah ad-Din'],
  ])
  assert.equal(tokenizeName('Nasr al-Din Hassan').length, 2)
  // A word "Din" after a name without an article is left alone (Mohammed Din).
  assert.equal(tokenizeName('Mohammed Din').length, 2)
})

test('one skeleton is one name only when the vowels allow it: Mahmoud is not Mohammed', () => {
  const token = (s: string): { vowels: number; arabic: boolean } => {
    const t = tokenizeName(s)[0]
    assert.ok(t !== undefined, s)
    return { vowels: t.vowels, arabic: t.script === 'arabic' }
  }
  const agree = (x: string, y: string): boolean => {
    const a = token(x)
    const b = token(y)
    assert.equal(tokenizeName(x)[0]?.skeleton, tokenizeName(y)[0]?.skeleton, `${x} and ${y} share a skeleton`)
    return vowelsAgree(a.vowels, a.arabic, b.vowels, b.arabic)
  }
  // Spellings of one name.
  for (const [x, y] of [
    ['Mohammed', 'Muhammad'], ['Mohamed', 'Mhamed'], ['Mouhamad', 'محمد'], ['Mahmoud', 'Mahmood'],
    ['Mahmud', 'محمود'], ['Fatima', 'Fatma'], ['Fahd', 'Fahad'], ['Bakr', 'Baker'], ['Youssef', 'Yusuf'],
    ['Zeinab', 'زينب'], ['Hussein', 'حسين'], ['Khaled', 'خالد'], ['Abdallah', 'عبد الله'], ['Abd al-Rahman', 'عبد الرحمن'],
    ['Abdelkader', 'عبد القادر'], ['Marwan', 'مروان'], ['Ibrahim', 'إبراهيم'], ['Saeed', 'سعيد'],
  ] as const) {
    assert.ok(agree(x, y), `${x} = ${y}`)
  }
  // Two names.
  for (const [x, y] of [
    ['Mahmoud', 'Mohammed'], ['Mahmud', 'Muhammad'], ['Mahmoud', 'Mhamed'], ['محمود', 'Mohammed'],
    ['محمود', 'محمد'], ['Hassan', 'حسين'], ['حسن', 'حسين'],
  ] as const) {
    assert.ok(!agree(x, y), `${x} ≠ ${y}`)
  }
  // Arabic does not write short vowels: محمد cannot be told from a Latin Mahmoud this way.
  assert.ok(agree('محمد', 'Mahmoud'))
})

test('vowel gaps lie between the consonants of the skeleton', () => {
  // One gap (4 bits, the top one marking a gap) between each two consonants of the skeleton, for
  // words of both scripts and every shape the skeleton takes (doubled letters, final h, Abd al-),
  // but the gap after Abd, where the article's vowel is a spelling (left out).
  for (const name of ['Mohammed', 'Mahmoud', 'محمود', 'Abdelkader', 'عبد القادر', 'Abderrahmane', 'Fatimah', 'فاطمة', 'Mamoun', 'Youssef', 'Khaled', 'إبراهيم', 'Salaheddine']) {
    const t = tokenizeName(name)[0]
    assert.ok(t !== undefined)
    const consonants = t.skeleton.replace('_', '').length
    const abd = t.skeleton.startsWith('_bd') ? 1 : 0
    let gaps = 0
    for (let k = 0; k < 8; k++) if (((t.vowels >>> (4 * k)) & 8) !== 0) gaps++
    assert.equal(gaps, Math.min(8, Math.max(0, consonants - 1)) - abd, name)
    if (abd === 1) assert.equal((t.vowels >>> 4) & 8, 0, `${name}: the gap after Abd is left out`)
  }
})
