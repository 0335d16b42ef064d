// Use cases: the one place where modules are combined. Each is one function over the store that
// writes its audit event; the HTTP server and the CLI are thin adapters over these.
export type { Actor, Context } from './context.js'
export * from './records.js'
export * from './claims.js'
export * from './stats.js'
export * from './lists.js'
export * from './estimate.js'
export * from './linkage.js'
export * from './ingest.js'
export * from './workspace.js'
export { buildDemo, SEED_FILE, type DemoSummary } from './demo.js'
export { explainIncidentGrade } from './grading.js'
export { STATS_DIMENSIONS, type Page, type PageRequest, type Stats, type StatsDimension, type StatsUnit, type Store } from '../store/index.js'
