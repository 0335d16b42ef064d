// Linkage runs in the database: the records to link, the runs with their assignments and
// review pairs, reviewers' decisions, and capture histories of the latest run.
import { sql, type Kysely, type Selectable } from 'kysely'
import type { Database, LinkagePairTable, LinkageRunTable, MatchDecisionTable } from '../schema.js'
import { decodeCursor, nowIso, toPage, type Page, type PageRequest } from './common.js'

/** A list record in the shape linkage takes (the link contract's columns), with its row id. */
export interface RecordForLinkage {
  id: number
  list: string
  full_name: string | null
  given_name: string | null
  family_name: string | null
  sex: string | null
  age: string | null
  date_of_death: string | null
  place: string | null
}

export async function recordsForLinkage(db: Kysely<Database>): Promise<RecordForLinkage[]> {
  const rows = await db
    .selectFrom('list_record')
    .innerJoin('casualty_list', 'casualty_list.id', 'list_record.list_id')
    .select([
      'list_record.id',
      'casualty_list.name as list',
      'list_record.full_name',
      'list_record.given_name',
      'list_record.family_name',
      'list_record.sex',
      'list_record.age_min',
      'list_record.age_max',
      'list_record.death_edtf',
      'list_record.place',
    ])
    .orderBy('list_record.id')
    .execute()
  return rows.map((r) => ({
    id: Number(r.id),
    list: r.list,
    full_name: r.full_name,
    given_name: r.given_name,
    family_name: r.family_name,
    sex: r.sex,
    // A range is given to linkage as its middle ("about 20" was stored as 18–22).
    age: r.age_min === null ? null : String(r.age_max === null ? r.age_min : Math.round((Number(r.age_min) + Number(r.age_max)) / 2)),
    date_of_death: r.death_edtf,
    place: r.place,
  }))
}

export interface LinkageRun {
  id: number
  status: string
  parameters: unknown
  seed: number
  inputHash: string
  records: number
  clusters: number
  summary: unknown
  createdBy: string
  createdAt: string
}

function toRun(r: Selectable<LinkageRunTable>): LinkageRun {
  return {
    id: Number(r.id),
    status: r.status,
    parameters: JSON.parse(r.parameters_json) as unknown,
    seed: Number(r.seed),
    inputHash: r.input_hash,
    records: Number(r.records),
    clusters: Number(r.clusters),
    summary: JSON.parse(r.summary_json) as unknown,
    createdBy: r.created_by,
    createdAt: r.created_at,
  }
}

