// `tally export`: victims (persons) or incidents as CSV, HXL-tagged CSV, JSON or GeoJSON, read
// page by page and written as they are read. The full export is for cleared analysts; the public
// one (`--public`) is what may leave the organisation: documented records only, nothing that names
// or points back to anyone, generalised, with small cells suppressed (src/security/redact.ts).
//
// Never exported, in either mode: protected fields (identity, contact, notes), sources and their
// names, claims and quotes. Rows are built from an explicit list of columns below, so a field
// added to the model later stays out until someone decides it belongs here.
import { once } from 'node:events'
import { stringify } from 'csv-stringify/sync'
import { DOCUMENTED_GRADES, TallyError, type Grade, type Incident, type Person, type Place } from '../domain/index.js'
import { CellCounts, ageBand, generalisePlace, monthOfDate, placeCell, validateThreshold, type PublicPlace } from '../security/index.js'
import type { Page, PageRequest, Store } from '../store/index.js'
import type { Context } from './context.js'

export const EXPORT_FORMATS = ['csv', 'json', 'geojson', 'hxl'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]
export const EXPORT_SUBJECTS = ['victims', 'incidents'] as const
export type ExportSubject = (typeof EXPORT_SUBJECTS)[number]

export interface ExportOptions {
  format: ExportFormat
  /** Publishable data only: see exportRecords. */
  public: boolean
  of: ExportSubject
  /** Public exports: the fewest people a published cell may describe (default 3). A flag's text is accepted and checked. */
  threshold?: number | string | undefined
  /** Where to write; left open (the caller owns it: it may be stdout). */
  out: NodeJS.WritableStream
  /** Rows read per page, 1–500 (default 500). */
  pageSize?: number | undefined
}

export interface ExportSummary {
  /** Rows written (for GeoJSON, features plus the rows without coordinates, which have no feature). */
  rows: number
  /** Public exports: rows and cells left out by small-cell suppression (0 for full exports). */
  suppressedRows: number
  suppressedCells: number
  /** The threshold applied; null for full exports (no suppression). */
  threshold: number | null
  /** Rows written with no coordinates: in GeoJSON, counted in `metadata` and not features. */
  withoutCoordinates: number
}

// ---------------------------------------------------------------- columns and HXL hashtags

type Value = string | number | null
type Row = Record<string, Value>

interface Column {
  readonly name: string
  /**
   * HXL hashtag and attributes (HXL 1.1: hxlstandard.org/standard/dictionary). Core hashtags
   * where one fits: #meta, #event, #date, #loc, #adm1, #country, #geo, #affected, #group,
   * #status, #description. Attributes: +id, +code, +name, +type, +lat, +lon, +start, +end, +min,
   * +max, and +occurred as HDX's ACLED data uses it. HXL has no core hashtag for an individual's
   * name, sex, age, fate or cause of death (its sex/age vocabulary is attributes on counts, like
   * #affected+f), so those use extension hashtags with the x_ prefix.
   */
  readonly hxl: string
}

/*
 * HXL mapping, column → hashtag:
 *   person_id #meta+id                  incident_id / first_incident_id #event+code
 *   name #x_victim+name                 name_variants #x_victim+name+variants
 *   sex #x_sex                          age_min / age_max #x_age+min / #x_age+max   age_band #x_age+band
 *   nationality #country+code+nationality   origin_name #loc+name+origin   origin_country #country+code+origin
 *   affiliation #group+name+affiliation perpetrator #group+name+perpetrator
 *   fate #x_fate                        cause #x_cause
 *   date / date_of_death #date+occurred earliest/latest #date+occurred+start / +end   month #date+occurred+month
 *   place_name / place #loc+name        place_admin1 / adm1 #adm1+name    place_country / country #country+code
 *   place_gazetteer_id #loc+code        lat #geo+lat    lon #geo+lon
 *   type / first_incident_type / incident_type #event+type    title #event+name    description #description
 *   incident_ids #event+code+list       victims_min / victims_max #affected+min / #affected+max
 *   grade #status+grade                 computed_grade #status+grade+computed    first_incident_grade #status+grade+event
 *   row (public) #meta+row
 * Victim counts are #affected, not #affected+killed: incidents include detentions and
 * disappearances, whose victims are not all dead.
 */
