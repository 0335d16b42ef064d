// How well could any pairwise model do with the evidence linkage compares? Links the synthetic
// lists (as bench/linkage does), then gives every kind of candidate pair the share of true
// matches it really has in the answer key, and links a pair when that share is at least one half:
// a perfectly calibrated classifier of the comparison answers, which no method without an answer
// key can beat on those answers. Printed beside Tally's own pairwise and grouped figures, then
// with more information per kind (the pair of lists, how many name words the two share), to show
// what modelling that information could gain. The bound is optimistic where kinds are many and
// small (a kind's share is learnt on the pairs it is scored on).
// `npm run bench -- linkage-bound 300000`.
import { generateSyntheticLists, linkRecords, pairwiseScores } from '../src/linkage/index.js'
import { prepareRecords } from '../src/linkage/prepare.js'
import { FIELD_COUNT } from '../src/linkage/compare.js'
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
function bound(name: string, extra: (k: number) => number | string): void {
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
  const pairs = new Float64Array(kindOf.size)
  const matches = new Float64Array(kindOf.size)
  for (let k = 0; k < a.length; k++) {
    const c = kind[k] as number
    pairs[c] = (pairs[c] as number) + 1
    if (isTrue(k)) matches[c] = (matches[c] as number) + 1
  }
  const linked = (k: number): boolean => 2 * (matches[kind[k] as number] as number) >= (pairs[kind[k] as number] as number)
  console.log(`bound, ${name} (${kindOf.size} kinds): ${scores(linked)}`)
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
bound('answers and name rarity', () => 0)
bound('+ pair of lists', listPair)
bound('+ name words shared', wordCounts)
bound('+ both', (k) => `${listPair(k)} ${wordCounts(k)}`)
