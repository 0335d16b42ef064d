// The order linkage works in. Candidate pairs join records that share a name word, and comparing
// them reads both records' fields and tokens: in input order the second record of a pair is
// anywhere in memory, and at a million records most reads missed the processor's caches. Linkage
// therefore renumbers the records so that those sharing their rarest name word sit side by side
// (by month of death within it), works on the renumbered records, and gives every result back
// in input order. Measured at a million records: comparison 34.5 → 27 s, blocking 17 → 13.5 s.
import { NO_DATE, type PreparedRecords } from './prepare.js'
import { stableCountingSort } from './growable.js'

/** Month ranges wider than this are not used to order records within a name word. */
const MAX_MONTH_RANGE = 1 << 14

/**
 * Input positions in working order: records grouped by their rarest name word (the word held by
 * the fewest records: the one that makes their blocks small; of two held by as many, the first
 * by spelling), by month of death within a group, by recordIdOrder (p.idOrder) within a month. Records
 * without a name come last. The order depends on the records, not on the order they came in:
 * everything linkage does follows it, so the same records give the same results in any order.
 *
 * @example localityOrder(prepareRecords(records))[0] // input position of the first record to work on
 */
export function localityOrder(p: PreparedRecords): Int32Array {
  const n = p.n
  // Records per blocking word (a record holding a word twice counts once).
  let words = 0
  for (let t = 0; t < p.tokenBlockId.length; t++) words = Math.max(words, (p.tokenBlockId[t] as number) + 1)
  const holders = new Int32Array(words)
  const last = new Int32Array(words).fill(-1)
  for (let i = 0; i < n; i++) {
    for (let k = p.tokenStart[i] as number; k < (p.tokenStart[i + 1] as number); k++) {
      const w = p.tokenBlockId[p.tokenIds[k] as number] as number
      if (last[w] === i) continue
      last[w] = i
      holders[w] = (holders[w] as number) + 1
    }
  }
  // Blocking words are numbered as the input met them: rank them by their spelling instead.
  const spelling = new Array<string>(words).fill('')
  for (let t = 0; t < p.tokenBlockId.length; t++) spelling[p.tokenBlockId[t] as number] = (p.tokenSkeleton[t] as string).replace('_', '')
  const byName = Array.from({ length: words }, (_, w) => w).sort((x, y) => (spelling[x] as string) < (spelling[y] as string) ? -1 : (spelling[x] as string) > (spelling[y] as string) ? 1 : 0)
  const rank = new Int32Array(words)
  byName.forEach((w, r) => (rank[w] = r))
  const group = new Int32Array(n)
  for (let i = 0; i < n; i++) {
    let best = words
    let fewest = Number.POSITIVE_INFINITY
    for (let k = p.tokenStart[i] as number; k < (p.tokenStart[i + 1] as number); k++) {
      const w = p.tokenBlockId[p.tokenIds[k] as number] as number
      const r = rank[w] as number
      const h = holders[w] as number
      if (h < fewest || (h === fewest && r < best)) {
        fewest = h
        best = r
      }
    }
    group[i] = best
  }
  // Two stable counting sorts: by month, then by group.
  let lo = Number.POSITIVE_INFINITY
  let hi = Number.NEGATIVE_INFINITY
  for (let i = 0; i < n; i++) {
    if ((p.dateLo[i] as number) === NO_DATE) continue
    const m = p.monthLo[i] as number
    if (m < lo) lo = m
    if (m > hi) hi = m
  }
  let order = p.idOrder
  if (hi >= lo && hi - lo < MAX_MONTH_RANGE) {
    const month = new Int32Array(n)
    // Records without a date after every month.
    for (let i = 0; i < n; i++) month[i] = (p.dateLo[i] as number) === NO_DATE ? hi - lo + 1 : (p.monthLo[i] as number) - lo
    order = stableCountingSort(order, month, hi - lo + 2)
  }
  return stableCountingSort(order, group, words + 1)
}

/**
 * The prepared records in the given order (order[w] = input position of working record w): every
 * per-record column moved, the token dictionaries shared.
 *
 * @example reorderRecords(p, localityOrder(p)).recordIds[0] === p.recordIds[localityOrder(p)[0]]
 */
export function reorderRecords(p: PreparedRecords, order: Int32Array): PreparedRecords {
  const n = p.n
  const tokenStart = new Int32Array(n + 1)
  const tokenIds = new Int32Array(p.tokenIds.length)
  let at = 0
  for (let w = 0; w < n; w++) {
    const i = order[w] as number
    tokenStart[w] = at
    for (let k = p.tokenStart[i] as number; k < (p.tokenStart[i + 1] as number); k++) tokenIds[at++] = p.tokenIds[k] as number
  }
  tokenStart[n] = at
  const recordIds = new Array<string>(n)
  for (let w = 0; w < n; w++) recordIds[w] = p.recordIds[order[w] as number] as string
  return {
    ...p,
    list: gatherSmall(p.list, order, new Uint16Array(n)),
    sex: gatherSmall(p.sex, order, new Uint8Array(n)),
    age: gatherSmall(p.age, order, new Int16Array(n)),
    dateLo: gatherInt32(p.dateLo, order),
    dateHi: gatherInt32(p.dateHi, order),
    monthLo: gatherInt32(p.monthLo, order),
    monthHi: gatherInt32(p.monthHi, order),
    locality: gatherInt32(p.locality, order),
    admin: gatherInt32(p.admin, order),
    country: gatherInt32(p.country, order),
    lat: gatherFloat64(p.lat, order),
    lon: gatherFloat64(p.lon, order),
    nameKey: gatherFloat64(p.nameKey, order),
    givenAt: gatherSmall(p.givenAt, order, new Int8Array(n)),
    nameLogFrequency: gatherFloat64(p.nameLogFrequency, order),
    idOrder: renumbered(p.idOrder, order),
    tokenStart,
    tokenIds,
    recordIds,
  }
}

/** Positions (input numbering) as working positions: the inverse of `order` applied to each. */
function renumbered(positions: Int32Array, order: Int32Array): Int32Array {
  const working = new Int32Array(order.length)
  for (let w = 0; w < order.length; w++) working[order[w] as number] = w
  const out = new Int32Array(positions.length)
  for (let q = 0; q < positions.length; q++) out[q] = working[positions[q] as number] as number
  return out
}

// out[w] = column[order[w]], one function per kind of column: a single loop over all five array
// types made its element access megamorphic (renumbering took 2.5-4 s at a million records, then
// 0.4-2 s, most of it the collector; the gathers themselves 0.1-0.2 s, profiled).
function gatherInt32(column: Int32Array, order: Int32Array): Int32Array {
  const out = new Int32Array(order.length)
  for (let w = 0; w < order.length; w++) out[w] = column[order[w] as number] as number
  return out
}

function gatherFloat64(column: Float64Array, order: Int32Array): Float64Array {
  const out = new Float64Array(order.length)
  for (let w = 0; w < order.length; w++) out[w] = column[order[w] as number] as number
  return out
}

function gatherSmall<T extends Int8Array | Uint8Array | Uint16Array | Int16Array>(column: T, order: Int32Array, out: T): T {
  for (let w = 0; w < order.length; w++) out[w] = column[order[w] as number] as number
  return out
}
