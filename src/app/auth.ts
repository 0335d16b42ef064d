// Users, sign-in, sessions and API tokens. Secrets (passwords, session and API tokens) are shown
// once and never stored: the database holds argon2id hashes of passwords and SHA-256 of tokens.
import { z } from 'zod'
import { Role, TallyError, type User } from '../domain/index.js'
import {
  authorize,
  csrfTokenFor,
  csrfTokenMatches,
  generatePassword,
  hashPassword,
  holds,
  hashSecret,
  newSecret,
  passwordProblem,
  verifyAgainstNothing,
  verifyPassword,
  type Permission,
} from '../security/index.js'
import type { ApiToken, Store } from '../store/index.js'
import type { Actor, Context } from './context.js'

/** A session lives this long after its last use. */
export const SESSION_IDLE_MS = 12 * 60 * 60 * 1000
/** Sessions and tokens record their use at most this often (a write per request would serialise reads). */
const TOUCH_EVERY_MS = 5 * 60 * 1000
/** Consecutive failed sign-ins before an account is locked, and for how long. */
export const LOCKOUT_AFTER = 5
export const LOCKOUT_MS = 15 * 60 * 1000

const WRONG = 'wrong username or password'

export const Username = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$/, { message: 'a username is 2–64 letters, digits, dots, dashes or underscores' })
export const TokenName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, { message: 'a token name is 1–64 letters, digits, dots, dashes or underscores' })

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, path: string): T {
  const r = schema.safeParse(value)
  if (!r.success) throw new TallyError('bad_input', `${path}: ${r.error.issues[0]?.message ?? 'invalid'}`, [{ path, message: r.error.issues[0]?.message ?? 'invalid' }])
  return r.data
}

async function checkedPasswordHash(password: string): Promise<string> {
  const problem = passwordProblem(password)
  if (problem) throw new TallyError('bad_input', problem, [{ path: 'password', message: problem }])
  return hashPassword(password.normalize('NFC'))
}

export interface NewUser {
  user: User
  /** The generated password, shown once; null when the caller chose it. */
  generatedPassword: string | null
}

/**
 * Adds a user. Without a password one is generated (and returned once). Only admins may.
 *
 * @example await createUser(ctx, { username: 'amina', role: 'reviewer' })
 */
export async function createUser(ctx: Context, o: { username: string; role: Role; password?: string | undefined }): Promise<NewUser> {
  authorize(ctx.actor.role, 'manage', 'user')
  const username = parseOrThrow(Username, o.username, 'username')
  const role = parseOrThrow(Role, o.role, 'role')
  const generatedPassword = o.password === undefined ? generatePassword() : null
  const hash = await checkedPasswordHash(o.password ?? generatedPassword!)
  if (await ctx.store.users.byName(username)) throw new TallyError('conflict', `a user named ${username} exists`)
  const user = await ctx.store.write(ctx.actor.name, (w) => w.createUser(username, role, hash))
  return { user, generatedPassword }
}

/** Sets a user's password (generated when not given) and ends their sessions. */
export async function setUserPassword(ctx: Context, username: string, password?: string): Promise<{ generatedPassword: string | null }> {
  authorize(ctx.actor.role, 'manage', 'user')
  const user = await ctx.store.users.byName(username)
  if (!user) throw new TallyError('not_found', `no user named ${username}`)
  const generatedPassword = password === undefined ? generatePassword() : null
  const hash = await checkedPasswordHash(password ?? generatedPassword!)
  await ctx.store.write(ctx.actor.name, (w) => w.setUserPassword(user.id, hash))
  return { generatedPassword }
}

/** Disables (or re-enables) a user; disabling ends their sessions at once. */
export async function setUserDisabled(ctx: Context, username: string, disabled: boolean): Promise<User> {
  authorize(ctx.actor.role, 'manage', 'user')
  const user = await ctx.store.users.byName(username)
  if (!user) throw new TallyError('not_found', `no user named ${username}`)
  const updated = await ctx.store.write(ctx.actor.name, (w) => w.setUserDisabled(user.id, disabled))
  if (!updated) throw new TallyError('not_found', `no user named ${username}`)
  return updated
}

export function listUsers(ctx: Context): Promise<User[]> {
  authorize(ctx.actor.role, 'manage', 'user')
  return ctx.store.users.all()
}

export type { Permission }

/** True when `role` holds `permission` in the role table (src/security/permissions.ts). */
export function roleMay(role: Role, permission: Permission): boolean {
  return holds(role, permission)
}

/** True when a change sent through a session carries that session's CSRF token. */
export function sessionCsrfMatches(sessionToken: string, presented: string | undefined): boolean {
  return csrfTokenMatches(sessionToken, presented)
}

// ---------------------------------------------------------------- sign-in

export interface SignedIn {
  user: User
  /** The session secret: goes into an HttpOnly cookie, never into a page. */
  sessionToken: string
  /** Sent back in the X-CSRF-Token header with every change made through the session. */
  csrfToken: string
  expiresAt: string
}

/**
 * Checks a username and password and opens a session. Unknown users, disabled users and wrong
 * passwords get the same answer after the same work; five failures in a row lock the account
 * for 15 minutes (audited).
 */
