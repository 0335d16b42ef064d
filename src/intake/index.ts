// Intake: documents (plain text, HTML) → clean text and draft claims with spans; casualty lists
// (CSV, JSON) → normalised rows. Pure: no storage, no network. The app layer stores the results.
import type { ClaimInput } from '../domain/index.js'
import { cleanHtml, cleanText, type CleanDocument } from './document.js'
import { extractClaims, type DraftClaim, type ExtractOptions, type Extraction } from './extract.js'

export { cleanText, cleanHtml, toOriginalOffset, readDateLine, readByline } from './document.js'
export type { CleanDocument, Segment, Removal, RemovalReason, PublishedDate } from './document.js'
export { detectLanguage } from './language.js'
export type { LanguageCode, LanguageGuess } from './language.js'
export { extractClaims, EXTRACTOR } from './extract.js'
export type { Extraction, ExtractOptions, Mention, Speaker, DraftClaim, Span, Modality } from './extract.js'
export { findDates } from './when.js'
export type { DateFound } from './when.js'
export { findCounts } from './counts.js'
export type { CountFound } from './counts.js'
export { lookupPlace, loadGazetteer, toPlace } from './gazetteer.js'
export type { GazetteerEntry } from './gazetteer.js'
export { foldDigits, monthNumber } from './calendar.js'
export { readList, normaliseRow } from './lists/read.js'
export type { ListRow, ListFormat, ReadListOptions } from './lists/read.js'
export { guessColumns, normaliseHeader, LIST_FIELDS } from './lists/columns.js'
export type { ListField } from './lists/columns.js'
export { sniffEncoding, isUtf8 } from './lists/encoding.js'
export type { ListEncoding, EncodingGuess } from './lists/encoding.js'
export { parseAge, parseSex, parseDeathDate } from './lists/fields.js'
export type { AgeRange, CellResult } from './lists/fields.js'

/** How a document's bytes were given. */
export type DocumentFormat = 'text' | 'html'

/**
 * Cleans a document given as text or HTML (guessed from its first tags when `format` is omitted).
 *
 * @example readDocument('<html><body><p>...</p></body></html>').text
 */
export function readDocument(input: string, format?: DocumentFormat): CleanDocument {
  const f = format ?? (/^\s*(?:<!doctype html|<html|<head|<body)|<(?:p|div|article)[\s>]/i.test(input.slice(0, 2000)) ? 'html' : 'text')
  return f === 'html' ? cleanHtml(input) : cleanText(input)
}

/** A cleaned document and what was extracted from it. */
export interface DocumentIntake {
  document: CleanDocument
  extraction: Extraction
}

/**
 * Cleans a document and extracts from its clean text, using its own publication date and language
 * unless `options` gives them (give `publishedDate` when the page prints no year).
 *
 * @example
 * const { document, extraction } = intakeDocument(readFileSync('article.txt', 'utf8'), { publishedDate: '2014-12-25' })
 * extraction.claims.every((c) => document.text.slice(c.start, c.end) === c.quote) // true
 */
export function intakeDocument(input: string, options: ExtractOptions & { format?: DocumentFormat } = {}): DocumentIntake {
  const document = readDocument(input, options.format)
  const language = options.language ?? (document.language.language === 'und' ? undefined : document.language.language)
  const publishedDate = options.publishedDate ?? document.publishedDate?.edtf
  const opts: ExtractOptions = {}
  if (language !== undefined) opts.language = language
  if (publishedDate !== undefined) opts.publishedDate = publishedDate
  return { document, extraction: extractClaims(document.text, opts) }
}

/**
 * A draft claim as the domain's ClaimInput, unassigned to any incident or person yet (the reviewer
 * or the app groups claims by `eventId` into incidents). `sourceId` is the stored source of the
 * claim's speaker, when the app made one; otherwise the document's source applies.
 *
 * @example toClaimInput(extraction.claims[0], 42, new Map([['s3', 7]]))
 */
export function toClaimInput(draft: DraftClaim, documentId: number, sourceIds: ReadonlyMap<string, number> = new Map()): ClaimInput {
  const sourceId = draft.speakerId === null ? undefined : sourceIds.get(draft.speakerId)
  const note = [`event ${draft.eventId}`, draft.subject === 'person' ? 'about the victim' : null, draft.note].filter((x) => x !== null).join('; ')
  const claim: ClaimInput = {
    documentId,
    start: draft.start,
    end: draft.end,
    quote: draft.quote,
    subject: { kind: 'unassigned' },
    assertion: draft.assertion,
    credibility: 6,
    status: 'draft',
    extractedBy: draft.extractedBy,
    note: note.slice(0, 5000),
  }
  if (sourceId !== undefined) claim.sourceId = sourceId
  return claim
}