const VICTIM_COLUMNS: readonly Column[] = [
  { name: 'person_id', hxl: '#meta+id' },
  { name: 'name', hxl: '#x_victim+name' },
  { name: 'name_variants', hxl: '#x_victim+name+variants' },
  { name: 'sex', hxl: '#x_sex' },
  { name: 'age_min', hxl: '#x_age+min' },
  { name: 'age_max', hxl: '#x_age+max' },
  { name: 'nationality', hxl: '#country+code+nationality' },
  { name: 'origin_name', hxl: '#loc+name+origin' },
  { name: 'origin_country', hxl: '#country+code+origin' },
  { name: 'affiliation', hxl: '#group+name+affiliation' },
  { name: 'fate', hxl: '#x_fate' },
  { name: 'cause', hxl: '#x_cause' },
  { name: 'date_of_death', hxl: '#date+occurred' },
  { name: 'death_earliest', hxl: '#date+occurred+start' },
  { name: 'death_latest', hxl: '#date+occurred+end' },
  { name: 'place_name', hxl: '#loc+name' },
  { name: 'place_admin1', hxl: '#adm1+name' },
  { name: 'place_country', hxl: '#country+code' },
  { name: 'place_gazetteer_id', hxl: '#loc+code' },
  { name: 'lat', hxl: '#geo+lat' },
  { name: 'lon', hxl: '#geo+lon' },
  { name: 'grade', hxl: '#status+grade' },
  { name: 'incident_ids', hxl: '#event+code+list' },
  { name: 'first_incident_id', hxl: '#event+code' },
  { name: 'first_incident_type', hxl: '#event+type' },
  { name: 'first_incident_grade', hxl: '#status+grade+event' },
]

const PUBLIC_VICTIM_COLUMNS: readonly Column[] = [
  { name: 'row', hxl: '#meta+row' },
  { name: 'sex', hxl: '#x_sex' },
  { name: 'age_band', hxl: '#x_age+band' },
  { name: 'month', hxl: '#date+occurred+month' },
  { name: 'adm1', hxl: '#adm1+name' },
  { name: 'place', hxl: '#loc+name' },
  { name: 'country', hxl: '#country+code' },
  { name: 'lat', hxl: '#geo+lat' },
  { name: 'lon', hxl: '#geo+lon' },
  { name: 'fate', hxl: '#x_fate' },
  { name: 'cause', hxl: '#x_cause' },
  { name: 'incident_type', hxl: '#event+type' },
  { name: 'grade', hxl: '#status+grade' },
]

const INCIDENT_COLUMNS: readonly Column[] = [
  { name: 'incident_id', hxl: '#event+code' },
  { name: 'type', hxl: '#event+type' },
  { name: 'title', hxl: '#event+name' },
  { name: 'description', hxl: '#description' },
  { name: 'date', hxl: '#date+occurred' },
  { name: 'date_earliest', hxl: '#date+occurred+start' },
  { name: 'date_latest', hxl: '#date+occurred+end' },
  { name: 'place_name', hxl: '#loc+name' },
  { name: 'place_admin1', hxl: '#adm1+name' },
  { name: 'place_country', hxl: '#country+code' },
  { name: 'place_gazetteer_id', hxl: '#loc+code' },
  { name: 'lat', hxl: '#geo+lat' },
  { name: 'lon', hxl: '#geo+lon' },
  { name: 'perpetrator', hxl: '#group+name+perpetrator' },
  { name: 'victims_min', hxl: '#affected+min' },
  { name: 'victims_max', hxl: '#affected+max' },
  { name: 'grade', hxl: '#status+grade' },
  { name: 'computed_grade', hxl: '#status+grade+computed' },
]

const PUBLIC_INCIDENT_COLUMNS: readonly Column[] = [
  { name: 'row', hxl: '#meta+row' },
  { name: 'type', hxl: '#event+type' },
  { name: 'month', hxl: '#date+occurred+month' },
  { name: 'adm1', hxl: '#adm1+name' },
  { name: 'place', hxl: '#loc+name' },
  { name: 'country', hxl: '#country+code' },
  { name: 'lat', hxl: '#geo+lat' },
  { name: 'lon', hxl: '#geo+lon' },
  { name: 'victims_min', hxl: '#affected+min' },
  { name: 'victims_max', hxl: '#affected+max' },
  { name: 'grade', hxl: '#status+grade' },
]

