// The data model of DESIGN.md as zod schemas (validation at the edges) and the plain types the
// rest of the code uses. Inputs are what a user or file supplies; records are what the store
// returns (inputs plus ids and derived fields).
import { z } from 'zod'
import { isEdtf } from './dates.js'

// ---------------------------------------------------------------- shared pieces

/** An EDTF date string ("2014-12-25", "2014-12~", "2014-06/2014-12", "2015?"). */
export const EdtfString = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .refine(isEdtf, { message: 'not an EDTF date (examples: 2014-12-25, 2014-12~, 2014-06/2014-12)' })

const Text = (max: number) => z.string().trim().min(1).max(max)

/** ISO 3166-1 alpha-2 country code, upper case. */
export const CountryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code such as MA or SY' })

/** A place: gazetteer id (GeoNames) when resolved, name as given, country, coordinates if known. */
export const Place = z.object({
  name: Text(200),
  gazetteerId: z.string().max(40).nullish(),
  country: CountryCode.nullish(),
  admin1: z.string().max(200).nullish(),
  lat: z.number().min(-90).max(90).nullish(),
  lon: z.number().min(-180).max(180).nullish(),
})
export type Place = z.infer<typeof Place>

// ---------------------------------------------------------------- protected fields

/**
 * Identity and contact details of witnesses, family members and source contacts, and notes about
 * them: encrypted at rest, shown only to roles with clearance, never exported, logged or indexed.
 */
export const ProtectedFields = z.object({
  /** The person's real name, where the display name is a pseudonym. */
  identity: z.string().trim().max(1000).optional(),
  /** Phone, address, messenger handle: how to reach them. */
  contact: z.string().trim().max(2000).optional(),
  notes: z.string().trim().max(20_000).optional(),
})
export type ProtectedFields = z.infer<typeof ProtectedFields>

// ---------------------------------------------------------------- sources

export const SOURCE_KINDS = [
  'organisation',
  'media',
  'witness',
  'family',
  'official',
  'armed_group_channel',
  'social_account',
] as const
export const SourceKind = z.enum(SOURCE_KINDS)
export type SourceKind = z.infer<typeof SourceKind>

/**
 * Admiralty (NATO) source reliability: A completely reliable, B usually reliable, C fairly
 * reliable, D not usually reliable, E unreliable, F reliability cannot be judged.
 */
export const Reliability = z.enum(['A', 'B', 'C', 'D', 'E', 'F'])
export type Reliability = z.infer<typeof Reliability>

export const SourceInput = z.object({
  kind: SourceKind,
  /** Display name. For witnesses and family members this is a pseudonym or role, never an identity. */
  name: Text(300),
  reliability: Reliability,
  /**
   * Sources that share an origin (two outlets quoting the same observatory) share a group and
   * count once when grading. Defaults to the source's own name.
   */
  independenceGroup: Text(300).optional(),
  description: z.string().trim().max(5000).optional(),
  url: z.string().url().max(2000).optional(),
  /** Encrypted at rest; shown only to roles with clearance. Omitted on update: left as it was. */
  protected: ProtectedFields.optional(),
})
export type SourceInput = z.infer<typeof SourceInput>

export interface Source {
  id: number
  kind: SourceKind
  name: string
  reliability: Reliability
  independenceGroup: string
  description: string | null
  url: string | null
  createdAt: string
  updatedAt: string
  /**
   * The protected fields as stored: sealed (AES-256-GCM), or null. The store's form only: app/
   * replaces it with `protected` for readers with clearance and drops it for everyone else.
   */
  sealed: string | null
}

// ---------------------------------------------------------------- documents

export const DOCUMENT_KINDS = ['article', 'testimony', 'list_file', 'post', 'report'] as const
export const DocumentKind = z.enum(DOCUMENT_KINDS)
export type DocumentKind = z.infer<typeof DocumentKind>

export const DocumentInput = z.object({
  sourceId: z.number().int().positive(),
  kind: DocumentKind,
  title: Text(1000),
  /** ISO 639-1 language code of the text. */
  language: z.string().regex(/^[a-z]{2}$/, { message: 'language must be an ISO 639-1 code such as en, fr, ar' }),
  author: z.string().trim().max(500).optional(),
  publishedDate: EdtfString.optional(),
  /** When the document was obtained; defaults to now. */
  retrievedAt: z.iso.datetime({ offset: true }).optional(),
  url: z.string().url().max(2000).optional(),
  /** Clean text: what claims' spans point into. */
  text: z.string().min(1).max(5_000_000),
  /**
   * Testimony whose text could identify the witness: its text, original bytes and the quotes of
   * claims on it are encrypted at rest and shown only to roles with clearance.
   */
  protected: z.boolean().optional(),
})
export type DocumentInput = z.infer<typeof DocumentInput>

