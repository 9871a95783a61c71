import { NotaryError } from '../../core/errors.js';
import { MAX_APPROVERS, MAX_EXPIRES_SECONDS } from '../../core/workflows/index.js';
import type { ApprovalConfig } from './messages.js';

const FIELD = 'event.workflow_config';
const bad = (field: string, message: string) =>
  new NotaryError('invalid_request', `${FIELD}.${field}: ${message}`, { field: `${FIELD}.${field}` });
const absent = (v: unknown) => v === undefined || v === null;

/**
 * The approval parameters of an approval_sign event, with AFDP's field names (`approvers`, `timeout`
 * in seconds) plus `quorum`, ours, as over REST. Shape and ranges only: the core checks the rest
 * (approver names, duplicates) and its refusals are renamed to these fields (`approvalField`).
 */
export function decodeApproval(config: Record<string, unknown>): ApprovalConfig {
  const { approvers, quorum, timeout } = config;
  if (!Array.isArray(approvers) || approvers.length === 0 || approvers.length > MAX_APPROVERS) {
    throw bad('approvers', `is required for approval_sign and must list 1 to ${MAX_APPROVERS} approvers`);
  }
  approvers.forEach((a, i) => {
    if (typeof a !== 'string' || a.trim() === '') throw bad(`approvers[${i}]`, 'must be a non-empty string');
  });
  const out: ApprovalConfig = { approvers: approvers as string[] };
  if (!absent(quorum)) {
    if (!Number.isInteger(quorum) || (quorum as number) < 1 || (quorum as number) > approvers.length) {
      throw bad('quorum', `must be an integer from 1 to ${approvers.length} (the number of approvers)`);
    }
    out.quorum = quorum as number;
  }
  if (!absent(timeout)) {
    if (!Number.isInteger(timeout) || (timeout as number) < 1 || (timeout as number) > MAX_EXPIRES_SECONDS) {
      throw bad('timeout', `must be an integer number of seconds from 1 to ${MAX_EXPIRES_SECONDS}`);
    }
    out.timeoutSeconds = timeout as number;
  }
  return out;
}

/** The core names approval fields as REST does (`approvers[1]`, `expires_in`); a producer wrote these. */
export function approvalField(field: string | undefined): string | undefined {
  const m = field === undefined ? null : /^(approvers(\[\d+\])?|quorum|expires_in)$/.exec(field);
  if (!m) return field;
  return `${FIELD}.${m[1] === 'expires_in' ? 'timeout' : m[1]}`;
}
