import { test } from 'node:test'
import assert from 'node:assert/strict'
import { jaroWinkler, jaroWinklerCodes, tokenSetSimilarity } from './similarity.js'
import { CompareContext, FIELD_COUNT } from './compare.js'
import { prepareRecords } from './prepare.js'
import { generateSyntheticLists } from './synthetic.js'

test('Jaro–Winkler matches the published reference values', () => {
  assert.ok(Math.abs(jaroWinkler('martha', 'marhta') - 0.9611) < 1e-3)
  assert.ok(Math.abs(jaroWinkler('dwayne', 'duane') - 0.84) < 1e-3)
  assert.ok(Math.abs(jaroWinkler('dixon', 'dicksonx') - 0.8133) < 1e-3)
  assert.equal(jaroWinkler('mhmd', 'mhmd'), 1)
  assert.equal(jaroWinkler('abc', 'xyz'), 0)
  assert.equal(jaroWinkler('', 'abc'), 0)
})

test('token-set similarity ignores order and a missing middle name', () => {
  const sim = (a: string, b: string): number => jaroWinkler(a, b)
  assert.equal(tokenSetSimilarity(['mhmd', 'hsn'], ['hsn', 'mhmd'], sim), 1)
  assert.equal(tokenSetSimilarity(['mhmd', '_hmd', 'hsn'], ['hsn', 'mhmd'], sim), 1)
  assert.ok(tokenSetSimilarity(['mhmd', 'hsn'], ['xld', 'Smr'], sim) < 0.5)
})

test('Jaro–Winkler over code units agrees bit for bit with the string version', () => {
  // A deterministic sample: short strings over a small alphabet (many partial matches and
  // transpositions), Arabic letters, and lengths up to the 30 the code-unit version accepts.
  let seed = 12345
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0
    return seed / 2 ** 32
  }
  const alphabets = ['abcdhmnrs', 'مححدسنيا', 'ab']
  const word = (alphabet: string, max: number): string => {
    const length = Math.floor(random() * (max + 1))
    let s = ''
    for (let k = 0; k < length; k++) s += alphabet[Math.floor(random() * alphabet.length)] as string
    return s
  }
  const fixed: [string, string][] = [['martha', 'marhta'], ['dwayne', 'duane'], ['dixon', 'dicksonx'], ['mhmd', 'mhmd'], ['', 'abc'], ['abc', 'xyz']]
  const pairs: [string, string][] = [...fixed]
  for (let k = 0; k < 20000; k++) {
    const alphabet = alphabets[k % alphabets.length] as string
    const max = k % 10 === 0 ? 30 : 9
    pairs.push([word(alphabet, max), word(alphabet, max)])
  }
  for (const [a, b] of pairs) {
    const codes = Uint16Array.from(a + b, (c) => c.charCodeAt(0))
    assert.equal(Object.is(jaroWinklerCodes(codes, 0, a.length, a.length, b.length), jaroWinkler(a, b)), true, `${a} / ${b}`)
  }
})

test('comparison levels do not depend on what the token memo saw before', () => {
  // Two contexts visit the same pairs in opposite orders: one meets each token pair first as a
  // miss where the other meets it as a hit (the memo keeps values in full, so both agree).
  const prepared = prepareRecords(generateSyntheticLists(600, 7).records)
  const forward = new CompareContext(prepared)
  const backward = new CompareContext(prepared)
  const m = Math.min(prepared.n, 300)
  const pairs: [number, number][] = []
  for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j += 3) pairs.push([i, j])
  const one = new Uint8Array(pairs.length * FIELD_COUNT)
  const two = new Uint8Array(pairs.length * FIELD_COUNT)
  pairs.forEach(([i, j], k) => forward.compare(i, j, one, k * FIELD_COUNT))
  for (let k = pairs.length - 1; k >= 0; k--) backward.compare((pairs[k] as [number, number])[0], (pairs[k] as [number, number])[1], two, k * FIELD_COUNT)
  assert.deepEqual(one, two)
  assert.ok(one.some((v, k) => k % FIELD_COUNT === 0 && v >= 2 && v <= 4), 'some names are similar but not equal')
})
