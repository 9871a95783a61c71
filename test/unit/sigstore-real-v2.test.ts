/**
 * A real Rekor v2 entry and RFC 3161 timestamp from Sigstore staging (test/fixtures/sigstore-rekor-v2),
 * verified as they are by our verifiers and by @sigstore/verify, and refused when one byte changes.
 */
import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { bundleFromJSON } from '@sigstore/bundle';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { describe, expect, it } from 'vitest';
import { checkRfc3161 } from '../../src/core/receipt-time.js';
import {
  entryIsValid,
  noteKey,
  parseHashedRekordBody,
  verifyCheckpoint,
  verifyLogEntry,
  verifyP256Digest,
} from '../../src/core/transparency/index.js';
import { tleToLogEntry } from '../../src/adapters/translog/rekor-v2/to-log-entry.js';
import type { LogEntry } from '../../src/ports/transparency-log.js';

const dir = new URL('../fixtures/sigstore-rekor-v2/', import.meta.url);
const json = (name: string) => JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
const bundle = json('bundle.sigstore.json');
const cosigned = json('cosigned.bundle.sigstore.json');
const trustedRoot = json('trusted_root.json');
const artifact = readFileSync(new URL('a.txt', dir));

const v2Log = trustedRoot.tlogs.find((t: any) => t.baseUrl === 'https://log2025-alpha1.rekor.sigstage.dev');
const logKey = createPublicKey({ key: Buffer.from(v2Log.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' });
const ORIGIN = 'log2025-alpha1.rekor.sigstage.dev';
const authorities = trustedRoot.timestampAuthorities.map((a: any) => ({
  name: a.uri,
  chain: a.certChain.certificates.map((c: any) => new X509Certificate(Buffer.from(c.rawBytes, 'base64'))),
  validFor: { start: new Date(a.validFor.start) },
}));
const signature = Buffer.from(bundle.messageSignature.signature, 'base64');
const certificate = new X509Certificate(Buffer.from(bundle.verificationMaterial.certificate.rawBytes, 'base64'));
const expected = {
  digestHex: Buffer.from(bundle.messageSignature.messageDigest.digest, 'base64').toString('hex'),
  signature,
  publicKeyPem: certificate.toString(),
};
const entryOf = (b: any): LogEntry => tleToLogEntry(b.verificationMaterial.tlogEntries[0]);
const failing = (e: LogEntry) =>
  verifyLogEntry(e, logKey, expected, { keyName: ORIGIN })
    .filter((c) => !c.ok)
    .map((c) => c.check);
const flip = (b64: string, at: number) => {
  const b = Buffer.from(b64, 'base64');
  b[at]! ^= 1;
  return b.toString('base64');
};

describe('real Rekor v2 entry (log2025-alpha1.rekor.sigstage.dev)', () => {
  const real = entryOf(bundle);

  it('passes body, inclusion and checkpoint; its log ID is the C2SP key ID of the Ed25519 key and origin', () => {
    expect(parseHashedRekordBody(real.body)).toMatchObject({
      apiVersion: '0.0.2',
      digestHex: createHash('sha256').update(artifact).digest('hex'),
    });
    const checks = verifyLogEntry(real, logKey, expected, { keyName: ORIGIN });
    expect(checks.map((c) => [c.check, c.ok])).toEqual([
      ['body', true],
      ['inclusion', true],
      ['checkpoint', true],
    ]);
    expect(real.logID).toBe(noteKey(logKey, ORIGIN).id.toString('hex'));
    expect(Buffer.from(v2Log.logId.keyId, 'base64').toString('hex')).toBe(real.logID);
    expect(real).toMatchObject({ logIndex: 735, inclusionProof: { treeSize: 736 } });
    // the signature is over the bare digest, with the certificate's key
    expect(verifyP256Digest(Buffer.from(expected.digestHex, 'hex'), signature, certificate.publicKey)).toBe(true);
  });

  it('ignores a witness cosignature it has no key for', () => {
    expect(entryOf(cosigned).inclusionProof.checkpoint).toContain('— witness.example ');
    expect(entryIsValid(verifyLogEntry(entryOf(cosigned), logKey, expected, { keyName: ORIGIN }))).toBe(true);
  });

  it('refuses one changed byte of the body, any proof hash, the checkpoint or the log ID, and another key name', () => {
    expect(failing({ ...real, body: flip(real.body, 60) })).toEqual(expect.arrayContaining(['body', 'inclusion']));
    for (let i = 0; i < real.inclusionProof.hashes.length; i++) {
      const hashes = [...real.inclusionProof.hashes];
      hashes[i] = (hashes[i]![0] === '0' ? '1' : '0') + hashes[i]!.slice(1);
      expect(failing({ ...real, inclusionProof: { ...real.inclusionProof, hashes } })).toEqual(['inclusion']);
    }
    const note = real.inclusionProof.checkpoint;
    for (const at of [0, note.indexOf('\n') + 1, note.indexOf('\n\n') - 3, note.length - 5]) {
      const changed = note.slice(0, at) + (note[at] === 'A' ? 'B' : 'A') + note.slice(at + 1);
      expect(failing({ ...real, inclusionProof: { ...real.inclusionProof, checkpoint: changed } })).not.toEqual([]);
    }
    expect(failing({ ...real, logID: '00' + real.logID.slice(2) })).toEqual(['checkpoint']);
    expect(() => verifyCheckpoint(note, logKey, undefined, 'rekor.sigstage.dev')).toThrow(/key hint/);
  });
});

describe('real RFC 3161 timestamp (timestamp.sigstage.dev)', () => {
  const token: string = bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp;

  it("verifies over the signature, against the trusted root's TSA chain", () => {
    const r = checkRfc3161(token, signature, authorities);
    expect(r).toMatchObject({ ok: true, time: { at: new Date('2025-06-12T12:02:20Z') } });
  });

  it("is refused over another signature, under another authority, or outside the authority's period", () => {
    expect(checkRfc3161(token, Buffer.concat([signature, Buffer.from([0])]), authorities)).toMatchObject({ ok: false, code: 'imprint' });
    // the token carries the TSA certificate: it must chain to the trusted root, not to any other CA
    const fulcio = {
      name: 'fulcio',
      chain: trustedRoot.certificateAuthorities[0].certChain.certificates.map(
        (c: any) => new X509Certificate(Buffer.from(c.rawBytes, 'base64')),
      ),
      validFor: { start: new Date(0) },
    };
    expect(checkRfc3161(token, signature, [fulcio])).toMatchObject({ ok: false, code: 'chain' });
    expect(checkRfc3161(token, signature, [{ ...authorities[0], chain: [authorities[0].chain[1]] }])).toMatchObject({ ok: true }); // the root alone suffices
    expect(checkRfc3161(token, signature, [{ ...authorities[0], validFor: { start: new Date('2025-07-01T00:00:00Z') } }])).toMatchObject({
      ok: false,
      code: 'validity',
    });
  });

  it('is refused when any one byte changes', () => {
    const der = Buffer.from(token, 'base64');
    // every byte costs ~15 ms (schema parsing): FLIP_STRIDE=1 sweeps them all
    const stride = Number(process.env.FLIP_STRIDE ?? 4);
    const offsets = new Set([
      ...Array.from({ length: der.length }, (_, i) => i).filter((i) => i % stride === 0 || i < 48 || i >= der.length - 160),
    ]);
    const accepted = [...offsets].filter((i) => {
      const d = Buffer.from(der);
      d[i]! ^= 0x01;
      return checkRfc3161(d.toString('base64'), signature, authorities).ok;
    });
    expect(accepted).toEqual([]);
  }, 120_000);
});

describe("@sigstore/verify accepts the real bundle with Sigstore's trusted root", () => {
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot)));
  it('as it is, and refuses it with a changed timestamp or proof', () => {
    const signer = verifier.verify(toSignedEntity(bundleFromJSON(bundle), artifact));
    expect(signer.identity?.subjectAlternativeName).toMatch(/extremely-dangerous-oidc-beacon/);
    const tampered = structuredClone(bundle);
    tampered.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp = flip(
      tampered.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp,
      1200,
    );
    expect(() => verifier.verify(toSignedEntity(bundleFromJSON(tampered), artifact))).toThrow(
      expect.objectContaining({ code: 'TIMESTAMP_ERROR' }),
    );
    const badProof = structuredClone(bundle);
    badProof.verificationMaterial.tlogEntries[0].inclusionProof.hashes[0] = flip(
      badProof.verificationMaterial.tlogEntries[0].inclusionProof.hashes[0],
      0,
    );
    expect(() => verifier.verify(toSignedEntity(bundleFromJSON(badProof), artifact))).toThrow(
      expect.objectContaining({ code: 'TLOG_INCLUSION_PROOF_ERROR' }),
    );
  });
});
