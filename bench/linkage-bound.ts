// How well could any pairwise model do with the evidence linkage compares? Links the synthetic
// lists (as bench/linkage does), then gives every kind of candidate pair the share of true
// matches it really has in the answer key, and links a pair when that share is at least one half:
// a perfectly calibrated classifier of the comparison answers, which no method without an answer
// key can beat on those answers. Printed beside Tally's own pairwise and grouped figures, then
// with more information per kind (the pair of lists, how many name words the two share), to show
// what modelling that information could gain. The bound is optimistic where kinds are many and
// small (a kind's share is learnt on the pairs it is scored on): random splits of the same size
// are printed as controls, and at 300,000 a random split in 10 gains as much (+0.005) as the
// pair of lists (10 values, +0.006). Each bound is also printed cross-fitted (kinds learnt on one
// half of the pairs, scored on the other), which has no such optimism but is pessimistic where
// kinds are small (a kind the other half lacks is not linked).
// `npm run bench -- linkage-bound 300000`.
import { generateSyntheticLists, linkRecords, pairwiseScores } from '../src/linkage/index.js'
import { prepareRecords } from '../src/linkage/prepare.js'
import { CompareContext, FIELD_COUNT } from '../src/linkage/compare.js'
import { machineLine } from './_machine.js'

const size = Number(process.argv[2] ?? 100_000)
if (!Number.isInteger(size) || size < 10) {
  console.error('usage: npm run bench -- linkage-bound [RECORDS]')
  process.exit(2)
}
console.log(machineLine())
const { records, truth } = generateSyntheticLists(size, 42)
const result = await linkRecords(records)
// Result pairs name records by input position, as the prepared records here are numbered.
const prepared = prepareRecords(records)
const { a, b, levels, probability } = result.pairs
const truePairs = pairwiseScores(truth, truth).truePairs
const isTrue = (k: number): boolean => truth[a[k] as number] === truth[b[k] as number]

/** Name words (by skeleton) the two records of pair k share, and each one's count (at most 4). */
const words = new Uint8Array(a.length * 3)
const skeletonsOf = (i: number): Set<number> => {
  const out = new Set<number>()
  for (let q = prepared.tokenStart[i] as number; q < (prepared.tokenStart[i + 1] as number); q++) out.add(prepared.tokenSkeletonId[prepared.tokenIds[q] as number] as number)
  return out
}
for (let k = 0; k < a.length; k++) {
  const x = skeletonsOf(a[k] as number)
  const y = skeletonsOf(b[k] as number)
  let shared = 0
  for (const s of x) if (y.has(s)) shared++
  words[3 * k] = Math.min(4, shared)
  words[3 * k + 1] = Math.min(4, x.size, y.size)
  words[3 * k + 2] = Math.min(4, Math.max(x.size, y.size))
}

function scores(linked: (k: number) => boolean): string {
  let correct = 0
  let predicted = 0
  for (let k = 0; k < a.length; k++) {
    if (!linked(k)) continue
    predicted++
    if (isTrue(k)) correct++
  }
  const precision = correct / Math.max(1, predicted)
  const recall = correct / truePairs
  return `precision ${precision.toFixed(4)}, recall ${recall.toFixed(4)}, F1 ${((2 * precision * recall) / (precision + recall)).toFixed(4)}`
}

/** The bound when pairs are told apart by their answers, name rarity (1 bit) and `extra`. */
function bound(name: string, extra: (k: number) => number | string): Map<string, number> {
  const kindOf = new Map<string, number>()
  const kind = new Int32Array(a.length)
  for (let k = 0; k < a.length; k++) {
    const answers = Array.from(levels.subarray(k * FIELD_COUNT, (k + 1) * FIELD_COUNT), (l) => l & 0x3f).join('')
    const rarity = Math.round(Math.max(prepared.nameLogFrequency[a[k] as number] as number, prepared.nameLogFrequency[b[k] as number] as number))
    const key = `${answers}|${rarity}|${extra(k)}`
    let id = kindOf.get(key)
    if (id === undefined) {
      id = kindOf.size
      kindOf.set(key, id)
    }
    kind[k] = id
  }
  // Counts per kind in two halves of the pairs (by a hash of the pair's index): cross-fitted,
  // a pair is linked by the share of its kind in the other half, so no kind's share is learnt on
  // the pair it is scored on (a kind the other half lacks is not linked: pessimistic there).
  const pairs = [new Float64Array(kindOf.size), new Float64Array(kindOf.size)] as const
  const matches = [new Float64Array(kindOf.size), new Float64Array(kindOf.size)] as const
  for (let k = 0; k < a.length; k++) {
    const c = kind[k] as number
    const h = half(k)
    pairs[h][c] = (pairs[h][c] as number) + 1
    if (isTrue(k)) matches[h][c] = (matches[h][c] as number) + 1
  }
  const total = (x: readonly [Float64Array, Float64Array], c: number): number => (x[0][c] as number) + (x[1][c] as number)
  const linked = (k: number): boolean => 2 * total(matches, kind[k] as number) >= total(pairs, kind[k] as number)
  const crossFitted = (k: number): boolean => {
    const other = half(k) === 1 ? 0 : 1
    const c = kind[k] as number
    return (pairs[other][c] as number) > 0 && 2 * (matches[other][c] as number) >= (pairs[other][c] as number)
  }
  console.log(`bound, ${name} (${kindOf.size} kinds): ${scores(linked)}; cross-fitted: ${scores(crossFitted)}`)
  const share = new Map<string, number>()
  for (const [key, c] of kindOf) share.set(key, total(matches, c) / total(pairs, c))
  return share
}

