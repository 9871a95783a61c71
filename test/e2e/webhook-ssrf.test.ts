/**
 * Attack 3 of issue #16: an `ai_engineer` made the notary POST to loopback through `webhook_url`
 * (127.0.0.1, localhost, [::ffff:127.0.0.1], 2130706433) and it retried 12 times. Now: https only
 * by default, every non-public address refused at creation (422) and again, on the address actually
 * connected to, at delivery; no redirect followed; refused targets are not retried.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pino from 'pino';
import { PgWebhookOutbox, WebhookDispatcher, type Resolve } from '../../src/adapters/webhooks/index.js';
import type { WebhookUrlPolicy } from '../../src/core/webhook-url.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { bearer, createApiKey, type Creds } from '../support/auth.js';
import { uniquePackage } from '../support/records.js';
import { LOOPBACK_POLICY, LOOPBACK_RECEIVER, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const SECRET = 'ssrf-test-webhook-secret';
const ADMIN = 'ssrf-admin-token';

async function create(app: TestApp, creds: Creds, url: string, route: 'approval' | 'batch' = 'approval') {
  const payload =
    route === 'approval'
      ? { evidence_package: uniquePackage(`ssrf-${Math.random()}`), approvers: ['sam'], webhook_url: url }
      : { evidence_packages: [uniquePackage(`ssrf-${Math.random()}`)], webhook_url: url };
  const res = await app.rest.inject({ method: 'POST', url: `/api/v1/evidence/sign/${route}`, headers: creds, payload });
  return { status: res.statusCode, body: res.json() };
}

describe('webhook URLs under the default policy (auth on, an ai_engineer key)', () => {
  let app: TestApp;
  let hooks: WebhookReceiver;
  let engineer: Creds;
  beforeAll(async () => {
    hooks = await startWebhookReceiver(SECRET);
    app = await startTestApp({
      NOTARY_AUTH_MODE: 'required',
      NOTARY_ADMIN_TOKEN: ADMIN,
      NOTARY_WEBHOOK_SECRET: SECRET,
      NOTARY_WORKFLOW_POLL_MS: '50',
    });
    engineer = { 'x-api-key': (await createApiKey(app.rest, bearer(ADMIN), 'ci', ['ai_engineer'])).key };
  });
  afterAll(async () => {
    await app?.close();
    await hooks?.close();
  });

  it('refuses every loopback, private, link-local, CGNAT, metadata, mapped and encoded address with 422 at creation, on both routes', async () => {
    const port = new URL(hooks.url).port;
    const targets = [
      hooks.url,
      `http://localhost:${port}/`,
      `http://[::ffff:127.0.0.1]:${port}/`,
      `http://2130706433:${port}/`,
      'https://127.0.0.1/',
      'https://localhost/',
      'https://0x7f.1/',
      'https://127.1/',
      'https://[::1]/',
      'https://[::ffff:7f00:1]/',
      'https://10.0.0.8/',
      'https://192.168.1.1/',
      'https://172.16.0.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://100.100.100.200/',
      'https://100.64.0.1/',
      'https://[fd00:ec2::254]/',
      'https://[fe80::1]/',
      'https://0.0.0.0/',
      'https://user:password@93.184.215.14/',
      'http://93.184.215.14/',
    ];
    for (const route of ['approval', 'batch'] as const) {
      for (const target of targets) {
        const res = await create(app, engineer, target, route);
        expect({ target, route, status: res.status, code: res.body.code, field: res.body.field }).toEqual({
          target,
          route,
          status: 422,
          code: 'validation_failed',
          field: 'webhook_url',
        });
      }
    }
    await new Promise((r) => setTimeout(r, 300)); // several runner rounds
    expect(hooks.received).toEqual([]);
  });

  it('accepts a public https address', async () => {
    expect((await create(app, engineer, 'https://93.184.215.14/afdp-hooks')).status).toBe(200);
  });
});

describe('NOTARY_WEBHOOK_ALLOWED_HOSTS', () => {
  it('refuses any other host at creation, and a listed host still may not name a private address', async () => {
    const app = await startTestApp({ NOTARY_WEBHOOK_SECRET: SECRET, NOTARY_WEBHOOK_ALLOWED_HOSTS: 'hooks.example.com,localhost' });
    try {
      const other = await create(app, {}, 'https://elsewhere.example.net/x');
      expect([other.status, other.body.code]).toEqual([422, 'validation_failed']);
      const listedButLoopback = await create(app, {}, 'https://localhost/x');
      expect([listedButLoopback.status, listedButLoopback.body.code]).toEqual([422, 'validation_failed']);
    } finally {
      await app.close();
    }
  });
});

describe('delivery checks the address it connects to', () => {
  let hooks: WebhookReceiver;
  let other: WebhookReceiver;
  let app: TestApp;
  beforeAll(async () => {
    hooks = await startWebhookReceiver(SECRET);
    other = await startWebhookReceiver(SECRET);
    // the app only provides the database and the outbox: its own runner stays slow
    app = await startTestApp({ NOTARY_WEBHOOK_SECRET: SECRET, NOTARY_WORKFLOW_POLL_MS: '3600000' });
  });
  afterAll(async () => {
    await app?.close();
    await hooks?.close();
    await other?.close();
  });

  const outbox = () => new PgWebhookOutbox(app.db);
  const enqueue = async (url: string) => {
    await app.db.query(
      `INSERT INTO webhook_outbox (workflow_id, event, url, body, next_attempt_at) VALUES (gen_random_uuid(), 'completed', $1, '{"id":"x"}', now() - interval '1 second')`,
      [url],
    );
  };
  const dispatcher = (resolve?: Resolve, policy: WebhookUrlPolicy = LOOPBACK_POLICY) =>
    new WebhookDispatcher({ outbox: outbox(), secret: SECRET, logger: pino({ level: 'silent' }), policy, resolve, maxAttempts: 12 });

  it('a name that resolved to a public address at creation and to loopback now (DNS rebinding) is refused, once, without retries', async () => {
    const port = new URL(hooks.url).port;
    const rebinding: Resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    await enqueue(`http://rebind.example.test:${port}/hooks`);
    const strict = { ...LOOPBACK_POLICY, allowLoopbackForTests: false };
    expect(await dispatcher(rebinding, strict).runOnce()).toBe(0);
    expect(hooks.received).toEqual([]);
    const { rows } = await app.db.query<{ attempts: number; gave_up: boolean; last_error: string }>(
      "SELECT attempts, gave_up_at IS NOT NULL AS gave_up, last_error FROM webhook_outbox WHERE url LIKE 'http://rebind.%'",
    );
    expect(rows).toEqual([
      { attempts: 1, gave_up: true, last_error: expect.stringMatching(/^refused: rebind\.example\.test resolves to 127\.0\.0\.1/) },
    ]);
  });

  it('connects to the very address it checked: a public name pinned to the receiver reaches it, and a redirect is not followed', async () => {
    const port = new URL(hooks.url).port;
    const pinned: Resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    hooks.failNext(1, 307, { location: other.url });
    await enqueue(`http://pinned.example.test:${port}/hooks`);
    expect(await dispatcher(pinned).runOnce()).toBe(0);
    expect(hooks.received).toHaveLength(1);
    expect(hooks.received[0]!.headers.host).toBe(`pinned.example.test:${port}`);
    expect(other.received).toEqual([]);
  });

  it('the service refuses loopback receivers unless the test-only setting is on, and that setting is refused in production', async () => {
    const { loadConfig } = await import('../../src/config.js');
    expect(() => loadConfig({ NODE_ENV: 'production', ...LOOPBACK_RECEIVER })).toThrow(/NOTARY_WEBHOOK_ALLOW_LOOPBACK_FOR_TESTS/);
    expect(loadConfig({}).webhookPolicy).toEqual({
      allowHttp: false,
      allowedHosts: undefined,
      allowedNetworks: [],
      allowLoopbackForTests: false,
    });
    expect(() => loadConfig({ NOTARY_WEBHOOK_SECRET: SECRET, NOTARY_WEBHOOK_URL: 'http://hooks.example.com/' })).toThrow(
      /NOTARY_WEBHOOK_URL/,
    );
    expect(() => loadConfig({ NOTARY_WEBHOOK_ALLOWED_NETWORKS: '169.254.0.0/16' })).toThrow(/NOTARY_WEBHOOK_ALLOWED_NETWORKS/);
  });
});
