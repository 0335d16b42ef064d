// The store: reads straight from the repositories; writes only through `write`, which runs one
// transaction and appends an audit event for every change made in it.
import type { Insertable, Kysely } from 'kysely'
import type {
  ActInput,
  AuditEvent,
  ClaimInputParsed,
  ClaimStatus,
  DocumentInput,
  Grade,
  IncidentInput,
  ListInput,
  ListRecordInput,
  PersonInputParsed,
  Role,
  SourceInput,
} from '../domain/index.js'
import { digestOfRows } from '../domain/index.js'
import { AuditAppender, auditTrailOf, readAuditEvents } from './audit.js'
import type { Backend, BackendKind } from './backend.js'
import type { Database, PersonTable } from './schema.js'
import { migrateToLatest } from './migrations.js'
import type { PageRequest } from './repos/common.js'
import * as claims from './repos/claims.js'
import * as documents from './repos/documents.js'
import * as estimates from './repos/estimates.js'
import * as incidents from './repos/incidents.js'
import * as linkage from './repos/linkage.js'
import * as lists from './repos/lists.js'
import * as persons from './repos/persons.js'
import * as sources from './repos/sources.js'
import * as stats from './repos/stats.js'
import { PersonFacts } from './repos/person-facts.js'
import * as users from './repos/users.js'
import { sealedPage, type SealedColumn } from './repos/sealed.js'

/**
 * Every read, over one Kysely handle: the store's for ordinary reads, a transaction's inside
 * `write` (there, read through `w.read`: on SQLite the one connection is held by the writer).
 */
export class Reader {
  constructor(readonly db: Kysely<Database>) {}

  readonly sources = {
    get: (id: number) => sources.getSource(this.db, id),
    findByName: (name: string) => sources.findSourceByName(this.db, name),
    list: (f: sources.SourceFilter, p: PageRequest) => sources.listSources(this.db, f, p),
  }
  readonly documents = {
    get: (id: number) => documents.getDocument(this.db, id),
    sealed: (id: number) => documents.getSealedDocument(this.db, id),
    protectedIds: () => documents.protectedDocumentIds(this.db),
    findBySha256: (sha: string) => documents.findDocumentBySha256(this.db, sha),
    original: (id: number) => documents.getDocumentOriginal(this.db, id),
    altered: () => documents.alteredDocuments(this.db),
    list: (f: documents.DocumentFilter, p: PageRequest) => documents.listDocuments(this.db, f, p),
  }
  readonly incidents = {
    get: (id: number) => incidents.getIncident(this.db, id),
    list: (f: incidents.IncidentFilter, p: PageRequest) => incidents.listIncidents(this.db, f, p),
    acts: (id: number) => incidents.actsOfIncident(this.db, id),
  }
  readonly persons = {
    get: (id: number) => persons.getPerson(this.db, id),
    list: (f: persons.PersonFilter, p: PageRequest) => persons.listPersons(this.db, f, p),
  }
  readonly claims = {
    get: (id: number) => claims.getClaim(this.db, id),
    list: (f: claims.ClaimFilter, p: PageRequest) => claims.listClaims(this.db, f, p),
    forGrading: (subject: Parameters<typeof claims.claimsForGrading>[1]) => claims.claimsForGrading(this.db, subject),
  }
  readonly lists = {
    get: (id: number) => lists.getList(this.db, id),
    findByName: (name: string) => lists.findListByName(this.db, name),
    all: () => lists.listLists(this.db),
    records: (listId: number, p: PageRequest) => lists.listRecordsOf(this.db, listId, p),
    count: (listId: number) => lists.countListRecords(this.db, listId),
    findImport: (listId: number, fileSha256: string) => lists.findListImport(this.db, listId, fileSha256),
    imports: (listId: number) => lists.importsOfList(this.db, listId),
  }
  readonly estimates = {
    get: (id: number) => estimates.getEstimateRun(this.db, id),
    list: (p: PageRequest) => estimates.listEstimateRuns(this.db, p),
  }
  readonly linkage = {
    records: () => linkage.recordsForLinkage(this.db),
    latestRun: () => linkage.latestLinkageRun(this.db),
    runs: (p: PageRequest) => linkage.listLinkageRuns(this.db, p),
    pairs: (runId: number, limit: number, all: boolean) => linkage.pairsOfRun(this.db, runId, limit, all),
    pair: (id: number) => linkage.getLinkagePair(this.db, id),
    decisions: () => linkage.allDecisions(this.db),
    clusterLists: (runId: number, stratify: 'sex' | 'place' | 'year' | null) => linkage.clusterListsOfRun(this.db, runId, stratify),
  }
  readonly users = {
    byName: (username: string) => users.getUserByName(this.db, username),
    byId: (id: number) => users.getUserById(this.db, id),
    credentials: (username: string) => users.getCredentials(this.db, username),
    all: () => users.listUsers(this.db),
    count: () => users.countUsers(this.db),
    session: (tokenHash: string) => users.findSession(this.db, tokenHash),
    token: (tokenHash: string) => users.findApiToken(this.db, tokenHash),
    tokenByName: (name: string) => users.getApiTokenByName(this.db, name),
    tokens: () => users.listApiTokens(this.db),
  }
  /** Every sealed value, page by page, for key rotation: which key each was sealed with. */
  readonly sealed = {
    page: (table: SealedColumn['table'], afterId: number, limit: number) => sealedPage(this.db, table, afterId, limit),
  }
  readonly stats = {
    incidents: (unit: 'incidents' | 'victims', by: stats.StatsDimension, f: incidents.IncidentFilter) => stats.incidentStats(this.db, unit, by, f),
    persons: (by: stats.StatsDimension, f: persons.PersonFilter) => stats.personStats(this.db, by, f),
  }
  readonly audit = {
    read: (afterSeq: number, limit: number) => readAuditEvents(this.db, afterSeq, limit),
    trailOf: (entityType: string, entityId: string | number) => auditTrailOf(this.db, entityType, entityId),
  }

}

