// Redaction for published data: generalise what could single a person out (a day, an age, a
// street) and suppress the cells of a table that hold too few people to hide among. Pure: the
// public export in app/ feeds it rows; nothing here reads the store.
import { TallyError, monthOf, parseEdtf, type IsoDay, type Place } from '../domain/index.js'

/** Fewest people a published cell may describe, unless the publisher asks for more. */
export const DEFAULT_SUPPRESSION_THRESHOLD = 3

/**
 * A suppression threshold from a flag, a query string or code: a whole number of at least 1.
 * Throws TallyError('bad_input') otherwise, naming what was given (cut short: it is a flag value,
 * never a protected one, but a message should stay one line).
 *
 * @example validateThreshold('5') // 5
 * @example validateThreshold(undefined) // 3
 */
export function validateThreshold(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_SUPPRESSION_THRESHOLD
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isSafeInteger(n) || n < 1) {
    const shown = String(value).slice(0, 40)
    throw new TallyError('bad_input', `the suppression threshold must be a whole number of at least 1 (got "${shown}")`, [
      { path: 'threshold', message: 'a whole number of at least 1' },
    ])
  }
  return n
}

/**
 * People counted per cell of a published table. Each row adds itself with a weight: 1 for a row
 * that is one person, the number of victims for a row that is an incident. A cell is small when its
 * weight is under the threshold; a cell never counted is small too (safe when the data changed
 * between counting and writing).
 */
export class CellCounts {
  private readonly cells = new Map<string, { rows: number; weight: number }>()

  add(cell: string, weight = 1): void {
    if (!Number.isFinite(weight) || weight < 0) throw new TallyError('internal', 'a cell weight must be a finite number ≥ 0')
    const c = this.cells.get(cell)
    if (c) {
      c.rows++
      c.weight += weight
    } else this.cells.set(cell, { rows: 1, weight })
  }

  /** Rows and weight counted in `cell` (zeros when never counted). */
  get(cell: string): { rows: number; weight: number } {
    return this.cells.get(cell) ?? { rows: 0, weight: 0 }
  }

  isSmall(cell: string, threshold: number): boolean {
    const c = this.cells.get(cell)
    return c === undefined || c.weight < threshold
  }

  /** How many rows and cells a threshold suppresses, and how many rows it keeps. */
  suppression(threshold: number): { keptRows: number; suppressedRows: number; suppressedCells: number } {
    let keptRows = 0
    let suppressedRows = 0
    let suppressedCells = 0
    for (const c of this.cells.values()) {
      if (c.weight < threshold) {
        suppressedRows += c.rows
        suppressedCells++
      } else keptRows += c.rows
    }
    return { keptRows, suppressedRows, suppressedCells }
  }

  /** Every cell counted, with its rows and weight. */
  entries(): IterableIterator<[string, { readonly rows: number; readonly weight: number }]> {
    return this.cells.entries()
  }

  /** Cells counted. */
  get size(): number {
    return this.cells.size
  }
}

/**
 * Small-cell suppression: drops every row whose cell (for victims, place × month × sex) holds fewer
 * than `threshold` people, so no published row describes a group small enough to recognise. Rows
 * count 1 each, or `weightOf(row)` (an incident counts its victims). Kept rows keep their order.
 *
 * @example
 * suppressSmallCells(victims, (v) => `${v.place}|${v.month}|${v.sex}`, 3)
 * // { kept: [...rows of cells with ≥ 3 people], suppressedRows: 2, suppressedCells: 1 }
 */
export function suppressSmallCells<T>(
  rows: readonly T[],
  cellOf: (r: T) => string,
  threshold: number,
  weightOf?: (r: T) => number,
): { kept: T[]; suppressedRows: number; suppressedCells: number } {
  const t = validateThreshold(threshold)
  const counts = new CellCounts()
  const cells = rows.map((r) => {
    const cell = cellOf(r)
    counts.add(cell, weightOf ? weightOf(r) : 1)
    return cell
  })
  const kept = rows.filter((_, i) => !counts.isSmall(cells[i] as string, t))
  const { suppressedRows, suppressedCells } = counts.suppression(t)
  return { kept, suppressedRows, suppressedCells }
}

