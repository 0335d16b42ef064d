// The streaming casualty-list reader: bytes → encoding → CSV or JSON rows → ListRecordInput, one
// row at a time. Bad rows become errors naming their line and column; good rows keep coming.
import { createReadStream } from 'node:fs'
import { Readable, type Transform } from 'node:stream'
import { parse, type CsvError } from 'csv-parse'
import iconv from 'iconv-lite'
import { TallyError, type ListRecordInput } from '../../domain/index.js'
import { sniffEncoding, type ListEncoding } from './encoding.js'
import { guessColumns, type ListField } from './columns.js'
import { parseAge, parseDeathDate, parseSex } from './fields.js'
import { jsonElements } from './json.js'

export type ListFormat = 'csv' | 'json'

export interface ReadListOptions {
  /** csv or json (array or JSON lines); guessed from the file name or first character otherwise. */
  format?: ListFormat
  /** Overrides the sniffed encoding. */
  encoding?: ListEncoding
  /** CSV delimiter; guessed from the header line (comma, semicolon, tab) otherwise. */
  delimiter?: string
  /** Column overrides as `column=field` (see guessColumns). */
  map?: readonly string[]
}

/** One item of a list read, tagged by kind. The first item is always the `header`. */
export type ListRow =
  | {
      kind: 'header'
      format: ListFormat
      encoding: ListEncoding
      encodingReason: string
      columns: readonly string[]
      /** Column (header text) → field it feeds. */
      mapping: ReadonlyArray<{ column: string; field: ListField }>
    }
  | { kind: 'record'; line: number; record: ListRecordInput }
  | {
      kind: 'error'
      /** 1-based line of the file where the row ends (CSV) or starts (JSON). */
      line: number
      /** Data row number, counted like ListRecordInput.rowNumber; null when the row could not be delimited. */
      rowNumber: number | null
      /** Header text of the offending column, or null for a whole-row problem. */
      column: string | null
      message: string
      raw: Record<string, string> | null
    }

const SAMPLE_BYTES = 64 * 1024

/**
 * Reads a casualty list (CSV, JSON array or JSON lines) from a file path or a Node Readable of
 * bytes, streaming: memory stays flat in the file size. Yields a `header` first, then one `record`
 * or `error` per row.
 *
 * @example
 * for await (const row of readList('victims.csv', { map: ['Nom complet=fullName'] })) {
 *   if (row.kind === 'record') store(row.record)
 *   else if (row.kind === 'error') console.error(`line ${row.line}: ${row.message}`)
 * }
 */
