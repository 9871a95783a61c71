export { SqlAuditLog } from './audit-log.js';
export type { AuditLog, AuditQuery } from '../../ports/audit.js';
export { chainEvents, checkLink, GENESIS_HASH, hashRecord, type AuditEvent, type AuditOutcome, type AuditRecord } from './chain.js';
export { verifyAuditChain, type ChainVerification } from './verify.js';
