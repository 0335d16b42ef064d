// Security: for now the audit chain's verification. Users, sessions, encryption and redaction
// belong here too as they arrive.
export { verifyAuditChain, verifyAgainstPublishedHead } from './audit.js'
