// What every use case receives: the open store and who is acting (recorded in the audit log).
import type { Store } from '../store/index.js'

export interface Actor {
  /** The name recorded in the audit log: a username, or "system:<job>" for automatic work. */
  readonly name: string
}

export interface Context {
  readonly store: Store
  readonly actor: Actor
}