export async function* readList(source: string | Readable, options: ReadListOptions = {}): AsyncGenerator<ListRow> {
  const bytes = typeof source === 'string' ? createReadStream(source, { highWaterMark: 256 * 1024 }) : source
  const iterator = (bytes as AsyncIterable<Buffer | string>)[Symbol.asyncIterator]()
  const head: Buffer[] = []
  let headLength = 0
  let ended = false
  while (headLength < SAMPLE_BYTES) {
    let next: IteratorResult<Buffer | string>
    try {
      next = await iterator.next()
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      const why = code === undefined ? (e as Error).message : code
      throw new TallyError('bad_input', `cannot read ${typeof source === 'string' ? source : 'the list'}: ${why}`)
    }
    if (next.done === true) {
      ended = true
      break
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value
    head.push(chunk)
    headLength += chunk.length
  }
  const sample = Buffer.concat(head)
  const guess = sniffEncoding(sample)
  const encoding = options.encoding ?? guess.encoding
  const reason = options.encoding === undefined ? guess.reason : 'given'
  async function* rest(): AsyncGenerator<Buffer> {
    yield sample
    if (ended) return
    for (;;) {
      const next = await iterator.next()
      if (next.done === true) return
      yield typeof next.value === 'string' ? Buffer.from(next.value, 'utf8') : next.value
    }
  }
  const firstText = iconv.decode(sample.subarray(0, Math.min(sample.length, 4096)), encoding, { stripBOM: true })
  const format = options.format ?? guessFormat(typeof source === 'string' ? source : null, firstText)
  // UTF-8 goes to the parsers as bytes (they decode it themselves, faster); others through iconv.
  const bytesIn = Readable.from(rest())
  // iconv-lite's decode stream is a stream.Transform; its type says only ReadWriteStream.
  const decoded = encoding === 'utf-8' && format === 'csv' ? null : (bytesIn.pipe(iconv.decodeStream(encoding, { stripBOM: true })) as unknown as Transform)
  const text: Readable = decoded ?? bytesIn
  let finished = false
  // pipe() does not pass errors on: a read error mid-file must reach the consumer, not hang it.
  bytesIn.on('error', (e: Error) => {
    if (!finished && decoded !== null) decoded.destroy(e)
  })
  try {
    if (format === 'csv') yield* headerFirst(readCsv(text, firstText, encoding, reason, options))
    else yield* headerFirst(readJson(text, encoding, reason, options))
  } finally {
    // A caller that stops early (break, an exception) must not leave the file open.
    finished = true
    text.on('error', () => undefined)
    bytesIn.destroy()
    await iterator.return?.()
  }
}

function guessFormat(path: string | null, firstText: string): ListFormat {
  if (path !== null && /\.(json|jsonl|ndjson)$/i.test(path)) return 'json'
  if (path !== null && /\.(csv|tsv|txt)$/i.test(path)) return 'csv'
  const c = firstText.trimStart()[0]
  return c === '[' || c === '{' ? 'json' : 'csv'
}

function guessDelimiter(firstText: string): string {
  const line = firstText.split(/\r?\n/, 1)[0] ?? ''
  let best = ','
  let bestCount = 0
  for (const d of [',', ';', '\t', '|']) {
    const n = line.split(d).length - 1
    if (n > bestCount) {
      best = d
      bestCount = n
    }
  }
  return best
}

/** Makes header names unique ("name", "name_2") so `raw` keeps every cell. */
function uniqueHeaders(headers: readonly string[]): string[] {
  const seen = new Map<string, number>()
  return headers.map((h, i) => {
    const base = h.trim() === '' ? `column_${i + 1}` : h.trim()
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base}_${n}`
  })
}

async function* readCsv(
  text: Readable,
  firstText: string,
  encoding: ListEncoding,
  encodingReason: string,
  options: ReadListOptions,
): AsyncGenerator<ListRow> {
  // Rows are handled in the parser's own 'data' events, where parser.info.lines is the line the
  // record ends on (the `info` option would give the same at twice the cost); they queue here and
  // the generator hands them out, pausing the parser while the queue is long.
  const queue: ListRow[] = []
  let done = false
  let failure: Error | null = null
  let wake: (() => void) | null = null
  let headers: string[] | null = null
  let fields: Array<ListField | undefined> = []
  let rowNumber = 0
  let lastSkippedLine = -1
  const parser = parse({
    delimiter: options.delimiter ?? guessDelimiter(firstText),
    bom: true,
    encoding: 'utf8',
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (err) => {
      // One bad row can raise several errors (each stray quote); report the row once.
      if (err !== undefined && errorLine(err) !== lastSkippedLine) {
        lastSkippedLine = errorLine(err)
        rowNumber++
        queue.push(csvError(err, rowNumber, headers))
        wake?.()
      }
      return undefined
    },
  })
  parser.on('data', (cells: string[]) => {
    const line = parser.info.lines
    if (headers === null) {
      const hs = uniqueHeaders(cells)
      headers = hs
      const mapping = guessColumns(hs, options.map ?? [])
      fields = hs.map((_, i) => mapping.get(i))
      queue.push({
        kind: 'header',
        format: 'csv',
        encoding,
        encodingReason,
        columns: hs,
        mapping: [...mapping].map(([i, field]) => ({ column: hs[i] ?? '', field })),
      })
      return
    }
    rowNumber++
    const raw: Record<string, string> = {}
    const n = cells.length < headers.length ? cells.length : headers.length
    for (let i = 0; i < n; i++) raw[headers[i] as string] = cells[i] as string
    if (cells.length !== headers.length) {
      queue.push({ kind: 'error', line, rowNumber, column: null, message: `row has ${cells.length} fields, the header has ${headers.length}`, raw })
    } else queue.push(normaliseRow(raw, headers, fields, rowNumber, line))
    if (queue.length > 4096) parser.pause()
    wake?.()
  })
  parser.on('end', () => {
    done = true
    wake?.()
  })
  parser.on('error', (e: Error) => {
    failure = e
    wake?.()
  })
  // csv-parse counts a CR LF inside a quoted field as two lines; LF-only input keeps its line
  // numbers right, so files with CRs are normalised on the way in.
  const input = /\r/.test(firstText) ? Readable.from(unixNewlines(decodeText(text))) : text
  const fail = (e: Error): void => {
    failure = e
    wake?.()
  }
  text.on('error', fail)
  if (input !== text) input.on('error', fail)
  input.pipe(parser)
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue.splice(0, queue.length)
        parser.resume()
        for (const row of batch) yield row
        continue
      }
      if (failure !== null) throw failure
      if (done) break
      await new Promise<void>((resolve) => {
        wake = resolve
      })
      wake = null
    }
  } finally {
    // The caller may stop early: stop parsing too.
    if (!done) parser.destroy()
  }
  // An empty file still announces itself, so callers can rely on the header coming first.
  if (headers === null) yield { kind: 'header', format: 'csv', encoding, encodingReason, columns: [], mapping: [] }
}

/**
 * Callers rely on the header coming first; a parser can meet a bad row before it has a header
 * (a stray quote on the first line), so anything before the header waits for it.
 */
async function* headerFirst(rows: AsyncGenerator<ListRow>): AsyncGenerator<ListRow> {
  const early: ListRow[] = []
  let headerSeen = false
  for await (const row of rows) {
    if (headerSeen) yield row
    else if (row.kind === 'header') {
      headerSeen = true
      yield row
      yield* early
      early.length = 0
    } else early.push(row)
  }
  yield* early
}

async function* decodeText(chunks: AsyncIterable<string | Buffer>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8')
  for await (const c of chunks) yield typeof c === 'string' ? c : decoder.decode(c, { stream: true })
  const tail = decoder.decode()
  if (tail !== '') yield tail
}

// CR LF and lone CR become LF. A CR held back at the end of a chunk waits for the next chunk.
async function* unixNewlines(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let carry = ''
  for await (const chunk of chunks) {
    let t = carry + chunk
    carry = ''
    if (t.endsWith('\r')) {
      carry = '\r'
      t = t.slice(0, -1)
    }
    yield t.indexOf('\r') < 0 ? t : t.replace(/\r\n?/g, '\n')
  }
  if (carry !== '') yield '\n'
}

/** Runs of white space as one space; the regex runs only when there is something to collapse. */
function collapseSpaces(s: string): string {
  return /\s\s|[\t\n\r\u00a0]/.test(s) ? s.replace(/\s+/g, ' ') : s
}

function errorLine(err: CsvError): number {
  const lines = (err as CsvError & { lines?: number }).lines
  return typeof lines === 'number' ? lines : 0
}

function csvError(err: CsvError, rowNumber: number, headers: readonly string[] | null): ListRow {
  const e = err as CsvError & { lines?: number; column?: number | string; index?: number }
  const index = typeof e.index === 'number' ? e.index : typeof e.column === 'number' ? e.column : null
  return {
    kind: 'error',
    line: typeof e.lines === 'number' ? e.lines : 0,
    rowNumber,
    column: index !== null && headers !== null ? (headers[index] ?? null) : null,
    message: `${err.message.replace(/^Invalid[^:]*:\s*/, '').replace(/\s+at line \d+$/, '')} (${err.code})`,
    raw: null,
  }
}

async function* readJson(text: Readable, encoding: ListEncoding, encodingReason: string, options: ReadListOptions): AsyncGenerator<ListRow> {
  let headers: string[] | null = null
  let fields: Array<ListField | undefined> = []
  const fieldByKey = new Map<string, ListField | undefined>()
  let rowNumber = 0
  for await (const el of jsonElements(text as AsyncIterable<string>)) {
    rowNumber++
    if (el.kind === 'error') {
      // In JSON lines a bad line is one bad row; in an array the scanner stops after it.
      yield { kind: 'error', line: el.line, rowNumber, column: null, message: el.message, raw: null }
      continue
    }
    let value: unknown
    try {
      value = JSON.parse(el.text)
    } catch (e) {
      yield { kind: 'error', line: el.line, rowNumber, column: null, message: `bad JSON: ${(e as Error).message}`, raw: null }
      continue
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      yield { kind: 'error', line: el.line, rowNumber, column: null, message: 'row is not a JSON object', raw: null }
      continue
    }
    const raw: Record<string, string> = {}
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      raw[k] = v === null || v === undefined ? '' : typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)
    }
    if (headers === null) {
      headers = Object.keys(raw)
      const mapping = guessColumns(headers, options.map ?? [])
      fields = headers.map((_, i) => mapping.get(i))
      headers.forEach((h, i) => fieldByKey.set(h, fields[i]))
      yield {
        kind: 'header',
        format: 'json',
        encoding,
        encodingReason,
        columns: headers,
        mapping: [...mapping].map(([i, field]) => ({ column: headers?.[i] ?? '', field })),
      }
    }
    // Objects need not share keys: map each key by the first object's guess, or on its own.
    const keys = Object.keys(raw)
    const keyFields = keys.map((k) => {
      if (!fieldByKey.has(k)) fieldByKey.set(k, guessColumns([k], []).get(0))
      return fieldByKey.get(k)
    })
    yield normaliseRow(raw, keys, keyFields, rowNumber, el.line)
  }
  if (headers === null) {
    yield { kind: 'header', format: 'json', encoding, encodingReason, columns: [], mapping: [] }
  }
}

/**
 * Normalises one row's cells into a ListRecordInput, or an error naming the first bad column.
 *
 * @example normaliseRow({ Nom: 'Ali', Âge: '20-25' }, ['Nom', 'Âge'], ['fullName', 'age'], 1, 2)
 */
export function normaliseRow(
  raw: Record<string, string>,
  columns: readonly string[],
  fields: ReadonlyArray<ListField | undefined>,
  rowNumber: number,
  line: number,
): ListRow {
  const record: ListRecordInput = { rowNumber, raw }
  // NUL (byte 0) cannot be stored in PostgreSQL text: the row is refused, saying where.
  for (const column of columns) {
    if ((raw[column] ?? '').includes('\u0000')) return { kind: 'error', line, rowNumber, column, message: 'contains a NUL character (byte 0)', raw }
  }
  for (let i = 0; i < columns.length; i++) {
    const field = fields[i]
    if (field === undefined) continue
    const column = columns[i] as string
    const cell = (raw[column] ?? '').trim()
    if (cell === '') continue
    const fail = (message: string): ListRow => ({ kind: 'error', line, rowNumber, column, message, raw })
    switch (field) {
      case 'recordKey':
        if (cell.length > 200) return fail('record id longer than 200 characters')
        record.recordKey = cell
        break
      case 'fullName':
        if (cell.length > 500) return fail('name longer than 500 characters')
        record.fullName = collapseSpaces(cell)
        break
      case 'givenName':
        if (cell.length > 300) return fail('given name longer than 300 characters')
        record.givenName = collapseSpaces(cell)
        break
      case 'familyName':
        if (cell.length > 300) return fail('family name longer than 300 characters')
        record.familyName = collapseSpaces(cell)
        break
      case 'sex': {
        const r = parseSex(cell)
        if (!r.ok) return fail(r.message)
        if (r.value !== 'unknown') record.sex = r.value
        break
      }
      case 'age': {
        const r = parseAge(cell)
        if (!r.ok) return fail(r.message)
        record.ageMin = r.value.min
        record.ageMax = r.value.max
        break
      }
      case 'dateOfDeath': {
        const r = parseDeathDate(cell)
        if (!r.ok) return fail(r.message)
        record.dateOfDeath = r.value
        break
      }
      case 'place':
        if (cell.length > 300) return fail('place longer than 300 characters')
        record.place = cell
        break
      case 'ignore':
        break
      default: {
        const never: never = field
        throw new Error(`unhandled list field ${String(never)}`)
      }
    }
  }
  if (record.fullName === undefined && (record.givenName !== undefined || record.familyName !== undefined)) {
    record.fullName = [record.givenName, record.familyName].filter((s) => s !== undefined).join(' ')
  }
  return { kind: 'record', line, record }
}
