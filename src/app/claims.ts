// Claims: one assertion in a document, tied to the exact words that make it and to who asserts
// it. Accepting or rejecting a claim re-grades what it is about, in the same transaction.
import { TallyError, type ClaimInputParsed, type ClaimSubject, type ClaimStatus } from '../domain/index.js'
import type { ClaimFilter, Page, PageRequest, Writer } from '../store/index.js'
import type { Context } from './context.js'
import { regradeIncident, regradePerson } from './grading.js'
import { SEAL, claimQuote, documentText, revealClaim, seal, type ClaimView } from './protect.js'

interface CheckedClaim {
  input: ClaimInputParsed & { sourceId: number }
  /** The quote sealed, when the document is protected testimony. */
  sealedQuote: string | null
}

async function checkClaim(ctx: Context, w: Writer, input: ClaimInputParsed): Promise<CheckedClaim> {
  const doc = await w.read.documents.get(input.documentId)
  if (!doc) throw new TallyError('not_found', `document ${input.documentId} does not exist`)
  // The span must be the quote, character for character: provenance that can be checked.
  const span = (await documentText(ctx, doc, w.read)).slice(input.start, input.end)
  if (span !== input.quote) {
    // Protected testimony is never quoted back, not even in an error.
    const shown = doc.protected ? 'withheld (protected testimony)' : `"${span.slice(0, 80)}"`
    throw new TallyError('bad_input', `the quote does not match document ${doc.id} at ${input.start}..${input.end}`, [
      { path: 'quote', message: `text.slice(start, end) is ${shown}` },
    ])
  }
  const sourceId = input.sourceId ?? doc.sourceId
  if (!(await w.exists('source', sourceId))) throw new TallyError('not_found', `source ${sourceId} does not exist`)
  switch (input.subject.kind) {
    case 'incident':
      if (!(await w.exists('incident', input.subject.incidentId))) throw new TallyError('not_found', `incident ${input.subject.incidentId} does not exist`)
      break
    case 'person':
      if (!(await w.exists('person', input.subject.personId))) throw new TallyError('not_found', `person ${input.subject.personId} does not exist`)
      break
    case 'unassigned':
      break
  }
  return { input: { ...input, sourceId }, sealedQuote: doc.protected ? seal(ctx, SEAL.claimQuote, input.quote) : null }
}

async function regrade(w: Writer, subject: ClaimSubject): Promise<void> {
  switch (subject.kind) {
    case 'incident':
      await regradeIncident(w, subject.incidentId)
      return
    case 'person':
      await regradePerson(w, subject.personId)
      return
    case 'unassigned':
      return
  }
}

/** Records a claim (a draft unless stated otherwise); an accepted claim re-grades its subject. */
export async function addClaim(ctx: Context, input: ClaimInputParsed): Promise<ClaimView> {
  const claim = await ctx.store.write(ctx.actor.name, async (w) => {
    const checked = await checkClaim(ctx, w, input)
    const claim = await w.createClaim(checked.input, checked.sealedQuote)
    if (claim.status === 'accepted') await regrade(w, claim.subject)
    return claim
  })
  return revealClaim(ctx, claim)
}

/**
 * Edits a claim (its subject, value, span, credibility or status). Both the old and the new
 * subject are re-graded, so moving an accepted claim from one incident to another is honest.
 */
export async function editClaim(ctx: Context, id: number, input: ClaimInputParsed): Promise<ClaimView> {
  const claim = await ctx.store.write(ctx.actor.name, async (w) => {
    const before = await w.read.claims.get(id)
    if (!before) throw new TallyError('not_found', `claim ${id} does not exist`)
    const checked = await checkClaim(ctx, w, input)
    const claim = await w.updateClaim(id, checked.input, checked.sealedQuote)
    if (!claim) throw new TallyError('not_found', `claim ${id} does not exist`)
    await regrade(w, before.subject)
    if (JSON.stringify(before.subject) !== JSON.stringify(claim.subject)) await regrade(w, claim.subject)
    return claim
  })
  return revealClaim(ctx, claim)
}

/** Accepts or rejects a claim, optionally with edits made by the reviewer, and re-grades. */
export async function reviewClaim(ctx: Context, id: number, status: Exclude<ClaimStatus, 'draft'>, edits: Partial<ClaimInputParsed> = {}): Promise<ClaimView> {
  const before = await ctx.store.claims.get(id)
  if (!before) throw new TallyError('not_found', `claim ${id} does not exist`)
  const merged: ClaimInputParsed = {
    documentId: before.documentId,
    sourceId: before.sourceId,
    start: before.start,
    end: before.end,
    quote: claimQuote(ctx, before),
    subject: before.subject,
    assertion: before.assertion,
    credibility: before.credibility,
    extractedBy: before.extractedBy,
    note: before.note ?? undefined,
    ...edits,
    status,
  }
  if (status === 'accepted' && merged.subject.kind === 'unassigned') {
    throw new TallyError('bad_input', `claim ${id} is not about any incident or person yet: assign a subject before accepting it`, [
      { path: 'subject', message: 'required to accept' },
    ])
  }
  return editClaim(ctx, id, merged)
}

export async function getClaim(ctx: Context, id: number): Promise<ClaimView> {
  const c = await ctx.store.claims.get(id)
  if (!c) throw new TallyError('not_found', `claim ${id} does not exist`)
  return revealClaim(ctx, c)
}

export async function listClaims(ctx: Context, filter: ClaimFilter, page: PageRequest): Promise<Page<ClaimView>> {
  const p = await ctx.store.claims.list(filter, page)
  return { ...p, items: p.items.map((c) => revealClaim(ctx, c)) }
}
