// The service with a remote RFC 3161 TSA (loopback: openssl behind Sigstore's API): timestamps kept, a TSA outage deferred and made good.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimestampResponse } from '../../src/core/timestamp/index.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { tempDir } from '../support/databases.js';
import { sign, validate } from '../support/http.js';
import { uniquePackage } from '../support/records.js';
import { startTsaServer, type TsaServer } from '../support/tsa-server.js';

describe('REST with NOTARY_TSA_URL', () => {
  let tsa: TsaServer;
  let app: TestApp;

  /**
   * The workflow's receipt once it carries its timestamp: on a loaded machine the TSA can answer
   * after the sign request's deadline, and the timestamp is then fetched in the background.
   */
  async function stamped<R extends { rfc3161_timestamp: string | null }>(signed: { workflow_id: string; receipt: R }): Promise<R> {
    let receipt = signed.receipt;
    for (let i = 0; i < 150 && receipt.rfc3161_timestamp === null; i++) {
      await new Promise((r) => setTimeout(r, 200));
      receipt = (await app.rest.inject(`/api/v1/workflows/${signed.workflow_id}/receipt`)).json<R>();
    }
    return receipt;
  }
  beforeAll(async () => {
    tsa = await startTsaServer();
    const chain = join(tempDir(), 'tsa-chain.pem');
    writeFileSync(chain, tsa.chainPem);
    app = await startTestApp({ NOTARY_TSA_URL: tsa.url, NOTARY_TSA_CERT_CHAIN_FILE: chain });
  });
  afterAll(async () => {
    await app?.close();
    await tsa?.close();
  });

  it('timestamps each signature at the TSA, publishes its chain in the trust root, and validates', async () => {
    const pkg = uniquePackage('tsa-ok');
    const { body } = await sign(app.rest, pkg);
    const receipt: typeof body.receipt = await stamped(body);
    const token = parseTimestampResponse(Buffer.from(receipt.rfc3161_timestamp, 'base64'));
    expect(token.certificates[0]!.subject).toContain('loopback-tsa');
    expect(token.genTime.toISOString()).toBe(receipt.timestamped_at);
    expect(receipt.bundle.verificationMaterial.timestampVerificationData.rfc3161Timestamps[0].signedTimestamp).toBe(
      receipt.rfc3161_timestamp,
    );
    const trust = (await app.rest.inject('/api/v1/trust-root')).json();
    expect(trust.timestamp_authorities).toEqual([
      expect.objectContaining({ url: tsa.url, cert_chain_pem: [tsa.pki.tsaPem, tsa.pki.rootPem] }),
    ]);
    expect((await validate(app.rest, pkg, receipt)).body.is_valid).toBe(true);
  });

  it('a TSA outage does not fail the request: the timestamp is pending (no bundle yet) and fetched later, once', async () => {
    tsa.failNext(1_000, 503);
    const pkg = uniquePackage('tsa-down');
    const { status, body } = await sign(app.rest, pkg);
    expect(status).toBe(200);
    expect(body.receipt).toMatchObject({ anchoring: 'anchored', rfc3161_timestamp: null, bundle: null });
    const pending = (await validate(app.rest, pkg, body.receipt)).body;
    expect(pending.is_valid).toBe(true); // the log's SET still dates it
    tsa.failNext(0, 503);
    let receipt = body.receipt;
    for (let i = 0; i < 100 && receipt.rfc3161_timestamp === null; i++) {
      await new Promise((r) => setTimeout(r, 200));
      receipt = (await app.rest.inject(`/api/v1/workflows/${body.workflow_id}/receipt`)).json();
    }
    expect(receipt.rfc3161_timestamp).toEqual(expect.any(String));
    expect(receipt.bundle.verificationMaterial.timestampVerificationData).toBeDefined();
    expect((await validate(app.rest, pkg, receipt)).body.is_valid).toBe(true);
    const timestampRequests = tsa.requests.filter((r) => r.method === 'POST').length;
    await app.anchorer.runOnce();
    expect(tsa.requests.filter((r) => r.method === 'POST').length).toBe(timestampRequests); // nothing left to timestamp
    expect((await app.rest.inject(`/api/v1/workflows/${body.workflow_id}/receipt`)).json().rfc3161_timestamp).toBe(
      receipt.rfc3161_timestamp,
    );
  }, 60_000);

  it('refuses a receipt whose timestamp is for another signature', async () => {
    const a = (await sign(app.rest, uniquePackage('tsa-a'))).body.receipt;
    const b = await stamped((await sign(app.rest, uniquePackage('tsa-b'))).body);
    expect(b.rfc3161_timestamp).toEqual(expect.any(String));
    const { body } = await validate(app.rest, uniquePackage('tsa-a'), { ...a, rfc3161_timestamp: b.rfc3161_timestamp, bundle: null });
    expect(body).toMatchObject({ is_valid: false, validation_result: { timestamp_valid: false } });
    expect(body.validation_error).toMatch(/^RFC 3161 timestamp: imprint: /);
  });
});
