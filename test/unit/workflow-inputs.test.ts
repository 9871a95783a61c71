// Workflow inputs are stored as sent (approvers, comments, webhook URLs): what the tables cannot hold is refused.
import { describe, expect, it } from 'vitest';
import { isNotaryError } from '../../src/core/errors.js';
import { approvalRequest, checkDecision, checkWebhookUrl } from '../../src/core/workflows/inputs.js';

const refusal = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return isNotaryError(err) ? `${err.code}:${err.field}` : `untyped:${String(err)}`;
  }
  return 'ok';
};
const limits = { maxBatchSize: 10, defaultExpiresSeconds: 3600 };

describe('workflow inputs', () => {
  it('refuses NUL in approver names and comments, and control characters in webhook URLs', () => {
    expect(refusal(() => approvalRequest({ evidencePackage: {}, approvers: ['alice', 'b\u0000b'] }, new Date(), limits))).toBe(
      'validation_failed:approvers[1]',
    );
    expect(refusal(() => checkDecision({ approver: 'alice', decision: 'approve', comment: 'ok\u0000' }))).toBe('validation_failed:comment');
    expect(refusal(() => checkDecision({ approver: 'al\u0000ice', decision: 'approve' }))).toBe('validation_failed:approver');
    expect(refusal(() => checkWebhookUrl('http://hooks.test/a\u0000b', true))).toBe('validation_failed:webhook_url');
    expect(refusal(() => checkWebhookUrl('http://hooks.test/a\tb', true))).toBe('validation_failed:webhook_url');
    expect(refusal(() => checkWebhookUrl('http://hooks.test/a\ud800', true))).toBe('validation_failed:webhook_url');
  });

  it('accepts what the tables hold', () => {
    expect(refusal(() => approvalRequest({ evidencePackage: {}, approvers: ['alice', 'bób ✓'] }, new Date(), limits))).toBe('ok');
    expect(refusal(() => checkDecision({ approver: 'alice', decision: 'reject', comment: 'line one\nline two' }))).toBe('ok');
    expect(checkWebhookUrl('https://hooks.test/afdp?x=1', true)).toBe('https://hooks.test/afdp?x=1');
  });
});
