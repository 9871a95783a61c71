/**
 * HSM signing over PKCS#11 against a real SoftHSM2 token (a fresh one per test): receipts signed in
 * the token verify with the offline CLI and with sigstore-js's own verifier; rotation in the token;
 * clear start-up errors that never carry the PIN; the private key cannot be read out.
 */
import { createHash, verify } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKey, TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import canonicalize from 'canonicalize';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { createPkcs11Signer, Pkcs11StartError } from '../../src/adapters/signer/pkcs11/index.js';
import { loadConfig } from '../../src/config.js';
import { CLI_JS, startService } from '../support/service-process.js';
import { run } from '../../src/cli/run.js';
import { readTrustRoot } from '../../src/cli/inputs.js';
import { toSigstoreTrustMaterial } from '../../src/core/bundle/trusted-root.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { sign } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { freshToken, HSM_TESTS_NOTE, SKIP_HSM_TESTS, SOFTHSM_MODULE, type SoftToken } from '../support/softhsm.js';

/** `afdp-notary hsm …` as its own process, as an operator runs it beside the service. */
async function hsmCli(token: SoftToken, ...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI_JS, 'hsm', ...args], {
    env: { ...process.env, ...token.env, SOFTHSM2_CONF: token.conf },
  });
  return stdout;
}

/** The binding itself, as a second Cryptoki user in this process (the service's sessions share its module). */
function cryptoki(): any {
  const pkcs11js = createRequire(import.meta.url)('pkcs11js');
  const p = new pkcs11js.PKCS11();
  p.load(SOFTHSM_MODULE);
  try {
    p.C_Initialize();
  } catch (err) {
    if ((err as { code?: number }).code !== 0x191) throw err;
  }
  return Object.assign(p, { consts: pkcs11js });
}

/** What buildApp does with the settings: the signer is the part that starts or refuses to. */
const startError = async (env: Record<string, string>): Promise<Pkcs11StartError> => {
  const err = await createPkcs11Signer(loadConfig(env).pkcs11!).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Pkcs11StartError);
  return err as Pkcs11StartError;
};

type Json = Record<string, any>;
const ADMIN = 'pkcs11-test-admin-token-0123456789';

async function cliVerify(pkg: unknown, receipt: unknown, trust: unknown): Promise<{ code: number; out: string }> {
  const dir = tempDir('pkcs11-cli-');
  const file = (name: string, v: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(v));
    return p;
  };
  const out: string[] = [];
  const code = await run(
    ['verify', '--evidence', file('e.json', pkg), '--receipt', file('r.json', receipt), '--trust-root', file('t.json', trust)],
    { out: (l) => out.push(l), err: (l) => out.push(l) },
  );
  return { code, out: out.join('\n') };
}

function sigstoreVerify(trust: Json, receipt: Json, pkg: unknown): string {
  const t = readTrustRoot(trust, 'trust-root.json');
  const { trustedRoot, keys } = toSigstoreTrustMaterial(t.keys, t.log, t.timestampAuthorityInfos);
  const publicKeys = Object.fromEntries(Object.entries(keys).map(([hint, k]) => [hint, PublicKey.fromJSON(k)]));
  const verifier = new Verifier(toTrustMaterial(TrustedRoot.fromJSON(trustedRoot), publicKeys));
  const signer = verifier.verify(toSignedEntity(bundleFromJSON(receipt.bundle), Buffer.from(canonicalize(pkg)!, 'utf8')));
  return signer.key.export({ type: 'spki', format: 'pem' }).toString();
}

