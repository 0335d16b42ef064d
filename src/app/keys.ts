// The data key that seals protected fields: where its file is, opening it, and rotating it.
// The key lives outside the database on purpose: a stolen database (or backup) without the key
// file holds no readable witness data. Losing the key file loses the protected fields, nothing else.
import { existsSync } from 'node:fs'
import { dirname, join, basename } from 'node:path'
import { TallyError } from '../domain/index.js'
import { FieldCipher, isSealed, removeRetiredKeys, rotateKeyFile } from '../security/index.js'
import { SEALED_COLUMNS, isPostgresUrl, type SealedRow, type SealedTable } from '../store/index.js'
import type { Context } from './context.js'

/**
 * The key file: the --key-file flag, else TALLY_KEY_FILE, else beside a SQLite database with the
 * extension .key (data/tally.db → data/tally.key), else ./data/tally.key.
 */
export function resolveKeyFile(flag: string | undefined, database: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag
  if (env.TALLY_KEY_FILE) return env.TALLY_KEY_FILE
  if (isPostgresUrl(database) || database === ':memory:') return './data/tally.key'
  return join(dirname(database), `${basename(database).replace(/\.[^.]*$/, '')}.key`)
}

/** The sealer for a key file, or null when there is none (protected fields are then unavailable). */
export function openSealer(keyFile: string): FieldCipher | null {
  return existsSync(keyFile) ? FieldCipher.open(keyFile) : null
}

/** Every sealed row, a page at a time, table by table. */
async function* sealedRows(ctx: Context, pageSize: number): AsyncGenerator<{ table: SealedTable; page: SealedRow[] }> {
  for (const table of Object.keys(SEALED_COLUMNS) as SealedTable[]) {
    for (let after = 0; ; ) {
      const page = await ctx.store.sealed.page(table, after, pageSize)
      if (page.length === 0) break
      yield { table, page }
      after = page[page.length - 1]!.id
    }
  }
}

export interface RotationReport {
  newKeyId: string
  previousKeyId: string
  /** Sealed values re-encrypted under the new key. */
  resealed: number
}

/**
 * Makes a new data key current and re-encrypts every sealed value under it, in batches of one
 * transaction each, while the server keeps running (it reloads the key file when it changes).
 * The previous key stays in the file, retired, so nothing sealed with it in the meantime is
 * lost; `pruneKeys` removes retired keys once no value uses them.
 */
export async function rotateKey(ctx: Context, keyFile: string): Promise<RotationReport> {
  if (!existsSync(keyFile)) throw new TallyError('bad_input', `no key file at ${keyFile}: nothing to rotate (tally init creates one)`)
  const { newKeyId, previousKeyId } = rotateKeyFile(keyFile)
  const cipher = FieldCipher.open(keyFile)
  let resealed = 0
  for await (const { table, page } of sealedRows(ctx, 500)) {
    const changed: SealedRow[] = []
    for (const row of page) {
      const values: SealedRow['values'] = {}
      for (const [column, sealed] of Object.entries(row.values) as [keyof SealedRow['values'], string | null][]) {
        if (sealed === null || !isSealed(sealed) || cipher.keyIdOf(sealed) === newKeyId) continue
        // The seal context is the column's name (see SEAL in protect.ts).
        const context = `${table}.${column}`
        values[column] = cipher.encrypt(cipher.decrypt(sealed, context), context)
        resealed++
      }
      if (Object.keys(values).length > 0) changed.push({ id: row.id, values })
    }
    if (changed.length > 0) await ctx.store.write(ctx.actor.name, (w) => w.resealRows(table, changed))
  }
  return { newKeyId, previousKeyId, resealed }
}

/** Removes retired keys that no stored value uses any more. */
export async function pruneKeys(ctx: Context, keyFile: string): Promise<string[]> {
  const cipher = FieldCipher.open(keyFile)
  const used = new Set<string>()
  for await (const { page } of sealedRows(ctx, 1000)) {
    for (const row of page) for (const v of Object.values(row.values)) if (v && isSealed(v)) used.add(cipher.keyIdOf(v))
  }
  return removeRetiredKeys(keyFile, used)
}
