// Random bearer secrets (session and API tokens), how they are stored, and the CSRF token that
// goes with a session. The database keeps only hashes of the secrets, so a copy of it cannot be
// used to sign in; the CSRF token is derived from the session token so nothing more is stored.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

/** `tly_s` marks a session token, `tly_t` an API token, so a leaked one is recognisable. */
export type SecretPrefix = 'tly_s' | 'tly_t'

const SECRET_BYTES = 32
const CSRF_LABEL = 'tally csrf token v1'

/**
 * A new random secret: the prefix, `_`, and 32 random bytes in base64url (256 bits).
 *
 * @example const sessionToken = newSecret('tly_s') // tly_s_Jx0...
 */
export function newSecret(prefix: SecretPrefix): string {
  return `${prefix}_${randomBytes(SECRET_BYTES).toString('base64url')}`
}

/**
 * The stored form of a secret: SHA-256, hex. A fast hash is right here, unlike for passwords:
 * the secret has 256 random bits, so there is nothing to guess, and it is checked on every request.
 */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

/**
 * The CSRF token of a session: HMAC-SHA256 keyed by the session token over a fixed label, in
 * base64url. Anyone holding the session cookie can compute it, but a page on another site can
 * neither read the cookie nor derive this from anything it can see.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update(CSRF_LABEL, 'utf8').digest('base64url')
}

/**
 * True when `presented` (a header or form value, possibly absent) is the session's CSRF token.
 * Compared in constant time; a value of another length is refused before comparing.
 */
export function csrfTokenMatches(sessionToken: string, presented: string | undefined): boolean {
  if (typeof presented !== 'string') return false
  const expected = Buffer.from(csrfTokenFor(sessionToken), 'utf8')
  const given = Buffer.from(presented, 'utf8')
  if (given.length !== expected.length) return false
  return timingSafeEqual(given, expected)
}
