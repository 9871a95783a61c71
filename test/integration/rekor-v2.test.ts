// RekorV2Log against the loopback Rekor v2 (test/support/rekor-v2-server.ts).
import { createHash, createPublicKey, sign } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RekorV2Log } from '../../src/adapters/translog/rekor-v2/index.js';
import { NotaryError } from '../../src/core/errors.js';
import { generateEd25519Key, generateP256KeyPair } from '../../src/core/keys.js';
import { entryIsValid, noteKey, parseHashedRekordBody, verifyLogEntry } from '../../src/core/transparency/index.js';
import type { AnchorRequest } from '../../src/ports/transparency-log.js';
import { startRekorV2Server, type RekorV2Server } from '../support/rekor-v2-server.js';
import { rejection } from '../support/loopback.js';

const signer = generateP256KeyPair();
const publicKeyPem = signer.publicKey.export({ type: 'spki', format: 'pem' }).toString();
let counter = 0;
function anchor(): AnchorRequest {
  const bytes = Buffer.from(`{"evidence":${counter++}}`);
  return { digestHex: createHash('sha256').update(bytes).digest('hex'), signature: sign('sha256', bytes, signer.privateKey), publicKeyPem };
}

describe('RekorV2Log', () => {
  let server: RekorV2Server;
  let log: RekorV2Log;
  const logFor = (s: RekorV2Server, over: Partial<ConstructorParameters<typeof RekorV2Log>[0]> = {}) =>
    new RekorV2Log({
      url: s.url,
      tilesUrl: s.url,
      origin: s.origin,
      publicKeyPem: s.publicKeyPem,
      retries: 3,
      retryBaseDelayMs: 5,
      timeoutMs: 2000,
      ...over,
    });
  beforeAll(async () => {
    server = await startRekorV2Server();
    log = logFor(server);
  });
  afterEach(() => {
    server.tamper = 'none';
    server.failNext(0, 503);
  });
  afterAll(() => server.close());

  it('anchors hashedrekord 0.0.2 and returns an entry without integrated time or SET that verifies offline', async () => {
    for (let i = 0; i < 257; i++) await log.append(anchor()); // past the first full tile
    const req = anchor();
    const entry = await log.append(req);
    expect(entry.logIndex).toBe(257);
    expect(entry.integratedTime).toBeUndefined();
    expect(entry.signedEntryTimestamp).toBeUndefined();
    expect(parseHashedRekordBody(entry.body)).toMatchObject({ apiVersion: '0.0.2', digestHex: req.digestHex });
    expect(entry.logID).toBe(noteKey(createPublicKey(server.publicKeyPem), server.origin).id.toString('hex'));
    const checks = verifyLogEntry(entry, createPublicKey(server.publicKeyPem), req, { keyName: server.origin });
    expect(checks.map((c) => c.check)).toEqual(['body', 'inclusion', 'checkpoint']);
    expect(entryIsValid(checks)).toBe(true);
    expect(server.requests.at(-1)).toMatchObject({ method: 'POST', path: '/api/v2/log/entries', status: 201 });
  });

  it('an answer lost on the way back: the retry meets 409 AlreadyExists and the entry is read back from the tiles, logged once', async () => {
    const req = anchor();
    server.loseAnswers(1);
    const before = server.requests.length;
    const entry = await log.append(req);
    const statuses = server.requests.slice(before).map((r) => `${r.method} ${r.path.replace(/\/\d{3}(\.p\/\d+)?$/, '/N')} ${r.status}`);
    expect(statuses.slice(0, 3)).toEqual(['POST /api/v2/log/entries 503', 'POST /api/v2/log/entries 409', 'GET /checkpoint 200']);
    expect(statuses).toContain('GET /tile/entries/N 200');
    expect(server.bodies.filter((b) => b.toString().includes(Buffer.from(req.digestHex, 'hex').toString('base64')))).toHaveLength(1);
    expect(entryIsValid(verifyLogEntry(entry, createPublicKey(server.publicKeyPem), req, { keyName: server.origin }))).toBe(true);
    // anchoring the same signature again is a no-op that returns the same entry
    expect((await log.append(req)).logIndex).toBe(entry.logIndex);
  });

  it('retries 503 and 429, then succeeds; gives up as "unavailable" (retryable)', async () => {
    server.failNext(2, 503);
    await log.append(anchor());
    server.failNext(1, 429);
    await log.append(anchor());
    server.failNext(10, 503);
    const err = await rejection(log.append(anchor()));
    expect(err.code).toBe('unavailable');
    expect(err.retryable).toBe(true);
  });

  it('an entry the log refuses (400 invalid hashedrekord request) is not retried and is "internal"', async () => {
    const before = server.requests.length;
    const err = await rejection(log.append({ ...anchor(), digestHex: '00'.repeat(32) }));
    expect(err.code).toBe('internal');
    expect(err.retryable).toBe(false);
    expect(server.requests.length - before).toBe(1);
  });

  it.each([
    ['proof', /inclusion: leaf is not included/],
    ['checkpoint', /checkpoint: checkpoint signature does not verify/],
    ['body', /body: /],
    ['logId', /checkpoint: logID .* is not the checkpoint key ID/],
    ['kind', /not hashedrekord 0.0.2/],
  ] as const)('refuses an answer with a tampered %s', async (tamper, message) => {
    server.tamper = tamper;
    const err = await rejection(log.append(anchor()));
    expect(err.code).toBe('internal');
    expect(err.message).toMatch(message);
  });

  it.each([
    ['tile', /inclusion: leaf is not included/],
    ['bundle', /body: |malformed or forged/],
  ] as const)('refuses a read-back from tampered tiles (%s)', async (tamper, message) => {
    const req = anchor();
    await log.append(req);
    server.tamper = tamper;
    const err = await rejection(log.append(req)); // 409 → read back
    expect(err.code).toBe('internal');
    expect(err.message).toMatch(message);
  });

  it('refuses answers signed by a key other than the pinned one (same origin)', async () => {
    const other = createPublicKey(generateEd25519Key()).export({ type: 'spki', format: 'pem' }).toString();
    const err = await rejection(logFor(server, { publicKeyPem: other }).append(anchor()));
    expect(err.code).toBe('internal');
    expect(err.message).toMatch(/checkpoint has no signature from the log key/);
    // an Ed25519 key ID commits to the name: the right key under another origin does not match either
    const renamed = await rejection(logFor(server, { origin: 'other.example' }).append(anchor()));
    expect(renamed.code).toBe('internal');
    expect(renamed.message).toMatch(/checkpoint has no signature from the log key/);
  });

  it('works with an ECDSA P-256 log key too, and reports info for the trust root', async () => {
    const ecdsa = await startRekorV2Server({ keyType: 'ecdsa', origin: 'ecdsa.rekor.loopback' });
    try {
      const l = logFor(ecdsa);
      const req = anchor();
      const entry = await l.append(req);
      expect(entryIsValid(verifyLogEntry(entry, createPublicKey(ecdsa.publicKeyPem), req, { keyName: ecdsa.origin }))).toBe(true);
      const info = await l.info();
      expect(info).toMatchObject({
        apiVersion: 2,
        origin: 'ecdsa.rekor.loopback',
        keyName: 'ecdsa.rekor.loopback',
        url: ecdsa.url,
        tilesUrl: ecdsa.url,
      });
      expect(info.vkey).toBeUndefined();
      // C2SP vkey: <name>+<key hint hex>+base64(0x01 || Ed25519 key)
      const [, name, hint, key] = /^([^+]+)\+([0-9a-f]{8})\+(.+)$/.exec((await log.info()).vkey!)!;
      expect(name).toBe('rekor-v2.loopback');
      expect(hint).toBe(noteKey(createPublicKey(server.publicKeyPem), server.origin).id.subarray(0, 4).toString('hex'));
      expect(Buffer.from(key!, 'base64')).toHaveLength(33);
      await l.ping();
    } finally {
      await ecdsa.close();
    }
  });

  it('a dead log is "unavailable"; a key that is not Ed25519/ECDSA is refused at construction', async () => {
    const dead = new RekorV2Log({
      url: 'http://127.0.0.1:1',
      tilesUrl: 'http://127.0.0.1:1',
      origin: 'x',
      publicKeyPem: server.publicKeyPem,
      retries: 0,
    });
    expect((await rejection(dead.ping())).code).toBe('unavailable');
    expect(() => new RekorV2Log({ url: server.url, tilesUrl: server.url, origin: 'x', publicKeyPem: 'not a key' })).toThrow(NotaryError);
  });
});

describe('loopback Rekor v2 follows rekor-tiles', () => {
  it("refuses unknown fields like grpc-gateway's strict protojson, and serves no read API under /api/v2", async () => {
    const s = await startRekorV2Server();
    try {
      const post = await fetch(`${s.url}/api/v2/log/entries`, {
        method: 'POST',
        body: JSON.stringify({ hashedRekordRequestV002: { digest: 'AA==', surprise: 1 } }),
      });
      expect(post.status).toBe(400);
      expect(await post.json()).toEqual({ code: 3, message: 'proto: (line 1:2): unknown field "surprise"', details: [] });
      expect((await fetch(`${s.url}/api/v2/checkpoint`)).status).toBe(501);
      expect((await fetch(`${s.url}/tile/0/000`)).status).toBe(404); // empty log: no tiles
    } finally {
      await s.close();
    }
  });
});
