// The domain: Tally's data model, its validation schemas, grading rules, EDTF dates and the
// audit chain's arithmetic. Pure: imports nothing else of Tally's.
export * from './ids.js'
export * from './errors.js'
export * from './dates.js'
export * from './schemas.js'
export * from './grade.js'
export * from './audit.js'
