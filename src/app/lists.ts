// Casualty lists: streaming import (resumable, bad rows reported beside the file), and export.
import { createReadStream, createWriteStream, existsSync, rmSync, type WriteStream } from 'node:fs'
import { createHash } from 'node:crypto'
import { basename } from 'node:path'
import { once } from 'node:events'
import { TallyError, type CasualtyList, type ListRecordInput } from '../domain/index.js'
import { readList, type ListFormat } from '../intake/index.js'
import type { Context } from './context.js'

export interface ImportListOptions {
  file: string
  list: string
  /** Column overrides, `column=field`. */
  map?: readonly string[]
  format?: ListFormat
  /** Rows per transaction: what an interruption can lose and a resume redoes. */
  batchSize?: number
  onProgress?: (p: ImportProgress) => void
}

export interface ImportProgress {
  rowsRead: number
  rowsStored: number
  rowsRejected: number
}

export interface ImportListResult {
  list: CasualtyList
  importId: number
  /** The import was already complete: nothing was read or written. */
  alreadyImported: boolean
  /** Rows found already stored by an interrupted run and skipped. */
  rowsResumed: number
  /** Rows stored by this run. */
  rowsStored: number
  rowsRejected: number
  /** Where the report of rejected rows was written, or null when every row was good. */
  errorsFile: string | null
  mapping: { column: string; field: string }[]
  encoding: string
}

async function sha256OfFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

