// Verification grading: from the accepted claims about an incident (or a person) and the sources
// that assert them, derive confirmed / fair / contested / weak / discounted. The rules are
// explained for readers in docs/METHOD.md; keep the two in step.
import type { Assertion, Cause, ClaimStatus, Credibility, Fate, Grade, Reliability } from './schemas.js'

/** A claim as grading sees it: what it says, how credible, and who says it. */
export interface ClaimForGrading {
  readonly id?: number
  readonly status: ClaimStatus
  readonly credibility: Credibility
  readonly assertion: Assertion
  readonly source: { readonly reliability: Reliability; readonly independenceGroup: string }
}

/**
 * How much one accepted claim supports the event: discredited (unreliable source or improbable
 * information) < weak < moderate < strong.
 */
export type SupportLevel = 'discredited' | 'weak' | 'moderate' | 'strong'

export interface Conflict {
  readonly field: 'cause' | 'perpetrator' | 'fate'
  /** The distinct values asserted, each with the independence groups asserting it. */
  readonly values: readonly { readonly value: string; readonly groups: readonly string[] }[]
}

export interface GradeResult {
  readonly grade: Grade
  /** Best support level per independence group (each origin counted once). */
  readonly support: readonly { readonly group: string; readonly level: SupportLevel }[]
  readonly conflicts: readonly Conflict[]
  /** One sentence saying why, for reviewers. */
  readonly reason: string
}

/** The support one claim lends, from its source's reliability and its own credibility. */
export function supportLevel(reliability: Reliability, credibility: Credibility): SupportLevel {
  if (reliability === 'E' || credibility === 5) return 'discredited'
  const reliable = reliability === 'A' || reliability === 'B'
  if (reliable && credibility <= 2) return 'strong'
  if ((reliable || reliability === 'C') && credibility <= 3) return 'moderate'
  return 'weak'
}

const LEVEL_RANK: Record<SupportLevel, number> = { discredited: 0, weak: 1, moderate: 2, strong: 3 }

// Pairs of values that describe the same death from two angles and so do not conflict
// ("shot" and "executed"; "disappeared" and "detained" in enforced disappearance).
const COMPATIBLE_CAUSES: ReadonlyArray<readonly [Cause, Cause]> = [
  ['execution', 'shooting'],
  ['execution', 'torture'],
  ['killed_in_combat', 'shooting'],
  ['killed_in_combat', 'shelling'],
  ['killed_in_combat', 'airstrike'],
  ['killed_in_combat', 'explosive'],
  ['suicide_operation', 'explosive'],
]
const COMPATIBLE_FATES: ReadonlyArray<readonly [Fate, Fate]> = [['disappeared', 'detained']]
const UNINFORMATIVE = new Set(['unknown', 'other'])

// Names by which one armed group is known in the sources; one entry per group.
const PERPETRATOR_ALIASES: ReadonlyArray<readonly string[]> = [
  ['isis', 'isil', 'is', 'daesh', 'daech', 'islamic state', 'the islamic state', 'etat islamique', 'ei', 'داعش', 'الدولة الإسلامية', 'تنظيم الدولة'],
]

/**
 * The canonical form of a perpetrator name for comparison: case, accents, punctuation and the
 * known aliases of one group folded together ("ISIS", "Daesh", "the Islamic State" are one).
 */
export function normalisePerpetrator(name: string): string {
  const folded = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  for (const aliases of PERPETRATOR_ALIASES) if (aliases.includes(folded)) return aliases[0] ?? folded
  return folded
}

function compatible<T extends string>(pairs: ReadonlyArray<readonly [T, T]>, a: T, b: T): boolean {
  return a === b || pairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a))
}