/**
 * Everything that changes data, inside one transaction; each method appends its audit event.
 * A change to a person must name it in its event (entity type "person", entity id the person's
 * id or an "a..b" range): the in-memory person statistics are kept exact by reading those events.
 */
export class Writer {
  private readonly audit: AuditAppender
  constructor(
    private readonly backend: Backend,
    /** The transaction; reads through it see the transaction's own writes. */
    readonly trx: Kysely<Database>,
    readonly actor: string,
  ) {
    this.audit = new AuditAppender(backend, trx, actor)
    this.read = new Reader(trx)
  }

  /** Reads that see this transaction's own writes. */
  readonly read: Reader

  /** True when the row exists, as seen inside this transaction. */
  async exists(table: 'source' | 'document' | 'incident' | 'person' | 'claim' | 'casualty_list', id: number): Promise<boolean> {
    const row = await this.trx.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst()
    return row !== undefined
  }

  /** Appends an audit event for a change made outside the methods below. */
  record(action: string, entityType: string, entityId: string | number, change: unknown): Promise<AuditEvent> {
    return this.audit.append({ action, entityType, entityId, change })
  }

  /** Appends one audit event for a batch of rows, digested row by row. */
  private recordRows(action: string, entityType: string, entityId: string, header: unknown, rows: readonly unknown[]): Promise<AuditEvent> {
    return this.audit.append({ action, entityType, entityId, change: null, digest: digestOfRows(rows, header) })
  }

  async createSource(input: SourceInput, sealed: string | null) {
    const s = await sources.insertSource(this.trx, input, sealed)
    await this.record('source.create', 'source', s.id, s)
    return s
  }

  async updateSource(id: number, input: SourceInput, sealed: string | null | undefined) {
    const s = await sources.updateSource(this.trx, id, input, sealed)
    if (s) await this.record('source.update', 'source', id, s)
    return s
  }

