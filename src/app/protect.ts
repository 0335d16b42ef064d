// Protected fields between the store (which holds them sealed) and the reader (who sees them only
// with clearance). Every record that can carry protected data goes out through one of the
// `reveal*` functions here; nothing else turns a sealed value back into text.
import { TallyError, type Claim, type DocumentRecord, type Person, type ProtectedFields, type Source } from '../domain/index.js'
import { hasClearance } from '../security/index.js'
import type { Reader } from '../store/index.js'
import type { Context } from './context.js'

/**
 * Seal contexts: the column a value belongs to ("table.column", as in the store's
 * SEALED_COLUMNS), bound into the ciphertext. Key rotation derives the same names.
 */
export const SEAL = {
  source: 'source.protected_data',
  person: 'person.protected_data',
  documentText: 'document.protected_text',
  documentOriginal: 'document.protected_original',
  claimQuote: 'claim.protected_quote',
} as const

function sealer(ctx: Context) {
  if (!ctx.sealer) {
    throw new TallyError('unavailable', 'protected fields need the data key, and no key file is configured (set TALLY_KEY_FILE; `tally init` creates one)')
  }
  return ctx.sealer
}

/** Seals a text for a column. */
export function seal(ctx: Context, context: string, plaintext: string): string {
  return sealer(ctx).encrypt(plaintext, context)
}

/** Opens a sealed text, whoever asks: for use inside use cases only, never to answer a reader. */
export function unseal(ctx: Context, context: string, sealed: string): string {
  return sealer(ctx).decrypt(sealed, context)
}

/** Seals protected fields; null when there are none. */
export function sealFields(ctx: Context, context: string, fields: ProtectedFields | undefined): string | null {
  if (fields === undefined) return null
  const present = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== ''))
  return Object.keys(present).length === 0 ? null : seal(ctx, context, JSON.stringify(present))
}

/** True when the acting role may read protected fields. */
export function cleared(ctx: Context): boolean {
  return hasClearance(ctx.actor.role)
}

/**
 * What a reader sees of protected fields: the fields themselves with clearance (and the key);
 * without clearance, nothing but whether there are any.
 */
export interface Revealed {
  hasProtected: boolean
  protected?: ProtectedFields
}

function revealFields(ctx: Context, context: string, sealed: string | null): Revealed {
  if (sealed === null) return { hasProtected: false }
  if (!cleared(ctx) || !ctx.sealer) return { hasProtected: true }
  return { hasProtected: true, protected: JSON.parse(ctx.sealer.decrypt(sealed, context)) as ProtectedFields }
}

export type SourceView = Omit<Source, 'sealed'> & Revealed
export type PersonView = Omit<Person, 'sealed'> & Revealed
export type DocumentView = DocumentRecord & { textWithheld?: boolean }
export type ClaimView = Omit<Claim, 'sealedQuote'> & { quoteWithheld?: boolean }

export function revealSource(ctx: Context, s: Source): SourceView {
  const { sealed, ...rest } = s
  return { ...rest, ...revealFields(ctx, SEAL.source, sealed) }
}

export function revealPerson(ctx: Context, p: Person): PersonView {
  const { sealed, ...rest } = p
  return { ...rest, ...revealFields(ctx, SEAL.person, sealed) }
}

/** A document; the text of protected testimony only with clearance. */
export async function revealDocument(ctx: Context, d: DocumentRecord, withText = true): Promise<DocumentView> {
  if (!d.protected) return withText ? d : { ...d, text: '' }
  if (!withText || !cleared(ctx) || !ctx.sealer) return { ...d, text: '', textWithheld: true }
  const sealed = await ctx.store.documents.sealed(d.id)
  return { ...d, text: sealed ? ctx.sealer.decrypt(sealed.text, SEAL.documentText) : '' }
}

/**
 * The text claims point into, for checks inside use cases (protected text is opened with the
 * key). Inside a write, pass the writer's reader: on SQLite the one connection is the writer's.
 */
export async function documentText(ctx: Context, d: DocumentRecord, reader: Pick<Reader, 'documents'> = ctx.store): Promise<string> {
  if (!d.protected) return d.text
  const sealed = await reader.documents.sealed(d.id)
  if (!sealed) throw new TallyError('internal', `document ${d.id} is marked protected but holds no sealed text`)
  return unseal(ctx, SEAL.documentText, sealed.text)
}

/** The claim's quote in the clear, for use cases (never sent to a reader without clearance). */
export function claimQuote(ctx: Context, c: Claim): string {
  return c.sealedQuote === null ? c.quote : unseal(ctx, SEAL.claimQuote, c.sealedQuote)
}

export function revealClaim(ctx: Context, c: Claim): ClaimView {
  const { sealedQuote, ...rest } = c
  if (sealedQuote === null) return rest
  if (!cleared(ctx) || !ctx.sealer) return { ...rest, quote: '', quoteWithheld: true }
  return { ...rest, quote: ctx.sealer.decrypt(sealedQuote, SEAL.claimQuote) }
}
