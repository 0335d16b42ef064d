// Security: the audit chain's verification, the role × action × resource table, passwords,
// session and token secrets, and the key that seals protected fields.
export { verifyAuditChain, verifyAgainstPublishedHead } from './audit.js'
export { ACTIONS, ALL_ROLES, CLEARANCE, GRANTS, PUBLISHED_ONLY, RESOURCES, authorize, can, hasClearance, holds, type Action, type Permission, type Resource } from './permissions.js'
export { DUMMY_PASSWORD_HASH, generatePassword, hashPassword, passwordProblem, verifyAgainstNothing, verifyPassword } from './passwords.js'
export { csrfTokenFor, csrfTokenMatches, hashSecret, newSecret } from './secrets.js'
export { FieldCipher, createKeyFile, isSealed, removeRetiredKeys, rotateKeyFile } from './keyring.js'
export {
  CellCounts,
  DEFAULT_SUPPRESSION_THRESHOLD,
  TOP_AGE_BAND,
  ageBand,
  generalisePlace,
  monthOfDate,
  placeCell,
  suppressSmallCells,
  validateThreshold,
  type PublicPlace,
} from './redact.js'