  async createDocument(input: DocumentInput, original?: Uint8Array, sealed?: { text: string; original: string }) {
    const d = await documents.insertDocument(this.trx, input, original, sealed)
    await this.record('document.create', 'document', d.id, d)
    return d
  }

  async createIncident(input: IncidentInput, grade: Grade) {
    const i = await incidents.insertIncident(this.trx, input, grade)
    await this.record('incident.create', 'incident', i.id, i)
    return i
  }

  async updateIncident(id: number, input: IncidentInput) {
    const i = await incidents.updateIncident(this.trx, id, input)
    if (i) await this.record('incident.update', 'incident', id, i)
    return i
  }

  async setIncidentComputedGrade(id: number, grade: Grade) {
    const i = await incidents.setIncidentComputedGrade(this.trx, id, grade)
    if (i) await this.record('incident.grade', 'incident', id, { computedGrade: grade })
    return i
  }

  async overrideIncidentGrade(id: number, override: { grade: Grade; reason: string } | null) {
    const i = await incidents.setIncidentGradeOverride(this.trx, id, override && { ...override, by: this.actor })
    if (i) await this.record(override ? 'incident.grade_override' : 'incident.grade_override_clear', 'incident', id, override)
    return i
  }

  async createAct(input: ActInput) {
    const a = await incidents.insertAct(this.trx, input)
    await this.record('act.create', 'act', a.id, a)
    return a
  }

  async createPerson(input: PersonInputParsed, grade: Grade, sealed: string | null = null) {
    const p = await persons.insertPerson(this.trx, input, grade, sealed)
    await this.record('person.create', 'person', p.id, p)
    return p
  }

  async updatePerson(id: number, input: PersonInputParsed, sealed: string | null | undefined) {
    const p = await persons.updatePerson(this.trx, id, input, sealed)
    if (p) await this.record('person.update', 'person', id, p)
    return p
  }

  async setPersonGrade(id: number, grade: Grade) {
    await persons.setPersonGrade(this.trx, id, grade)
    await this.record('person.grade', 'person', id, { grade })
  }

  /** Bulk insert (imports, benchmarks): one audit event covers the batch, digesting every row. */
  async createPersonRows(rows: Insertable<PersonTable>[]) {
    const ids = await this.backend.insertRows(this.trx, 'person', rows)
    if (ids.length > 0) await this.recordRows('person.create_batch', 'person', `${ids[0]}..${ids[ids.length - 1]}`, null, rows)
    return ids
  }

  async createClaim(input: ClaimInputParsed & { sourceId: number }, sealedQuote: string | null = null) {
    const c = await claims.insertClaim(this.trx, input, sealedQuote)
    await this.record('claim.create', 'claim', c.id, c)
    return c
  }

  async updateClaim(id: number, input: ClaimInputParsed & { sourceId: number }, sealedQuote: string | null = null) {
    const c = await claims.updateClaim(this.trx, id, input, sealedQuote)
    if (c) await this.record(`claim.${input.status === 'draft' ? 'update' : statusVerb(input.status)}`, 'claim', id, c)
    return c
  }

  async createList(input: ListInput) {
    const l = await lists.insertList(this.trx, input)
    await this.record('list.create', 'list', l.id, l)
    return l
  }

  async startListImport(i: Parameters<typeof lists.insertListImport>[1]) {
    const imp = await lists.insertListImport(this.trx, i)
    await this.record('list_import.start', 'list_import', imp.id, imp)
    return imp
  }

  /**
   * Adds a batch of rows from one import and moves the import's progress to match, in one
   * transaction: after a crash, the import's `lastRow` is exactly the last row stored.
   */
  async addListRecords(
    listId: number,
    importId: number | null,
    records: ListRecordInput[],
    progress?: { rowsStored: number; rowsRejected: number; lastRow: number; done: boolean },
  ) {
    const rows = records.map((r) => lists.listRecordRow(listId, importId, r))
    const ids = await this.backend.insertRows(this.trx, 'list_record', rows)
    if (ids.length > 0) await this.recordRows('list_record.create_batch', 'list_record', `${ids[0]}..${ids[ids.length - 1]}`, { listId, importId }, rows)
    if (importId !== null && progress) {
      await lists.updateListImport(this.trx, importId, progress)
      await this.record(progress.done ? 'list_import.finish' : 'list_import.progress', 'list_import', importId, progress)
    }
    return ids.length
  }