function csvCell(v: string | number | null): string {
  const s = v === null ? '' : String(v)
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

async function writeLine(out: WriteStream, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain')
}

/**
 * Imports a casualty list file (CSV or JSON) into the named list, streaming. Good rows land in
 * batches, each one transaction with its audit event and the import's progress; bad rows are
 * reported in FILE.errors.csv (line, row, column, problem — never the cell's value) and counted.
 * Re-running on the same file resumes an interrupted import, or does nothing if it finished:
 * rows are never stored twice.
 *
 * @example await importList(ctx, { file: 'sohr.csv', list: 'SOHR' })
 */
export async function importList(ctx: Context, o: ImportListOptions): Promise<ImportListResult> {
  if (!existsSync(o.file)) throw new TallyError('bad_input', `no such file: ${o.file}`)
  const batchSize = o.batchSize ?? 5000
  const sha = await sha256OfFile(o.file)
  const list = (await ctx.store.lists.findByName(o.list)) ?? (await ctx.store.write(ctx.actor.name, (w) => w.createList({ name: o.list })))
  let existing = await ctx.store.lists.findImport(list.id, sha)
  if (existing?.status === 'done') {
    return {
      list,
      importId: existing.id,
      alreadyImported: true,
      rowsResumed: existing.rowsStored,
      rowsStored: 0,
      rowsRejected: existing.rowsRejected,
      errorsFile: existsSync(`${o.file}.errors.csv`) ? `${o.file}.errors.csv` : null,
      mapping: existing.mapping,
      encoding: existing.encoding,
    }
  }
  const resumeAfter = existing?.lastRow ?? 0
  const errorsFile = `${o.file}.errors.csv`
  let errors: WriteStream | null = null
  let importId = existing?.id ?? 0
  let mapping: { column: string; field: string }[] = existing?.mapping ?? []
  let encoding = existing?.encoding ?? ''
  let batch: ListRecordInput[] = []
  let rowsRead = 0
  let rowsStored = existing?.rowsStored ?? 0
  let rowsRejected = 0
  let storedThisRun = 0
  let resumed = 0
  let lastRow = resumeAfter

  const flush = async (done: boolean) => {
    const records = batch
    batch = []
    const n = await ctx.store.write(ctx.actor.name, (w) =>
      w.addListRecords(list.id, importId, records, { rowsStored: rowsStored + records.length, rowsRejected, lastRow, done }),
    )
    rowsStored += n
    storedThisRun += n
    o.onProgress?.({ rowsRead, rowsStored, rowsRejected })
  }

  try {
    for await (const row of readList(o.file, { format: o.format, map: o.map })) {
      switch (row.kind) {
        case 'header':
          mapping = row.mapping.map((m) => ({ column: m.column, field: m.field }))
          encoding = row.encoding
          if (!mapping.some((m) => m.field === 'fullName' || m.field === 'givenName' || m.field === 'familyName')) {
            throw new TallyError(
              'bad_input',
              `${o.file}: no column holds names (columns: ${row.columns.join(', ')}); map one with --map "COLUMN=fullName"`,
            )
          }
          if (!existing) {
            existing = await ctx.store.write(ctx.actor.name, (w) =>
              w.startListImport({ listId: list.id, fileName: basename(o.file), fileSha256: sha, format: row.format, encoding: row.encoding, mapping }),
            )
            importId = existing.id
          }
          break
        case 'error':
          rowsRead++
          rowsRejected++
          if (errors === null) {
            errors = createWriteStream(errorsFile)
            await writeLine(errors, 'line,row,column,problem\n')
          }
          await writeLine(errors, [row.line, row.rowNumber, row.column, row.message].map(csvCell).join(',') + '\n')
          break
        case 'record':
          rowsRead++
          if (row.record.rowNumber <= resumeAfter) {
            resumed++
            break
          }
          batch.push(row.record)
          lastRow = row.record.rowNumber
          if (batch.length >= batchSize) await flush(false)
          break
      }
    }
    if (!existing) throw new TallyError('bad_input', `${o.file}: empty file`)
    await flush(true)
  } finally {
    if (errors !== null) {
      const e: WriteStream = errors
      await new Promise((resolve) => e.end(resolve))
    }
  }
  if (errors === null && existsSync(errorsFile)) rmSync(errorsFile)
  return {
    list,
    importId,
    alreadyImported: false,
    rowsResumed: resumed,
    rowsStored: storedThisRun,
    rowsRejected,
    errorsFile: errors === null ? null : errorsFile,
    mapping,
    encoding,
  }
}

export interface ExportListOptions {
  list: string
  format: 'csv' | 'json'
  out: string
}

/**
 * Writes a list as it was imported: every row's original cells under the original headers (CSV),
 * or one JSON object per row (JSON lines), streaming. Importing the export gives the same records.
 *
 * @example await exportList(ctx, { list: 'SOHR', format: 'csv', out: 'sohr-export.csv' })
 */
export async function exportList(ctx: Context, o: ExportListOptions): Promise<{ rows: number }> {
  const list = await ctx.store.lists.findByName(o.list)
  if (!list) throw new TallyError('not_found', `no list named "${o.list}"`)
  const imports = await ctx.store.lists.imports(list.id)
  // The columns, in the order of the first import's header mapping, then any others seen.
  const columns: string[] = []
  for (const imp of imports) for (const m of imp.mapping) if (!columns.includes(m.column)) columns.push(m.column)
  const out = createWriteStream(o.out)
  let rows = 0
  let cursor: string | undefined
  let first = true
  try {
    for (;;) {
      const page = await ctx.store.lists.records(list.id, { limit: 5000, cursor })
      for (const r of page.items) {
        for (const k of Object.keys(r.raw)) if (!columns.includes(k)) columns.push(k)
        if (first && o.format === 'csv') await writeLine(out, columns.map(csvCell).join(',') + '\n')
        first = false
        const line = o.format === 'csv' ? columns.map((c) => csvCell(r.raw[c] ?? '')).join(',') : JSON.stringify(Object.fromEntries(columns.filter((c) => c in r.raw).map((c) => [c, r.raw[c]])))
        await writeLine(out, line + '\n')
        rows++
      }
      if (!page.nextCursor) break
      cursor = page.nextCursor
    }
  } finally {
    await new Promise((resolve) => out.end(resolve))
  }
  return { rows }
}
