// Use cases over sources, documents, incidents, acts and persons. Inputs arrive validated by the
// adapters (zod at the edge); these functions check what only the database can tell (that
// referenced rows exist) and write through the audited Writer.
import {
  TallyError,
  sha256Hex,
  type ActInput,
  type DocumentInput,
  type DocumentRecord,
  type GradeOverride,
  type Incident,
  type IncidentInput,
  type Person,
  type PersonInputParsed,
  type Source,
  type SourceInput,
} from '../domain/index.js'
import type { DocumentFilter, IncidentFilter, Page, PageRequest, PersonFilter, SourceFilter, Store, Writer } from '../store/index.js'
import type { Context } from './context.js'
import { explainIncidentGrade } from './grading.js'

function notFound(what: string, id: number): TallyError {
  return new TallyError('not_found', `${what} ${id} does not exist`)
}

async function mustExist<T>(value: Promise<T | undefined>, what: string, id: number): Promise<T> {
  const v = await value
  if (v === undefined) throw notFound(what, id)
  return v
}

// ---------------------------------------------------------------- sources

export function createSource(ctx: Context, input: SourceInput): Promise<Source> {
  return ctx.store.write(ctx.actor.name, (w) => w.createSource(input))
}

export async function updateSource(ctx: Context, id: number, input: SourceInput): Promise<Source> {
  return mustExist(
    ctx.store.write(ctx.actor.name, (w) => w.updateSource(id, input)),
    'source',
    id,
  )
}

export function getSource(ctx: Context, id: number): Promise<Source> {
  return mustExist(ctx.store.sources.get(id), 'source', id)
}

export function listSources(ctx: Context, filter: SourceFilter, page: PageRequest): Promise<Page<Source>> {
  return ctx.store.sources.list(filter, page)
}

// ---------------------------------------------------------------- documents

export interface StoredDocument {
  document: DocumentRecord
  /** False when the same bytes were stored before: nothing new was written. */
  created: boolean
}

/**
 * Stores a document with the SHA-256 of its original bytes; storing the same bytes again is a
 * no-op that returns the document already stored.
 */
export async function addDocument(ctx: Context, input: DocumentInput, original?: Uint8Array): Promise<StoredDocument> {
  const sha = sha256Hex(original ?? Buffer.from(input.text, 'utf8'))
  const existing = await ctx.store.documents.findBySha256(sha)
  if (existing) return { document: existing, created: false }
  await mustExist(ctx.store.sources.get(input.sourceId), 'source', input.sourceId)
  const document = await ctx.store.write(ctx.actor.name, (w) => w.createDocument(input, original))
  return { document, created: true }
}

export function getDocument(ctx: Context, id: number): Promise<DocumentRecord> {
  return mustExist(ctx.store.documents.get(id), 'document', id)
}

export function listDocuments(ctx: Context, filter: DocumentFilter, page: PageRequest): Promise<Page<DocumentRecord>> {
  return ctx.store.documents.list(filter, page)
}

// ---------------------------------------------------------------- incidents and acts

/** A new incident starts "weak": reported, with no accepted claim yet. */
export function createIncident(ctx: Context, input: IncidentInput): Promise<Incident> {
  return ctx.store.write(ctx.actor.name, (w) => w.createIncident(input, 'weak'))
}

export function updateIncident(ctx: Context, id: number, input: IncidentInput): Promise<Incident> {
  return mustExist(
    ctx.store.write(ctx.actor.name, (w) => w.updateIncident(id, input)),
    'incident',
    id,
  )
}

export interface IncidentDetail {
  incident: Incident
  acts: Awaited<ReturnType<Store['incidents']['acts']>>
  /** Why the computed grade is what it is: support per origin and any conflicts. */
  grading: Awaited<ReturnType<typeof explainIncidentGrade>>
}

export async function getIncident(ctx: Context, id: number): Promise<IncidentDetail> {
  const incident = await mustExist(ctx.store.incidents.get(id), 'incident', id)
  const [acts, grading] = await Promise.all([ctx.store.incidents.acts(id), explainIncidentGrade(ctx.store, id)])
  return { incident, acts, grading }
}

export function listIncidents(ctx: Context, filter: IncidentFilter, page: PageRequest): Promise<Page<Incident>> {
  return ctx.store.incidents.list(filter, page)
}

/** A reviewer's grade, with the reason; audited. `null` returns the incident to its computed grade. */
export function overrideIncidentGrade(ctx: Context, id: number, override: GradeOverride | null): Promise<Incident> {
  return mustExist(
    ctx.store.write(ctx.actor.name, (w) => w.overrideIncidentGrade(id, override)),
    'incident',
    id,
  )
}

export async function createAct(ctx: Context, input: ActInput) {
  return ctx.store.write(ctx.actor.name, async (w) => {
    await mustExistIn(w, 'incident', input.incidentId)
    if (input.personId !== undefined) await mustExistIn(w, 'person', input.personId)
    return w.createAct(input)
  })
}

async function mustExistIn(w: Writer, table: 'incident' | 'person', id: number): Promise<void> {
  if (!(await w.exists(table, id))) throw notFound(table, id)
}

// ---------------------------------------------------------------- persons

export function createPerson(ctx: Context, input: PersonInputParsed): Promise<Person> {
  return ctx.store.write(ctx.actor.name, async (w) => {
    for (const id of input.incidentIds) await mustExistIn(w, 'incident', id)
    return w.createPerson(input, 'weak')
  })
}

export function updatePerson(ctx: Context, id: number, input: PersonInputParsed): Promise<Person> {
  return mustExist(
    ctx.store.write(ctx.actor.name, async (w) => {
      for (const i of input.incidentIds) await mustExistIn(w, 'incident', i)
      return w.updatePerson(id, input)
    }),
    'person',
    id,
  )
}

export function getPerson(ctx: Context, id: number): Promise<Person> {
  return mustExist(ctx.store.persons.get(id), 'person', id)
}

export function listPersons(ctx: Context, filter: PersonFilter, page: PageRequest): Promise<Page<Person>> {
  return ctx.store.persons.list(filter, page)
}
