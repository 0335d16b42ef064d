// Use cases over sources, documents, incidents, acts and persons. Inputs arrive validated by the
// adapters (zod at the edge); these functions check what only the database can tell (that
// referenced rows exist) and write through the audited Writer.
import { PUBLISHED_ONLY } from '../security/index.js'
import {
  DOCUMENTED_GRADES,
  TallyError,
  sha256Hex,
  type ActInput,
  type DocumentInput,
  type GradeOverride,
  type Incident,
  type IncidentInput,
  type PersonInputParsed,
  type SourceInput,
} from '../domain/index.js'
import type { DocumentFilter, IncidentFilter, Page, PageRequest, PersonFilter, SourceFilter, Store, Writer } from '../store/index.js'
import type { Context } from './context.js'
import { explainIncidentGrade } from './grading.js'
import { SEAL, revealDocument, revealPerson, revealSource, seal, sealFields, type DocumentView, type PersonView, type SourceView } from './protect.js'

function notFound(what: string, id: number): TallyError {
  return new TallyError('not_found', `${what} ${id} does not exist`)
}

async function mustExist<T>(value: Promise<T | undefined>, what: string, id: number): Promise<T> {
  const v = await value
  if (v === undefined) throw notFound(what, id)
  return v
}

// ---------------------------------------------------------------- sources

export async function createSource(ctx: Context, input: SourceInput): Promise<SourceView> {
  const sealed = sealFields(ctx, SEAL.source, input.protected)
  return revealSource(ctx, await ctx.store.write(ctx.actor.name, (w) => w.createSource(input, sealed)))
}

/** Replaces a source; its protected fields stay as they were unless `protected` is given. */
export async function updateSource(ctx: Context, id: number, input: SourceInput): Promise<SourceView> {
  const sealed = input.protected === undefined ? undefined : sealFields(ctx, SEAL.source, input.protected)
  return revealSource(ctx, await mustExist(ctx.store.write(ctx.actor.name, (w) => w.updateSource(id, input, sealed)), 'source', id))
}

export async function getSource(ctx: Context, id: number): Promise<SourceView> {
  return revealSource(ctx, await mustExist(ctx.store.sources.get(id), 'source', id))
}

export async function listSources(ctx: Context, filter: SourceFilter, page: PageRequest): Promise<Page<SourceView>> {
  const p = await ctx.store.sources.list(filter, page)
  return { ...p, items: p.items.map((s) => revealSource(ctx, s)) }
}

// ---------------------------------------------------------------- documents

export interface StoredDocument {
  document: DocumentView
  /** False when the same bytes were stored before: nothing new was written. */
  created: boolean
}

/**
 * Stores a document with the SHA-256 of its original bytes; storing the same bytes again is a
 * no-op that returns the document already stored.
 */
export async function addDocument(ctx: Context, input: DocumentInput, original?: Uint8Array): Promise<StoredDocument> {
  const bytes = original ?? Buffer.from(input.text, 'utf8')
  const existing = await ctx.store.documents.findBySha256(sha256Hex(bytes))
  if (existing) return { document: await revealDocument(ctx, existing), created: false }
  await mustExist(ctx.store.sources.get(input.sourceId), 'source', input.sourceId)
  const sealed = input.protected ? sealDocument(ctx, input.text, bytes) : undefined
  const document = await ctx.store.write(ctx.actor.name, (w) => w.createDocument(input, bytes, sealed))
  return { document: await revealDocument(ctx, document), created: true }
}

/** The text and original bytes of protected testimony, sealed for storage. */
export function sealDocument(ctx: Context, text: string, original: Uint8Array): { text: string; original: string } {
  return { text: seal(ctx, SEAL.documentText, text), original: seal(ctx, SEAL.documentOriginal, Buffer.from(original).toString('base64')) }
}

export async function getDocument(ctx: Context, id: number): Promise<DocumentView> {
  return revealDocument(ctx, await mustExist(ctx.store.documents.get(id), 'document', id))
}

/** Documents without their text (fetch one to read it): a list is for finding, not reading. */
export async function listDocuments(ctx: Context, filter: DocumentFilter, page: PageRequest): Promise<Page<DocumentView>> {
  const p = await ctx.store.documents.list(filter, page)
  return { ...p, items: await Promise.all(p.items.map((d) => revealDocument(ctx, d, !d.protected))) }
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

/**
 * An incident as published: documented grades only, without the free-text description, the
 * reviewer behind an override, or the acts and sources behind the grade.
 */
export type PublishedIncident = Pick<Incident, 'id' | 'type' | 'title' | 'date' | 'dateEarliest' | 'dateLatest' | 'place' | 'perpetrator' | 'victimsMin' | 'victimsMax' | 'grade'>

function publishedIncident(i: Incident): PublishedIncident {
  const { id, type, title, date, dateEarliest, dateLatest, place, perpetrator, victimsMin, victimsMax, grade } = i
  return { id, type, title, date, dateEarliest, dateLatest, place, perpetrator, victimsMin, victimsMax, grade }
}

function publishedOnly(ctx: Context): boolean {
  return PUBLISHED_ONLY[ctx.actor.role]
}

export async function getIncident(ctx: Context, id: number): Promise<IncidentDetail | { incident: PublishedIncident }> {
  const incident = await mustExist(ctx.store.incidents.get(id), 'incident', id)
  if (publishedOnly(ctx)) {
    // Unpublished incidents do not exist for the public: the same answer as a missing one.
    if (!DOCUMENTED_GRADES.includes(incident.grade)) throw notFound('incident', id)
    return { incident: publishedIncident(incident) }
  }
  const [acts, grading] = await Promise.all([ctx.store.incidents.acts(id), explainIncidentGrade(ctx.store, id)])
  return { incident, acts, grading }
}

export async function listIncidents(ctx: Context, filter: IncidentFilter, page: PageRequest): Promise<Page<Incident | PublishedIncident>> {
  if (!publishedOnly(ctx)) return ctx.store.incidents.list(filter, page)
  const p = await ctx.store.incidents.list({ ...filter, grades: DOCUMENTED_GRADES }, page)
  return { ...p, items: p.items.map(publishedIncident) }
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

export async function createPerson(ctx: Context, input: PersonInputParsed): Promise<PersonView> {
  const sealed = sealFields(ctx, SEAL.person, input.protected)
  const person = await ctx.store.write(ctx.actor.name, async (w) => {
    for (const id of input.incidentIds) await mustExistIn(w, 'incident', id)
    return w.createPerson(input, 'weak', sealed)
  })
  return revealPerson(ctx, person)
}

/** Replaces a person; protected fields stay as they were unless `protected` is given. */
export async function updatePerson(ctx: Context, id: number, input: PersonInputParsed): Promise<PersonView> {
  const sealed = input.protected === undefined ? undefined : sealFields(ctx, SEAL.person, input.protected)
  const person = await mustExist(
    ctx.store.write(ctx.actor.name, async (w) => {
      for (const i of input.incidentIds) await mustExistIn(w, 'incident', i)
      return w.updatePerson(id, input, sealed)
    }),
    'person',
    id,
  )
  return revealPerson(ctx, person)
}

export async function getPerson(ctx: Context, id: number): Promise<PersonView> {
  return revealPerson(ctx, await mustExist(ctx.store.persons.get(id), 'person', id))
}

export async function listPersons(ctx: Context, filter: PersonFilter, page: PageRequest): Promise<Page<PersonView>> {
  const p = await ctx.store.persons.list(filter, page)
  return { ...p, items: p.items.map((x) => revealPerson(ctx, x)) }
}
