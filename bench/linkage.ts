// Linkage benchmark: synthetic lists with known truth (src/linkage/synthetic.ts), linked end to end.
// Prints pairwise precision/recall/F1, blocking recall (share of true pairs among candidates),
// wall time by stage and peak memory. `npm run bench -- linkage 1000000`.
import { linkRecords } from '../src/linkage/index.js'
import { generateSyntheticLists, pairwiseScores, wrongPairs, type SyntheticLists } from '../src/linkage/index.js'
import { machineLine, peakRssMiB } from './_machine.js'

const size = Number(process.argv[2] ?? 10_000)
if (!Number.isInteger(size) || size < 10) {
  console.error('usage: npm run bench -- linkage [RECORDS] [WORKERS|-] [pairwise|-] [ropes]')
  process.exit(2)
}
const workersArg = process.argv[3] === '-' ? undefined : process.argv[3]
// A third argument `pairwise` links without the one-to-one assignment (the earlier behaviour).
const pairwise = process.argv[4] === 'pairwise'
if (process.argv[5] !== undefined && process.argv[5] !== 'ropes') {
  console.error(`unknown fourth argument "${process.argv[5]}" (ropes, or nothing)`)
  process.exit(2)
}

console.log(machineLine())
let t = performance.now()
const ropes = process.argv[5] === 'ropes'
const { records, truth, incident, persons } = syntheticInput(size, ropes)
console.log(`generated ${records.length} records of ${persons} persons in ${((performance.now() - t) / 1000).toFixed(1)} s (not counted below)${ropes ? '; strings as built (ropes)' : ''}`)
const gc = (globalThis as { gc?: () => void }).gc
gc?.()
const rssBefore = process.memoryUsage().rss / 2 ** 20

t = performance.now()
const result = await linkRecords(records, {
  onProgress: (m) => console.log(`  [${((performance.now() - t) / 1000).toFixed(1)} s] ${m}`),
  ...(workersArg === undefined ? {} : { workers: Number(workersArg) }),
  ...(pairwise ? { oneToOne: false } : {}),
})
const wall = (performance.now() - t) / 1000

const scores = pairwiseScores(result.clusterOf, truth)
let candidateTrue = 0
for (let k = 0; k < result.pairs.a.length; k++) {
  if (truth[result.pairs.a[k] as number] === truth[result.pairs.b[k] as number]) candidateTrue++
}
const observedPersons = new Set(truth).size

console.log(`one-to-one assignment: ${pairwise ? 'off' : 'on'}`)
console.log(`records ${size}, lists 4, true persons observed ${observedPersons}, clusters ${result.clusterCount}`)
for (const r of result.blocking) {
  console.log(`  rule "${r.rule}": ${r.pairs} pairs (${r.newPairs} new), ${r.blocks} blocks, ${r.skippedBlocks} blocks over cap (${r.skippedRecords} record-keys)`)
}
console.log(`candidate pairs ${result.candidatePairs}; blocking recall ${(candidateTrue / scores.truePairs).toFixed(4)} (${candidateTrue} of ${scores.truePairs} true pairs)`)
console.log(`EM: ${result.model.iterations} iterations, converged ${result.model.converged}, λ ${result.model.lambda.toExponential(3)} (true-pair share ${(scores.truePairs / ((size * (size - 1)) / 2)).toExponential(3)})`)
result.model.fields.forEach((f, k) => {
  const w = (result.model.weights[k] as number[]).slice(1).map((x) => x.toFixed(1)).join(' ')
  console.log(`  weights ${f}: ${w}`)
})
console.log(
  `pairwise precision ${scores.precision.toFixed(4)}, recall ${scores.recall.toFixed(4)}, F1 ${scores.f1.toFixed(4)} ` +
    `(true ${scores.truePairs}, predicted ${scores.predictedPairs}, correct ${scores.correctPairs})`,
)
const wrong = wrongPairs(result.clusterOf, truth, incident)
console.log(`wrongly linked pairs ${wrong.wrong}, of which ${wrong.relatives} join relatives killed in one incident (${incidentCount(incident)} records killed with relatives)`)
// A digest of the clustering and of the probabilities, to check that a speed-up changed nothing.
let digest = 0x811c9dc5
for (let i = 0; i < result.clusterOf.length; i++) digest = Math.imul(digest ^ (result.clusterOf[i] as number), 0x01000193)
const probabilityBits = new Uint32Array(result.pairs.probability.buffer, result.pairs.probability.byteOffset, result.pairs.probability.length)
let probabilityDigest = 0x811c9dc5
for (let k = 0; k < probabilityBits.length; k++) probabilityDigest = Math.imul(probabilityDigest ^ (probabilityBits[k] as number), 0x01000193)
console.log(`digest: clusters ${(digest >>> 0).toString(16)}, probabilities ${(probabilityDigest >>> 0).toString(16)}`)
console.log(`stages (ms): ${Object.entries(result.timings).map(([k, v]) => `${k} ${v}`).join(', ')}`)
console.log(`wall ${wall.toFixed(1)} s (linkage only); peak RSS ${peakRssMiB().toFixed(0)} MiB (process; ${rssBefore.toFixed(0)} MiB held by the generated input before linking)`)
if (result.warnings.length > 0) console.log(`warnings: ${result.warnings.length}, first: ${result.warnings[0]}`)

/** The synthetic lists, as flat strings unless `ropes`; the generator's own copy is let go. */
function syntheticInput(records: number, ropes: boolean): Pick<SyntheticLists, 'records' | 'truth' | 'incident' | 'persons'> {
  const lists = generateSyntheticLists(records, 42)
  return {
    records: ropes ? lists.records : (JSON.parse(JSON.stringify(lists.records)) as SyntheticLists['records']),
    truth: lists.truth,
    incident: lists.incident,
    persons: lists.persons,
  }
}

/** Records whose incident also killed another person. */
function incidentCount(incident: Int32Array): number {
  const personsOf = new Map<number, Set<number>>()
  for (let i = 0; i < incident.length; i++) {
    const set = personsOf.get(incident[i] as number) ?? new Set<number>()
    set.add(truth[i] as number)
    personsOf.set(incident[i] as number, set)
  }
  let n = 0
  for (let i = 0; i < incident.length; i++) if ((personsOf.get(incident[i] as number)?.size ?? 0) > 1) n++
  return n
}