function columnsOf(of: ExportSubject, isPublic: boolean): readonly Column[] {
  switch (of) {
    case 'victims':
      return isPublic ? PUBLIC_VICTIM_COLUMNS : VICTIM_COLUMNS
    case 'incidents':
      return isPublic ? PUBLIC_INCIDENT_COLUMNS : INCIDENT_COLUMNS
  }
}

// ---------------------------------------------------------------- rows

/** One record ready to write: its row (without the public row number), cell and weight. */
interface Item {
  readonly row: Row
  /** Public exports: the suppression cell and the people the row counts in it. */
  readonly cell: string
  readonly weight: number
  readonly point: { lat: number; lon: number } | null
}

function pointOf(place: Pick<Place, 'lat' | 'lon'> | null | undefined): { lat: number; lon: number } | null {
  return place && typeof place.lat === 'number' && typeof place.lon === 'number' ? { lat: place.lat, lon: place.lon } : null
}

function publicPlaceColumns(p: PublicPlace | null): Row {
  return {
    adm1: p?.level === 'adm1' ? p.name : null,
    place: p?.level === 'place' ? p.name : null,
    country: p?.country ?? null,
    lat: p?.lat ?? null,
    lon: p?.lon ?? null,
  }
}

function fullVictim(p: Person, first: Incident | null): Item {
  const place = p.placeOfDeath
  return {
    row: {
      person_id: p.id,
      name: p.name,
      name_variants: p.nameVariants.length > 0 ? p.nameVariants.map((v) => v.value).join('; ') : null,
      sex: p.sex,
      age_min: p.ageMin,
      age_max: p.ageMax,
      nationality: p.nationality,
      origin_name: p.origin?.name ?? null,
      origin_country: p.origin?.country ?? null,
      affiliation: p.affiliation,
      fate: p.fate,
      cause: p.cause,
      date_of_death: p.dateOfDeath,
      death_earliest: p.deathEarliest,
      death_latest: p.deathLatest,
      place_name: place?.name ?? null,
      place_admin1: place?.admin1 ?? null,
      place_country: place?.country ?? null,
      place_gazetteer_id: place?.gazetteerId ?? null,
      lat: place?.lat ?? null,
      lon: place?.lon ?? null,
      grade: p.grade,
      incident_ids: p.incidentIds.length > 0 ? p.incidentIds.join(';') : null,
      first_incident_id: first?.id ?? null,
      first_incident_type: first?.type ?? null,
      first_incident_grade: first?.grade ?? null,
    },
    cell: '',
    weight: 1,
    point: pointOf(place),
  }
}

// Public victims: no name, id, origin, nationality or affiliation (each could single a person
// out within a cell), no incident id; the month, an age band and a generalised place.
function publicVictim(p: Person, first: Incident | null): Item {
  const place = generalisePlace(p.placeOfDeath)
  const month = monthOfDate({ edtf: p.dateOfDeath, earliest: p.deathEarliest, latest: p.deathLatest })
  return {
    row: {
      sex: p.sex,
      age_band: ageBand(p.ageMin, p.ageMax),
      month,
      ...publicPlaceColumns(place),
      fate: p.fate,
      cause: p.cause,
      incident_type: first?.type ?? null,
      grade: p.grade,
    },
    cell: `${placeCell(place)}|${month ?? 'uncertain'}|${p.sex}`,
    weight: 1,
    point: pointOf(place),
  }
}

function fullIncident(i: Incident): Item {
  const place = i.place
  return {
    row: {
      incident_id: i.id,
      type: i.type,
      title: i.title,
      description: i.description,
      date: i.date,
      date_earliest: i.dateEarliest,
      date_latest: i.dateLatest,
      place_name: place?.name ?? null,
      place_admin1: place?.admin1 ?? null,
      place_country: place?.country ?? null,
      place_gazetteer_id: place?.gazetteerId ?? null,
      lat: place?.lat ?? null,
      lon: place?.lon ?? null,
      perpetrator: i.perpetrator,
      victims_min: i.victimsMin,
      victims_max: i.victimsMax,
      grade: i.grade,
      computed_grade: i.computedGrade,
    },
    cell: '',
    weight: i.victimsMin ?? 0,
    point: pointOf(place),
  }
}

