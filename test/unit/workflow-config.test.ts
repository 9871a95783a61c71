import { describe, expect, it } from 'vitest';
import { ConfigError, describeConfig, loadConfig } from '../../src/config.js';

describe('workflow settings', () => {
  it('has explicit defaults', () => {
    expect(loadConfig({}).workflows).toEqual({
      maxBatchSize: 100,
      defaultExpiresSeconds: 86_400,
      pollMs: 1000,
      webhookSecret: undefined,
      webhookUrl: undefined,
    });
  });

  it('reads every variable and never shows the secret', () => {
    const c = loadConfig({
      NOTARY_MAX_BATCH_SIZE: '10',
      NOTARY_APPROVAL_DEFAULT_EXPIRES_S: '60',
      NOTARY_WORKFLOW_POLL_MS: '250',
      NOTARY_WEBHOOK_SECRET: 'a-long-enough-secret',
      NOTARY_WEBHOOK_URL: 'https://hooks.example/afdp',
    });
    expect(c.workflows).toEqual({
      maxBatchSize: 10,
      defaultExpiresSeconds: 60,
      pollMs: 250,
      webhookSecret: 'a-long-enough-secret',
      webhookUrl: 'https://hooks.example/afdp',
    });
    expect(JSON.stringify(describeConfig(c))).not.toContain('a-long-enough-secret');
  });

  it('refuses unsigned webhooks, short secrets and out-of-range limits', () => {
    const bad = [
      { NOTARY_WEBHOOK_URL: 'https://hooks.example' },
      { NOTARY_WEBHOOK_SECRET: 'short' },
      { NOTARY_MAX_BATCH_SIZE: '0' },
      { NOTARY_MAX_BATCH_SIZE: '1001' },
      { NOTARY_APPROVAL_DEFAULT_EXPIRES_S: '0' },
      { NOTARY_WEBHOOK_URL: 'ftp://x', NOTARY_WEBHOOK_SECRET: 'a-long-enough-secret' },
    ];
    for (const env of bad) expect(() => loadConfig(env), JSON.stringify(env)).toThrow(ConfigError);
  });
});
