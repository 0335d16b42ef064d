// Blocking: only records that agree on some key are compared. Several rules each give candidate
// pairs; their union (without repeats) is what the model scores. A pair is coded as i*n + j
// (i < j) in a Float64Array: exact below 2^53, and in ascending order a merge dedupes them.
import { TallyError } from '../domain/index.js'
import { NO_DATE, type PreparedColumns } from './prepare.js'
import { GrowableArray } from './growable.js'
import type { BlockingRule, BlockKeyPart, RuleReport } from './types.js'

/**
 * Default cap on block size (records). 70 rather than 120: at a million records a quarter fewer
 * candidate pairs (44 against 59 million), blocking recall 0.925 against 0.932, and the same F1
 * (0.905): the pairs of large common-name blocks were mostly strangers the model has to refuse.
 */
export const DEFAULT_MAX_BLOCK_SIZE = 70

/**
 * The default rules: together they survive one misspelt name token, a missing father's name,
 * swapped name order, and a name written in another script, while keeping blocks small.
 * Chosen by what each adds to blocking recall (true pairs among candidates) per candidate pair,
 * at a million synthetic records (seed 42), as a time budget of a minute allows:
 * - "name token pair + place" (town or village) and "whole name" were added: +0.0123 and +0.0031
 *   recall for 2.1 and 2.4 million pairs; "name initials + month + admin area" was dropped
 *   (−0.0017 for 2.9 million). F1 0.9374 → 0.9440.
 * - "name token + month + place" replaced "name token + month + admin area": a village or town is
 *   a far smaller block than a province, so a common name needs no cap there: 38.0 → 31.8
 *   million pairs and recall 0.9520 → 0.9584. F1 0.9440 → 0.9459.
 * Earlier: "name token + place" came with the villages (F1 at 300,000 0.9487 → 0.9538), capped
 * at 40 records per block to keep a million records within a minute; "name token pair + year"
 * and "+ admin area" were dropped as a fifth of the pairs for F1 −0.0007.
 */
export const DEFAULT_RULES: readonly BlockingRule[] = [
  { name: 'name token pair', on: ['name_token_pair'], maxBlockSize: 60 },
  { name: 'name token pair + month of death', on: ['name_token_pair', 'death_month'] },
  { name: 'name token + day of death', on: ['name_token', 'death_day'], maxBlockSize: 60 },
  { name: 'name token + month of death + place', on: ['name_token', 'death_month', 'place'] },
  { name: 'day of death + place', on: ['death_day', 'place'], maxBlockSize: 60 },
  { name: 'name token + place', on: ['name_token', 'place'], maxBlockSize: 40 },
  { name: 'name token pair + place', on: ['name_token_pair', 'place'] },
  { name: 'whole name', on: ['name_key'] },
]

const PARTS: ReadonlySet<string> = new Set<BlockKeyPart>([
  'name_token', 'name_token_pair', 'name_key', 'name_initials', 'sex', 'age', 'age_band', 'death_day', 'death_month',
  'death_year', 'place', 'admin_area',
])

/**
 * Checks user-stated rules; throws TallyError('bad_input') naming the bad rule.
 *
 * @example validateRules([{ name: 'surname', on: ['name_token'] }]) // ok
 */
export function validateRules(rules: readonly BlockingRule[]): void {
  if (rules.length === 0) throw new TallyError('bad_input', 'at least one blocking rule is needed')
  for (const r of rules) {
    if (r.on.length === 0) throw new TallyError('bad_input', `blocking rule "${r.name}" has no key parts`)
    for (const p of r.on) if (!PARTS.has(p)) throw new TallyError('bad_input', `blocking rule "${r.name}": unknown key part "${p}"`)
    if (r.maxBlockSize !== undefined && !(r.maxBlockSize >= 2)) throw new TallyError('bad_input', `blocking rule "${r.name}": maxBlockSize must be at least 2`)
  }
}

/** Scratch list of the values of one key: no boxing of large keys, no garbage. */
type NumberList = GrowableArray<Float64Array>