// Public incidents: no title, description or perpetrator (free text, which can name people).
// The cell is place × month; it counts the incidents' victims (their minimum, as every count does).
function publicIncident(i: Incident): Item {
  const place = generalisePlace(i.place)
  const month = monthOfDate({ edtf: i.date, earliest: i.dateEarliest, latest: i.dateLatest })
  return {
    row: {
      type: i.type,
      month,
      ...publicPlaceColumns(place),
      victims_min: i.victimsMin,
      victims_max: i.victimsMax,
      grade: i.grade,
    },
    cell: `${placeCell(place)}|${month ?? 'uncertain'}`,
    weight: i.victimsMin ?? 0,
    point: pointOf(place),
  }
}

// ---------------------------------------------------------------- reading

const MAX_PAGE = 500
/** Incidents remembered while exporting victims; beyond it the cache starts over. */
const INCIDENT_CACHE = 20_000

/** The first incident of each person, fetched once per incident and remembered (boundedly). */
class IncidentLookup {
  private readonly cache = new Map<number, Incident | null>()
  constructor(private readonly store: Store) {}

  async load(ids: Iterable<number>): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.cache.has(id))
    if (missing.length === 0) return
    if (this.cache.size + missing.length > INCIDENT_CACHE) this.cache.clear()
    for (let i = 0; i < missing.length; i += 50) {
      const chunk = missing.slice(i, i + 50)
      const found = await Promise.all(chunk.map((id) => this.store.incidents.get(id)))
      chunk.forEach((id, k) => this.cache.set(id, found[k] ?? null))
    }
  }

  get(id: number | undefined): Incident | null {
    return id === undefined ? null : (this.cache.get(id) ?? null)
  }
}

async function* pagesOf<T>(fetch: (p: PageRequest) => Promise<Page<T>>, limit: number): AsyncGenerator<T[]> {
  let cursor: string | undefined
  for (;;) {
    const page = await fetch({ limit, cursor })
    if (page.items.length > 0) yield page.items
    if (!page.nextCursor) return
    cursor = page.nextCursor
  }
}

/**
 * Every record the export covers, page by page, as Items. Public exports read only documented
 * grades (one filtered pass per grade); full exports read everything.
 */
async function* itemPages(ctx: Context, of: ExportSubject, isPublic: boolean, limit: number, incidents: IncidentLookup): AsyncGenerator<Item[]> {
  const grades: readonly (Grade | undefined)[] = isPublic ? DOCUMENTED_GRADES : [undefined]
  for (const grade of grades) {
    switch (of) {
      case 'victims':
        for await (const persons of pagesOf((p) => ctx.store.persons.list({ grade }, p), limit)) {
          await incidents.load(persons.flatMap((p) => p.incidentIds.slice(0, 1)))
          yield persons.map((p) => (isPublic ? publicVictim : fullVictim)(p, incidents.get(p.incidentIds[0])))
        }
        break
      case 'incidents':
        for await (const items of pagesOf((p) => ctx.store.incidents.list({ grade }, p), limit)) yield items.map(isPublic ? publicIncident : fullIncident)
        break
    }
  }
}

// ---------------------------------------------------------------- writing

async function put(out: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (chunk !== '' && !out.write(chunk)) await once(out, 'drain')
}

interface Metadata {
  generatedAt: string
  of: ExportSubject
  format: ExportFormat
  public: boolean
  threshold: number | null
  cell: string | null
  rows: number
  suppressedRows: number
  suppressedCells: number
  withoutCoordinates: number
  /** Each column with its HXL hashtag. */
  columns: Record<string, string>
  method: string
}