  async createEstimateRun(e: estimates.EstimateRunInput) {
    const id = await estimates.insertEstimateRun(this.trx, e, this.actor)
    await this.record('estimate.create', 'estimate_run', id, e)
    return id
  }

  /**
   * Stores a linkage run with every record's cluster and the review pairs. One audit event
   * covers the run, digesting its parameters, input hash and assignments.
   */
  async createLinkageRun(
    run: { parameters: unknown; seed: number; inputHash: string; records: number; clusters: number; summary: unknown },
    assignments: { listRecordId: number; cluster: number; matchProbability: number }[],
    pairs: { recordA: number; recordB: number; probability: number; linked: boolean; comparison: readonly string[]; priority: number }[],
  ) {
    const stored = await linkage.insertLinkageRun(this.trx, run, this.actor)
    await this.backend.insertRows(
      this.trx,
      'linkage_assignment',
      assignments.map((a) => ({ run_id: stored.id, list_record_id: a.listRecordId, cluster: a.cluster, match_probability: a.matchProbability })),
    )
    await this.backend.insertRows(
      this.trx,
      'linkage_pair',
      pairs.map((p) => ({
        run_id: stored.id,
        record_a: Math.min(p.recordA, p.recordB),
        record_b: Math.max(p.recordA, p.recordB),
        probability: p.probability,
        linked: p.linked ? 1 : 0,
        comparison_json: JSON.stringify(p.comparison),
        priority: p.priority,
      })),
    )
    await this.recordRows('linkage.run', 'linkage_run', String(stored.id), run, assignments)
    return stored
  }

  /** A reviewer's decision that two list records are (or are not) the same person. */
  async decideMatch(d: { a: number; b: number; decision: 'same' | 'different'; reason: string | null }) {
    const decided = await linkage.upsertDecision(this.trx, d, this.actor)
    await this.record(`linkage.decide_${d.decision}`, 'match_decision', `${decided.recordA}-${decided.recordB}`, decided)
    return decided
  }

  async createUser(username: string, role: Role, passwordHash: string | null) {
    const u = await users.insertUser(this.trx, username, role, passwordHash)
    // The password hash is not part of the recorded change.
    await this.record('user.create', 'user', u.id, u)
    return u
  }

  async setUserPassword(id: number, passwordHash: string) {
    await users.setUserPassword(this.trx, id, passwordHash)
    await users.deleteSessionsOf(this.trx, id)
    await this.record('user.password', 'user', id, { passwordChanged: true })
  }

  async setUserDisabled(id: number, disabled: boolean) {
    const u = await users.setUserDisabled(this.trx, id, disabled)
    if (u && disabled) await users.deleteSessionsOf(this.trx, id)
    if (u) await this.record(disabled ? 'user.disable' : 'user.enable', 'user', id, u)
    return u
  }

  /** A failed sign-in (and the lock-out it may start) is a change to the user: audited. */
  async recordLoginFailure(id: number, failedLogins: number, lockedUntil: string | null) {
    await users.setLoginFailures(this.trx, id, failedLogins, lockedUntil)
    await this.record(lockedUntil ? 'user.locked' : 'user.login_failed', 'user', id, { failedLogins, lockedUntil })
  }

  async createSession(tokenHash: string, userId: number, expiresAt: string) {
    await users.deleteExpiredSessions(this.trx, new Date().toISOString())
    await users.setLoginFailures(this.trx, userId, 0, null)
    const id = await users.insertSession(this.trx, tokenHash, userId, expiresAt)
    await this.record('session.create', 'user', userId, { session: id, expiresAt })
    return id
  }