/** What blocking reads of the prepared records (worker threads hold the same columns). */
export type BlockingColumns = Pick<
  PreparedColumns,
  'n' | 'tokenStart' | 'tokenIds' | 'tokenBlockId' | 'nameKey' | 'tokenSkeleton' | 'sex' | 'age' | 'dateLo' | 'dateHi' | 'monthLo' | 'monthHi' | 'locality' | 'admin'
>

/** The values of one key part for record i (none: the record has no key under this rule). */
function partValues(p: BlockingColumns, part: BlockKeyPart, i: number, out: NumberList): void {
  out.clear()
  const ts = p.tokenStart[i] as number
  const te = p.tokenStart[i + 1] as number
  switch (part) {
    case 'name_token':
      for (let k = ts; k < te; k++) out.pushUnique(p.tokenBlockId[p.tokenIds[k] as number] as number)
      return
    case 'name_token_pair':
      for (let k = ts; k < te; k++) {
        for (let l = k + 1; l < te; l++) {
          const x = p.tokenBlockId[p.tokenIds[k] as number] as number
          const y = p.tokenBlockId[p.tokenIds[l] as number] as number
          // A repeated token (Ali el-Ali, Mohammed son of Mohammed) still makes a pair.
          out.pushUnique(x < y ? x * 4_194_304 + y : y * 4_194_304 + x)
        }
      }
      return
    case 'name_key':
      if ((p.nameKey[i] as number) >= 0) out.push(p.nameKey[i] as number)
      return
    case 'name_initials': {
      if (ts === te) return
      const initials: number[] = []
      for (let k = ts; k < te; k++) {
        const sk = p.tokenSkeleton[p.tokenIds[k] as number] as string
        initials.push(sk.replace('_', '').charCodeAt(0) || 0)
      }
      initials.sort((x, y) => x - y)
      let v = 0
      for (const c of initials) v = (v * 131 + c) % 1_000_000_007
      out.push(v)
      return
    }
    case 'sex':
      if ((p.sex[i] as number) > 0) out.push(p.sex[i] as number)
      return
    case 'age':
      if ((p.age[i] as number) >= 0) out.push(p.age[i] as number)
      return
    case 'age_band':
      if ((p.age[i] as number) >= 0) out.push(Math.floor((p.age[i] as number) / 5))
      return
    case 'death_day':
      if (p.dateLo[i] !== NO_DATE && p.dateLo[i] === p.dateHi[i]) out.push((p.dateLo[i] as number) + 1_000_000)
      return
    case 'death_month':
      if (p.dateLo[i] !== NO_DATE && p.monthLo[i] === p.monthHi[i]) out.push(p.monthLo[i] as number)
      return
    case 'death_year':
      if (p.dateLo[i] !== NO_DATE && Math.floor((p.monthLo[i] as number) / 12) === Math.floor((p.monthHi[i] as number) / 12)) {
        out.push(Math.floor((p.monthLo[i] as number) / 12))
      }
      return
    case 'place':
      if ((p.locality[i] as number) >= 0) out.push(p.locality[i] as number)
      return
    case 'admin_area':
      if ((p.admin[i] as number) >= 0) out.push(p.admin[i] as number)
      return
  }
}

// Two 32-bit multiplicative hashes side by side give a 52-bit key: collisions only add a few
// harmless extra candidate pairs, and numbers are far cheaper Map keys than strings.
function mix(h: number, v: number, mul: number): number {
  let x = Math.imul(h ^ (v | 0), mul)
  x ^= Math.floor(v / 4294967296)
  x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d)
  return x ^ (x >>> 13)
}

// Scratch buffers of ruleKeys: the cartesian product is built in place, without allocation
// (this runs once per record per rule). Int32Arrays, not plain arrays: most 32-bit hashes are
// outside the small-integer range, and a plain array boxed each of them (hundreds of minor
// garbage collections at a million records).
const MAX_KEYS = 4096
let h1a = new Int32Array(MAX_KEYS)
let h2a = new Int32Array(MAX_KEYS)
let h1b = new Int32Array(MAX_KEYS)
let h2b = new Int32Array(MAX_KEYS)

