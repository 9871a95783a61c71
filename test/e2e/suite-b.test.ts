/**
 * Suite B (issue 22): ECDSA P-384 / SHA-384 signing keys end to end — the embedded keyring
 * (NOTARY_SIGNING_ALGORITHM=ecdsa-p384) and a Vault transit `ecdsa-p384` key — through REST and gRPC,
 * with the embedded log, Rekor v1 and Rekor v2. Every receipt is checked by the offline CLI (as a
 * process, and in-process: the same code) and by sigstore-js's @sigstore/verify, never by the
 * service that issued it; forgeries are refused; a P-256 → P-384 rotation keeps old receipts valid.
 */
import { execFile } from 'node:child_process';
import { createHash, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toProtoPackage } from '../../src/api/grpc/index.js';
import { readTrustRoot } from '../../src/cli/inputs.js';
import { verifyReceiptOffline } from '../../src/cli/verify.js';
import type { SigstoreBundle } from '../../src/core/bundle/index.js';
import { startTestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { startGrpcTestApp, type GrpcTestApp } from '../support/grpc-app.js';
import { sign } from '../support/http.js';
import { fixtures, uniquePackage } from '../support/records.js';
import { startRekorServer, type RekorServer } from '../support/rekor-server.js';
import { startRekorV2Server, type RekorV2Server } from '../support/rekor-v2-server.js';
import { CLI_JS } from '../support/service-process.js';
import { exportedTrust, sigstoreVerdict, verifierFor } from '../support/sigstore-verifier.js';
import { vaultEnv } from '../support/vault-fixture.js';
import { startVaultServer, type VaultServer } from '../support/vault-server.js';

type Json = Record<string, any>;

const ROOT = join(import.meta.dirname, '../..');
const canonical = (p: unknown) => Buffer.from(canonicalize(p)!, 'utf8');
const sha384 = (p: unknown) => createHash('sha384').update(canonical(p)).digest();
const flip = (b64: string) => {
  const buf = Buffer.from(b64, 'base64');
  buf[buf.length - 1]! ^= 1;
  return buf.toString('base64');
};
const body = (r: Json) => JSON.parse(Buffer.from(r.rekor_entry_body, 'base64').toString('utf8'));

/** `afdp-notary verify` as a user runs it: a separate process, three files. */
function cliVerify(pkg: unknown, receipt: unknown, trust: unknown): Promise<{ code: number; stdout: string }> {
  const dir = tempDir();
  const file = (name: string, v: unknown) => {
    const path = join(dir, name);
    writeFileSync(path, JSON.stringify(v));
    return path;
  };
  const args = ['verify', '--evidence', file('e.json', pkg), '--receipt', file('r.json', receipt), '--trust-root', file('t.json', trust)];
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI_JS, ...args], { cwd: ROOT }, (err, stdout) =>
      resolve({ code: err ? Number(err.code ?? 99) : 0, stdout }),
    );
  });
}

const offline = (pkg: unknown, receipt: Json, trust: Json) =>
  verifyReceiptOffline(pkg as Json, receipt, readTrustRoot(trust, 'trust-root.json'));
const failed = (pkg: unknown, receipt: Json, trust: Json) =>
  offline(pkg, receipt, trust)
    .checks.filter((c) => c.status === 'fail')
    .map((c) => c.check);

/** What every P-384 receipt must show: SHA-384 signature, entry and bundle, accepted by both verifiers. */
function expectP384Receipt(pkg: Json, receipt: Json, trust: Json): void {
  const key = trust.signing_keys.find((k: Json) => k.version === receipt.key_version);
  expect(key.algorithm).toBe('ecdsa-p384');
  const sig = Buffer.from(receipt.signature_b64, 'base64');
  expect(verify('sha384', canonical(pkg), key.public_key_pem, sig)).toBe(true);
  expect(verify('sha256', canonical(pkg), key.public_key_pem, sig)).toBe(false);
  const bundle = receipt.bundle as SigstoreBundle;
  expect(bundle.messageSignature.messageDigest).toEqual({ algorithm: 'SHA2_384', digest: sha384(pkg).toString('base64') });
  const entry = body(receipt);
  if (entry.apiVersion === '0.0.1') expect(entry.spec.data.hash).toEqual({ algorithm: 'sha384', value: sha384(pkg).toString('hex') });
  else {
    expect(entry.spec.hashedRekordV002.data).toEqual({ algorithm: 'SHA2_384', digest: sha384(pkg).toString('base64') });
    expect(entry.spec.hashedRekordV002.signature.verifier.keyDetails).toBe('PKIX_ECDSA_P384_SHA_384');
  }
  expect(exportedTrust(trust).keys[bundle.verificationMaterial.publicKey.hint]!.keyDetails).toBe('PKIX_ECDSA_P384_SHA_384');
  const result = offline(pkg, receipt, trust);
  expect(result.checks.filter((c) => c.status === 'fail')).toEqual([]);
  expect(result.checks.find((c) => c.check === 'signature')!.detail).toMatch(/^ECDSA P-384 \/ SHA-384 by /);
  expect(sigstoreVerdict(verifierFor(trust), bundle, pkg)).toBe('accepted');
}

