// The service on Rekor v2 (loopback rekor-tiles) with the embedded TSA: receipts, validation, exactly-once anchoring across a restart.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEntryBundle, entriesPath, leafHash, TILE_WIDTH, tileWidth } from '../../src/core/merkle/index.js';
import { parseHashedRekordBody } from '../../src/core/transparency/index.js';
import { startTestApp } from '../support/app.js';
import { seededDataDir, tempDir } from '../support/databases.js';
import { sign, validate } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { startRekorV2Server, type RekorV2Server } from '../support/rekor-v2-server.js';

describe('REST with Rekor v2 as the transparency log', () => {
  let rekor: RekorV2Server;
  let env: Record<string, string>;
  beforeAll(async () => {
    rekor = await startRekorV2Server();
    const keyFile = join(tempDir(), 'rekor-v2.pub');
    writeFileSync(keyFile, rekor.publicKeyPem);
    env = {
      REKOR_URL: rekor.url,
      REKOR_API_VERSION: '2',
      REKOR_PUBLIC_KEY_FILE: keyFile,
      REKOR_ORIGIN: rekor.origin,
      NOTARY_DATA_DIR: seededDataDir(),
    };
  });
  afterAll(async () => rekor?.close());

  it('anchors hashedrekord 0.0.2, timestamps the signature, and validates against the pinned log key', async () => {
    const app = await startTestApp(env);
    try {
      const pkg = uniquePackage('v2-ok');
      const { status, body } = await sign(app.rest, pkg);
      expect(status).toBe(200);
      const r = body.receipt;
      expect(r).toMatchObject({ anchoring: 'anchored', rekor_server_url: rekor.url, integrated_time: null, signed_entry_timestamp: null });
      expect(parseHashedRekordBody(r.rekor_entry_body).apiVersion).toBe('0.0.2');
      expect(r.rfc3161_timestamp).toEqual(expect.any(String));
      expect(r.bundle.verificationMaterial.tlogEntries[0].kindVersion.version).toBe('0.0.2');
      const v = (await validate(app.rest, pkg, r)).body;
      expect(v).toMatchObject({
        is_valid: true,
        validation_result: { signature_valid: true, rekor_entry_valid: true, timestamp_valid: true, warnings: [] },
      });
      // without its timestamp a v2 receipt proves no time
      const untimed = (await validate(app.rest, pkg, { ...r, rfc3161_timestamp: null, bundle: null })).body;
      expect(untimed).toMatchObject({ is_valid: false, validation_result: { timestamp_valid: false } });
      expect(untimed.validation_error).toMatch(/^RFC 3161 timestamp: a Rekor v2 entry carries no time/);
      const trust = (await app.rest.inject('/api/v1/trust-root')).json();
      expect(trust.transparency_log).toMatchObject({
        api_version: 2,
        key_name: rekor.origin,
        origin: rekor.origin,
        public_key_pem: rekor.publicKeyPem,
      });
      expect(trust.transparency_log.vkey).toMatch(/^rekor-v2\.loopback\+[0-9a-f]{8}\+/);
      expect(trust.timestamp_authorities).toHaveLength(1);
      // the receipt locates its entry: Rekor v2 has no lookup by UUID, so it is the entry at log_index in
      // the tiles at rekor_server_url, and rekor_log_id is its leaf hash; transparency_log_id is the log's ID
      expect(r.transparency_log_id).toBe(trust.transparency_log.log_id);
      expect(r.rekor_log_id).toBe(r.rekor_entry_uuid);
      const n = Math.floor(r.log_index / TILE_WIDTH);
      const tiles = await fetch(`${r.rekor_server_url}/${entriesPath(n, tileWidth(0, n, r.inclusion_proof.treeSize))}`);
      expect(tiles.status).toBe(200);
      const logged = decodeEntryBundle(Buffer.from(await tiles.arrayBuffer()))[r.log_index % TILE_WIDTH]!;
      expect(logged.toString('base64')).toBe(r.rekor_entry_body);
      expect(leafHash(logged).toString('hex')).toBe(r.rekor_log_id);
    } finally {
      await app.close();
    }
  });

  it('acknowledges with anchoring pending while Rekor v2 is down; after a restart the entry is anchored exactly once, even when its answer was lost', async () => {
    const first = await startTestApp(env);
    rekor.failNext(10_000, 503);
    const pkg = uniquePackage('v2-down');
    const { status, body } = await sign(first.rest, pkg);
    expect(status).toBe(200);
    expect(body.receipt).toMatchObject({ anchoring: 'pending', bundle: null });
    expect(body.receipt.rfc3161_timestamp).toEqual(expect.any(String)); // timestamped at once: the embedded TSA needs no network
    await first.close();

    rekor.failNext(0, 503);
    rekor.loseAnswers(1); // the first anchoring after the restart is logged, but its answer never arrives
    const second = await startTestApp(env);
    try {
      let receipt = body.receipt;
      for (let i = 0; i < 150 && receipt.anchoring === 'pending'; i++) {
        await new Promise((r) => setTimeout(r, 200));
        receipt = (await second.rest.inject(`/api/v1/workflows/${body.workflow_id}/receipt`)).json();
      }
      expect(receipt.anchoring).toBe('anchored');
      expect(receipt.rfc3161_timestamp).toBe(body.receipt.rfc3161_timestamp);
      expect((await validate(second.rest, pkg, receipt)).body.is_valid).toBe(true);
      await second.anchorer.runOnce();
      const digest = Buffer.from(receipt.evidence_package_hash, 'hex').toString('base64');
      expect(rekor.bodies.filter((b) => b.toString().includes(digest))).toHaveLength(1);
    } finally {
      await second.close();
    }
  }, 90_000);

  it('refuses to start on Rekor v2 without a pinned key, or with timestamps off', async () => {
    const { REKOR_PUBLIC_KEY_FILE: _, ...unpinned } = env;
    await expect(startTestApp(unpinned)).rejects.toMatchObject({ variable: 'REKOR_PUBLIC_KEY_FILE' });
    await expect(startTestApp({ ...env, NOTARY_TIMESTAMPS: 'off' })).rejects.toMatchObject({ variable: 'NOTARY_TIMESTAMPS' });
  });
});