export async function insertLinkageRun(
  trx: Kysely<Database>,
  run: { parameters: unknown; seed: number; inputHash: string; records: number; clusters: number; summary: unknown },
  actor: string,
): Promise<LinkageRun> {
  const row = await trx
    .insertInto('linkage_run')
    .values({
      status: 'done',
      parameters_json: JSON.stringify(run.parameters),
      seed: run.seed,
      input_hash: run.inputHash,
      records: run.records,
      clusters: run.clusters,
      summary_json: JSON.stringify(run.summary),
      created_by: actor,
      created_at: nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toRun(row)
}

export async function latestLinkageRun(db: Kysely<Database>): Promise<LinkageRun | undefined> {
  const r = await db.selectFrom('linkage_run').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst()
  return r && toRun(r)
}

export async function listLinkageRuns(db: Kysely<Database>, page: PageRequest): Promise<Page<LinkageRun>> {
  const rows = await db.selectFrom('linkage_run').selectAll().where('id', '>', decodeCursor(page.cursor)).orderBy('id').limit(page.limit + 1).execute()
  return toPage(rows, page.limit, toRun)
}

export interface LinkagePair {
  id: number
  runId: number
  recordA: number
  recordB: number
  probability: number
  linked: boolean
  comparison: string[]
  priority: number
  /** The reviewer's decision on this pair, if any (from any run). */
  decision: MatchDecision | null
}

export interface MatchDecision {
  recordA: number
  recordB: number
  decision: 'same' | 'different'
  reason: string | null
  decidedBy: string
  decidedAt: string
}

function toDecision(r: Selectable<MatchDecisionTable>): MatchDecision {
  return {
    recordA: Number(r.record_a),
    recordB: Number(r.record_b),
    decision: r.decision as MatchDecision['decision'],
    reason: r.reason,
    decidedBy: r.decided_by,
    decidedAt: r.decided_at,
  }
}

/** Review pairs of a run, most informative first; undecided only unless `all`. */
export async function pairsOfRun(db: Kysely<Database>, runId: number, limit: number, all: boolean): Promise<LinkagePair[]> {
  let q = db
    .selectFrom('linkage_pair')
    .leftJoin('match_decision', (j) => j.onRef('match_decision.record_a', '=', 'linkage_pair.record_a').onRef('match_decision.record_b', '=', 'linkage_pair.record_b'))
    .selectAll('linkage_pair')
    .select(['match_decision.decision', 'match_decision.reason', 'match_decision.decided_by', 'match_decision.decided_at'])
    .where('linkage_pair.run_id', '=', runId)
  if (!all) q = q.where('match_decision.decision', 'is', null)
  const rows = await q.orderBy('linkage_pair.priority', 'desc').orderBy('linkage_pair.id').limit(limit).execute()
  return rows.map((r) => ({
    id: Number(r.id),
    runId: Number(r.run_id),
    recordA: Number(r.record_a),
    recordB: Number(r.record_b),
    probability: Number(r.probability),
    linked: Number(r.linked) === 1,
    comparison: JSON.parse(r.comparison_json) as string[],
    priority: Number(r.priority),
    decision:
      r.decision === null || r.decision === undefined
        ? null
        : { recordA: Number(r.record_a), recordB: Number(r.record_b), decision: r.decision as 'same' | 'different', reason: r.reason ?? null, decidedBy: r.decided_by ?? '', decidedAt: r.decided_at ?? '' },
  }))
}

export async function getLinkagePair(db: Kysely<Database>, id: number): Promise<Selectable<LinkagePairTable> | undefined> {
  return db.selectFrom('linkage_pair').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function allDecisions(db: Kysely<Database>): Promise<MatchDecision[]> {
  return (await db.selectFrom('match_decision').selectAll().orderBy('id').execute()).map(toDecision)
}

/** Records (or replaces) a decision on a pair; the pair is stored smaller id first. */
export async function upsertDecision(trx: Kysely<Database>, d: { a: number; b: number; decision: 'same' | 'different'; reason: string | null }, actor: string): Promise<MatchDecision> {
  const [recordA, recordB] = d.a < d.b ? [d.a, d.b] : [d.b, d.a]
  const at = nowIso()
  await trx.deleteFrom('match_decision').where('record_a', '=', recordA).where('record_b', '=', recordB).execute()
  const row = await trx
    .insertInto('match_decision')
    .values({ record_a: recordA, record_b: recordB, decision: d.decision, reason: d.reason, decided_by: actor, decided_at: at })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toDecision(row)
}

/**
 * Capture patterns of a run: per cluster, the set of lists that recorded it, and the stratum
 * value (a list_record column) most of its records give. Returned as list names and rows of
 * (lists bitmask as names joined, stratum, count) for the app to shape.
 */
export async function clusterListsOfRun(db: Kysely<Database>, runId: number, stratify: 'sex' | 'place' | 'year' | null): Promise<{ cluster: number; list: string; stratum: string | null }[]> {
  const stratum =
    stratify === null ? sql<string | null>`null` : stratify === 'year' ? sql<string | null>`substr(list_record.death_earliest, 1, 4)` : sql<string | null>`${sql.ref(`list_record.${stratify}`)}`
  const rows = await db
    .selectFrom('linkage_assignment')
    .innerJoin('list_record', 'list_record.id', 'linkage_assignment.list_record_id')
    .innerJoin('casualty_list', 'casualty_list.id', 'list_record.list_id')
    .select(['linkage_assignment.cluster', 'casualty_list.name as list', stratum.as('stratum')])
    .where('linkage_assignment.run_id', '=', runId)
    .orderBy('linkage_assignment.cluster')
    .execute()
  return rows.map((r) => ({ cluster: Number(r.cluster), list: r.list, stratum: r.stratum === null || r.stratum === undefined ? null : String(r.stratum) }))
}
