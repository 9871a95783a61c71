// A real rekor.sigstore.dev entry (see test/fixtures/rekor/README.md) verified offline, then tampered with.
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/ports/transparency-log.js';
import { leafHash } from '../../src/core/merkle/index.js';
import {
  entryIsValid,
  logIdFromPublicKey,
  parseHashedRekordBody,
  verifyCheckpoint,
  verifyLogEntry,
  verifyP256Digest,
  verifySET,
} from '../../src/core/transparency/index.js';

const dir = new URL('../fixtures/rekor/', import.meta.url);
const rekorKey = createPublicKey(readFileSync(new URL('rekor.sigstore.dev.pub', dir)));
const bundle = JSON.parse(readFileSync(new URL('bundle_v3_github.whl.sigstore', dir), 'utf8'));
const tlog = bundle.verificationMaterial.tlogEntries[0];
const b64hex = (s: string): string => Buffer.from(s, 'base64').toString('hex');

/** Bundle form → Rekor API form: strings to numbers, base64 to hex. */
function fromBundle(e: typeof tlog): Required<LogEntry> {
  return {
    uuid: leafHash(Buffer.from(e.canonicalizedBody, 'base64')).toString('hex'),
    logIndex: Number(e.logIndex),
    integratedTime: Number(e.integratedTime),
    logID: b64hex(e.logId.keyId),
    body: e.canonicalizedBody,
    inclusionProof: {
      logIndex: Number(e.inclusionProof.logIndex),
      rootHash: b64hex(e.inclusionProof.rootHash),
      treeSize: Number(e.inclusionProof.treeSize),
      hashes: e.inclusionProof.hashes.map(b64hex),
      checkpoint: e.inclusionProof.checkpoint.envelope,
    },
    signedEntryTimestamp: e.inclusionPromise.signedEntryTimestamp,
  };
}

const real = fromBundle(tlog);
const body = parseHashedRekordBody(real.body);
const expected = {
  digestHex: b64hex(bundle.messageSignature.messageDigest.digest),
  signature: Buffer.from(bundle.messageSignature.signature, 'base64'),
  publicKeyPem: body.publicKeyPem, // the Fulcio certificate, as Rekor stored it
};
const flipB64 = (s: string, at: number): string => {
  const b = Buffer.from(s, 'base64');
  b[at] ^= 1;
  return b.toString('base64');
};
const failing = (e: LogEntry): string[] =>
  verifyLogEntry(e, rekorKey, expected)
    .filter((c) => !c.ok)
    .map((c) => c.check);

describe('real rekor.sigstore.dev hashedrekord entry', () => {
  it('the log key ID is the entry logID', () => {
    expect(logIdFromPublicKey(rekorKey)).toBe(real.logID);
  });

  it('passes every check', () => {
    const checks = verifyLogEntry(real, rekorKey, expected);
    expect(checks.map((c) => [c.check, c.ok])).toEqual([
      ['body', true],
      ['set', true],
      ['inclusion', true],
      ['checkpoint', true],
    ]);
    expect(entryIsValid(checks)).toBe(true);
    expect(verifySET(real, rekorKey)).toBe(true);
    const cp = verifyCheckpoint(real.inclusionProof.checkpoint, rekorKey, 'rekor.sigstore.dev - 2605736670972794746');
    expect(cp.size).toBe(75441653);
  });

  it('the hashedrekord signature verifies over the bare digest (Rekor checks this; so does our P-256 code)', () => {
    const certKey = new X509Certificate(body.publicKeyPem).publicKey;
    const digest = Buffer.from(body.digestHex, 'hex');
    expect(verifyP256Digest(digest, body.signature, certKey)).toBe(true);
    expect(verifyP256Digest(createHash('sha256').update(digest).digest(), body.signature, certKey)).toBe(false);
  });

  it('rejects one changed byte of the body', () => {
    const raw = Buffer.from(real.body, 'base64');
    const i = raw.indexOf('c4e92e9e'); // inside the digest: still valid JSON
    raw[i] = 'd'.charCodeAt(0);
    const bad = { ...real, body: raw.toString('base64') };
    expect(failing(bad)).toEqual(['body', 'set', 'inclusion']);
    // Even with the UUID recomputed, SET and inclusion still fail.
    expect(failing({ ...bad, uuid: leafHash(raw).toString('hex') })).toEqual(['body', 'set', 'inclusion']);
  });

  it('rejects one changed byte of the SET', () => {
    expect(failing({ ...real, signedEntryTimestamp: flipB64(real.signedEntryTimestamp, 10) })).toEqual(['set']);
  });

  it('rejects a changed integratedTime or logIndex (both are under the SET)', () => {
    expect(failing({ ...real, integratedTime: real.integratedTime + 1 })).toEqual(['set']);
    expect(failing({ ...real, logIndex: real.logIndex + 1 })).toEqual(['set']);
  });

  it('rejects one changed byte of any proof hash', () => {
    for (const at of [0, 7, 15]) {
      const hashes = real.inclusionProof.hashes.map((h, j) => (j === at ? 'ff' + h.slice(2) : h));
      expect(failing({ ...real, inclusionProof: { ...real.inclusionProof, hashes } })).toEqual(['inclusion']);
    }
  });

  it('rejects a wrong proof index or a root that does not match the checkpoint', () => {
    const p = real.inclusionProof;
    expect(failing({ ...real, inclusionProof: { ...p, logIndex: p.logIndex - 1 } })).toEqual(['inclusion']);
    expect(failing({ ...real, inclusionProof: { ...p, rootHash: '00' + p.rootHash.slice(2) } })).toEqual(['inclusion', 'checkpoint']);
  });

  it('rejects one changed byte of the checkpoint signature or body', () => {
    const cp = real.inclusionProof.checkpoint;
    const sigB64 = cp.split('\u2014 rekor.sigstore.dev ')[1].trim();
    const badSig = cp.replace(sigB64, flipB64(sigB64, 20));
    expect(failing({ ...real, inclusionProof: { ...real.inclusionProof, checkpoint: badSig } })).toEqual(['checkpoint']);
    const badBody = cp.replace('75441653', '75441654');
    expect(failing({ ...real, inclusionProof: { ...real.inclusionProof, checkpoint: badBody } })).toEqual(['checkpoint']);
  });

  it('rejects another anchor and another log key', () => {
    const other = { ...expected, digestHex: '00'.repeat(32) };
    expect(
      verifyLogEntry(real, rekorKey, other)
        .filter((c) => !c.ok)
        .map((c) => c.check),
    ).toEqual(['body']);
    const stranger = createPublicKey(
      '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE9DbYBIMQLtWb6J5gtL69jgRwwEfd\ntQtKvvG4+o3ZzlOroJplpXaVgF6wBDob++rNG9/AzSaBmApkEwI52XBjWg==\n-----END PUBLIC KEY-----',
    );
    expect(
      verifyLogEntry(real, stranger)
        .filter((c) => !c.ok)
        .map((c) => c.check),
    ).toEqual(['set', 'checkpoint']);
  });

  it('never throws on garbage', () => {
    const junk = { uuid: 1, body: '%%%', inclusionProof: null } as unknown as LogEntry;
    const checks = verifyLogEntry(junk, rekorKey, expected);
    expect(checks).toHaveLength(4);
    expect(checks.every((c) => !c.ok && c.detail.length > 0)).toBe(true);
  });
});
