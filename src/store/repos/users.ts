// Users, sign-in sessions and API tokens. Secrets are never stored: sessions and tokens are found
// by the SHA-256 of their secret, passwords are argon2id hashes (made in src/security/).
import type { Kysely, Selectable } from 'kysely'
import type { Role, User } from '../../domain/index.js'
import type { ApiTokenTable, AppUserTable, Database } from '../schema.js'
import { nowIso } from './common.js'

export function toUser(r: Selectable<AppUserTable>): User {
  return { id: Number(r.id), username: r.username, role: r.role as Role, disabled: Number(r.disabled) === 1, createdAt: r.created_at }
}

/** What sign-in needs about a user; never leaves app/. */
export interface UserCredentials {
  user: User
  passwordHash: string | null
  failedLogins: number
  lockedUntil: string | null
}

export async function getUserByName(db: Kysely<Database>, username: string): Promise<User | undefined> {
  const r = await db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst()
  return r && toUser(r)
}

export async function getUserById(db: Kysely<Database>, id: number): Promise<User | undefined> {
  const r = await db.selectFrom('app_user').selectAll().where('id', '=', id).executeTakeFirst()
  return r && toUser(r)
}

export async function getCredentials(db: Kysely<Database>, username: string): Promise<UserCredentials | undefined> {
  const r = await db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst()
  return r && { user: toUser(r), passwordHash: r.password_hash, failedLogins: Number(r.failed_logins), lockedUntil: r.locked_until }
}

export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  return (await db.selectFrom('app_user').selectAll().orderBy('id').execute()).map(toUser)
}

export async function countUsers(db: Kysely<Database>): Promise<number> {
  const r = await db.selectFrom('app_user').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function insertUser(trx: Kysely<Database>, username: string, role: Role, passwordHash: string | null): Promise<User> {
  const at = nowIso()
  const row = await trx
    .insertInto('app_user')
    .values({ username, role, password_hash: passwordHash, disabled: 0, created_at: at, password_changed_at: passwordHash ? at : null })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toUser(row)
}

export async function setUserPassword(trx: Kysely<Database>, id: number, passwordHash: string): Promise<void> {
  await trx.updateTable('app_user').set({ password_hash: passwordHash, password_changed_at: nowIso(), failed_logins: 0, locked_until: null }).where('id', '=', id).execute()
}

export async function setUserDisabled(trx: Kysely<Database>, id: number, disabled: boolean): Promise<User | undefined> {
  const r = await trx.updateTable('app_user').set({ disabled: disabled ? 1 : 0 }).where('id', '=', id).returningAll().executeTakeFirst()
  return r && toUser(r)
}

export async function setLoginFailures(trx: Kysely<Database>, id: number, failedLogins: number, lockedUntil: string | null): Promise<void> {
  await trx.updateTable('app_user').set({ failed_logins: failedLogins, locked_until: lockedUntil }).where('id', '=', id).execute()
}

// ---------------------------------------------------------------- sessions

export interface SessionRow {
  id: number
  userId: number
  expiresAt: string
  lastSeenAt: string
}

export async function insertSession(trx: Kysely<Database>, tokenHash: string, userId: number, expiresAt: string): Promise<number> {
  const at = nowIso()
  const r = await trx
    .insertInto('app_session')
    .values({ token_hash: tokenHash, user_id: userId, created_at: at, expires_at: expiresAt, last_seen_at: at })
    .returning('id')
    .executeTakeFirstOrThrow()
  return Number(r.id)
}

export async function findSession(db: Kysely<Database>, tokenHash: string): Promise<SessionRow | undefined> {
  const r = await db.selectFrom('app_session').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
  return r && { id: Number(r.id), userId: Number(r.user_id), expiresAt: r.expires_at, lastSeenAt: r.last_seen_at }
}

export async function touchSession(trx: Kysely<Database>, id: number, lastSeenAt: string, expiresAt: string): Promise<void> {
  await trx.updateTable('app_session').set({ last_seen_at: lastSeenAt, expires_at: expiresAt }).where('id', '=', id).execute()
}

export async function deleteSession(trx: Kysely<Database>, id: number): Promise<void> {
  await trx.deleteFrom('app_session').where('id', '=', id).execute()
}

/** Ends every session of a user (disabled, password changed) and any session past its expiry. */
export async function deleteSessionsOf(trx: Kysely<Database>, userId: number): Promise<void> {
  await trx.deleteFrom('app_session').where('user_id', '=', userId).execute()
}

export async function deleteExpiredSessions(trx: Kysely<Database>, now: string): Promise<void> {
  await trx.deleteFrom('app_session').where('expires_at', '<', now).execute()
}

// ---------------------------------------------------------------- API tokens

export interface ApiToken {
  id: number
  name: string
  role: Role
  createdBy: string
  createdAt: string
  expiresAt: string | null
  revokedAt: string | null
  lastUsedAt: string | null
}

function toApiToken(r: Selectable<ApiTokenTable>): ApiToken {
  return {
    id: Number(r.id),
    name: r.name,
    role: r.role as Role,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
    lastUsedAt: r.last_used_at,
  }
}

export async function insertApiToken(
  trx: Kysely<Database>,
  t: { name: string; role: Role; tokenHash: string; createdBy: string; expiresAt: string | null },
): Promise<ApiToken> {
  const r = await trx
    .insertInto('api_token')
    .values({ name: t.name, role: t.role, token_hash: t.tokenHash, created_by: t.createdBy, created_at: nowIso(), expires_at: t.expiresAt })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toApiToken(r)
}

export async function findApiToken(db: Kysely<Database>, tokenHash: string): Promise<ApiToken | undefined> {
  const r = await db.selectFrom('api_token').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
  return r && toApiToken(r)
}

export async function getApiTokenByName(db: Kysely<Database>, name: string): Promise<ApiToken | undefined> {
  const r = await db.selectFrom('api_token').selectAll().where('name', '=', name).executeTakeFirst()
  return r && toApiToken(r)
}

export async function listApiTokens(db: Kysely<Database>): Promise<ApiToken[]> {
  return (await db.selectFrom('api_token').selectAll().orderBy('id').execute()).map(toApiToken)
}

export async function revokeApiToken(trx: Kysely<Database>, id: number): Promise<ApiToken | undefined> {
  const r = await trx.updateTable('api_token').set({ revoked_at: nowIso() }).where('id', '=', id).where('revoked_at', 'is', null).returningAll().executeTakeFirst()
  return r && toApiToken(r)
}

export async function touchApiToken(trx: Kysely<Database>, id: number, at: string): Promise<void> {
  await trx.updateTable('api_token').set({ last_used_at: at }).where('id', '=', id).execute()
}