async function signBoth(t: GrpcTestApp, name: string): Promise<Array<{ pkg: Json; receipt: Json }>> {
  const restPkg = uniquePackage(`${name}-rest`);
  const grpcPkg = uniquePackage(`${name}-grpc`);
  const rest = (await sign(t.app.rest, restPkg)).body.receipt;
  const { receipt: viaGrpc } = await t.client.unary('SignEvidence', { evidence_package: toProtoPackage(grpcPkg) });
  // gRPC's receipt message carries the core fields; the full receipt (bundle, entry body) is the REST one
  const grpc = (await t.app.rest.inject(`/api/v1/workflows/${viaGrpc.workflow_id}/receipt`)).json();
  expect(grpc.signature_b64).toBe(viaGrpc.signature_b64);
  return [
    { pkg: restPkg, receipt: rest },
    { pkg: grpcPkg, receipt: grpc },
  ];
}

describe('Suite B: the embedded keyring with NOTARY_SIGNING_ALGORITHM=ecdsa-p384', () => {
  let t: GrpcTestApp;
  let trust: Json;
  let signed: Array<{ pkg: Json; receipt: Json }>;
  beforeAll(async () => {
    t = await startGrpcTestApp({ NOTARY_SIGNING_ALGORITHM: 'ecdsa-p384' });
    for (const p of Object.values(fixtures())) await sign(t.app.rest, p); // proofs with sibling hashes
    signed = await signBoth(t, 'p384');
    trust = (await t.app.rest.inject('/api/v1/trust-root')).json();
  }, 120_000);
  afterAll(async () => t?.close());

  it('REST and gRPC receipts are P-384 over SHA-384, and both the CLI and @sigstore/verify accept them', async () => {
    expect(trust.signing_keys.map((k: Json) => k.algorithm)).toEqual(['ecdsa-p384']);
    for (const { pkg, receipt } of signed) expectP384Receipt(pkg, receipt, trust);
    const { code, stdout } = await cliVerify(signed[0]!.pkg, signed[0]!.receipt, trust);
    expect(code).toBe(0);
    expect(stdout).toContain('✓ signature: ECDSA P-384 / SHA-384 by afdp-notary-key v1');
    expect(
      (
        await t.app.rest.inject({
          method: 'POST',
          url: '/api/v1/evidence/validate',
          payload: { evidence_package: signed[1]!.pkg, receipt: signed[1]!.receipt },
        })
      ).json().is_valid,
    ).toBe(true);
  });

  it('refuses a forged P-384 receipt: flipped signature, another package, a SHA-256 digest claimed in the bundle', async () => {
    const { pkg, receipt } = signed[0]!;
    const forged = { ...receipt, signature_b64: flip(receipt.signature_b64) };
    expect(failed(pkg, forged, trust)).toContain('signature');
    expect((await cliVerify(pkg, forged, trust)).code).toBe(1);
    const other = { ...pkg, event_type: 'x.forged' };
    expect(failed(other, receipt, trust)).toEqual(expect.arrayContaining(['evidence hash', 'signature', 'log entry body']));
    const verifier = verifierFor(trust);
    expect(sigstoreVerdict(verifier, receipt.bundle, other)).toBe('SIGNATURE_ERROR');
    // a downgrade: the bundle claims the signature is over SHA-256 of the evidence
    const sha256Claim = structuredClone(receipt.bundle) as SigstoreBundle;
    sha256Claim.messageSignature.messageDigest = {
      algorithm: 'SHA2_256',
      digest: Buffer.from(receipt.evidence_package_hash, 'hex').toString('base64'),
    };
    expect(sigstoreVerdict(verifier, sha256Claim, pkg)).not.toBe('accepted');
    expect(failed(pkg, { ...receipt, bundle: sha256Claim }, trust)).toEqual(['bundle']);
  });
});

describe('Suite B: a rotation from P-256 to P-384', () => {
  it('keeps the P-256 receipts verifying beside the P-384 ones (CLI and @sigstore/verify)', async () => {
    const dir = tempDir();
    const first = await startTestApp({ NOTARY_DATA_DIR: dir });
    const before = uniquePackage('before-p384');
    let old: Json;
    try {
      old = (await sign(first.rest, before)).body.receipt;
    } finally {
      await first.close();
    }
    const app = await startTestApp({ NOTARY_DATA_DIR: dir, NOTARY_SIGNING_ALGORITHM: 'ecdsa-p384' });
    try {
      // the setting picks the curve of new keys: the existing P-256 version keeps signing until a rotation
      expect((await sign(app.rest, uniquePackage('still-p256'))).body.receipt.key_version).toBe(1);
      expect((await app.notary.rotateKey()).algorithm).toBe('ecdsa-p384');
      const after = uniquePackage('after-p384');
      const receipt = (await sign(app.rest, after)).body.receipt;
      const trust = (await app.rest.inject('/api/v1/trust-root')).json();
      expect(trust.signing_keys.map((k: Json) => [k.version, k.algorithm])).toEqual([
        [1, 'ecdsa-p256'],
        [2, 'ecdsa-p384'],
      ]);
      expectP384Receipt(after, receipt, trust);
      expect(old.bundle.messageSignature.messageDigest.algorithm).toBe('SHA2_256');
      expect(offline(before, old, trust).checks.filter((c) => c.status === 'fail')).toEqual([]);
      expect(exportedTrust(trust).keys['afdp-notary-key:v1']!.keyDetails).toBe('PKIX_ECDSA_P256_SHA_256');
      expect(sigstoreVerdict(verifierFor(trust), old.bundle, before)).toBe('accepted');
      expect((await cliVerify(before, old, trust)).code).toBe(0);
    } finally {
      await app.close();
    }
  }, 120_000);
});

