// Passwords of Tally's users: how they are stored (argon2id, a slow memory-hard hash, because
// people choose guessable passwords and a stolen database must not reveal them cheaply), which
// ones are accepted, how a first password is generated, and how a failed sign-in for an unknown
// name costs the same time as one for a known name so timing does not reveal who has an account.
import { randomInt } from 'node:crypto'
import { hash, verify, Algorithm, type Options } from '@node-rs/argon2'

/** OWASP's argon2id parameters (Password Storage Cheat Sheet): 19 MiB, 2 passes, 1 lane. */
const ARGON2_OPTIONS: Options = {
  algorithm: Algorithm.Argon2id,
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
}

/**
 * A hash with the same parameters as `hashPassword`, of a random password nobody kept. Verifying
 * against it costs what verifying a real user's hash costs; it never matches anything that
 * matters because `verifyAgainstNothing` answers false whatever the result. Its parameters must
 * follow ARGON2_OPTIONS (a test checks this), or unknown names would answer faster again.
 */
export const DUMMY_PASSWORD_HASH =
  '$argon2id$v=19$m=19456,t=2,p=1$AnvsA4JH9+5KUjpy1m7PwA$GkWm9Jc7KC8m3vEGAbReV024GUrMpZQ8P9rEhc0zB+g'

export const PASSWORD_MIN_LENGTH = 12
/** Long enough for any passphrase; short enough that nobody makes the server hash megabytes. */
export const PASSWORD_MAX_LENGTH = 1024

/**
 * Lower-case letters and digits without those read or typed as one another (0/o, 1/l; upper
 * case is left out altogether, which also removes O and I). 32 symbols: 5 bits each.
 */
const GENERATED_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'
const GENERATED_GROUPS = 7
const GENERATED_GROUP_LENGTH = 4

/**
 * Hashes a password for storage: argon2id with OWASP's parameters, as a PHC string
 * (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`) that carries its own salt and parameters.
 *
 * @example const phc = await hashPassword('correct horse battery staple')
 */
export async function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS)
}

/**
 * True when `password` matches the stored PHC string. A malformed or unsupported hash answers
 * false instead of throwing, so a damaged user row refuses sign-in rather than failing the request.
 */
export async function verifyPassword(phc: string, password: string): Promise<boolean> {
  try {
    return await verify(phc, password)
  } catch {
    return false
  }
}

/**
 * Spends the time of one real `verifyPassword` and answers false. Call it when the username is
 * unknown, so that answer takes as long as a wrong password for a known user.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  await verifyPassword(DUMMY_PASSWORD_HASH, password)
  return false
}

/**
 * A random password for a new account or a reset: 28 symbols from a 32-symbol alphabet (140
 * bits) in groups of four, e.g. `k7dq-3vmx-...`, to be read aloud or copied by hand without
 * confusing look-alike characters.
 */
export function generatePassword(): string {
  const groups: string[] = []
  for (let g = 0; g < GENERATED_GROUPS; g++) {
    let group = ''
    for (let i = 0; i < GENERATED_GROUP_LENGTH; i++) group += GENERATED_ALPHABET[randomInt(GENERATED_ALPHABET.length)]
    groups.push(group)
  }
  return groups.join('-')
}

/**
 * Why a password a user chose is refused, or null when it is acceptable. The message is safe to
 * show: it never repeats the password. Lengths count characters (code points), not bytes.
 */
export function passwordProblem(password: string): string | null {
  const chars = [...password]
  if (chars.length < PASSWORD_MIN_LENGTH) return `a password needs at least ${PASSWORD_MIN_LENGTH} characters`
  if (chars.length > PASSWORD_MAX_LENGTH) return `a password may have at most ${PASSWORD_MAX_LENGTH} characters`
  if (new Set(chars).size === 1) return 'a password may not be one character repeated'
  return null
}
