// Branded integer ids: each is the positive integer primary key of its table. The brand stops a
// PersonId being passed where an IncidentId is expected; at run time they are plain numbers.

declare const brand: unique symbol
type Brand<T, B extends string> = T & { readonly [brand]: B }

/** Row id of a source (who asserts things). */
export type SourceId = Brand<number, 'SourceId'>
/** Row id of a document (one piece of evidence). */
export type DocumentId = Brand<number, 'DocumentId'>
/** Row id of a claim (one assertion found in a document). */
export type ClaimId = Brand<number, 'ClaimId'>
/** Row id of an incident. */
export type IncidentId = Brand<number, 'IncidentId'>
/** Row id of an act (who did what to whom inside an incident). */
export type ActId = Brand<number, 'ActId'>
/** Row id of a person (a victim record). */
export type PersonId = Brand<number, 'PersonId'>
/** Row id of a casualty list. */
export type ListId = Brand<number, 'ListId'>
/** Row id of one row of a casualty list. */
export type ListRecordId = Brand<number, 'ListRecordId'>
/** Row id of a user. */
export type UserId = Brand<number, 'UserId'>
/** Sequence number of an audit event: 1, 2, 3 ... without gaps. */
export type AuditSeq = Brand<number, 'AuditSeq'>

/** Calendar day as ISO `YYYY-MM-DD`; compares correctly as a string. */
export type IsoDay = Brand<string, 'IsoDay'>
