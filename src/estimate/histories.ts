// Capture histories: who was on which list. The one input type every estimator takes, built and
// checked here so that the estimators can trust it.

/** Validated capture histories: distinct observed histories with their counts. */
export interface CaptureHistories {
  /** List (system) names, in column order. At least 2. */
  readonly lists: readonly string[]
  /**
   * Distinct observed histories as bitmasks: bit j set when on list j (list 0 = first column),
   * so the text "1010" is mask 0b0101 = 5. Never 0: the unobserved cell is what we estimate.
   */
  readonly masks: Int32Array
  /** counts[i] = number of people with history masks[i]; every count ≥ 0, whole. */
  readonly counts: Int32Array
  /** Total observed people (sum of counts). */
  readonly observed: number
}

/** Where and what went wrong in an input, for a user to fix it. */
export interface InputIssue {
  /** "row 3", "row 3, column 'B'", "lists", ... (rows are 1-based data rows, header excluded). */
  readonly where: string
  readonly message: string
}

/** Codes of input errors, one per rule. */
export type InputErrorCode =
  | 'bad_header'
  | 'not_binary'
  | 'bad_count'
  | 'negative_count'
  | 'unobserved_cell_given'
  | 'duplicate_history'
  | 'too_few_lists'
  | 'too_many_lists'
  | 'empty_list'
  | 'no_overlap'
  | 'no_data'
  | 'bad_model'
  | 'bad_option'

/**
 * Bad input to an estimator: the message names what is wrong and where ("row 3: history '1021'
 * is not 0/1"). Thrown only for input the user must fix; a model that cannot be fitted is a
 * result (`not_estimable`), not an error.
 *
 * @example
 * try { parseHistories({ header: ['A'], rows: [] }) } catch (e) { if (e instanceof EstimateInputError) console.log(e.issues) }
 */
export class EstimateInputError extends Error {
  readonly code: InputErrorCode
  readonly issues: readonly InputIssue[]
  constructor(code: InputErrorCode, issues: readonly InputIssue[]) {
    const first = issues[0]
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''
    super(first ? `${first.where}: ${first.message}${more}` : code)
    this.name = 'EstimateInputError'
    this.code = code
    this.issues = issues
  }
}

/** The largest number of lists a history mask can hold (bit 30 keeps masks positive int32). */
export const MAX_LISTS = 30

/** One history as text and its count, e.g. `{ history: '1010', count: 20 }`. */
export interface HistoryRow {
  readonly history: string
  readonly count: number
}

/**
 * Builds validated capture histories from history strings ("1010": list 0 first) and counts.
 * Rows are numbered from 1 in messages. Zero counts are accepted and dropped.
 *
 * @example
 * const h = historiesFromRows(['A', 'B'], [{ history: '11', count: 5 }, { history: '10', count: 20 }, { history: '01', count: 30 }])
 * h.observed // 55
 */
export function historiesFromRows(lists: readonly string[], rows: readonly HistoryRow[]): CaptureHistories {
  checkListNames(lists, 'lists')
  const j = lists.length
  const seen = new Map<number, number>()
  const masks: number[] = []
  const counts: number[] = []
  rows.forEach((row, idx) => {
    const where = `row ${idx + 1}`
    if (row.history.length !== j) {
      throw new EstimateInputError('not_binary', [{ where, message: `history '${row.history}' has ${row.history.length} digits but there are ${j} lists` }])
    }
    let mask = 0
    for (let b = 0; b < j; b++) {
      const ch = row.history[b]
      if (ch === '1') mask |= 1 << b
      else if (ch !== '0') throw new EstimateInputError('not_binary', [{ where, message: `history '${row.history}' is not 0/1` }])
    }
    addRow(idx + 1, mask, row.history, row.count, seen, masks, counts)
  })
  return finish(lists, masks, counts)
}

/** Already-split CSV cells: the header and the data rows (strings, untrimmed is fine). */
export interface HistoryTable {
  readonly header: readonly string[]
  readonly rows: readonly (readonly string[])[]
}

/**
 * Parses the histories file contract (DESIGN.md): one 0/1 column per list (header = list name)
 * plus a `count` column, from already-split CSV cells. Errors name the row (1-based, header not
 * counted) and the column.
 *
 * @example
 * const h = parseHistories({ header: ['A', 'B', 'count'], rows: [['1', '1', '5'], ['1', '0', '20'], ['0', '1', '30']] })
 * h.lists // ['A', 'B']
 */
