// Arbitraries shared by the fuzz tests: junk values of every JSON (and not quite JSON) shape,
// hostile strings, and objects built from a schema's field names with wrong or marked values.
import fc from 'fast-check'

/** Strings that break parsers: quotes, separators, BOMs, controls, lone surrogates, RTL, NUL. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    '\uFEFF',
    '\uD800',
    '\u202E',
    '"',
    '""',
    '"a""b',
    ',',
    ';',
    '\t',
    '\r\n',
    '\r',
    '\n',
    '..',
    '/',
    '?',
    '0',
    '-1',
    '1e309',
    'NaN',
    'null',
    'true',
    '__proto__',
    'constructor',
    '{"a":',
    '[1,',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '%00',
    '%',
    '../../etc/passwd',
    '١٢٣',
    'قُتل',
    '2014-12-25',
    '2014-12~',
    '2014-06/2014-12',
    '../2014',
    '2014-13-45',
    '-999999',
    'Y170000002',
    '2014-12-25T10:00:00Z',
  ),
)

/** A long string, within reason (up to ~70 kB). */
export const hugeString: fc.Arbitrary<string> = fc
  .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.integer({ min: 1000, max: 70_000 }))
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)).slice(0, n))

/** Numbers that break validators. */
export const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -0, 1, -1, 2 ** 31, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, Number.EPSILON, 1e308, NaN, Infinity, -Infinity),
)

/** Any value, JSON or not: the inputs a body parser or safeParse may be handed. */
export const junk: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, undefined, true, false, [], {}, Object.create(null) as object) },
  { weight: 2, arbitrary: fc.anything({ maxDepth: 3, maxKeys: 5 }) },
  { weight: 1, arbitrary: fc.json({ depthSize: 'small' }).map((s) => JSON.parse(s) as unknown) },
  { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 }) },
)

/** Objects made of the given field names with junk (or given) values; sometimes nested junk. */
export function shapedObject(fields: readonly string[], value: fc.Arbitrary<unknown> = junk): fc.Arbitrary<Record<string, unknown>> {
  if (fields.length === 0) return fc.dictionary(nastyString, value, { maxKeys: 4 })
  return fc
    .tuple(
      fc.subarray([...fields]),
      fc.array(value, { minLength: fields.length, maxLength: fields.length }),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'extra', 'x'), junk, { maxKeys: 2 }),
    )
    .map(([keys, values, extra]) => {
      const o: Record<string, unknown> = { ...extra }
      keys.forEach((k, i) => {
        o[k] = values[i]
      })
      return o
    })
}

/** Runs `run` and fails the test if it takes longer than `ms`: a parser must never hang. */
export async function withinMs<T>(ms: number, what: string, run: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms (hang)`)), ms)
  })
  try {
    return await Promise.race([run(), timeout])
  } finally {
    clearTimeout(timer)
  }
}
