/**
 * The console's in-browser verifier (console/src/verify, WebCrypto) and the offline CLI
 * (src/cli/verify.ts, node:crypto) give the same verdict, check by check and reason by reason, on
 * genuine receipts and on each kind of forgery, except the RFC 3161 timestamp, which the browser
 * says it did not check (test/support/browser-verdict.ts). Run here in Node, which has the same
 * WebCrypto API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readTrustRoot as readCliTrustRoot } from '../../src/cli/inputs.js';
import { verifyReceiptOffline } from '../../src/cli/verify.js';
import { verifyReceipt } from '../../console/src/verify/receipt.js';
import { readTrustRoot, type TrustRoot } from '../../console/src/verify/trust-root.js';
import { startTestApp } from '../support/app.js';
import { sign } from '../support/http.js';
import { expectAgreement, withoutTimestampAuthorities } from '../support/browser-verdict.js';
import { FORGERIES } from '../support/receipt-forgeries.js';
import { fixtures, uniquePackage } from '../support/records.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('the browser verifier agrees with the offline CLI', () => {
  let pkg: Obj;
  let receipt: Obj;
  let trustJson: Obj;
  let otherTrustJson: Obj;
  let browserTrust: TrustRoot;

  beforeAll(async () => {
    const [app, other] = await Promise.all([startTestApp(), startTestApp()]);
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
  });

  it.each(FORGERIES.map((f) => [f.name, f] as const))('%s: the same checks, statuses and reasons', async (_name, f) => {
    const { pkg: p, receipt: r } = f.make(pkg, receipt);
    const trust = f.otherTrustRoot ? otherTrustJson : trustJson;
    const browser = await verifyReceipt(p, r, f.otherTrustRoot ? await readTrustRoot(trust) : browserTrust);
    expectAgreement(f, r, browser, cli(p, r, trust), cli(p, r, withoutTimestampAuthorities(trust)));
  });
});
