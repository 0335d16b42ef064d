// Small pieces every repository shares: timestamps, cursors, places, LIKE patterns.
import { TallyError, type Place } from '../../domain/index.js'
import type { PlaceColumns } from '../schema.js'

export function nowIso(): string {
  return new Date().toISOString()
}

/** A page of results and the cursor of the next page (null on the last). */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export interface PageRequest {
  /** Items per page, 1–500. */
  limit: number
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined
}

// Cursors are opaque to clients: base64url of the last id seen. Keyset pagination on the primary
// key stays fast at any depth, unlike OFFSET.
export function encodeCursor(lastId: number): string {
  return Buffer.from(`id:${lastId}`).toString('base64url')
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined || cursor === '') return 0
  const m = /^id:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'))
  if (!m || m[1] === undefined) throw new TallyError('bad_input', 'invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }])
  return Number(m[1])
}

/** Turns rows fetched with limit+1 into a page. */
export function toPage<R extends { id: number }, T>(rows: R[], limit: number, map: (r: R) => T): Page<T> {
  const more = rows.length > limit
  const slice = more ? rows.slice(0, limit) : rows
  const last = slice[slice.length - 1]
  return { items: slice.map(map), nextCursor: more && last ? encodeCursor(Number(last.id)) : null }
}

export function placeToColumns(place: Place | undefined | null): PlaceColumns {
  return {
    place_name: place?.name ?? null,
    place_gazetteer_id: place?.gazetteerId ?? null,
    place_country: place?.country ?? null,
    place_admin1: place?.admin1 ?? null,
    place_lat: place?.lat ?? null,
    place_lon: place?.lon ?? null,
  }
}

export function placeFromColumns(r: PlaceColumns): Place | null {
  if (r.place_name === null) return null
  return {
    name: r.place_name,
    gazetteerId: r.place_gazetteer_id,
    country: r.place_country,
    admin1: r.place_admin1,
    lat: r.place_lat === null ? null : Number(r.place_lat),
    lon: r.place_lon === null ? null : Number(r.place_lon),
  }
}

/** A LIKE pattern matching `text` anywhere, with LIKE's wildcards escaped (use with `escape '\'`). */
export function containsPattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** Counts and sums come back as strings from PostgreSQL (bigint, numeric). */
export function num(v: unknown): number {
  if (v === null || v === undefined) return 0
  return typeof v === 'number' ? v : Number(v)
}
