// Guessing which list column holds which field from its header, in English, French or Arabic.
import { TallyError } from '../../domain/index.js'

/** The ListRecordInput fields a column can feed, plus `ignore` for an override that drops one. */
export const LIST_FIELDS = ['recordKey', 'fullName', 'givenName', 'familyName', 'sex', 'age', 'dateOfDeath', 'place', 'ignore'] as const
export type ListField = (typeof LIST_FIELDS)[number]

/** Column index → field, for the columns that map to something. */
export type ColumnMapping = ReadonlyMap<number, ListField>

const HEADER_WORDS: ReadonlyArray<readonly [ListField, readonly string[]]> = [
  ['recordKey', ['id', 'record id', 'record_id', 'recordid', 'key', 'no', 'n°', 'num', 'number', 'numero', 'numéro', 'identifiant', 'ref', 'reference', 'référence', 'الرقم', 'رقم', 'المعرف', 'الرقم التسلسلي', 'م']],
  ['fullName', ['name', 'full name', 'full_name', 'fullname', 'nom complet', 'nom', 'nom et prénom', 'nom et prenom', 'nom prénom', 'الاسم', 'الاسم الكامل', 'اسم', 'الإسم', 'الاسم الثلاثي', 'اسم الضحية', 'victim', 'victim name', 'nom de la victime']],
  ['givenName', ['given name', 'given_name', 'givenname', 'first name', 'first_name', 'firstname', 'forename', 'prénom', 'prenom', 'الاسم الأول', 'الاسم الاول', 'الإسم الأول']],
  ['familyName', ['family name', 'family_name', 'familyname', 'last name', 'last_name', 'lastname', 'surname', 'nom de famille', 'nom_de_famille', 'الكنية', 'اللقب', 'اسم العائلة', 'العائلة', 'الشهرة']],
  ['sex', ['sex', 'gender', 'sexe', 'genre', 'الجنس', 'النوع', 'جنس']],
  ['age', ['age', 'âge', 'age (years)', 'العمر', 'السن', 'عمر']],
  ['dateOfDeath', ['date of death', 'date_of_death', 'dateofdeath', 'death date', 'date', 'died', 'date du décès', 'date du deces', 'date de décès', 'date de deces', 'date de la mort', 'تاريخ الوفاة', 'تاريخ الاستشهاد', 'تاريخ الوفات', 'تاريخ القتل', 'التاريخ', 'تاريخ']],
  ['place', ['place', 'place of death', 'place_of_death', 'location', 'city', 'town', 'governorate', 'province', 'lieu', 'lieu du décès', 'lieu du deces', 'ville', 'localité', 'المكان', 'مكان الوفاة', 'مكان الاستشهاد', 'المدينة', 'المحافظة', 'البلدة', 'مكان']],
]

const BY_HEADER = new Map<string, ListField>()
for (const [field, words] of HEADER_WORDS) for (const w of words) BY_HEADER.set(normaliseHeader(w), field)

/**
 * A header as compared: lower case, no accents, no tatweel or Arabic diacritics, underscores,
 * dashes, dots and colons as spaces, spaces collapsed.
 *
 * @example normaliseHeader('Date_du_Décès') // 'date du deces'
 */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFD')
    .replace(/[\u0300-\u036f\u0640\u064b-\u065f]/g, '')
    .toLowerCase()
    .replace(/[_\-.:]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * Guesses each column's field from the headers, then applies overrides given as `column=field`
 * (column by header text or 1-based number; field one of LIST_FIELDS). Throws TallyError('bad_input')
 * on an override naming an unknown column or field. When two columns claim the same field the
 * first wins, so a later "date" column cannot displace "date of death".
 *
 * @example guessColumns(['Nom', 'Prénom', 'Âge'], []) // Map { 0 → 'fullName', 1 → 'givenName', 2 → 'age' }
 */
export function guessColumns(headers: readonly string[], overrides: readonly string[]): Map<number, ListField> {
  const mapping = new Map<number, ListField>()
  const taken = new Set<ListField>()
  headers.forEach((h, i) => {
    const field = BY_HEADER.get(normaliseHeader(h))
    if (field !== undefined && !taken.has(field)) {
      mapping.set(i, field)
      taken.add(field)
    }
  })
  // French lists say "Nom" for the family name when a "Prénom" column stands beside it.
  if (taken.has('givenName') && !taken.has('familyName')) {
    for (const [i, f] of mapping) if (f === 'fullName' && normaliseHeader(headers[i] ?? '') === 'nom') mapping.set(i, 'familyName')
  }
  for (const pair of overrides) {
    const eq = pair.lastIndexOf('=')
    if (eq <= 0) throw new TallyError('bad_input', `column mapping "${pair}" is not of the form column=field`)
    const column = pair.slice(0, eq).trim()
    const field = pair.slice(eq + 1).trim() as ListField
    if (!LIST_FIELDS.includes(field)) throw new TallyError('bad_input', `unknown field "${field}" in "${pair}" (fields: ${LIST_FIELDS.join(', ')})`)
    let index = headers.findIndex((h) => h === column)
    if (index < 0) index = headers.findIndex((h) => normaliseHeader(h) === normaliseHeader(column))
    if (index < 0 && /^\d+$/.test(column) && Number(column) >= 1 && Number(column) <= headers.length) index = Number(column) - 1
    if (index < 0) throw new TallyError('bad_input', `no column "${column}" in the header (${headers.join(', ')})`)
    // An explicit override of a field takes it away from whichever column guessed it.
    for (const [i, f] of mapping) if (f === field && field !== 'ignore') mapping.delete(i)
    mapping.set(index, field)
  }
  for (const [i, f] of mapping) if (f === 'ignore') mapping.delete(i)
  return mapping
}