function methodNote(of: ExportSubject, isPublic: boolean, threshold: number | null): string {
  if (!isPublic) {
    return (
      'Full export for cleared analysts: every record of every grade, with names, identifiers and exact dates and places. ' +
      'Confidential: it identifies victims. Protected fields (identity, contact, notes) and sources are never exported. ' +
      'Grades and counts are explained in docs/METHOD.md.'
    )
  }
  const cell = of === 'victims' ? 'place × month × sex cell with fewer than N victims' : 'place × month cell whose incidents total fewer than N victims (their minimum counts)'
  return (
    `Public export: only records graded ${DOCUMENTED_GRADES.join(' or ')} (documented; see docs/METHOD.md), so these are lower bounds, not totals. ` +
    'No names, identifiers or free text. Dates are given as a month, left blank when the sources do not place them within one month; ' +
    'ages as 5-year bands; places at the coarsest level they state, with coordinates rounded to 2 decimals, or left out where the name was coarsened. ' +
    `Every row of a ${cell.replace('N', String(threshold))} is suppressed: the counts say how many.`
  )
}

interface Sink {
  begin(meta: Metadata): Promise<void>
  rows(items: readonly { row: Row; point: Item['point'] }[]): Promise<void>
  end(): Promise<void>
}

function csvSink(out: NodeJS.WritableStream, columns: readonly Column[], hxl: boolean): Sink {
  const line = (values: readonly Value[]) => stringify([values as Value[]])
  return {
    async begin() {
      await put(out, line(columns.map((c) => c.name)) + (hxl ? line(columns.map((c) => c.hxl)) : ''))
    },
    async rows(items) {
      await put(out, stringify(items.map(({ row }) => columns.map((c) => row[c.name] ?? null))))
    },
    async end() {},
  }
}

function jsonSink(out: NodeJS.WritableStream, columns: readonly Column[]): Sink {
  let first = true
  return {
    async begin(meta) {
      await put(out, `{"metadata":${JSON.stringify(meta)},\n"records":[`)
    },
    async rows(items) {
      let s = ''
      for (const { row } of items) {
        s += (first ? '\n' : ',\n') + JSON.stringify(Object.fromEntries(columns.map((c) => [c.name, row[c.name] ?? null])))
        first = false
      }
      await put(out, s)
    },
    async end() {
      await put(out, '\n]}\n')
    },
  }
}

// GeoJSON (RFC 7946): positions are [longitude, latitude]; `metadata` is a foreign member.
function geojsonSink(out: NodeJS.WritableStream, columns: readonly Column[]): Sink {
  const properties = columns.filter((c) => c.name !== 'lat' && c.name !== 'lon')
  let first = true
  return {
    async begin(meta) {
      await put(out, `{"type":"FeatureCollection","metadata":${JSON.stringify(meta)},\n"features":[`)
    },
    async rows(items) {
      let s = ''
      for (const { row, point } of items) {
        if (point === null) continue
        const feature = {
          type: 'Feature',
          geometry: { type: 'Point', coordinates: [point.lon, point.lat] },
          properties: Object.fromEntries(properties.map((c) => [c.name, row[c.name] ?? null])),
        }
        s += (first ? '\n' : ',\n') + JSON.stringify(feature)
        first = false
      }
      await put(out, s)
    },
    async end() {
      await put(out, '\n]}\n')
    },
  }
}

function sinkFor(format: ExportFormat, out: NodeJS.WritableStream, columns: readonly Column[]): Sink {
  switch (format) {
    case 'csv':
      return csvSink(out, columns, false)
    case 'hxl':
      return csvSink(out, columns, true)
    case 'json':
      return jsonSink(out, columns)
    case 'geojson':
      return geojsonSink(out, columns)
  }
}

function changedDuringExport(): TallyError {
  return new TallyError('conflict', 'the records changed while they were being exported; discard this output and run the export again')
}

/**
 * Exports victims (one row per person, with their first incident) or incidents, streaming page by
 * page: memory stays bounded whatever the number of records.
 *
 * Full (`public: false`): for cleared analysts — ids, names, sex, ages, EDTF dates with their
 * bounds, places with coordinates, fate, cause, grades, incident ids, and for incidents their
 * title, description and perpetrator. Never protected fields or sources.
 *
 * Public (`public: true`): only records graded confirmed or fair; a fresh row number instead of
 * any id; no names, free text, origin, nationality or affiliation; dates as months, ages as 5-year
 * bands, places generalised (src/security/redact.ts); then small-cell suppression over place ×
 * month × sex (victims) or place × month weighted by victims (incidents). It reads the records
 * twice: first counting the cells (a Map of cell → count), then writing the rows of cells that
 * reach the threshold. If the records change between the two passes the export fails with
 * `conflict` rather than publish a cell it did not count.
 *
 * JSON and GeoJSON carry `metadata` (time, public flag, threshold, counts, columns with their HXL
 * hashtags, a note on method) before the records; full JSON/GeoJSON exports count in a first pass
 * too, for that. CSV has one header row, HXL a second row of hashtags. The stream is not ended.
 *
 * @example await exportRecords(ctx, { format: 'hxl', public: true, of: 'victims', out: createWriteStream('victims.csv') })
 */
