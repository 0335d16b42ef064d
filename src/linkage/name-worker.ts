// Worker thread: tokenises every name (prepareNames) while the main thread reads the other fields;
// receives the names as workerData, answers once with the name columns (typed arrays transferred).
import { parentPort, workerData } from 'node:worker_threads'
import { prepareNames } from './prepare.js'

const names = prepareNames(workerData as string[])
const columns = [names.tokenStart, names.tokenIds, names.nameKey, names.givenAt, names.tokenScript, names.tokenSkeletonId, names.tokenVowels, names.tokenBlockId, names.letterless]
parentPort?.postMessage(names, columns.map((c) => c.buffer as ArrayBuffer))
