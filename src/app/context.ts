// What every use case receives: the open store, who is acting (recorded in the audit log, and
// whose role decides what they may see), and the key that seals protected fields.
import type { Role } from '../domain/index.js'
import type { Store } from '../store/index.js'

export interface Actor {
  /** The name recorded in the audit log: a username, "token:<name>", or "cli:<user>" for local work. */
  readonly name: string
  readonly role: Role
}

/**
 * Seals and opens protected fields (AES-256-GCM under the key file's data key; see
 * src/security/keyring.ts). `context` names the column, so a value cannot be moved to another.
 */
export interface FieldSealer {
  encrypt(plaintext: string, context: string): string
  decrypt(sealed: string, context: string): string
}

export interface Context {
  readonly store: Store
  readonly actor: Actor
  /** Absent when no key file is configured: protected fields can then be neither stored nor read. */
  readonly sealer?: FieldSealer | null | undefined
}
