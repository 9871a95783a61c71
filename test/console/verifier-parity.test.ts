/**
 * The console's in-browser verifier (console/src/verify, WebCrypto) and the offline CLI
 * (src/cli/verify.ts, node:crypto) give the same verdict, check by check and reason by reason, on
 * genuine receipts and on each kind of forgery, except the RFC 3161 timestamp, which the browser
 * says it did not check (test/support/browser-verdict.ts). Run here in Node, which has the same
 * WebCrypto API.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readTrustRoot as readCliTrustRoot } from '../../src/cli/inputs.js';
import { verifyReceiptOffline } from '../../src/cli/verify.js';
import { verifyReceipt } from '../../console/src/verify/receipt.js';
import { readTrustRoot, type TrustRoot } from '../../console/src/verify/trust-root.js';
import { startTestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { sign } from '../support/http.js';
import { expectAgreement, withoutTimestampAuthorities } from '../support/browser-verdict.js';
import { FORGERIES } from '../support/receipt-forgeries.js';
import { fixtures, uniquePackage } from '../support/records.js';
import { startRekorV2Server } from '../support/rekor-v2-server.js';

type Obj = Record<string, any>;

// Suite B: the same on P-384 receipts (WebCrypto ECDSA P-384 / SHA-384, bundles over SHA2_384)
describe.each([
  ['P-256', 'ecdsa-p256'],
  ['P-384', 'ecdsa-p384'],
] as const)('the browser verifier agrees with the offline CLI (%s keys)', (_curve, algorithm) => {
  let pkg: Obj;
  let receipt: Obj;
  let trustJson: Obj;
  let otherTrustJson: Obj;
  let browserTrust: TrustRoot;

  beforeAll(async () => {
    const env = { NOTARY_SIGNING_ALGORITHM: algorithm };
    const [app, other] = await Promise.all([startTestApp(env), startTestApp(env)]);
    for (const p of Object.values(fixtures())) await sign(app.rest, p); // proofs with sibling hashes
    pkg = uniquePackage('parity');
    receipt = (await sign(app.rest, pkg)).body.receipt;
    trustJson = (await app.rest.inject('/api/v1/trust-root')).json();
    otherTrustJson = (await other.rest.inject('/api/v1/trust-root')).json();
    browserTrust = await readTrustRoot(trustJson);
    await Promise.all([app.close(), other.close()]);
  }, 120_000);

  const cli = (p: Obj, r: Obj, trust: Obj) => verifyReceiptOffline(p, r, readCliTrustRoot(trust, 'trust-root.json'));

  it('the receipts carry an RFC 3161 timestamp (the default), which the browser leaves to the CLI', () => {
    expect(typeof receipt.rfc3161_timestamp).toBe('string');
    expect(browserTrust.keys.map((k) => k.key.kind)).toEqual([algorithm]);
    expect(receipt.bundle.messageSignature.messageDigest.algorithm).toBe(algorithm === 'ecdsa-p384' ? 'SHA2_384' : 'SHA2_256');
  });

  it.each(FORGERIES.map((f) => [f.name, f] as const))('%s: the same checks, statuses and reasons', async (_name, f) => {
    const { pkg: p, receipt: r } = f.make(pkg, receipt);
    const trust = f.otherTrustRoot ? otherTrustJson : trustJson;
    const browser = await verifyReceipt(p, r, f.otherTrustRoot ? await readTrustRoot(trust) : browserTrust);
    expectAgreement(f, r, browser, cli(p, r, trust), cli(p, r, withoutTimestampAuthorities(trust)));
  });
});

describe('the browser verifier agrees with the offline CLI on Rekor v2', () => {
  const cli = (p: Obj, r: Obj, trust: Obj) => verifyReceiptOffline(p, r, readCliTrustRoot(trust, 'trust-root.json'));

  it('a Rekor v2 receipt (no SET, no integrated time, checkpoint by the v2 log key): the same checks, and no trusted time in the browser', async () => {
    const rekor = await startRekorV2Server();
    const keyFile = join(tempDir(), 'rekor-v2.pub');
    writeFileSync(keyFile, rekor.publicKeyPem);
    const app = await startTestApp({
      REKOR_URL: rekor.url,
      REKOR_API_VERSION: '2',
      REKOR_PUBLIC_KEY_FILE: keyFile,
      REKOR_ORIGIN: rekor.origin,
    });
    try {
      const p: Obj = uniquePackage('parity-v2');
      const r = (await sign(app.rest, p)).body.receipt;
      const trust = (await app.rest.inject('/api/v1/trust-root')).json();
      expect(trust.transparency_log.api_version).toBe(2);
      const browser = await verifyReceipt(p, r, await readTrustRoot(trust));
      expectAgreement(FORGERIES[0]!, r, browser, cli(p, r, trust), cli(p, r, withoutTimestampAuthorities(trust)));
      const status = Object.fromEntries(browser.checks.map((c) => [c.check, c.status]));
      expect(status).toEqual({
        'evidence hash': 'pass',
        signature: 'pass',
        'log entry body': 'pass',
        'inclusion proof': 'pass',
        checkpoint: 'pass',
        'RFC 3161 timestamp': 'skip',
        'key validity': 'skip',
        timestamp: 'pass',
        bundle: 'pass',
      });
      expect(browser.warnings).toContain("no trusted time (timestamp or log entry): the key version's validity was not checked");
    } finally {
      await app.close();
      await rekor.close();
    }
  });
});
