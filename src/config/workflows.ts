import { ConfigError, type Reader } from './reader.js';

export interface WorkflowsConfig {
  maxBatchSize: number;
  defaultExpiresSeconds: number;
  /** period of the expiry / resume / webhook loop */
  pollMs: number;
  /** HMAC key of webhook signatures; without it no webhook is sent */
  webhookSecret?: string;
  /** every workflow notification also goes here */
  webhookUrl?: string;
}

export function workflowsConfig(r: Reader): WorkflowsConfig {
  const webhookSecret = r.optional('NOTARY_WEBHOOK_SECRET');
  const webhookUrl = r.url('NOTARY_WEBHOOK_URL', ['http:', 'https:']);
  // an unsigned notification could be forged by anyone who can reach the receiver
  if (webhookUrl && !webhookSecret) throw new ConfigError('NOTARY_WEBHOOK_URL', 'needs NOTARY_WEBHOOK_SECRET to sign deliveries');
  if (webhookSecret && webhookSecret.length < 16) throw new ConfigError('NOTARY_WEBHOOK_SECRET', 'must be at least 16 characters');
  return {
    maxBatchSize: r.int('NOTARY_MAX_BATCH_SIZE', 100, 1, 1000),
    defaultExpiresSeconds: r.int('NOTARY_APPROVAL_DEFAULT_EXPIRES_S', 86_400, 1, 30 * 86_400),
    pollMs: r.int('NOTARY_WORKFLOW_POLL_MS', 1_000, 10, 3_600_000),
    webhookSecret,
    webhookUrl,
  };
}
