/**
 * The console's in-browser verifier (console/src/verify, WebCrypto) and the offline CLI
 * (src/cli/verify.ts, node:crypto) give the same verdict, check by check and reason by reason, on
 * genuine receipts and on each kind of forgery. Run here in Node, which has the same WebCrypto API.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readTrustRoot as readCliTrustRoot } from '../../src/cli/inputs.js';
import { verifyReceiptOffline } from '../../src/cli/verify.js';
import { verifyReceipt } from '../../console/src/verify/receipt.js';
import { readTrustRoot, type TrustRoot } from '../../console/src/verify/trust-root.js';
import { startTestApp } from '../support/app.js';
import { sign } from '../support/http.js';
import { fixtures, uniquePackage } from '../support/records.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const flip = (b64: string) => {
  const buf = Buffer.from(b64, 'base64');
  buf[buf.length - 1]! ^= 1;
  return buf.toString('base64');
};

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

  const both = async (p: Obj, r: Obj, trust = trustJson) => {
    const cli = await verifyReceiptOffline(p, r, readCliTrustRoot(trust, 'trust-root.json'));
    const browser = await verifyReceipt(p, r, trust === trustJson ? browserTrust : await readTrustRoot(trust));
    return { cli, browser };
  };

  const cases: [string, () => [Obj, Obj, Obj?]][] = [
    ['genuine', () => [pkg, receipt]],
    ['package changed', () => [{ ...pkg, event_type: 'x.changed' }, receipt]],
    ['signature flipped', () => [pkg, { ...receipt, signature_b64: flip(receipt.signature_b64) }]],
    ['key version not pinned', () => [pkg, { ...receipt, key_version: 9 }]],
    ['public key swapped in the receipt', () => [pkg, { ...receipt, public_key_b64: Buffer.from('-----BEGIN PUBLIC KEY-----\nAA==\n-----END PUBLIC KEY-----\n').toString('base64') }]],
    ['SET flipped', () => [pkg, { ...receipt, signed_entry_timestamp: flip(receipt.signed_entry_timestamp) }]],
    ['integrated time moved', () => [pkg, { ...receipt, integrated_time: receipt.integrated_time + 1 }]],
    ['log index moved', () => [pkg, { ...receipt, log_index: receipt.log_index + 1 }]],
    ['entry body of another entry', () => [pkg, { ...receipt, rekor_entry_body: Buffer.from('{"kind":"hashedrekord"}').toString('base64') }]],
    ['inclusion proof hash changed', () => [pkg, { ...receipt, inclusion_proof: { ...receipt.inclusion_proof, hashes: receipt.inclusion_proof.hashes.map((h: string, i: number) => (i === 0 ? 'f'.repeat(64) : h)) } }]],
    ['checkpoint signature flipped', () => [pkg, { ...receipt, inclusion_proof: { ...receipt.inclusion_proof, checkpoint: receipt.inclusion_proof.checkpoint.replace(/([A-Za-z0-9+/])(=*\n)$/, (_: string, c: string, end: string) => `${c === 'A' ? 'B' : 'A'}${end}`) } }]],
    ['no log entry (pending)', () => [pkg, { ...receipt, inclusion_proof: null, anchoring: 'pending', bundle: null }]],
    ['bundle edited', () => [pkg, { ...receipt, bundle: { ...receipt.bundle, mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1' } }]],
    ['package claims a time after logging', () => [{ ...pkg, timestamp_utc: '2099-01-01T00:00:00Z' }, receipt]],
    ['another notary\'s trust root', () => [pkg, receipt, otherTrustJson]],
  ];

  it.each(cases)('%s: the same checks, statuses and reasons', async (_name, make) => {
    const [p, r, t] = make();
    const { cli, browser } = await both(p, r, t);
    expect(browser.checks).toEqual(cli.checks);
    expect(browser.ok).toBe(cli.ok);
    expect(browser.warnings).toEqual(cli.warnings);
  });

  it('passes the genuine receipt and fails every forgery', async () => {
    for (const [name, make] of cases) {
      const [p, r, t] = make();
      expect((await both(p, r, t)).browser.ok, name).toBe(name === 'genuine' || name === 'public key swapped in the receipt');
    }
  });
});
