// The columns that hold sealed (encrypted) values, read page by page so key rotation can
// re-encrypt every one of them without holding the database in memory.
import type { Kysely } from 'kysely'
import type { Database } from '../schema.js'

/** Every sealed column, by table. */
export const SEALED_COLUMNS = {
  source: ['protected_data'],
  person: ['protected_data'],
  document: ['protected_text', 'protected_original'],
  claim: ['protected_quote'],
} as const

export type SealedTable = keyof typeof SEALED_COLUMNS
export interface SealedColumn {
  table: SealedTable
  column: (typeof SEALED_COLUMNS)[SealedTable][number]
}

export interface SealedRow {
  id: number
  values: Partial<Record<SealedColumn['column'], string | null>>
}

/** Rows of `table` after `afterId` that hold at least one sealed value. */
export async function sealedPage(db: Kysely<Database>, table: SealedTable, afterId: number, limit: number): Promise<SealedRow[]> {
  const columns = SEALED_COLUMNS[table]
  // The column names come from the constant table above, never from input.
  const rows = (await db
    .selectFrom(table)
    .select(['id', ...columns] as never[])
    .where('id', '>', afterId)
    .where((eb) => eb.or(columns.map((c) => eb(c as never, 'is not', null))))
    .orderBy('id')
    .limit(limit)
    .execute()) as unknown as Record<string, unknown>[]
  return rows.map((r) => {
    const values: SealedRow['values'] = {}
    for (const c of columns) values[c] = (r[c] as string | null) ?? null
    return { id: Number(r.id), values }
  })
}