export async function exportRecords(ctx: Context, options: ExportOptions): Promise<ExportSummary> {
  const { format, of, out } = options
  const isPublic = options.public
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new TallyError('bad_input', `unknown export format "${String(format)}" (use ${EXPORT_FORMATS.join(', ')})`)
  if (!(EXPORT_SUBJECTS as readonly string[]).includes(of)) throw new TallyError('bad_input', `unknown export subject "${String(of)}" (use ${EXPORT_SUBJECTS.join(' or ')})`)
  const threshold = isPublic ? validateThreshold(options.threshold) : null
  if (!isPublic && options.threshold !== undefined) throw new TallyError('bad_input', 'a suppression threshold applies only to public exports (--public)')
  const limit = options.pageSize ?? MAX_PAGE
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw new TallyError('bad_input', `page size must be 1 to ${MAX_PAGE}`)
  const columns = columnsOf(of, isPublic)
  const incidents = new IncidentLookup(ctx.store)
  const scan = () => itemPages(ctx, of, isPublic, limit, incidents)

  // First pass: cells (public) or just rows and points (full JSON/GeoJSON, for the metadata).
  const counted = new CellCounts()
  const withoutPoint = new Map<string, number>()
  const needsFirstPass = isPublic || format === 'json' || format === 'geojson'
  if (needsFirstPass) {
    for await (const items of scan()) {
      for (const it of items) {
        counted.add(it.cell, it.weight)
        if (it.point === null) withoutPoint.set(it.cell, (withoutPoint.get(it.cell) ?? 0) + 1)
      }
    }
  }
  const t = threshold ?? 0
  const expected = counted.suppression(t)
  let expectedWithoutPoint = 0
  for (const [cell, n] of withoutPoint) if (!counted.isSmall(cell, t)) expectedWithoutPoint += n

  const summary: ExportSummary = {
    rows: expected.keptRows,
    suppressedRows: expected.suppressedRows,
    suppressedCells: expected.suppressedCells,
    threshold,
    withoutCoordinates: expectedWithoutPoint,
  }
  const sink = sinkFor(format, out, columns)
  await sink.begin({
    generatedAt: new Date().toISOString(),
    of,
    format,
    public: isPublic,
    cell: isPublic ? (of === 'victims' ? 'place × month × sex (victims)' : 'place × month (sum of victims_min)') : null,
    ...summary,
    columns: Object.fromEntries(columns.map((c) => [c.name, c.hxl])),
    method: methodNote(of, isPublic, threshold),
  })

  // Second pass: write, checking that what is written is what was counted.
  const written = new CellCounts()
  let rows = 0
  let withoutCoordinates = 0
  for await (const items of scan()) {
    const keep: { row: Row; point: Item['point'] }[] = []
    for (const it of items) {
      if (isPublic && counted.isSmall(it.cell, t)) continue
      rows++
      if (it.point === null) withoutCoordinates++
      written.add(it.cell, it.weight)
      keep.push({ row: isPublic ? { row: rows, ...it.row } : it.row, point: it.point })
    }
    if (keep.length > 0) await sink.rows(keep)
  }
  await sink.end()

  if (needsFirstPass) {
    if (rows !== expected.keptRows || withoutCoordinates !== expectedWithoutPoint) throw changedDuringExport()
    // Every written cell must hold exactly the rows and people counted: then none is under the threshold.
    for (const [cell, w] of written.entries()) {
      const c = counted.get(cell)
      if (c.rows !== w.rows || c.weight !== w.weight || (isPublic && w.weight < t)) throw changedDuringExport()
    }
    return summary
  }
  return { rows, suppressedRows: 0, suppressedCells: 0, threshold, withoutCoordinates }
}
