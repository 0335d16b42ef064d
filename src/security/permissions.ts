// Who may do what: one table of role × action × resource, consulted by every HTTP route (each
// route names the permission it needs; a route that names none does not start) and by the use
// cases that reveal protected fields. Anything not granted here is denied.
import { ROLES, TallyError, type Role } from '../domain/index.js'

export const RESOURCES = [
  'source',
  'document',
  'incident',
  'person',
  'claim',
  'stats',
  'report',
  'estimate',
  'linkage',
  'audit',
  'export',
  'user',
  'token',
] as const
export type Resource = (typeof RESOURCES)[number]

/** read: see; write: create and edit; review: accept, reject, override, decide; run: start a computation; manage: administer. */
export const ACTIONS = ['read', 'write', 'review', 'run', 'manage'] as const
export type Action = (typeof ACTIONS)[number]

export type Permission = `${Resource}:${Action}`

const EVERYTHING: Permission[] = RESOURCES.flatMap((r) => ACTIONS.map((a): Permission => `${r}:${a}`))

const RECORD_WORK: Permission[] = [
  'source:read', 'source:write',
  'document:read', 'document:write',
  'incident:read', 'incident:write',
  'person:read', 'person:write',
  'claim:read', 'claim:write',
  'stats:read', 'report:read', 'estimate:read', 'linkage:read',
]

/** The grants. Reading this table is reading the access policy; docs/SECURITY.md explains it. */
export const GRANTS: Readonly<Record<Role, ReadonlySet<Permission>>> = {
  admin: new Set(EVERYTHING),
  reviewer: new Set<Permission>([
    ...RECORD_WORK,
    'incident:review', 'claim:review', 'linkage:review',
    'estimate:run', 'audit:read', 'export:read',
  ]),
  documenter: new Set<Permission>(RECORD_WORK),
  analyst: new Set<Permission>([
    'source:read', 'document:read', 'incident:read', 'person:read', 'claim:read',
    'stats:read', 'report:read', 'estimate:read', 'estimate:run', 'linkage:read', 'export:read',
  ]),
  // The public face: counts, the report, estimates and published incidents, all redacted.
  viewer: new Set<Permission>(['stats:read', 'report:read', 'estimate:read', 'incident:read']),
}

/**
 * Clearance to read protected fields (witness and family identity and contact, marked testimony,
 * source notes). The people who collect and verify testimony have it; analysts and the public do not.
 */
export const CLEARANCE: Readonly<Record<Role, boolean>> = {
  admin: true,
  reviewer: true,
  documenter: true,
  analyst: false,
  viewer: false,
}

/** Roles that see only published (documented-grade), redacted data. */
export const PUBLISHED_ONLY: Readonly<Record<Role, boolean>> = {
  admin: false,
  reviewer: false,
  documenter: false,
  analyst: false,
  viewer: true,
}

export function can(role: Role, action: Action, resource: Resource): boolean {
  return GRANTS[role].has(`${resource}:${action}`)
}

/** The same question with the permission as routes name it ("source:read"). */
export function holds(role: Role, permission: Permission): boolean {
  return GRANTS[role].has(permission)
}

export function hasClearance(role: Role): boolean {
  return CLEARANCE[role]
}

/** Throws `forbidden` unless `role` may do `action` on `resource`. */
export function authorize(role: Role, action: Action, resource: Resource): void {
  if (!can(role, action, resource)) throw new TallyError('forbidden', `the ${role} role may not ${action} ${resource}`)
}

/** Every role, for exhaustive checks. */
export const ALL_ROLES: readonly Role[] = ROLES