  /** Extends a session on use; not audited (it changes no record). */
  touchSession(id: number, lastSeenAt: string, expiresAt: string) {
    return users.touchSession(this.trx, id, lastSeenAt, expiresAt)
  }

  async deleteSession(id: number, userId: number) {
    await users.deleteSession(this.trx, id)
    await this.record('session.delete', 'user', userId, { session: id })
  }

  async createApiToken(t: { name: string; role: Role; tokenHash: string; expiresAt: string | null }) {
    const token = await users.insertApiToken(this.trx, { ...t, createdBy: this.actor })
    await this.record('token.create', 'api_token', token.id, token)
    return token
  }

  async revokeApiToken(id: number) {
    const token = await users.revokeApiToken(this.trx, id)
    if (token) await this.record('token.revoke', 'api_token', id, token)
    return token
  }

  /** Records when a token was last used; not audited (it changes no record). */
  touchApiToken(id: number, at: string) {
    return users.touchApiToken(this.trx, id, at)
  }

  /** Replaces sealed values re-encrypted under a new key: one audit event a batch, digesting the new values. */
  async resealRows(table: SealedColumn['table'], rows: { id: number; values: Partial<Record<SealedColumn['column'], string | null>> }[]) {
    for (const r of rows) await this.trx.updateTable(table).set(r.values as never).where('id', '=', r.id).execute()
    if (rows.length > 0) await this.recordRows('key.reseal', table, `${rows[0]!.id}..${rows[rows.length - 1]!.id}`, null, rows)
  }
}

function statusVerb(status: ClaimStatus): string {
  switch (status) {
    case 'accepted':
      return 'accept'
    case 'rejected':
      return 'reject'
    case 'draft':
      return 'update'
  }
}

/** An open database: reads, writes through `write`, and the audit log. */
export class Store extends Reader {
  private readonly personFacts = new PersonFacts()

  constructor(private readonly backend: Backend) {
    super(backend.db)
  }

  /** Counting, with person counts served from an in-memory columnar copy kept exact by the audit log. */
  override readonly stats = {
    incidents: (unit: 'incidents' | 'victims', by: stats.StatsDimension, f: incidents.IncidentFilter) => stats.incidentStats(this.db, unit, by, f),
    persons: (by: stats.StatsDimension, f: persons.PersonFilter) => stats.personStats(this.db, by, f, this.personFacts),
  }

  get kind(): BackendKind {
    return this.backend.kind
  }
  /** Where the data lives, safe to print (no password). */
  get location(): string {
    return this.backend.location
  }

  /**
   * Builds the in-memory copies that make reads fast (person statistics), so the first request
   * after start does not pay for it. Safe to call any time; cheap when nothing changed.
   */
  warmUp(): Promise<void> {
    return this.personFacts.refresh(this.db)
  }

  /** A consistent copy of the database in `file`, taken while it stays in use (SQLite online backup, or pg_dump). */
  backupTo(file: string): Promise<void> {
    return this.backend.backupTo(file)
  }

  /**
   * Runs `inspect` on a location where the backup `file` opens as a workspace (for PostgreSQL a
   * scratch schema, dropped afterwards). The location may carry a password: never print it.
   */
  inspectBackup<T>(file: string, inspect: (location: string) => Promise<T>): Promise<T> {
    return this.backend.inspectBackup(file, inspect)
  }

  /** Brings the schema up to date; idempotent. */
  migrate(): Promise<void> {
    return migrateToLatest(this.backend.db, this.backend.kind)
  }

  /**
   * Runs `fn` as one transaction on behalf of `actor`. Every change it makes through the Writer
   * is audited in the same transaction; if `fn` throws, nothing of it is kept.
   */
  write<T>(actor: string, fn: (w: Writer) => Promise<T>): Promise<T> {
    return this.backend.writeTransaction((trx) => fn(new Writer(this.backend, trx, actor)))
  }

  close(): Promise<void> {
    return this.backend.close()
  }
}