export function parseHistories(table: HistoryTable): CaptureHistories {
  const header = table.header.map((h) => h.trim())
  const countCol = header.findIndex((h) => h.toLowerCase() === 'count')
  if (countCol < 0) throw new EstimateInputError('bad_header', [{ where: 'header', message: "no 'count' column" }])
  if (header.filter((h) => h.toLowerCase() === 'count').length > 1) {
    throw new EstimateInputError('bad_header', [{ where: 'header', message: "more than one 'count' column" }])
  }
  const listCols: number[] = []
  header.forEach((_, i) => {
    if (i !== countCol) listCols.push(i)
  })
  const lists = listCols.map((i) => header[i] as string)
  checkListNames(lists, 'header')
  const seen = new Map<number, number>()
  const masks: number[] = []
  const counts: number[] = []
  table.rows.forEach((cells, idx) => {
    const where = `row ${idx + 1}`
    if (cells.length !== header.length) {
      throw new EstimateInputError('bad_header', [{ where, message: `has ${cells.length} cells but the header has ${header.length}` }])
    }
    let mask = 0
    let text = ''
    listCols.forEach((col, b) => {
      const v = (cells[col] as string).trim()
      if (v === '1') mask |= 1 << b
      else if (v !== '0') {
        throw new EstimateInputError('not_binary', [{ where: `${where}, column '${header[col]}'`, message: `'${v}' is not 0 or 1` }])
      }
      text += v
    })
    const raw = (cells[countCol] as string).trim()
    const count = raw === '' ? NaN : Number(raw)
    if (!Number.isFinite(count)) {
      throw new EstimateInputError('bad_count', [{ where: `${where}, column 'count'`, message: `'${raw}' is not a number` }])
    }
    addRow(idx + 1, mask, text, count, seen, masks, counts)
  })
  return finish(lists, masks, counts)
}

function checkListNames(lists: readonly string[], where: string): void {
  if (lists.length < 2) {
    throw new EstimateInputError('too_few_lists', [{ where, message: `${lists.length} list${lists.length === 1 ? '' : 's'} given; estimation needs at least 2 lists that overlap` }])
  }
  if (lists.length > MAX_LISTS) {
    throw new EstimateInputError('too_many_lists', [{ where, message: `${lists.length} lists given; at most ${MAX_LISTS} are supported` }])
  }
  const names = new Set<string>()
  lists.forEach((name, i) => {
    if (name.trim() === '') throw new EstimateInputError('bad_header', [{ where, message: `list ${i + 1} has an empty name` }])
    if (names.has(name)) throw new EstimateInputError('bad_header', [{ where, message: `list name '${name}' appears twice` }])
    names.add(name)
  })
}

function addRow(rowNo: number, mask: number, text: string, count: number, seen: Map<number, number>, masks: number[], counts: number[]): void {
  const where = `row ${rowNo}`
  if (!Number.isFinite(count)) throw new EstimateInputError('bad_count', [{ where, message: `count ${count} is not a number` }])
  if (count < 0) throw new EstimateInputError('negative_count', [{ where, message: `count ${count} is negative` }])
  if (!Number.isInteger(count)) throw new EstimateInputError('bad_count', [{ where, message: `count ${count} is not a whole number` }])
  if (count > 2 ** 31 - 1) throw new EstimateInputError('bad_count', [{ where, message: `count ${count} is too large` }])
  if (mask === 0) {
    throw new EstimateInputError('unobserved_cell_given', [
      { where, message: `history '${text}' is on no list: the unobserved cell is what is estimated and must not be given` },
    ])
  }
  const prev = seen.get(mask)
  if (prev !== undefined) {
    throw new EstimateInputError('duplicate_history', [{ where, message: `history '${text}' already given in row ${prev}` }])
  }
  seen.set(mask, rowNo)
  if (count > 0) {
    masks.push(mask)
    counts.push(count)
  }
}

function finish(lists: readonly string[], masks: number[], counts: number[]): CaptureHistories {
  const observed = counts.reduce((a, b) => a + b, 0)
  if (observed === 0) throw new EstimateInputError('no_data', [{ where: 'rows', message: 'no one is observed (all counts are zero or there are no rows)' }])
  const issues: InputIssue[] = []
  lists.forEach((name, b) => {
    let onList = 0
    masks.forEach((m, i) => {
      if (m & (1 << b)) onList += counts[i] as number
    })
    if (onList === 0) issues.push({ where: `list '${name}'`, message: 'records no one: drop it or check the linkage' })
  })
  if (issues.length > 0) throw new EstimateInputError('empty_list', issues)
  let overlap = 0
  masks.forEach((m, i) => {
    if ((m & (m - 1)) !== 0) overlap += counts[i] as number
  })
  if (overlap === 0) {
    throw new EstimateInputError('no_overlap', [
      { where: 'lists', message: 'no one is on more than one list: with no overlap between lists the number missed cannot be estimated' },
    ])
  }
  // Sorted by mask so that equal inputs give identical arrays (and identical seeded runs).
  const order = masks.map((_, i) => i).sort((a, b) => (masks[a] as number) - (masks[b] as number))
  return {
    lists: [...lists],
    masks: Int32Array.from(order, (i) => masks[i] as number),
    counts: Int32Array.from(order, (i) => counts[i] as number),
    observed,
  }
}

/**
 * Writes a history mask as text, list 0 first ("1010").
 *
 * @example historyText(5, 4) // '1010'
 */
export function historyText(mask: number, lists: number): string {
  let s = ''
  for (let b = 0; b < lists; b++) s += mask & (1 << b) ? '1' : '0'
  return s
}

/**
 * The count of a given history (0 when absent).
 *
 * @example countOf(h, 0b11) // people on lists 0 and 1 only
 */
export function countOf(h: CaptureHistories, mask: number): number {
  for (let i = 0; i < h.masks.length; i++) if (h.masks[i] === mask) return h.counts[i] as number
  return 0
}