describe('Suite B: a Vault transit ecdsa-p384 key, anchored in Rekor v1', () => {
  let vault: VaultServer;
  let rekor: RekorServer;
  let t: GrpcTestApp;
  beforeAll(async () => {
    [vault, rekor] = await Promise.all([startVaultServer(), startRekorServer()]);
    const keyFile = join(tempDir(), 'rekor.pub');
    writeFileSync(keyFile, rekor.publicKeyPem);
    t = await startGrpcTestApp({
      ...vaultEnv(vault),
      NOTARY_SIGNING_ALGORITHM: 'ecdsa-p384',
      REKOR_URL: rekor.url,
      REKOR_PUBLIC_KEY_FILE: keyFile,
    });
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await Promise.all([vault?.close(), rekor?.close()]);
  });

  it('creates an ecdsa-p384 key, asks transit for prehashed sha2-384 asn1 signatures, and both verifiers accept the receipts', async () => {
    const signed = await signBoth(t, 'vault-p384');
    const trust = (await t.app.rest.inject('/api/v1/trust-root')).json();
    const created = vault.requests.find((r) => r.method === 'POST' && r.path === '/v1/transit/keys/afdp-notary-key');
    expect(created?.body).toEqual({ type: 'ecdsa-p384' });
    const signs = vault.requests.filter((r) => r.path === '/v1/transit/sign/afdp-notary-key');
    expect(signs.length).toBeGreaterThan(0);
    for (const r of signs) expect(r.body).toMatchObject({ prehashed: true, hash_algorithm: 'sha2-384', marshaling_algorithm: 'asn1' });
    for (const { pkg, receipt } of signed) {
      expect(receipt.rekor_server_url).toBe(rekor.url);
      expectP384Receipt(pkg, receipt, trust);
    }
    // a forged signature is refused by the log's own check as well: Rekor verifies the SHA-384 digest
    expect(
      (await cliVerify(signed[1]!.pkg, { ...signed[1]!.receipt, signature_b64: flip(signed[1]!.receipt.signature_b64) }, trust)).code,
    ).toBe(1);
  });

  it('anchors a P-384 signature left pending while Rekor was down with its SHA-384 digest (kept with the signature row)', async () => {
    rekor.failNext(10_000, 503);
    const pkg = uniquePackage('p384-pending');
    const { body: res } = await sign(t.app.rest, pkg);
    expect(res.receipt.anchoring).toBe('pending');
    const { rows } = await t.app.db.query<{ digest_algorithm: string; digest_hex: string }>(
      'SELECT digest_algorithm, digest_hex FROM signatures WHERE workflow_id = $1',
      [res.workflow_id],
    );
    expect(rows[0]).toEqual({ digest_algorithm: 'sha384', digest_hex: sha384(pkg).toString('hex') });
    rekor.failNext(0, 503);
    let receipt = res.receipt;
    for (let i = 0; i < 150 && receipt.anchoring === 'pending'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      receipt = (await t.app.rest.inject(`/api/v1/workflows/${res.workflow_id}/receipt`)).json();
    }
    expect(receipt.anchoring).toBe('anchored');
    expectP384Receipt(pkg, receipt, (await t.app.rest.inject('/api/v1/trust-root')).json());
  }, 60_000);
});

describe('Suite B: Rekor v2 takes P-384 entries (PKIX_ECDSA_P384_SHA_384, SHA2_384)', () => {
  let rekor: RekorV2Server;
  afterAll(async () => rekor?.close());

  it('anchors a P-384 signature as hashedrekord 0.0.2 that both verifiers accept', async () => {
    rekor = await startRekorV2Server();
    const keyFile = join(tempDir(), 'rekor-v2.pub');
    writeFileSync(keyFile, rekor.publicKeyPem);
    const app = await startTestApp({
      NOTARY_SIGNING_ALGORITHM: 'ecdsa-p384',
      REKOR_URL: rekor.url,
      REKOR_API_VERSION: '2',
      REKOR_PUBLIC_KEY_FILE: keyFile,
      REKOR_ORIGIN: rekor.origin,
    });
    try {
      const pkg = uniquePackage('rekor-v2-p384');
      const { receipt } = (await sign(app.rest, pkg)).body;
      expect(body(receipt).apiVersion).toBe('0.0.2');
      expectP384Receipt(pkg, receipt, (await app.rest.inject('/api/v1/trust-root')).json());
    } finally {
      await app.close();
    }
  }, 120_000);
});