export interface DocumentRecord {
  id: number
  sourceId: number
  kind: DocumentKind
  title: string
  language: string
  author: string | null
  publishedDate: string | null
  retrievedAt: string
  url: string | null
  text: string
  /** SHA-256 (hex) of the original bytes as received. */
  sha256: string
  createdAt: string
  /** Protected testimony: `text` is empty in the store's form; app/ reveals it to cleared roles. */
  protected: boolean
}

// ---------------------------------------------------------------- incidents, acts, persons

export const INCIDENT_TYPES = [
  'execution',
  'killing',
  'disappearance',
  'detention',
  'abduction',
  'torture',
  'attack',
  'other',
] as const
export const IncidentType = z.enum(INCIDENT_TYPES)
export type IncidentType = z.infer<typeof IncidentType>

/** Verification grades, best first. See docs/METHOD.md. */
export const GRADES = ['confirmed', 'fair', 'contested', 'weak', 'discounted'] as const
export const Grade = z.enum(GRADES)
export type Grade = z.infer<typeof Grade>

/** Grades counted as documented ("fair or better"). Everything not discounted is reported. */
export const DOCUMENTED_GRADES: readonly Grade[] = ['confirmed', 'fair']

export const IncidentInput = z
  .object({
    type: IncidentType,
    title: Text(500),
    description: z.string().trim().max(20_000).optional(),
    date: EdtfString.optional(),
    place: Place.optional(),
    perpetrator: z.string().trim().max(300).optional(),
    victimsMin: z.number().int().min(0).optional(),
    victimsMax: z.number().int().min(0).optional(),
  })
  .refine((i) => i.victimsMin === undefined || i.victimsMax === undefined || i.victimsMin <= i.victimsMax, {
    message: 'victimsMin must not exceed victimsMax',
    path: ['victimsMax'],
  })
export type IncidentInput = z.infer<typeof IncidentInput>

export const GradeOverride = z.object({
  grade: Grade,
  reason: Text(2000),
})
export type GradeOverride = z.infer<typeof GradeOverride>

export interface Incident {
  id: number
  type: IncidentType
  title: string
  description: string | null
  date: string | null
  dateEarliest: string | null
  dateLatest: string | null
  place: Place | null
  perpetrator: string | null
  victimsMin: number | null
  victimsMax: number | null
  /** Grade derived from accepted claims by gradeIncident. */
  computedGrade: Grade
  /** A reviewer's grade, when set; it wins over the computed one. */
  gradeOverride: { grade: Grade; reason: string; by: string; at: string } | null
  /** The grade that counts: the override when present, otherwise the computed grade. */
  grade: Grade
  createdAt: string
  updatedAt: string
}

export const ACT_KINDS = [
  'killing',
  'execution',
  'torture',
  'abduction',
  'detention',
  'disappearance',
  'injury',
  'threat',
] as const
export const ActKind = z.enum(ACT_KINDS)
export type ActKind = z.infer<typeof ActKind>

export const INVOLVEMENTS = ['direct', 'ordered', 'complicit', 'alleged', 'unknown'] as const

export const ActInput = z
  .object({
    incidentId: z.number().int().positive(),
    kind: ActKind,
    /** The named victim; omit for unnamed victims and give victimCount. */
    personId: z.number().int().positive().optional(),
    victimCount: z.number().int().min(1).optional(),
    perpetrator: z.string().trim().max(300).optional(),
    involvement: z.enum(INVOLVEMENTS).default('alleged'),
  })
  .refine((a) => (a.personId === undefined) !== (a.victimCount === undefined), {
    message: 'an act has either one named victim (personId) or a count of unnamed victims (victimCount)',
    path: ['personId'],
  })
export type ActInput = z.infer<typeof ActInput>

export interface Act {
  id: number
  incidentId: number
  kind: ActKind
  personId: number | null
  victimCount: number | null
  perpetrator: string | null
  involvement: (typeof INVOLVEMENTS)[number]
  createdAt: string
}