function conflictOn(field: Conflict['field'], claims: readonly ClaimForGrading[]): Conflict | null {
  const byValue = new Map<string, Set<string>>()
  for (const c of claims) {
    if (c.assertion.field !== field) continue
    const value = field === 'perpetrator' ? normalisePerpetrator(String(c.assertion.value)) : String(c.assertion.value)
    if (UNINFORMATIVE.has(value) || value === '') continue
    const groups = byValue.get(value) ?? new Set<string>()
    groups.add(c.source.independenceGroup)
    byValue.set(value, groups)
  }
  const values = [...byValue.keys()]
  let disagree = false
  for (let i = 0; i < values.length && !disagree; i++) {
    for (let j = i + 1; j < values.length && !disagree; j++) {
      const a = values[i] as string
      const b = values[j] as string
      if (field === 'cause') disagree = !compatible(COMPATIBLE_CAUSES, a as Cause, b as Cause)
      else if (field === 'fate') disagree = !compatible(COMPATIBLE_FATES, a as Fate, b as Fate)
      else disagree = a !== b
    }
  }
  if (!disagree) return null
  return { field, values: [...byValue].map(([value, groups]) => ({ value, groups: [...groups].sort() })) }
}

/**
 * Grades from claims. Only accepted claims count; claims from one independence group count once
 * (at their best support level). In order:
 * - no accepted claim: weak (reported, not verified);
 * - every accepted claim discredited: discounted;
 * - credible claims disagree on cause, perpetrator or fate: contested (both kept, never merged);
 * - a strong origin and a second independent origin of at least moderate support: confirmed;
 * - one strong origin, or two independent moderate ones: fair;
 * - otherwise: weak.
 *
 * @example
 * gradeClaims([{ status: 'accepted', credibility: 2, assertion: { field: 'fate', value: 'killed' },
 *   source: { reliability: 'B', independenceGroup: 'SOHR' } }]).grade // 'fair'
 */
export function gradeClaims(claims: readonly ClaimForGrading[]): GradeResult {
  const accepted = claims.filter((c) => c.status === 'accepted')
  if (accepted.length === 0) {
    return { grade: 'weak', support: [], conflicts: [], reason: 'no accepted claim yet: reported, not verified' }
  }
  const best = new Map<string, SupportLevel>()
  for (const c of accepted) {
    const level = supportLevel(c.source.reliability, c.credibility)
    const prev = best.get(c.source.independenceGroup)
    if (prev === undefined || LEVEL_RANK[level] > LEVEL_RANK[prev]) best.set(c.source.independenceGroup, level)
  }
  const support = [...best].map(([group, level]) => ({ group, level })).sort((a, b) => a.group.localeCompare(b.group))
  const credible = accepted.filter((c) => supportLevel(c.source.reliability, c.credibility) !== 'discredited')
  if (credible.length === 0) {
    return { grade: 'discounted', support, conflicts: [], reason: 'every accepted claim comes from an unreliable source or is improbable' }
  }
  const conflicts = (['cause', 'perpetrator', 'fate'] as const)
    .map((f) => conflictOn(f, credible))
    .filter((c): c is Conflict => c !== null)
  if (conflicts.length > 0) {
    const fields = conflicts.map((c) => c.field).join(', ')
    return { grade: 'contested', support, conflicts, reason: `credible sources disagree on ${fields}` }
  }
  const strong = support.filter((s) => s.level === 'strong').length
  const moderate = support.filter((s) => LEVEL_RANK[s.level] >= LEVEL_RANK.moderate).length
  if (strong >= 1 && moderate >= 2) {
    return { grade: 'confirmed', support, conflicts, reason: `${moderate} independent origins agree, at least one of them strong` }
  }
  if (strong >= 1 || moderate >= 2) {
    const why = strong >= 1 ? 'one strong origin' : 'two independent origins of moderate support'
    return { grade: 'fair', support, conflicts, reason: `${why}; not yet corroborated to confirmed` }
  }
  return { grade: 'weak', support, conflicts, reason: 'only weak support (unproven sources or doubtful information)' }
}

/** Grade of an incident from its claims. */
export function gradeIncident(claims: readonly ClaimForGrading[]): GradeResult {
  return gradeClaims(claims)
}

/** Grade of a person record from the claims about that person. */
export function gradePerson(claims: readonly ClaimForGrading[]): GradeResult {
  return gradeClaims(claims)
}