/** The keys of record i under a rule (cartesian product over multi-valued parts). */
function ruleKeys(p: BlockingColumns, rule: BlockingRule, i: number, scratch: NumberList[], out: NumberList): void {
  out.clear()
  let count = 1
  h1a[0] = 0x12345
  h2a[0] = 0x6789a
  for (let q = 0; q < rule.on.length; q++) {
    const values = scratch[q] as NumberList
    partValues(p, rule.on[q] as BlockKeyPart, i, values)
    if (values.length === 0) return
    let next = 0
    for (let k = 0; k < count; k++) {
      for (let v = 0; v < values.length && next < MAX_KEYS; v++) {
        const value = values.data[v] as number
        h1b[next] = mix(h1a[k] as number, value + q * 7919, 0x9e3779b1)
        h2b[next] = mix(h2a[k] as number, value + q * 104729, 0x85ebca6b)
        next++
      }
    }
    count = next
    ;[h1a, h1b] = [h1b, h1a]
    ;[h2a, h2b] = [h2b, h2a]
  }
  for (let k = 0; k < count; k++) out.push(((h1a[k] as number) >>> 0) * 1_048_576 + ((h2a[k] as number) >>> 12))
}

/**
 * Key → dense group id, open addressing over typed arrays. A JS Map of a million double keys
 * boxes every key and spends as long in the garbage collector as in the lookups; this does not.
 */
class KeyTable {
  private keys: Float64Array
  private ids: Int32Array
  private mask: number
  size = 0
  /** Sized for about `expected` keys, so that it rarely grows (each growth is a large allocation). */
  constructor(expected: number) {
    let capacity = 1 << 16
    while (capacity < expected * 2) capacity *= 2
    this.keys = new Float64Array(capacity)
    this.ids = new Int32Array(capacity).fill(-1)
    this.mask = capacity - 1
  }
  private slot(key: number): number {
    const lo = key % 1_048_576
    const hi = Math.floor(key / 1_048_576)
    return (Math.imul(hi, 0x9e3779b1) ^ Math.imul(lo, 0x85ebca6b)) >>> 0
  }
  /** The group id of key, a new one when first seen. */
  idOf(key: number): number {
    if (this.size * 2 >= this.ids.length) this.grow()
    let s = this.slot(key) & this.mask
    for (;;) {
      const id = this.ids[s] as number
      if (id === -1) {
        this.keys[s] = key
        this.ids[s] = this.size
        return this.size++
      }
      if (this.keys[s] === key) return id
      s = (s + 1) & this.mask
    }
  }
  private grow(): void {
    const oldKeys = this.keys
    const oldIds = this.ids
    const capacity = oldIds.length * 2
    this.keys = new Float64Array(capacity)
    this.ids = new Int32Array(capacity).fill(-1)
    this.mask = capacity - 1
    for (let s = 0; s < oldIds.length; s++) {
      const id = oldIds[s] as number
      if (id === -1) continue
      const key = oldKeys[s] as number
      let t = this.slot(key) & this.mask
      while (this.ids[t] !== -1) t = (t + 1) & this.mask
      this.keys[t] = key
      this.ids[t] = id
    }
  }
}

/** Candidate pairs (record indices, a < b) and what each rule contributed. */
export interface Candidates {
  readonly a: Int32Array
  readonly b: Int32Array
  readonly report: readonly RuleReport[]
}

/** The pairs of one rule (codes i*n + j, sorted, unique) and its block counts. */
export interface RulePairs {
  readonly codes: Float64Array<ArrayBuffer>
  readonly blocks: number
  readonly skippedBlocks: number
  readonly skippedRecords: number
}

/**
 * The candidate pairs of one rule. Runs on the main thread or in a worker (parallel.ts).
 *
 * @example blockRule(prepared, DEFAULT_RULES[0]).codes.length // pairs under the first rule
 */
