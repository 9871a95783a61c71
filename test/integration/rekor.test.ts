// RekorLog against the loopback Rekor v1 server (test/support/rekor-server.ts).
import { createHash, sign } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RekorLog } from '../../src/adapters/translog/rekor/index.js';
import { entryIsValid, verifyLogEntry } from '../../src/core/transparency/index.js';
import type { AnchorRequest } from '../../src/ports/transparency-log.js';
import { startRekorServer, type RekorServer } from '../support/rekor-server.js';
import { createPublicKey } from 'node:crypto';
import { generateP256KeyPair } from '../../src/core/keys.js';
import { rejection } from '../support/loopback.js';

const signer = generateP256KeyPair();
const publicKeyPem = signer.publicKey.export({ type: 'spki', format: 'pem' }).toString();
let counter = 0;
function anchor(): AnchorRequest {
  const bytes = Buffer.from(`{"evidence":${counter++}}`);
  return {
    digestHex: createHash('sha256').update(bytes).digest('hex'),
    signature: sign('sha256', bytes, signer.privateKey),
    publicKeyPem,
  };
}

let server: RekorServer;
let log: RekorLog;
beforeAll(async () => {
  server = await startRekorServer({ indexOffset: 1_000_000 });
  log = new RekorLog({ url: server.url, publicKeyPem: server.publicKeyPem, retries: 3, retryBaseDelayMs: 5, timeoutMs: 2000 });
});
afterEach(() => {
  server.tamper = 'none';
  server.conflictWithoutLocation = false;
  server.failNext(0, 500);
});
afterAll(() => server.close());

describe('RekorLog', () => {
  it('anchors and returns an entry that verifies offline', async () => {
    for (let i = 0; i < 5; i++) await log.append(anchor());
    const req = anchor();
    const entry = await log.append(req);
    expect(log.backend).toBe('rekor');
    expect(entry.logIndex).toBe(1_000_000 + entry.inclusionProof.logIndex);
    expect(entry.inclusionProof.treeSize).toBe(server.tree.size);
    expect(entry.uuid).toHaveLength(80);
    expect(entryIsValid(verifyLogEntry(entry, createPublicKey(server.publicKeyPem), req))).toBe(true);
  });

  it('409 Conflict: the existing entry is fetched and returned', async () => {
    const req = anchor();
    const first = await log.append(req);
    const before = server.requests.length;
    const again = await log.append(req);
    expect(again.uuid).toBe(first.uuid);
    expect(again.logIndex).toBe(first.logIndex);
    expect(server.requests.slice(before).map((r) => r.method)).toEqual(['POST', 'GET']);
  });

  it('409 Conflict without Location: the entry is found with POST /entries/retrieve', async () => {
    const req = anchor();
    const first = await log.append(req);
    server.conflictWithoutLocation = true;
    const before = server.requests.length;
    expect((await log.append(req)).uuid).toBe(first.uuid);
    expect(server.requests.slice(before).map((r) => r.path)).toEqual(['/api/v1/log/entries', '/api/v1/log/entries/retrieve']);
  });

  it('retries 503 and 429 (honouring Retry-After), then succeeds', async () => {
    server.failNext(2, 503);
    const before = server.requests.length;
    await log.append(anchor());
    expect(server.requests.length - before).toBe(3);
    server.failNext(1, 429, '0');
    await log.append(anchor());
  });

  it('gives up after the retries with a retryable "unavailable" error', async () => {
    server.failNext(10, 500);
    const before = server.requests.length;
    const err = await rejection(log.append(anchor()));
    expect(err.code).toBe('unavailable');
    expect(err.retryable).toBe(true);
    expect(server.requests.length - before).toBe(4);
  });

  it('does not retry a 400 (bad signature) and reports it as internal', async () => {
    const before = server.requests.length;
    const bad = { ...anchor(), digestHex: '00'.repeat(32) };
    const err = await rejection(log.append(bad));
    expect(err.code).toBe('internal');
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/invalid signature/);
    expect(server.requests.length - before).toBe(1);
  });

  it.each([
    ['set', /set: SET signature does not verify/],
    ['proof', /inclusion: leaf is not included/],
    ['checkpoint', /checkpoint: checkpoint signature does not verify/],
    ['body', /body: /],
  ] as const)('rejects an answer with a tampered %s', async (tamper, message) => {
    server.tamper = tamper;
    const err = await rejection(log.append(anchor()));
    expect(err.code).toBe('internal');
    expect(err.message).toMatch(message);
  });

  it('rejects an answer signed by a key other than the pinned one', async () => {
    const other = generateP256KeyPair().publicKey;
    const pinned = new RekorLog({ url: server.url, publicKeyPem: other.export({ type: 'spki', format: 'pem' }).toString() });
    const err = await rejection(pinned.append(anchor()));
    expect(err.code).toBe('internal');
    expect(err.message).toMatch(/logID .* is not this log's key ID/);
  });

  it('fetches the key once when not pinned, and reports info', async () => {
    const logged: object[] = [];
    const tofu = new RekorLog({ url: server.url, logger: { info: (o) => logged.push(o) } });
    const before = server.requests.filter((r) => r.path === '/api/v1/log/publicKey').length;
    await tofu.append(anchor());
    await tofu.append(anchor());
    const info = await tofu.info();
    expect(server.requests.filter((r) => r.path === '/api/v1/log/publicKey').length - before).toBe(1);
    expect(logged).toHaveLength(1);
    expect(info.publicKeyPem).toBe(server.publicKeyPem);
    expect(info.origin).toBe(`rekor.loopback - ${BigInt('0x0123456789abcdef')}`);
    expect(info.logID).toMatch(/^[0-9a-f]{64}$/);
    await tofu.ping();
    await tofu.close();
  });

  it('a dead server is "unavailable"', async () => {
    const dead = new RekorLog({ url: 'http://127.0.0.1:1', publicKeyPem: server.publicKeyPem, retries: 1, retryBaseDelayMs: 1 });
    expect((await rejection(dead.ping())).code).toBe('unavailable');
  });
});
