// One closed table of error codes. Every failure that reaches a user carries one of these; the
// HTTP adapter maps each to a status and the CLI to an exit code with exhaustive Records, so a new
// code fails to compile until both adapters say what it means.

export const ERROR_CODES = [
  'bad_input',
  'not_found',
  'conflict',
  'unauthenticated',
  'forbidden',
  'rate_limited',
  'unavailable',
  'internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** One problem with one field of an input: where (a JSON path, or file:line:column) and what. */
export interface FieldIssue {
  readonly path: string
  readonly message: string
}

/**
 * An expected failure with a message safe to show to the user (it must never contain protected
 * values). Anything thrown that is not a TallyError is an internal error and is shown as such.
 *
 * @example throw new TallyError('not_found', 'incident 42 does not exist')
 */
export class TallyError extends Error {
  readonly code: ErrorCode
  readonly issues: readonly FieldIssue[]
  constructor(code: ErrorCode, message: string, issues: readonly FieldIssue[] = []) {
    super(message)
    this.name = 'TallyError'
    this.code = code
    this.issues = issues
  }
}

/** True when `e` is a TallyError (also across copies of the module). */
export function isTallyError(e: unknown): e is TallyError {
  return e instanceof TallyError || (e instanceof Error && e.name === 'TallyError' && 'code' in e)
}