// ---------------------------------------------------------------- generalisation

/**
 * The calendar month (`YYYY-MM`) of a date, or null when the date may lie in more than one month
 * (a year, an interval, an open end) or is unknown: a published month is never a guess. Give the
 * earliest/latest pair the store keeps, or an EDTF string (an unparseable one gives null).
 *
 * @example monthOfDate({ earliest: '2014-12-25', latest: '2014-12-25' }) // '2014-12'
 * @example monthOfDate({ edtf: '2014-06-25/2014-12-25' }) // null
 */
export function monthOfDate(date: { edtf?: string | null; earliest?: string | null; latest?: string | null } | null): string | null {
  if (date === null) return null
  if (date.earliest !== undefined || date.latest !== undefined) {
    return monthOf({ edtf: date.edtf ?? '', earliest: (date.earliest ?? null) as IsoDay | null, latest: (date.latest ?? null) as IsoDay | null })
  }
  if (date.edtf === undefined || date.edtf === null) return null
  try {
    return monthOf(parseEdtf(date.edtf))
  } catch {
    return null
  }
}

/** Ages at or above this are published as one open band ("80+"): the very old are few. */
export const TOP_AGE_BAND = 80

/**
 * An age or age range as a 5-year band: 23 → "20-24"; 18–30 → "15-34" (the bands it spans, never
 * narrower than the source); 83 → "80+"; only a lower bound (≥ 40) → "40+"; unknown or only an
 * upper bound → null.
 *
 * @example ageBand(23, 23) // '20-24'
 */
export function ageBand(ageMin: number | null | undefined, ageMax: number | null | undefined): string | null {
  const lo = ageMin ?? null
  const hi = ageMax ?? null
  if (lo === null) return null
  const from = Math.floor(lo / 5) * 5
  if (hi === null || from >= TOP_AGE_BAND || hi >= TOP_AGE_BAND) return `${Math.min(from, TOP_AGE_BAND)}+`
  const to = Math.floor(Math.max(hi, lo) / 5) * 5 + 4
  return `${from}-${to}`
}

/** A place as published: a name at the coarsest level the place states, and no finer point. */
export interface PublicPlace {
  /** The administrative area when the place states one, otherwise the place's own name. */
  readonly name: string
  readonly level: 'adm1' | 'place'
  readonly country: string | null
  /** Rounded; null when the name was coarsened (a point would be finer than the name). */
  readonly lat: number | null
  readonly lon: number | null
}

/**
 * Generalises a place for publication. The name becomes the coarsest level the place states (its
 * first-level administrative area when known: "Agadir Street, Casablanca" → "Casablanca-Settat").
 * Coordinates are kept, rounded to `decimals` (0–2; 2 ≈ 1 km), only when the name was not
 * coarsened: a point more precise than the published name would locate what the name hides.
 *
 * @example generalisePlace({ name: 'Syria', country: 'SY', lat: 35.0012, lon: 38.5 }) // { name: 'Syria', level: 'place', country: 'SY', lat: 35, lon: 38.5 }
 */
export function generalisePlace(place: Place | null | undefined, decimals = 2): PublicPlace | null {
  if (place === null || place === undefined) return null
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 2) throw new TallyError('internal', 'coordinates are published with 0 to 2 decimals')
  const admin1 = place.admin1?.trim()
  const country = place.country ?? null
  if (admin1 && admin1 !== place.name) return { name: admin1, level: 'adm1', country, lat: null, lon: null }
  const hasPoint = typeof place.lat === 'number' && typeof place.lon === 'number'
  return {
    name: place.name,
    level: 'place',
    country,
    lat: hasPoint ? roundTo(place.lat as number, decimals) : null,
    lon: hasPoint ? roundTo(place.lon as number, decimals) : null,
  }
}

function roundTo(x: number, decimals: number): number {
  const f = 10 ** decimals
  const r = Math.round(x * f) / f
  return Object.is(r, -0) ? 0 : r
}

/** The cell key of a published place: country and generalised name ("unknown" when none). */
export function placeCell(place: PublicPlace | null): string {
  return place === null ? 'unknown' : `${place.country ?? ''}|${place.name}`
}