export async function signIn(store: Store, username: string, password: string): Promise<SignedIn> {
  const creds = Username.safeParse(username).success ? await store.users.credentials(username) : undefined
  if (!creds || creds.user.disabled || creds.passwordHash === null) {
    await verifyAgainstNothing(password)
    throw new TallyError('unauthenticated', WRONG)
  }
  const now = Date.now()
  if (creds.lockedUntil !== null && Date.parse(creds.lockedUntil) > now) {
    await verifyAgainstNothing(password)
    throw new TallyError('rate_limited', 'too many failed sign-ins: this account is locked for 15 minutes')
  }
  if (!(await verifyPassword(creds.passwordHash, password.normalize('NFC')))) {
    const failures = creds.failedLogins + 1
    const lockedUntil = failures >= LOCKOUT_AFTER ? new Date(now + LOCKOUT_MS).toISOString() : null
    await store.write(`user:${creds.user.username}`, (w) => w.recordLoginFailure(creds.user.id, lockedUntil ? 0 : failures, lockedUntil))
    throw new TallyError('unauthenticated', WRONG)
  }
  const sessionToken = newSecret('tly_s')
  const expiresAt = new Date(now + SESSION_IDLE_MS).toISOString()
  await store.write(creds.user.username, (w) => w.createSession(hashSecret(sessionToken), creds.user.id, expiresAt))
  return { user: creds.user, sessionToken, csrfToken: csrfTokenFor(sessionToken), expiresAt }
}

/** Who is making a request, once their session or token checked out. */
export type Principal =
  | { kind: 'session'; actor: Actor; user: User; sessionId: number; csrfToken: string; expiresAt: string; /** True when this request extended the session. */ renewed: boolean }
  | { kind: 'token'; actor: Actor; tokenId: number; tokenName: string }

/** The principal behind a session cookie, or null when it is unknown, expired or its user disabled. */
export async function authenticateSession(store: Store, sessionToken: string): Promise<Principal | null> {
  const session = await store.users.session(hashSecret(sessionToken))
  if (!session) return null
  const now = Date.now()
  if (Date.parse(session.expiresAt) <= now) return null
  const user = await store.users.byId(session.userId)
  if (!user || user.disabled) return null
  let expiresAt = session.expiresAt
  const renewed = now - Date.parse(session.lastSeenAt) > TOUCH_EVERY_MS
  if (renewed) {
    expiresAt = new Date(now + SESSION_IDLE_MS).toISOString()
    await store.write(user.username, (w) => w.touchSession(session.id, new Date(now).toISOString(), expiresAt))
  }
  return { kind: 'session', actor: { name: user.username, role: user.role }, user, sessionId: session.id, csrfToken: csrfTokenFor(sessionToken), expiresAt, renewed }
}

/** The principal behind an API token, or null when it is unknown, revoked or expired. */
export async function authenticateToken(store: Store, token: string): Promise<Principal | null> {
  const t = await store.users.token(hashSecret(token))
  if (!t || t.revokedAt !== null) return null
  const now = Date.now()
  if (t.expiresAt !== null && Date.parse(t.expiresAt) <= now) return null
  if (t.lastUsedAt === null || now - Date.parse(t.lastUsedAt) > TOUCH_EVERY_MS) {
    await store.write(`token:${t.name}`, (w) => w.touchApiToken(t.id, new Date(now).toISOString()))
  }
  return { kind: 'token', actor: { name: `token:${t.name}`, role: t.role }, tokenId: t.id, tokenName: t.name }
}

export async function signOut(store: Store, principal: Principal): Promise<void> {
  if (principal.kind !== 'session') return
  await store.write(principal.actor.name, (w) => w.deleteSession(principal.sessionId, principal.user.id))
}

// ---------------------------------------------------------------- API tokens

export interface NewApiToken {
  token: ApiToken
  /** The secret, shown once: `Authorization: Bearer <secret>`. */
  secret: string
}

/** Creates an API token scoped to a role; only admins may. */
export async function createApiToken(ctx: Context, o: { name: string; role: Role; expiresInDays?: number | undefined }): Promise<NewApiToken> {
  authorize(ctx.actor.role, 'manage', 'token')
  const name = parseOrThrow(TokenName, o.name, 'name')
  const role = parseOrThrow(Role, o.role, 'role')
  if (o.expiresInDays !== undefined && !(Number.isInteger(o.expiresInDays) && o.expiresInDays > 0 && o.expiresInDays <= 3650)) {
    throw new TallyError('bad_input', 'expiry must be a whole number of days between 1 and 3650', [{ path: 'expiresInDays', message: 'between 1 and 3650' }])
  }
  if (await ctx.store.users.tokenByName(name)) throw new TallyError('conflict', `a token named ${name} exists (revoke it, or choose another name)`)
  const secret = newSecret('tly_t')
  const expiresAt = o.expiresInDays === undefined ? null : new Date(Date.now() + o.expiresInDays * 86_400_000).toISOString()
  const token = await ctx.store.write(ctx.actor.name, (w) => w.createApiToken({ name, role, tokenHash: hashSecret(secret), expiresAt }))
  return { token, secret }
}

export async function revokeApiToken(ctx: Context, name: string): Promise<ApiToken> {
  authorize(ctx.actor.role, 'manage', 'token')
  const t = await ctx.store.users.tokenByName(name)
  if (!t) throw new TallyError('not_found', `no token named ${name}`)
  if (t.revokedAt !== null) return t
  const revoked = await ctx.store.write(ctx.actor.name, (w) => w.revokeApiToken(t.id))
  return revoked ?? t
}

export function listApiTokens(ctx: Context): Promise<ApiToken[]> {
  authorize(ctx.actor.role, 'manage', 'token')
  return ctx.store.users.tokens()
}
