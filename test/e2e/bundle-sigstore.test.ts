/**
 * Receipt bundles checked by sigstore-js's own verifier (@sigstore/verify), not by our code, with
 * the trust material `afdp-notary trust-root --sigstore --keys-out` exports: receipts of the
 * embedded log (hashedrekord 0.0.1 + SET + RFC 3161 timestamp) and of Rekor v2 (hashedrekord
 * 0.0.2, no SET, the timestamp as the only time).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { toSignedEntity, type Verifier } from '@sigstore/verify';
import { bundleFromJSON } from '@sigstore/bundle';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SigstoreBundle } from '../../src/core/bundle/index.js';
import { artifact, exportedTrust, sigstoreVerdict, verifierFor } from '../support/sigstore-verifier.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { sign, validate } from '../support/http.js';
import { fixtures, uniquePackage } from '../support/records.js';
import { startRekorV2Server, type RekorV2Server } from '../support/rekor-v2-server.js';

type Json = Record<string, any>;

const exported = exportedTrust;
const flip = (b64: string, at = -1): string => {
  const buf = Buffer.from(b64, 'base64');
  buf[at < 0 ? buf.length + at : at]! ^= 1;
  return buf.toString('base64');
};
const codeOf = sigstoreVerdict;
const tlog = (b: SigstoreBundle) => b.verificationMaterial.tlogEntries[0]!;
const stamp = (b: SigstoreBundle) => b.verificationMaterial.timestampVerificationData!.rfc3161Timestamps[0]!;

describe('embedded log receipts verify with @sigstore/verify', () => {
  let app: TestApp;
  let trust: Json;
  let verifier: Verifier;
  const pkg = uniquePackage('sigstore');
  let bundle: SigstoreBundle;
  const edit = (fn: (b: SigstoreBundle) => void) => {
    const b = structuredClone(bundle);
    fn(b);
    return codeOf(verifier, b, pkg);
  };

  beforeAll(async () => {
    app = await startTestApp();
    // a few entries first, so the proof under test has sibling hashes to tamper with
    for (const p of Object.values(fixtures())) await sign(app.rest, p);
    bundle = (await sign(app.rest, pkg)).body.receipt.bundle;
    trust = (await app.rest.inject('/api/v1/trust-root')).json();
    verifier = verifierFor(trust);
  });
  afterAll(async () => app?.close());

  it('accepts every receipt: signature, hashedrekord body, SET, checkpoint, inclusion proof and the RFC 3161 timestamp', async () => {
    expect(tlog(bundle).inclusionProof.hashes.length).toBeGreaterThan(0);
    expect(tlog(bundle).kindVersion.version).toBe('0.0.1');
    expect(bundle.verificationMaterial.timestampVerificationData?.rfc3161Timestamps).toHaveLength(1);
    const signer = verifier.verify(toSignedEntity(bundleFromJSON(bundle), artifact(pkg)));
    expect(signer.key.export({ type: 'spki', format: 'pem' })).toBe(trust.signing_keys.at(-1).public_key_pem);
    for (const p of Object.values(fixtures())) {
      const { receipt } = (await sign(app.rest, p)).body;
      expect(codeOf(verifier, receipt.bundle, p)).toBe('accepted');
    }
  });

  it('refuses a changed byte in the evidence, signature, timestamp, body, SET or proof', () => {
    const tampered = structuredClone(pkg);
    tampered.metadata = { ...tampered.metadata, test_run: 'other' };
    expect(codeOf(verifier, bundle, tampered)).toBe('SIGNATURE_ERROR');
    // the timestamp is over the signature: another signature no longer has one
    expect(
      edit((b) => {
        b.messageSignature.signature = flip(b.messageSignature.signature);
      }),
    ).toBe('TIMESTAMP_ERROR');
    expect(
      edit((b) => {
        stamp(b).signedTimestamp = flip(stamp(b).signedTimestamp);
      }),
    ).toBe('TIMESTAMP_ERROR');
    expect(
      edit((b) => {
        tlog(b).canonicalizedBody = flip(tlog(b).canonicalizedBody, 40);
      }),
    ).toBe('TLOG_INCLUSION_PROMISE_ERROR');
    expect(
      edit((b) => {
        tlog(b).inclusionPromise!.signedEntryTimestamp = flip(tlog(b).inclusionPromise!.signedEntryTimestamp);
      }),
    ).toBe('TLOG_INCLUSION_PROMISE_ERROR');
    expect(
      edit((b) => {
        tlog(b).inclusionProof.hashes[0] = flip(tlog(b).inclusionProof.hashes[0]!);
      }),
    ).toBe('TLOG_INCLUSION_PROOF_ERROR');
    expect(
      edit((b) => {
        tlog(b).inclusionProof.checkpoint.envelope = tlog(b).inclusionProof.checkpoint.envelope.replace(/\n\d+\n/, '\n999\n');
      }),
    ).toBe('TLOG_INCLUSION_PROOF_ERROR');
    expect(
      edit((b) => {
        b.verificationMaterial.publicKey.hint = 'afdp-notary-key:v99';
      }),
    ).toBe('PUBLIC_KEY_ERROR');
  });

  it('refuses the bundle under another log, another signing key or another TSA', async () => {
    const other = await startTestApp();
    try {
      const otherTrust: Json = (await other.rest.inject('/api/v1/trust-root')).json();
      expect(codeOf(verifierFor({ ...trust, transparency_log: otherTrust.transparency_log }), bundle, pkg)).toBe(
        'TLOG_INCLUSION_PROMISE_ERROR',
      );
      // same key id, version and dates, another key: only the signature check can tell
      const swapped = trust.signing_keys.map((k: Json) => ({ ...k, public_key_pem: otherTrust.signing_keys[0].public_key_pem }));
      expect(codeOf(verifierFor({ ...trust, signing_keys: swapped }), bundle, pkg)).toBe('SIGNATURE_ERROR');
      expect(codeOf(verifierFor({ ...trust, timestamp_authorities: otherTrust.timestamp_authorities }), bundle, pkg)).toBe(
        'TIMESTAMP_ERROR',
      );
    } finally {
      await other.close();
    }
  });

  it('a receipt signed before a key rotation still verifies after it, by the timestamp', async () => {
    const before = (await sign(app.rest, uniquePackage('before-rotation'))).body.receipt;
    await app.signer.rotate();
    const rotated: Json = (await app.rest.inject('/api/v1/trust-root')).json();
    const { keys } = exported(rotated);
    expect(keys[before.bundle.verificationMaterial.publicKey.hint]!.validFor.end).toBeDefined(); // the old version's window is closed
    expect(codeOf(verifierFor(rotated), before.bundle, uniquePackage('before-rotation'))).toBe('accepted');
  });

  it('is flagged by POST /api/v1/evidence/validate when it contradicts the receipt', async () => {
    const { receipt } = (await sign(app.rest, uniquePackage('validate-bundle'))).body;
    expect((await validate(app.rest, uniquePackage('validate-bundle'), receipt)).body.validation_result.warnings).toEqual([]);
    const b = structuredClone(receipt.bundle as SigstoreBundle);
    b.messageSignature.signature = flip(b.messageSignature.signature);
    const { body } = await validate(app.rest, uniquePackage('validate-bundle'), { ...receipt, bundle: b });
    expect(body.validation_result.warnings).toEqual([expect.stringMatching(/^bundle: bundle\.messageSignature\.signature differs/)]);
  });
});

describe('Rekor v2 receipts verify with @sigstore/verify', () => {
  let rekor: RekorV2Server;
  let app: TestApp;
  let trust: Json;
  let verifier: Verifier;
  const pkg = uniquePackage('sigstore-v2');
  let bundle: SigstoreBundle;

  beforeAll(async () => {
    rekor = await startRekorV2Server();
    const keyFile = join(tempDir(), 'rekor-v2.pub');
    writeFileSync(keyFile, rekor.publicKeyPem);
    app = await startTestApp({ REKOR_URL: rekor.url, REKOR_API_VERSION: '2', REKOR_PUBLIC_KEY_FILE: keyFile, REKOR_ORIGIN: rekor.origin });
    for (const p of Object.values(fixtures())) await sign(app.rest, p);
    bundle = (await sign(app.rest, pkg)).body.receipt.bundle;
    trust = (await app.rest.inject('/api/v1/trust-root')).json();
    verifier = verifierFor(trust);
  });
  afterAll(async () => {
    await app?.close();
    await rekor?.close();
  });

  it('accepts them: hashedrekord 0.0.2, no SET, the Ed25519-signed checkpoint, the timestamp as the time', () => {
    expect(tlog(bundle)).toMatchObject({ kindVersion: { kind: 'hashedrekord', version: '0.0.2' } });
    expect(tlog(bundle).inclusionPromise).toBeUndefined();
    expect(tlog(bundle).integratedTime).toBeUndefined();
    expect(codeOf(verifier, bundle, pkg)).toBe('accepted');
  });

  it('refuses one without its timestamp, or with a changed byte in the body, proof or checkpoint', () => {
    const edit = (fn: (b: SigstoreBundle) => void) => {
      const b = structuredClone(bundle);
      fn(b);
      return codeOf(verifier, b, pkg);
    };
    expect(
      edit((b) => {
        delete b.verificationMaterial.timestampVerificationData;
      }),
    ).toBe('TIMESTAMP_ERROR');
    expect(
      edit((b) => {
        tlog(b).canonicalizedBody = flip(tlog(b).canonicalizedBody, 40);
      }),
    ).toMatch(/^TLOG_(BODY|INCLUSION_PROOF)_ERROR$/);
    expect(
      edit((b) => {
        tlog(b).inclusionProof.hashes[0] = flip(tlog(b).inclusionProof.hashes[0]!);
      }),
    ).toBe('TLOG_INCLUSION_PROOF_ERROR');
    expect(
      edit((b) => {
        tlog(b).inclusionProof.checkpoint.envelope = tlog(b).inclusionProof.checkpoint.envelope.replace(/\n\d+\n/, '\n999\n');
      }),
    ).toBe('TLOG_INCLUSION_PROOF_ERROR');
  });
});
