/**
 * The embedded log as a C2SP tiled log: a tile client (ours, reading over HTTP only what the
 * spec defines) follows it, verifies the checkpoint with the Ed25519 key published as a vkey (what
 * a witness does) and proves every receipt's entry from tiles and entry bundles.
 */
import { createPublicKey } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  decodeEntryBundle,
  entriesPath,
  inclusionProofFromTiles,
  leafHash,
  tilePath,
  tileWidth,
  verifyInclusion,
} from '../../src/core/merkle/index.js';
import { verifyCheckpoint } from '../../src/core/transparency/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { uniquePackage } from '../support/records.js';
import { signBatch } from '../support/workflow-http.js';

/** An Ed25519 public key from a C2SP vkey `<name>+<hint>+base64(0x01 || key)`. */
function fromVkey(vkey: string) {
  // the key's base64 may hold '+' itself: split at the first two only
  const [, name, b64] = /^([^+]+)\+[0-9a-f]{8}\+(.+)$/.exec(vkey)!;
  const raw = Buffer.from(b64!, 'base64');
  expect(raw[0]).toBe(0x01);
  return {
    name: name!,
    key: createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.subarray(1).toString('base64url') }, format: 'jwk' }),
  };
}

describe('the embedded log serves c2sp.org/tlog-tiles', () => {
  let app: TestApp;
  let tiles: string;
  const receipts: Record<string, any>[] = [];
  const get = (path: string) => app.rest.inject(`${tiles}/${path}`);

  beforeAll(async () => {
    // no audit-anchor leaf lands among the 300 under test, however long the run takes on a loaded machine
    app = await startTestApp({ NOTARY_MAX_BATCH_SIZE: '100', NOTARY_AUDIT_ANCHOR_INTERVAL_MS: '0' });
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    tiles = new URL(trust.transparency_log.tiles_url).pathname;
    for (let b = 0; b < 3; b++) {
      const { body } = await signBatch(app.rest, {
        evidence_packages: Array.from({ length: 100 }, (_, i) => uniquePackage(`tiles-${b}-${i}`)),
      });
      receipts.push(...body.results.map((r: { receipt: object }) => r.receipt));
    }
  }, 120_000);
  afterAll(async () => app?.close());

  it('serves a checkpoint that the published Ed25519 vkey and the ECDSA log key both verify', async () => {
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    const res = await get('checkpoint');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-cache');
    const { name, key } = fromVkey(trust.transparency_log.vkey);
    const cp = verifyCheckpoint(res.body, key, trust.transparency_log.origin, name);
    expect(cp.key.algorithm).toBe('ed25519');
    expect(cp.size).toBe(300);
    expect(verifyCheckpoint(res.body, createPublicKey(trust.transparency_log.public_key_pem)).key.algorithm).toBe('ecdsa');
    // every receipt's batch was timestamped on the way: workflows timestamp their signatures too
    expect(receipts.every((r) => typeof r.rfc3161_timestamp === 'string')).toBe(true);
  });

  it("proves every receipt's entry from tiles and entry bundles alone", async () => {
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    const cp = verifyCheckpoint((await get('checkpoint')).body, createPublicKey(trust.transparency_log.public_key_pem));
    const reads = new Set<string>();
    const read = async (level: number, index: number, width: number) => {
      const path = tilePath(level, index, width);
      reads.add(path);
      const res = await get(path);
      expect(res.statusCode, path).toBe(200);
      return res.rawPayload;
    };
    const bundles = new Map<number, Buffer[]>();
    for (const r of receipts) {
      const i = r.log_index as number;
      const n = Math.floor(i / 256);
      if (!bundles.has(n)) bundles.set(n, decodeEntryBundle((await get(entriesPath(n, tileWidth(0, n, cp.size)))).rawPayload));
      const body = bundles.get(n)![i % 256]!;
      expect(body.toString('base64')).toBe(r.rekor_entry_body);
      const proof = await inclusionProofFromTiles(i, cp.size, read);
      expect(verifyInclusion(leafHash(body), i, cp.size, proof, cp.rootHash)).toBe(true);
    }
    expect(reads).toEqual(new Set(['tile/0/000', 'tile/0/001.p/44', 'tile/1/000.p/1']));
  });

  it('full and partial tiles are immutable resources; what no checkpoint covers, or no spec names, is 404', async () => {
    const full = await get('tile/0/000');
    expect(full.headers['content-type']).toBe('application/octet-stream');
    expect(full.headers['cache-control']).toContain('immutable');
    expect(full.rawPayload).toHaveLength(256 * 32);
    expect((await get('tile/0/001.p/10')).rawPayload).toEqual((await get('tile/0/001.p/44')).rawPayload.subarray(0, 320));
    for (const path of [
      'tile/0/001',
      'tile/0/001.p/45',
      'tile/2/000.p/1',
      'tile/entries/002.p/1',
      'tile/0/1',
      'tile/0/x000',
      'tile/64/000',
      'tile/0/000.p/256',
      'tile/0/000.p/0',
    ]) {
      const res = await get(path);
      expect(res.statusCode, path).toBe(404);
      expect(res.headers['content-type'], path).toContain('application/problem+json');
    }
  });

  it('a log with no entry has no checkpoint to serve yet', async () => {
    const fresh = await startTestApp();
    try {
      expect((await fresh.rest.inject(`${tiles}/checkpoint`)).statusCode).toBe(404);
    } finally {
      await fresh.close();
    }
  });
});
