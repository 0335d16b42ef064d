import type { Kysely, Selectable } from 'kysely'
import type { Database, EstimateRunTable } from '../schema.js'
import { decodeCursor, nowIso, toPage, type Page, type PageRequest } from './common.js'

/** What is stored of an estimation: enough to reproduce it (method, parameters, seed, input). */
export interface EstimateRunInput {
  method: string
  parameters: unknown
  seed: number | null
  inputHash: string
  stratify: string | null
  histories: unknown
  result: unknown
}

export interface EstimateRun extends EstimateRunInput {
  id: number
  createdBy: string
  createdAt: string
}

function toEstimateRun(r: Selectable<EstimateRunTable>): EstimateRun {
  return {
    id: Number(r.id),
    method: r.method,
    parameters: JSON.parse(r.parameters_json) as unknown,
    seed: r.seed === null ? null : Number(r.seed),
    inputHash: r.input_hash,
    stratify: r.stratify,
    histories: JSON.parse(r.histories_json) as unknown,
    result: JSON.parse(r.result_json) as unknown,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }
}

export async function insertEstimateRun(trx: Kysely<Database>, e: EstimateRunInput, actor: string): Promise<number> {
  const row = await trx
    .insertInto('estimate_run')
    .values({
      method: e.method,
      parameters_json: JSON.stringify(e.parameters),
      seed: e.seed,
      input_hash: e.inputHash,
      stratify: e.stratify,
      histories_json: JSON.stringify(e.histories),
      result_json: JSON.stringify(e.result),
      created_by: actor,
      created_at: nowIso(),
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(row.id)
}

export async function getEstimateRun(db: Kysely<Database>, id: number): Promise<EstimateRun | undefined> {
  const r = await db.selectFrom('estimate_run').selectAll().where('id', '=', id).executeTakeFirst()
  return r && toEstimateRun(r)
}

/** Newest first is what readers want, but cursors run on ascending ids: list oldest first. */
export async function listEstimateRuns(db: Kysely<Database>, page: PageRequest): Promise<Page<EstimateRun>> {
  const rows = await db.selectFrom('estimate_run').selectAll().where('id', '>', decodeCursor(page.cursor)).orderBy('id').limit(page.limit + 1).execute()
  return toPage(rows, page.limit, toEstimateRun)
}
