import type { Kysely, Selectable } from 'kysely'
import type { Role, User } from '../../domain/index.js'
import type { AppUserTable, Database } from '../schema.js'
import { nowIso } from './common.js'

export function toUser(r: Selectable<AppUserTable>): User {
  return { id: Number(r.id), username: r.username, role: r.role as Role, disabled: Number(r.disabled) === 1, createdAt: r.created_at }
}

export async function getUserByName(db: Kysely<Database>, username: string): Promise<User | undefined> {
  const r = await db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst()
  return r && toUser(r)
}

export async function listUsers(db: Kysely<Database>): Promise<User[]> {
  return (await db.selectFrom('app_user').selectAll().orderBy('id').execute()).map(toUser)
}

export async function insertUser(trx: Kysely<Database>, username: string, role: Role, passwordHash: string | null): Promise<User> {
  const row = await trx
    .insertInto('app_user')
    .values({ username, role, password_hash: passwordHash, disabled: 0, created_at: nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow()
  return toUser(row)
}