export const SEXES = ['male', 'female', 'unknown'] as const
export const Sex = z.enum(SEXES)
export type Sex = z.infer<typeof Sex>

export const FATES = ['killed', 'disappeared', 'detained', 'injured', 'alive', 'unknown'] as const
export const Fate = z.enum(FATES)
export type Fate = z.infer<typeof Fate>

export const CAUSES = [
  'execution',
  'killed_in_combat',
  'suicide_operation',
  'airstrike',
  'shelling',
  'shooting',
  'torture',
  'explosive',
  'other',
  'unknown',
] as const
export const Cause = z.enum(CAUSES)
export type Cause = z.infer<typeof Cause>

export const PersonName = z.object({
  value: Text(300),
  /** Writing system of the name: Arabic or Latin script. */
  script: z.enum(['arab', 'latn', 'other']).default('latn'),
})
export type PersonName = z.infer<typeof PersonName>

export const PersonInput = z
  .object({
    /** The name the record is known by; may be a description such as "the butcher's son". */
    name: Text(300),
    nameVariants: z.array(PersonName).max(50).default([]),
    sex: Sex.default('unknown'),
    ageMin: z.number().int().min(0).max(130).optional(),
    ageMax: z.number().int().min(0).max(130).optional(),
    nationality: CountryCode.optional(),
    origin: Place.optional(),
    affiliation: z.string().trim().max(300).optional(),
    fate: Fate.default('unknown'),
    dateOfDeath: EdtfString.optional(),
    placeOfDeath: Place.optional(),
    cause: Cause.optional(),
    incidentIds: z.array(z.number().int().positive()).max(1000).default([]),
    /** The family's identity and contact, and notes: encrypted at rest, for roles with clearance. */
    protected: ProtectedFields.optional(),
  })
  .refine((p) => p.ageMin === undefined || p.ageMax === undefined || p.ageMin <= p.ageMax, {
    message: 'ageMin must not exceed ageMax',
    path: ['ageMax'],
  })
export type PersonInput = z.input<typeof PersonInput>
export type PersonInputParsed = z.output<typeof PersonInput>

export interface Person {
  id: number
  name: string
  nameVariants: PersonName[]
  sex: Sex
  ageMin: number | null
  ageMax: number | null
  nationality: string | null
  origin: Place | null
  affiliation: string | null
  fate: Fate
  dateOfDeath: string | null
  deathEarliest: string | null
  deathLatest: string | null
  placeOfDeath: Place | null
  cause: Cause | null
  incidentIds: number[]
  /** Sealed protected fields (the store's form; see Source.sealed). */
  sealed: string | null
  /** Grade derived from accepted claims about the person (and their incidents' grades). */
  grade: Grade
  createdAt: string
  updatedAt: string
}

// ---------------------------------------------------------------- claims

/**
 * Admiralty (NATO) information credibility: 1 confirmed by other sources, 2 probably true,
 * 3 possibly true, 4 doubtful, 5 improbable, 6 truth cannot be judged.
 */
export const Credibility = z.number().int().min(1).max(6)
export type Credibility = 1 | 2 | 3 | 4 | 5 | 6

export const CountValue = z
  .object({
    min: z.number().int().min(0),
    max: z.number().int().min(0).nullable(),
    counted: Text(300),
  })
  .refine((c) => c.max === null || c.min <= c.max, { message: 'min must not exceed max', path: ['max'] })

/** What a claim asserts, by field: a tagged union so each field carries a value of its own type. */
export const Assertion = z.discriminatedUnion('field', [
  z.object({ field: z.literal('type'), value: IncidentType }),
  z.object({ field: z.literal('cause'), value: Cause }),
  z.object({ field: z.literal('perpetrator'), value: Text(300) }),
  z.object({ field: z.literal('fate'), value: Fate }),
  z.object({ field: z.literal('date'), value: EdtfString }),
  z.object({ field: z.literal('place'), value: Place }),
  z.object({ field: z.literal('count'), value: CountValue }),
  z.object({ field: z.literal('victim_name'), value: Text(300) }),
  z.object({ field: z.literal('sex'), value: Sex }),
  z.object({ field: z.literal('age'), value: z.object({ min: z.number().int().min(0), max: z.number().int().min(0) }) }),
  z.object({ field: z.literal('nationality'), value: CountryCode }),
  z.object({ field: z.literal('affiliation'), value: Text(300) }),
  z.object({ field: z.literal('circumstance'), value: Text(2000) }),
])
export type Assertion = z.infer<typeof Assertion>
export type ClaimField = Assertion['field']
export const CLAIM_FIELDS = Assertion.options.map((o) => o.shape.field.value) as readonly ClaimField[]