describe.skipIf(SKIP_HSM_TESTS)(`PKCS#11 signing through SoftHSM2${HSM_TESTS_NOTE}`, () => {
  let app: TestApp | undefined;
  let token: SoftToken;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  }, 90_000);

  it('signs in the token: receipts verify offline and with @sigstore/verify, under the token key of the trust root', async () => {
    token = freshToken();
    app = await startTestApp({ ...token.env, NOTARY_PKCS11_CREATE_KEY: 'true' });
    const pkg = uniquePackage('pkcs11');
    const res = await sign(app.rest, pkg);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const receipt = res.body.receipt;
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    expect(trust.signing_keys).toHaveLength(1);
    expect(trust.signing_keys[0]).toMatchObject({ key_id: 'notary-signing', version: 1 });
    expect(receipt.key_version).toBe(1);
    const cli = await cliVerify(pkg, receipt, trust);
    expect(cli.code, cli.out).toBe(0);
    expect(sigstoreVerify(trust, receipt, pkg)).toBe(trust.signing_keys[0].public_key_pem);
    expect((await app.rest.inject('/ready')).statusCode).toBe(200);
    // concurrent signatures over the session pool (the module must run multi-threaded: CKF_OS_LOCKING_OK)
    const pkgs = Array.from({ length: 24 }, (_, i) => uniquePackage(`pkcs11-concurrent-${i}`));
    const signed = await Promise.all(pkgs.map((p) => sign(app!.rest, p)));
    expect(signed.map((r) => r.status)).toEqual(pkgs.map(() => 200));
    const verdict = await cliVerify(pkgs[7], signed[7]!.body.receipt, trust);
    expect(verdict.code, verdict.out).toBe(0);
  }, 90_000);

  it('Suite B in the token: a P-384 key (NOTARY_SIGNING_ALGORITHM=ecdsa-p384) signs SHA-384, and its receipts verify offline and with @sigstore/verify', async () => {
    token = freshToken();
    app = await startTestApp({ ...token.env, NOTARY_PKCS11_CREATE_KEY: 'true', NOTARY_SIGNING_ALGORITHM: 'ecdsa-p384' });
    const pkg = uniquePackage('pkcs11-p384');
    const res = await sign(app.rest, pkg);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const receipt = res.body.receipt;
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    expect(trust.signing_keys.map((k: Json) => k.algorithm)).toEqual(['ecdsa-p384']);
    const canonical = Buffer.from(canonicalize(pkg)!, 'utf8');
    const signature = Buffer.from(receipt.bundle.messageSignature.signature, 'base64');
    // the token signed the SHA-384 digest (a SHA-256 one would not verify under P-384's hash)
    expect(verify('sha384', canonical, trust.signing_keys[0].public_key_pem, signature)).toBe(true);
    expect(receipt.bundle.messageSignature.messageDigest).toEqual({
      algorithm: 'SHA2_384',
      digest: createHash('sha384').update(canonical).digest('base64'),
    });
    const cli = await cliVerify(pkg, receipt, trust);
    expect(cli.code, cli.out).toBe(0);
    expect(sigstoreVerify(trust, receipt, pkg)).toBe(trust.signing_keys[0].public_key_pem);
    // a rotation keeps the newest version's curve
    expect(await hsmCli(token, 'rotate')).toMatch(/^created notary-signing-v2 ecdsa-p384/);
  }, 90_000);

  it('rotation in the token: `afdp-notary hsm rotate` makes v2, the running service signs with it, v1 receipts still verify', async () => {
    token = freshToken();
    await hsmCli(token, 'rotate'); // a new token: creates v1
    app = await startTestApp({ ...token.env, NOTARY_PKCS11_RESCAN_S: '1', NOTARY_ADMIN_TOKEN: ADMIN });
    const oldPkg = uniquePackage('pkcs11-v1');
    const old = (await sign(app.rest, oldPkg)).body.receipt;
    expect(old.key_version).toBe(1);

    expect(await hsmCli(token, 'rotate')).toMatch(/^created notary-signing-v2 ecdsa-p256/);
    let trust: Json = {};
    for (let i = 0; i < 100 && trust.signing_keys?.length !== 2; i++) {
      await new Promise((r) => setTimeout(r, 100));
      trust = (await app.rest.inject('/api/v1/trust-root')).json();
    }
    expect(trust.signing_keys.map((k: Json) => k.version)).toEqual([1, 2]);
    const newPkg = uniquePackage('pkcs11-v2');
    const fresh = (await sign(app.rest, newPkg)).body.receipt;
    expect(fresh.key_version).toBe(2);
    for (const [pkg, receipt, version] of [
      [oldPkg, old, 1],
      [newPkg, fresh, 2],
    ] as const) {
      const cli = await cliVerify(pkg, receipt, trust);
      expect(cli.code, cli.out).toBe(0);
      expect(sigstoreVerify(trust, receipt, pkg)).toBe(trust.signing_keys[version - 1].public_key_pem);
    }
    // the REST rotation generates v3 in the token too
    const rotated = await app.rest.inject({ method: 'POST', url: '/api/v1/keys/rotate', headers: { authorization: `Bearer ${ADMIN}` } });
    expect(rotated.statusCode).toBe(200);
    expect((await sign(app.rest, uniquePackage('pkcs11-v3'))).body.receipt.key_version).toBe(3);
    expect((await hsmCli(token, 'keys')).trim().split('\n')).toHaveLength(3);
  }, 90_000);

  it('the private key is sensitive and never extractable: reading CKA_VALUE fails in the token', async () => {
    token = freshToken();
    app = await startTestApp({ ...token.env, NOTARY_PKCS11_CREATE_KEY: 'true' });
    await app.close();
    app = undefined;
    const p = cryptoki();
    const { consts: c } = p;
    const slot = p.C_GetSlotList(true).find((s: Buffer) => p.C_GetTokenInfo(s).label.trim() === token.label);
    const session = p.C_OpenSession(slot, c.CKF_SERIAL_SESSION);
    try {
      p.C_Login(session, c.CKU_USER, token.pin);
      p.C_FindObjectsInit(session, [
        { type: c.CKA_CLASS, value: c.CKO_PRIVATE_KEY },
        { type: c.CKA_LABEL, value: 'notary-signing-v1' },
      ]);
      const [key] = p.C_FindObjects(session, 2);
      p.C_FindObjectsFinal(session);
      expect(key).toBeDefined();
      const read = (() => {
        try {
          return p.C_GetAttributeValue(session, key, [{ type: c.CKA_VALUE }]);
        } catch (err) {
          return err;
        }
      })();
      expect((read as { code?: number }).code).toBe(c.CKR_ATTRIBUTE_SENSITIVE);
      const [extractable, never] = p.C_GetAttributeValue(session, key, [{ type: c.CKA_EXTRACTABLE }, { type: c.CKA_NEVER_EXTRACTABLE }]);
      expect([extractable.value[0], never.value[0]]).toEqual([0, 1]);
    } finally {
      p.C_CloseSession(session);
      p.C_Finalize();
    }
  }, 90_000);

  it('start-up errors name what to fix, with a code, and never the PIN', async () => {
    token = freshToken();
    const wrong = 'wrong-pin-7c1e';
    const cases: [Record<string, string>, string][] = [
      [{ ...token.env, NOTARY_PKCS11_PIN: wrong }, 'pin_incorrect'],
      [{ ...token.env }, 'key_not_found'],
      [{ ...token.env, NOTARY_PKCS11_TOKEN_LABEL: 'no-such-token' }, 'token_not_found'],
      [{ ...token.env, NOTARY_PKCS11_MODULE: join(token.dir, 'missing-module.so') }, 'module_not_loadable'],
    ];
    for (const [env, code] of cases) {
      const err = await startError(env);
      expect(err.code).toBe(code);
      expect(`${err.message} ${String(err.cause)}`).not.toContain(env.NOTARY_PKCS11_PIN);
    }
    // the process: exits non-zero at start-up, with the reason and without the PIN anywhere in its output
    const service = await startService({ ...token.env, NOTARY_PKCS11_PIN: wrong, NOTARY_DATA_DIR: tempDir(), SOFTHSM2_CONF: token.conf });
    expect(await service.exited).not.toBe(0);
    expect(service.output()).toContain('CKR_PIN_INCORRECT');
    expect(service.output()).not.toContain(wrong);
  }, 120_000);

  it('a token that drops its sessions: the signature in flight gets 503, the next one logs in again and signs', async () => {
    token = freshToken();
    app = await startTestApp({ ...token.env, NOTARY_PKCS11_CREATE_KEY: 'true', NOTARY_AUDIT_ANCHOR_INTERVAL_MS: '0' });
    expect((await sign(app.rest, uniquePackage('before'))).status).toBe(200);
    const p = cryptoki();
    const slot = p.C_GetSlotList(true).find((s: Buffer) => p.C_GetTokenInfo(s).label.trim() === token.label);
    p.C_CloseAllSessions(slot); // what a network HSM's restart does to every session of this process
    const failed = await sign(app.rest, uniquePackage('dropped'));
    expect(failed.status).toBe(503);
    expect(failed.headers['content-type']).toMatch(/application\/problem\+json/);
    const pkg = uniquePackage('after');
    const again = await sign(app.rest, pkg);
    expect(again.status).toBe(200);
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    expect((await cliVerify(pkg, again.body.receipt, trust)).code).toBe(0);
    expect(app.logLines.join('')).not.toContain(token.pin);
  }, 90_000);

  it('closing the signer while signatures run on worker threads: each one signs or fails with a code, and the process survives', async () => {
    token = freshToken();
    const signer = await createPkcs11Signer({ ...loadConfig({ ...token.env, NOTARY_PKCS11_SESSIONS: '4' }).pkcs11!, createKey: true });
    const canonical = Buffer.from('{"close":"during signing"}');
    const request = { canonical, digest: createHash('sha256').update(canonical).digest(), algorithm: 'ecdsa-p256' as const };
    const inFlight = Array.from({ length: 64 }, () =>
      signer.sign(request).then(
        () => 'signed',
        (err: { code?: string }) => err.code ?? 'no code',
      ),
    );
    await new Promise((r) => setImmediate(r));
    await signer.close();
    const outcomes = new Set(await Promise.all(inFlight));
    expect([...outcomes].every((o) => o === 'signed' || o === 'unavailable')).toBe(true);
    // Cryptoki was finalized once the last one ended: a new signer initializes it again and signs
    const again = await createPkcs11Signer(loadConfig(token.env).pkcs11!);
    expect((await again.sign(request)).keyVersion).toBe(1);
    await again.close();
  }, 90_000);

  it('a sustained burst over 4 sessions at once (Cryptoki initialized for multi-threaded callers): every signature verifies', async () => {
    token = freshToken();
    const signer = await createPkcs11Signer({ ...loadConfig({ ...token.env, NOTARY_PKCS11_SESSIONS: '4' }).pkcs11!, createKey: true });
    try {
      const [key] = await signer.publicKeys();
      // what bench/pkcs11-sign.ts does: 64 calls in flight for 3 s (it crashed SoftHSM2 without CKF_OS_LOCKING_OK)
      const canonical = Buffer.from('{"burst":true}');
      const request = { canonical, digest: createHash('sha256').update(canonical).digest(), algorithm: 'ecdsa-p256' as const };
      const signatures: Buffer[] = [];
      const until = Date.now() + 3_000;
      const worker = async () => {
        while (Date.now() < until) signatures.push((await signer.sign(request)).signature);
      };
      await Promise.all(Array.from({ length: 64 }, worker));
      expect(signatures.length).toBeGreaterThan(100);
      const bad = signatures.filter((sig, i) => i % 50 === 0 && !verify('sha256', canonical, key!.publicKeyPem, sig)).length;
      expect(bad).toBe(0);
    } finally {
      await signer.close();
    }
  }, 90_000);
});