/** The half (0 or 1) pair k falls in for cross-fitting: a hash bit the random splits below do not use. */
function half(k: number): 0 | 1 {
  return Math.imul(k, 0x85ebca6b) >>> 31 === 1 ? 1 : 0
}

console.log(`records ${size}, candidate pairs ${a.length}, true pairs ${truePairs}`)
console.log(`Tally, pairwise (probability ≥ 0.5): ${scores((k) => (probability[k] as number) >= 0.5)}`)
const grouped = pairwiseScores(result.clusterOf, truth)
console.log(`Tally, grouped into persons: precision ${grouped.precision.toFixed(4)}, recall ${grouped.recall.toFixed(4)}, F1 ${grouped.f1.toFixed(4)}`)
const listPair = (k: number): string => {
  const x = prepared.list[a[k] as number] as number
  const y = prepared.list[b[k] as number] as number
  return `${Math.min(x, y)}-${Math.max(x, y)}`
}
const wordCounts = (k: number): string => `${words[3 * k]}/${words[3 * k + 1]}/${words[3 * k + 2]}`
const basic = bound('answers and name rarity', () => 0)
// Controls: the same pairs split at random into as many parts as the additions below split them.
// Their gain is the bound's optimism alone (small kinds learnt on the pairs they are scored on):
// an addition is worth what it gains beyond the control of its size, not what it gains.
const randomPart = (parts: number) => (k: number): number => (Math.imul(k, 0x9e3779b1) >>> 0) % parts
bound('+ random split in 2 (control)', randomPart(2))
bound('+ random split in 10 (control)', randomPart(10))
bound('+ same list or not', (k) => (prepared.list[a[k] as number] === prepared.list[b[k] as number] ? 'same' : 'across'))
bound('+ pair of lists', listPair)
bound('+ random split in 25 (control)', randomPart(25))
bound('+ name words shared', wordCounts)
bound('+ both', (k) => `${listPair(k)} ${wordCounts(k)}`)

// The true pairs blocking never offered: would the bound have linked them, had they been
// compared? Each is compared now and looked up among the kinds above (a kind no candidate had
// counts as not linked).
const rowStart = new Int32Array(size + 1)
for (let k = 0; k < a.length; k++) rowStart[(a[k] as number) + 1] = (rowStart[(a[k] as number) + 1] as number) + 1
for (let i = 0; i < size; i++) rowStart[i + 1] = (rowStart[i + 1] as number) + (rowStart[i] as number)
const partners = new Int32Array(a.length)
const fill = rowStart.slice(0, size)
for (let k = 0; k < a.length; k++) {
  const i = a[k] as number
  partners[fill[i] as number] = b[k] as number
  fill[i] = (fill[i] as number) + 1
}
const isCandidate = (i: number, j: number): boolean => {
  for (let q = rowStart[i] as number; q < (rowStart[i + 1] as number); q++) if (partners[q] === j) return true
  return false
}
const byPerson = new Map<number, number[]>()
truth.forEach((person, i) => {
  const members = byPerson.get(person)
  if (members === undefined) byPerson.set(person, [i])
  else members.push(i)
})
const ctx = new CompareContext(prepared)
const answers = new Uint8Array(FIELD_COUNT)
let missed = 0
let linkable = 0
const linkableKinds = new Map<string, number>()
for (const members of byPerson.values()) {
  for (let x = 0; x < members.length; x++) {
    for (let y = x + 1; y < members.length; y++) {
      const i = members[x] as number
      const j = members[y] as number
      if (isCandidate(i, j)) continue
      missed++
      ctx.compare(i, j, answers, 0)
      const rarity = Math.round(Math.max(prepared.nameLogFrequency[i] as number, prepared.nameLogFrequency[j] as number))
      const key = Array.from(answers).join('')
      if ((basic.get(`${key}|${rarity}|0`) ?? 0) >= 0.5) {
        linkable++
        linkableKinds.set(key, (linkableKinds.get(key) ?? 0) + 1)
      }
    }
  }
}
console.log(`true pairs never compared: ${missed}; of these the bound would link ${linkable} (${((100 * linkable) / Math.max(1, missed)).toFixed(1)} %): recall up to +${(linkable / truePairs).toFixed(4)}`)
const commonest = [...linkableKinds].sort((x, y) => y[1] - x[1]).slice(0, 10)
console.log(`  their commonest answers (name sex age date place levels, see LEVELS in compare.ts): ${commonest.map(([k, c]) => `${k}: ${c}`).join(', ')}`)