/** What a claim is about. */
export const ClaimSubject = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('incident'), incidentId: z.number().int().positive() }),
  z.object({ kind: z.literal('person'), personId: z.number().int().positive() }),
  z.object({ kind: z.literal('unassigned') }),
])
export type ClaimSubject = z.infer<typeof ClaimSubject>

export const CLAIM_STATUSES = ['draft', 'accepted', 'rejected'] as const
export const ClaimStatus = z.enum(CLAIM_STATUSES)
export type ClaimStatus = z.infer<typeof ClaimStatus>

export const ClaimInput = z
  .object({
    documentId: z.number().int().positive(),
    /** Who asserts it: a speaker quoted in the document. Defaults to the document's source. */
    sourceId: z.number().int().positive().optional(),
    /** The quoted span: text.slice(start, end) === quote. */
    start: z.number().int().min(0),
    end: z.number().int().min(0),
    quote: z.string().min(1).max(20_000),
    subject: ClaimSubject,
    assertion: Assertion,
    credibility: Credibility.default(6),
    status: ClaimStatus.default('draft'),
    extractedBy: Text(200),
    note: z.string().trim().max(5000).optional(),
  })
  .refine((c) => c.start < c.end, { message: 'start must be before end', path: ['end'] })
export type ClaimInput = z.input<typeof ClaimInput>
export type ClaimInputParsed = z.output<typeof ClaimInput>

export interface Claim {
  id: number
  documentId: number
  sourceId: number
  start: number
  end: number
  quote: string
  /** For a claim on a protected document: the quote sealed, and `quote` empty (the store's form). */
  sealedQuote: string | null
  subject: ClaimSubject
  assertion: Assertion
  credibility: Credibility
  status: ClaimStatus
  extractedBy: string
  note: string | null
  createdAt: string
  updatedAt: string
}

// ---------------------------------------------------------------- lists

export const ListInput = z.object({
  name: Text(200),
  /** The organisation that keeps the list. */
  sourceId: z.number().int().positive().optional(),
  description: z.string().trim().max(5000).optional(),
})
export type ListInput = z.infer<typeof ListInput>

export interface CasualtyList {
  id: number
  name: string
  sourceId: number | null
  description: string | null
  createdAt: string
}

export const ListRecordInput = z.object({
  /** Row number in the file (1 = first data row), for error reports and resumable imports. */
  rowNumber: z.number().int().min(1),
  recordKey: z.string().max(200).optional(),
  raw: z.record(z.string(), z.string()),
  fullName: z.string().max(500).optional(),
  givenName: z.string().max(300).optional(),
  familyName: z.string().max(300).optional(),
  sex: Sex.optional(),
  ageMin: z.number().int().min(0).max(130).optional(),
  ageMax: z.number().int().min(0).max(130).optional(),
  dateOfDeath: EdtfString.optional(),
  place: z.string().max(300).optional(),
})
export type ListRecordInput = z.infer<typeof ListRecordInput>

export interface ListRecord {
  id: number
  listId: number
  rowNumber: number
  recordKey: string | null
  raw: Record<string, string>
  fullName: string | null
  givenName: string | null
  familyName: string | null
  sex: Sex | null
  ageMin: number | null
  ageMax: number | null
  dateOfDeath: string | null
  place: string | null
  personId: number | null
}

// ---------------------------------------------------------------- users and audit

export const ROLES = ['admin', 'reviewer', 'documenter', 'analyst', 'viewer'] as const
export const Role = z.enum(ROLES)
export type Role = z.infer<typeof Role>

export interface User {
  id: number
  username: string
  role: Role
  disabled: boolean
  createdAt: string
}

/** An append-only, hash-chained record of one change. See src/domain/audit.ts. */
export interface AuditEvent {
  seq: number
  at: string
  actor: string
  action: string
  entityType: string
  entityId: string
  /** SHA-256 of the canonical JSON of the change (never the change itself: it may be protected). */
  digest: string
  prevHash: string
  hash: string
}
