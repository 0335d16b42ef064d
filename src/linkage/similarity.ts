// String similarity for name tokens: Jaro–Winkler, and an order-insensitive token-set score built
// on it. Both run in the comparison hot loop, so they avoid allocation: match flags live in two
// reusable buffers.

let flagsA = new Uint8Array(64)
let flagsB = new Uint8Array(64)

/**
 * Jaro–Winkler similarity in [0, 1] (1 = identical), with the standard prefix scale 0.1 over at
 * most four leading characters.
 *
 * @example jaroWinkler('martha', 'marhta') // ≈ 0.961
 * @example jaroWinkler('mhmd', 'mhmd') // 1
 */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1
  const la = a.length
  const lb = b.length
  if (la === 0 || lb === 0) return 0
  if (la > flagsA.length || lb > flagsB.length) {
    flagsA = new Uint8Array(Math.max(la, lb) * 2)
    flagsB = new Uint8Array(Math.max(la, lb) * 2)
  }
  flagsA.fill(0, 0, la)
  flagsB.fill(0, 0, lb)
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1)
  let matches = 0
  for (let i = 0; i < la; i++) {
    const lo = Math.max(0, i - window)
    const hi = Math.min(lb - 1, i + window)
    const c = a.charCodeAt(i)
    for (let j = lo; j <= hi; j++) {
      if (flagsB[j] === 0 && b.charCodeAt(j) === c) {
        flagsA[i] = 1
        flagsB[j] = 1
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < la; i++) {
    if (flagsA[i] === 0) continue
    while (flagsB[k] === 0) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) transpositions++
    k++
  }
  const m = matches
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3
  let prefix = 0
  const maxPrefix = Math.min(4, la, lb)
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}

/**
 * jaroWinkler of two strings given as UTF-16 code units codes[sa .. sa+la) and codes[sb .. sb+lb),
 * both at most 30 long: the same steps and the same floating-point operations, so the same
 * result bit for bit, with the match flags in two integers instead of buffers.
 *
 * @example jaroWinklerCodes(Uint16Array.from('marthamarhta', (c) => c.charCodeAt(0)), 0, 6, 6, 6) // ≈ 0.961
 */
export function jaroWinklerCodes(codes: Uint16Array, sa: number, la: number, sb: number, lb: number): number {
  if (la === 0 || lb === 0) return 0
  const window = Math.max(0, (Math.max(la, lb) >> 1) - 1)
  let flagsA = 0
  let flagsB = 0
  let matches = 0
  for (let i = 0; i < la; i++) {
    const lo = i - window > 0 ? i - window : 0
    const hi = i + window < lb - 1 ? i + window : lb - 1
    const c = codes[sa + i] as number
    for (let j = lo; j <= hi; j++) {
      if ((flagsB & (1 << j)) === 0 && codes[sb + j] === c) {
        flagsA |= 1 << i
        flagsB |= 1 << j
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let transpositions = 0
  let k = 0
  for (let i = 0; i < la; i++) {
    if ((flagsA & (1 << i)) === 0) continue
    while ((flagsB & (1 << k)) === 0) k++
    if (codes[sa + i] !== codes[sb + k]) transpositions++
    k++
  }
  const m = matches
  const jaro = (m / la + m / lb + (m - transpositions / 2) / m) / 3
  let prefix = 0
  const maxPrefix = Math.min(4, la, lb)
  while (prefix < maxPrefix && codes[sa + prefix] === codes[sb + prefix]) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}

/**
 * Order-insensitive similarity of two token lists: each token of the shorter list is paired with
 * its best unused match in the longer list (greedy, best pairs first), and the score is the mean
 * of those similarities. A name present with and without the father's name scores by the tokens
 * they share, so "Mohammed Ahmad Hassan" and "Hassan Mohammed" score 1.
 *
 * @example tokenSetSimilarity(['mhmd', 'hsn'], ['hsn', 'mhmd'], jaroWinkler) // 1
 */
export function tokenSetSimilarity<T>(a: readonly T[], b: readonly T[], similarity: (x: T, y: T) => number): number {
  const short = a.length <= b.length ? a : b
  const long = a.length <= b.length ? b : a
  const ns = short.length
  const nl = long.length
  if (ns === 0) return 0
  // Names have at most a handful of tokens: the full score matrix is tiny.
  const scores = new Float64Array(ns * nl)
  for (let i = 0; i < ns; i++) for (let j = 0; j < nl; j++) scores[i * nl + j] = similarity(short[i] as T, long[j] as T)
  return meanOfGreedyPairs(scores, ns, nl)
}

/**
 * The pairing step of the token-set score: over an ns × nl score matrix (row-major, ns ≤ nl ≤ 31),
 * pair each row with its best unused column, best pairs first, and return the mean score.
 * Shared by tokenSetSimilarity and the comparison hot loop (compare.ts).
 */
export function meanOfGreedyPairs(scores: Float64Array, ns: number, nl: number): number {
  let usedShort = 0
  let usedLong = 0
  let total = 0
  for (let round = 0; round < ns; round++) {
    let best = -1
    let bi = 0
    let bj = 0
    for (let i = 0; i < ns; i++) {
      if (usedShort & (1 << i)) continue
      for (let j = 0; j < nl; j++) {
        if (usedLong & (1 << j)) continue
        const s = scores[i * nl + j] as number
        if (s > best) {
          best = s
          bi = i
          bj = j
        }
      }
    }
    usedShort |= 1 << bi
    usedLong |= 1 << bj
    total += best
  }
  return total / ns
}
