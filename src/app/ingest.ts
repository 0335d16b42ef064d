// Documents in: the original bytes kept with their SHA-256, the clean text stored, and what
// extraction finds stored as draft claims for review. Nothing extracted is applied to an
// incident or a person until a reviewer accepts it (with the subject it is about).
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import { TallyError, isEdtf, sha256Hex, type DocumentRecord, type Source, type SourceKind } from '../domain/index.js'
import { intakeDocument, type DocumentIntake, type LanguageCode } from '../intake/index.js'
import type { Context } from './context.js'
import { SEAL, seal, sealFields } from './protect.js'
import { sealDocument } from './records.js'

export interface IngestOptions {
  file: string
  /** The source that published the document; created (reliability F, to be judged) if new. */
  source?: string
  language?: 'en' | 'fr' | 'ar'
  /** EDTF publication date, when the document does not say it (or says it without a year). */
  published?: string
  /**
   * Testimony that could identify its witness: text, original bytes and claim quotes are sealed,
   * and the speakers it names become sources known by a pseudonym, their names sealed.
   */
  protected?: boolean
}

export interface IngestResult {
  document: DocumentRecord
  /** False when the same bytes were ingested before: nothing was written. */
  created: boolean
  drafts: number
  speakers: Source[]
  notes: string[]
}

function decode(bytes: Buffer, file: string): string {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    throw new TallyError('bad_input', `${file} is not UTF-8 text: save it as UTF-8 and try again`)
  }
  // Text never holds NUL (and PostgreSQL cannot store it): such a file is not a text document.
  if (text.includes('\u0000')) throw new TallyError('bad_input', `${file} contains NUL bytes: it is not a text document`)
  return text
}

/** Reads and extracts a document without storing anything (`tally extract`). */
export async function extractFile(file: string, options: { language?: LanguageCode; published?: string } = {}): Promise<DocumentIntake> {
  let bytes: Buffer
  try {
    bytes = await readFile(file)
  } catch {
    throw new TallyError('bad_input', `cannot read ${file}`)
  }
  if (options.published !== undefined && !isEdtf(options.published)) throw new TallyError('bad_input', `--published "${options.published}" is not an EDTF date`)
  return intakeDocument(decode(bytes, file), { language: options.language, publishedDate: options.published })
}

async function findOrCreateSource(ctx: Context, name: string, kind: SourceKind, description: string, sealed: string | null = null): Promise<Source> {
  const existing = await ctx.store.sources.findByName(name)
  if (existing) return existing
  return ctx.store.write(ctx.actor.name, (w) => w.createSource({ kind, name, reliability: 'F', description }, sealed))
}

/**
 * Ingests one document file: stores it (a no-op for bytes already stored), creates candidate
 * sources for the speakers it quotes, and stores every extracted claim as a draft.
 */
export async function ingestDocument(ctx: Context, o: IngestOptions): Promise<IngestResult> {
  let bytes: Buffer
  try {
    bytes = await readFile(o.file)
  } catch {
    throw new TallyError('bad_input', `cannot read ${o.file}`)
  }
  const existing = await ctx.store.documents.findBySha256(sha256Hex(bytes))
  if (existing) return { document: existing, created: false, drafts: 0, speakers: [], notes: [] }
  const { document, extraction } = await extractFile(o.file, { language: o.language, published: o.published })
  const notes: string[] = []
  if (document.publishedDate) notes.push(`publication date ${document.publishedDate.edtf}: ${document.publishedDate.note}`)
  const published = o.published ?? (document.publishedDate && isEdtf(document.publishedDate.edtf) ? document.publishedDate.edtf : undefined)
  const sourceName = o.source ?? document.outlet ?? 'Unattributed documents'
  const publisher = await findOrCreateSource(ctx, sourceName, 'media', 'Created on ingest; reliability to be judged by a reviewer.')
  const language = o.language ?? (extraction.language === 'und' ? 'en' : extraction.language)
  if (!o.language && extraction.language === 'und') notes.push('language not recognised: stored as en; give --lang to correct')

  const speakers = new Map<string, Source>()
  const sealedDocument = o.protected ? sealDocument(ctx, document.text, bytes) : undefined
  for (const s of o.protected ? extraction.speakers : []) {
    // Known to readers without clearance only as "witness N of protected testimony <hash>".
    const name = `witness ${speakers.size + 1} of protected testimony ${sha256Hex(bytes).slice(0, 10)}`
    const sealed = sealFields(ctx, SEAL.source, { identity: s.name, ...(s.role ? { notes: `quoted as: ${s.role}` } : {}) })
    speakers.set(s.id, await findOrCreateSource(ctx, name, s.sourceKind ?? 'witness', 'Candidate source quoted in protected testimony; identity sealed.', sealed))
  }
  for (const s of o.protected ? [] : extraction.speakers) {
    const description = `Candidate source quoted in "${document.title ?? basename(o.file)}"${s.role ? `: ${s.role}` : ''}. Identity, if any, withheld until reviewed.`
    const name = s.named ? s.name : `${s.name} (${document.title ?? basename(o.file)})`
    speakers.set(s.id, await findOrCreateSource(ctx, name.slice(0, 300), s.sourceKind ?? 'witness', description))
  }

  const stored = await ctx.store.write(ctx.actor.name, async (w) => {
    const doc = await w.createDocument(
      {
        sourceId: publisher.id,
        kind: 'article',
        // A protected testimony's title and author could name the witness: they are not kept in the clear.
        title: o.protected ? `protected testimony ${sha256Hex(bytes).slice(0, 10)}` : (document.title ?? basename(o.file)).slice(0, 1000),
        language,
        author: o.protected ? undefined : (document.author ?? undefined),
        publishedDate: published,
        text: document.text,
        protected: o.protected ?? false,
      },
      bytes,
      sealedDocument,
    )
    for (const c of extraction.claims) {
      // Provenance that can be checked: the span is the quote, in the text stored.
      if (document.text.slice(c.start, c.end) !== c.quote) throw new TallyError('internal', `extraction span ${c.start}..${c.end} does not match its quote`)
      await w.createClaim({
        documentId: doc.id,
        sourceId: c.speakerId === null ? publisher.id : (speakers.get(c.speakerId)?.id ?? publisher.id),
        start: c.start,
        end: c.end,
        quote: c.quote,
        // Drafts are about no incident or person yet: the reviewer assigns one when accepting.
        subject: { kind: 'unassigned' },
        assertion: c.assertion,
        credibility: 6,
        status: 'draft',
        extractedBy: c.extractedBy,
        // Notes are not sealed: for protected testimony they carry no words of it.
        note: o.protected ? `event ${c.eventId}` : `event ${c.eventId} (${c.subject})${c.note ? `: ${c.note}` : ''}`,
      }, o.protected ? seal(ctx, SEAL.claimQuote, c.quote) : null)
    }
    return doc
  })
  return { document: stored, created: true, drafts: extraction.claims.length, speakers: [...speakers.values()], notes }
}