export function blockRule(p: BlockingColumns, rule: BlockingRule): RulePairs {
  const n = p.n
  const keys = new GrowableArray(Float64Array, 64)
  const cap = rule.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE
  const scratch = rule.on.map(() => new GrowableArray(Float64Array, 64))
  // Group records by key: key → group id, then a counting sort of (group, record).
  // A record has about three keys under a rule on name-token pairs, one under most others.
  const expectedKeys = rule.on.includes('name_token_pair') ? 3 * n : n
  const groupOf = new KeyTable(expectedKeys)
  let recs = new Int32Array(expectedKeys)
  let grps = new Int32Array(expectedKeys)
  let count = 0
  for (let i = 0; i < n; i++) {
    ruleKeys(p, rule, i, scratch, keys)
    for (let q = 0; q < keys.length; q++) {
      const g = groupOf.idOf(keys.data[q] as number)
      if (count === recs.length) {
        const r2 = new Int32Array(recs.length * 2)
        r2.set(recs)
        recs = r2
        const g2 = new Int32Array(grps.length * 2)
        g2.set(grps)
        grps = g2
      }
      recs[count] = i
      grps[count] = g
      count++
    }
  }
  const groups = groupOf.size
  const start = new Int32Array(groups + 1)
  for (let k = 0; k < count; k++) {
    const g = (grps[k] as number) + 1
    start[g] = (start[g] as number) + 1
  }
  for (let g = 0; g < groups; g++) start[g + 1] = (start[g + 1] as number) + (start[g] as number)
  const fill = start.slice(0, groups)
  const members = new Int32Array(count)
  for (let k = 0; k < count; k++) {
    const g = grps[k] as number
    const at = fill[g] as number
    fill[g] = at + 1
    members[at] = recs[k] as number
  }
  // Pairs are bucketed by their first record (a counting sort on i), then each record's row of
  // second records is sorted and deduplicated on its own: rows are short (tens), so this is
  // linear in the pairs, where sorting all the codes at once took 2–3 s a worker at a million
  // records. Every array is sized by a counting pass first: growing by doubling allocated hundreds
  // of MiB several times a rule, and each large allocation made the garbage collector walk the
  // whole heap (the input records included).
  const rowStart = new Int32Array(n + 1)
  let blocks = 0
  let skippedBlocks = 0
  let skippedRecords = 0
  let total = 0
  for (let g = 0; g < groups; g++) {
    const s = start[g] as number
    const e = start[g + 1] as number
    const size = e - s
    if (size < 2) continue
    if (size > cap) {
      skippedBlocks++
      skippedRecords += size
      continue
    }
    blocks++
    total += (size * (size - 1)) / 2
    // Members were added in record order, so members[x] ≤ members[y] for x < y.
    for (let x = s; x < e - 1; x++) rowStart[(members[x] as number) + 1] = (rowStart[(members[x] as number) + 1] as number) + (e - x - 1)
  }
  // Row offsets are 32-bit: far beyond what memory holds in any case, but said plainly.
  if (total > 2 ** 31 - 1) throw new TallyError('bad_input', `blocking rule "${rule.name}" gives ${total} pairs; give it a smaller maxBlockSize`)
  for (let i = 0; i < n; i++) rowStart[i + 1] = (rowStart[i + 1] as number) + (rowStart[i] as number)
  const second = new Int32Array(total)
  const rowFill = rowStart.slice(0, n)
  for (let g = 0; g < groups; g++) {
    const s = start[g] as number
    const e = start[g + 1] as number
    if (e - s < 2 || e - s > cap) continue
    for (let x = s; x < e - 1; x++) {
      const i = members[x] as number
      let at = rowFill[i] as number
      for (let y = x + 1; y < e; y++) second[at++] = members[y] as number
      rowFill[i] = at
    }
  }
  // Each row sorted, then compacted in place without repeats; rowStart follows the compacted rows.
  // (A record twice in one block, two of its keys in one group, would pair with itself: skipped.)
  let unique = 0
  let from = 0
  for (let i = 0; i < n; i++) {
    const to = rowStart[i + 1] as number
    if (to - from > 1) sortRow(second, from, to)
    rowStart[i] = unique
    for (let k = from; k < to; k++) {
      const j = second[k] as number
      if (j !== i && (k === from || j !== second[k - 1])) second[unique++] = j
    }
    from = to
  }
  rowStart[n] = unique
  const codes = new Float64Array(unique)
  for (let i = 0; i < n; i++) {
    for (let k = rowStart[i] as number; k < (rowStart[i + 1] as number); k++) codes[k] = i * n + (second[k] as number)
  }
  return { codes, blocks, skippedBlocks, skippedRecords }
}

