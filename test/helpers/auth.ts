// Signing tests in: API tokens for a role, made through the same use case as `tally token create`.
import { createApiToken } from '../../src/app/index.js'
import type { Role } from '../../src/domain/index.js'
import type { Store } from '../../src/store/index.js'

let counter = 0

/** A fresh API token acting with `role`. */
export async function tokenFor(store: Store, role: Role): Promise<string> {
  const t = await createApiToken({ store, actor: { name: 'test-setup', role: 'admin' } }, { name: `test-${role}-${process.pid}-${counter++}`, role })
  return t.secret
}

/** The header that presents a token. */
export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` }
}
