import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../support/app.js';
import { seededDataDir, tempDir } from '../support/databases.js';
import { sign, validate } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { startRekorServer, type RekorServer } from '../support/rekor-server.js';

describe('REST with Rekor as the transparency log', () => {
  let rekor: RekorServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    rekor = await startRekorServer({ indexOffset: 1000 });
    const keyFile = join(tempDir(), 'rekor.pub');
    writeFileSync(keyFile, rekor.publicKeyPem);
    env = { REKOR_URL: rekor.url, REKOR_PUBLIC_KEY_FILE: keyFile, NOTARY_DATA_DIR: seededDataDir() };
  });
  afterAll(async () => rekor?.close());

  it('anchors each signature in Rekor and validates the receipt against the pinned log key', async () => {
    const app = await startTestApp(env);
    try {
      const pkg = uniquePackage('rekor-ok');
      const { status, body } = await sign(app.rest, pkg);
      expect(status).toBe(200);
      expect(body.receipt).toMatchObject({ anchoring: 'anchored', rekor_server_url: rekor.url });
      expect(body.receipt.log_index).toBeGreaterThanOrEqual(1000);
      expect(rekor.entries.map((e) => e.uuid)).toContain(body.receipt.rekor_entry_uuid);
      expect((await validate(app.rest, pkg, body.receipt)).body.is_valid).toBe(true);
      const trust = (await app.rest.inject('/api/v1/trust-root')).json();
      expect(trust.transparency_log.public_key_pem).toBe(rekor.publicKeyPem);
      expect((await app.rest.inject('/api/v1/log')).statusCode).toBe(404); // no embedded log API with Rekor
    } finally {
      await app.close();
    }
  });

  it('acknowledges with anchoring pending while Rekor is down; after a restart the entry is anchored exactly once', async () => {
    const first = await startTestApp(env);
    rekor.failNext(10_000, 503);
    const pkg = uniquePackage('rekor-down');
    const { status, body } = await sign(first.rest, pkg);
    expect(status).toBe(200);
    expect(body.receipt.anchoring).toBe('pending');
    await first.close(); // the process stops between signing and anchoring

    rekor.failNext(0, 503);
    const second = await startTestApp(env);
    try {
      let receipt = body.receipt;
      for (let i = 0; i < 100 && receipt.anchoring === 'pending'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        receipt = (await second.rest.inject(`/api/v1/workflows/${body.workflow_id}/receipt`)).json();
      }
      expect(receipt.anchoring).toBe('anchored');
      expect((await validate(second.rest, pkg, receipt)).body.is_valid).toBe(true);
      await second.anchorer.runOnce();
      const digest = receipt.evidence_package_hash;
      const logged = rekor.entries.filter((e) => Buffer.from(e.body, 'base64').toString().includes(digest));
      expect(logged).toHaveLength(1);
    } finally {
      await second.close();
    }
  }, 60_000);
});