/** Sorts values[from .. to) ascending: insertion sort for a short row, the built-in sort beyond. */
function sortRow(values: Int32Array, from: number, to: number): void {
  if (to - from > 32) {
    values.subarray(from, to).sort()
    return
  }
  for (let k = from + 1; k < to; k++) {
    const v = values[k] as number
    let m = k - 1
    while (m >= from && (values[m] as number) > v) {
      values[m + 1] = values[m] as number
      m--
    }
    values[m + 1] = v
  }
}

/**
 * Folds the pairs of each rule, in rule order, into the union: call add(rule, pairs) for every
 * rule in order, then finish(). Each pair is kept once; the report counts what each rule added.
 *
 * @example const u = new CandidateUnion(n); u.add(rule, blockRule(p, rule)); u.finish().a
 */
export class CandidateUnion {
  private union: Float64Array<ArrayBuffer> = new Float64Array(0)
  /** The buffer the next merge writes into (the one before the last), reused while it is large
   * enough: a new buffer per rule was the same garbage-collector cost as in blockRule. */
  private spare: Float64Array<ArrayBuffer> = new Float64Array(0)
  private readonly report: RuleReport[] = []
  constructor(private readonly n: number) {}
  add(rule: BlockingRule, pairs: RulePairs): void {
    const need = this.union.length + pairs.codes.length
    // Room to grow, so that the two buffers are not reallocated for every rule.
    if (this.spare.length < need) this.spare = new Float64Array(Math.ceil(need * 1.5))
    const previous = this.union
    const merged = mergeSorted(this.union, pairs.codes, this.spare)
    this.spare = previous.length > 0 ? new Float64Array(previous.buffer) : new Float64Array(0)
    this.report.push({
      rule: rule.name,
      pairs: pairs.codes.length,
      newPairs: merged.length - this.union.length,
      blocks: pairs.blocks,
      skippedBlocks: pairs.skippedBlocks,
      skippedRecords: pairs.skippedRecords,
    })
    this.union = merged
  }
  finish(): Candidates {
    const { union, n } = this
    // In shared memory: comparison workers read them where they are (parallel.ts).
    const a = new Int32Array(new SharedArrayBuffer(union.length * 4))
    const b = new Int32Array(new SharedArrayBuffer(union.length * 4))
    for (let k = 0; k < union.length; k++) {
      const code = union[k] as number
      const i = Math.floor(code / n)
      a[k] = i
      b[k] = code - i * n
    }
    this.union = new Float64Array(0)
    this.spare = new Float64Array(0)
    return { a, b, report: this.report }
  }
}

/**
 * Candidate pairs under the union of the rules, each pair once.
 *
 * @example blockCandidates(prepared, DEFAULT_RULES).a.length // number of candidate pairs
 */
export function blockCandidates(p: BlockingColumns, rules: readonly BlockingRule[] = DEFAULT_RULES): Candidates {
  validateRules(rules)
  const union = new CandidateUnion(p.n)
  for (const rule of rules) union.add(rule, blockRule(p, rule))
  return union.finish()
}

/** Merges two sorted code lists without repeats into `out` (long enough for both); a view of it. */
function mergeSorted(x: Float64Array<ArrayBuffer>, y: Float64Array<ArrayBuffer>, out: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> {
  let i = 0
  let j = 0
  let w = 0
  while (i < x.length && j < y.length) {
    const u = x[i] as number
    const v = y[j] as number
    if (u < v) {
      out[w++] = u
      i++
    } else if (v < u) {
      out[w++] = v
      j++
    } else {
      out[w++] = u
      i++
      j++
    }
  }
  while (i < x.length) out[w++] = x[i++] as number
  while (j < y.length) out[w++] = y[j++] as number
  return out.subarray(0, w)
}
