/**
 * RFC 3161 against an independent implementation: tokens from `openssl ts -reply` verified by our
 * code, tokens from our embedded issuer verified by `openssl ts -verify` and by @sigstore/core.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createPrivateKey, sign, X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RFC3161Timestamp } from '@sigstore/core';
import { AsnConvert } from '@peculiar/asn1-schema';
import { PKIFreeText, PKIStatusInfo, TimeStampResp } from '@peculiar/asn1-tsp';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeCertificate } from '../../src/adapters/tsa/embedded/certificates.js';
import { issueTimestampResponse } from '../../src/adapters/tsa/embedded/issue.js';
import { generateP256KeyPair } from '../../src/core/keys.js';
import {
  certificatesFromPem,
  parseTimestampResponse,
  timestampRequest,
  TimestampError,
  verifyTimestamp,
  type TrustedTimestampAuthority,
} from '../../src/core/timestamp/index.js';
import { tempDir } from '../support/databases.js';
import { makeTsaPki, type TsaPki } from '../support/tsa-pki.js';

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
    return 'accepted';
  } catch (err) {
    return err instanceof TimestampError ? err.code : String(err);
  }
};
const authority = (pem: string, start = new Date(0)): TrustedTimestampAuthority => ({
  name: 'test',
  chain: certificatesFromPem(pem),
  validFor: { start },
});

describe('tokens made by openssl ts, verified by us', () => {
  let pki: TsaPki;
  const signature = Buffer.from('a DER ECDSA signature stands here');
  const reply = (query: Buffer, config = pki.config) => {
    writeFileSync(join(pki.dir, 'q.tsq'), query);
    execFileSync('openssl', ['ts', '-reply', '-config', config, '-queryfile', 'q.tsq', '-out', 'r.tsr'], { cwd: pki.dir, stdio: 'pipe' });
    return readFileSync(join(pki.dir, 'r.tsr'));
  };
  beforeAll(() => {
    pki = makeTsaPki();
  });

  it('verifies a granted token: imprint, nonce, ESS signing-certificate-v2, signature, chain', () => {
    const req = timestampRequest(signature);
    const v = verifyTimestamp(reply(req.der), signature, [authority(pki.chainPem)], { nonce: req.nonce, requireCertificate: true });
    expect(v.policy).toBe('1.3.6.1.4.1.57264.2');
    expect(Math.abs(v.genTime.getTime() - Date.now())).toBeLessThan(60_000);
    expect(v.signer.subject).toContain('loopback-tsa');
  });

  it('asks with a nonce strict DER parsers accept: a positive, minimal 16-byte INTEGER (2,000 requests)', () => {
    // a first byte of 0x00 is a padding byte DER forbids: openssl ts answered such a request with a
    // rejection (status), 1 request in 256, and so would a TSA parsing with Go's encoding/asn1
    for (let i = 0; i < 2000; i++) {
      const req = timestampRequest(signature);
      const bytes = req.nonce.toString(16).padStart(32, '0');
      expect(bytes.slice(0, 2), `nonce ${bytes}`).not.toBe('00');
      expect(req.nonce < 1n << 127n).toBe(true);
      expect(req.der.toString('hex')).toContain(`0210${bytes}`);
    }
  });

  it('refuses another nonce, another signature, an untrusted TSA, a period it is not trusted for', () => {
    const req = timestampRequest(signature);
    const token = reply(req.der);
    expect(codeOf(() => verifyTimestamp(token, signature, [authority(pki.chainPem)], { nonce: req.nonce + 1n }))).toBe('nonce');
    expect(codeOf(() => verifyTimestamp(token, Buffer.from('another'), [authority(pki.chainPem)]))).toBe('imprint');
    expect(codeOf(() => verifyTimestamp(token, signature, [authority(makeTsaPki('rogue').chainPem)]))).toBe('chain');
    expect(codeOf(() => verifyTimestamp(token, signature, [authority(pki.chainPem, new Date(Date.now() + 3_600_000))]))).toBe('validity');
  });

  it("accepts ESS signing-certificate v1 (openssl's default, SHA-1) and a token without the certificate when none was asked for", () => {
    writeFileSync(join(pki.dir, 'v1.cnf'), readFileSync(pki.config, 'utf8').replace('ess_cert_id_alg = sha256', 'ess_cert_id_alg = sha1'));
    execFileSync('openssl', ['ts', '-query', '-data', join(pki.dir, 'tsa.crt'), '-sha256', '-no_nonce', '-out', 'nocert.tsq'], {
      cwd: pki.dir,
    });
    const data = readFileSync(join(pki.dir, 'tsa.crt'));
    const token = reply(readFileSync(join(pki.dir, 'nocert.tsq')), join(pki.dir, 'v1.cnf'));
    expect(parseTimestampResponse(token).certificates).toEqual([]);
    expect(codeOf(() => verifyTimestamp(token, data, [authority(pki.chainPem)]))).toBe('accepted');
    expect(codeOf(() => verifyTimestamp(token, data, [authority(pki.chainPem)], { requireCertificate: true }))).toBe('signer');
  });

  it('refuses a rejection, a grantedWithMods status and bytes that are not DER', () => {
    const refused = Buffer.from(
      AsnConvert.serialize(new TimeStampResp({ status: new PKIStatusInfo({ status: 2, statusString: new PKIFreeText(['no']) }) })),
    );
    expect(codeOf(() => parseTimestampResponse(refused))).toBe('status');
    const token = reply(timestampRequest(signature).der);
    const mods = Buffer.from(token);
    mods[mods.indexOf(Buffer.from([0x02, 0x01, 0x00]))! + 2] = 1; // PKIStatus granted → grantedWithMods
    expect(codeOf(() => parseTimestampResponse(mods))).toBe('status');
    const ber = Buffer.from(token);
    ber[0] = 0xb0; // the outer SEQUENCE's tag with another class: a lenient parser would not mind
    expect(codeOf(() => parseTimestampResponse(ber))).toBe('malformed');
    expect(codeOf(() => verifyTimestamp(Buffer.from('not der'), signature, []))).toBe('malformed');
  });

  it('refuses a TSA certificate whose extended key usage is not the one critical timeStamping', () => {
    const dir = tempDir('notary-tsa-eku-');
    const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    writeFileSync(join(dir, 'ext'), 'extendedKeyUsage=timeStamping\n'); // not critical
    openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'k.pem');
    openssl('req', '-new', '-key', 'k.pem', '-subj', '/CN=loose-tsa', '-out', 'c.csr');
    openssl(
      'x509',
      '-req',
      '-in',
      'c.csr',
      '-CA',
      join(pki.dir, 'root.crt'),
      '-CAkey',
      join(pki.dir, 'root.key'),
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      'ext',
      '-out',
      'c.crt',
    );
    // openssl ts refuses to sign with such a certificate; our issuer does as it is told
    const certificate = new X509Certificate(readFileSync(join(dir, 'c.crt')));
    const token = issueTimestampResponse(
      { privateKey: createPrivateKey(readFileSync(join(dir, 'k.pem'))), certificate, policy: '1.2.3' },
      { sha256: createHash('sha256').update(signature).digest(), certReq: true },
      new Date(),
    );
    expect(codeOf(() => verifyTimestamp(token, signature, [authority(pki.rootPem)]))).toBe('chain');
  });
});

describe('tokens of the embedded issuer, verified by openssl and @sigstore/core', () => {
  const root = generateP256KeyPair();
  const tsa = generateP256KeyPair();
  const now = new Date();
  const years = (n: number) => new Date(now.getTime() + n * 365 * 86_400_000);
  const rootCert = makeCertificate({
    commonName: 'test TSA root',
    organization: 'AFDP Notary',
    publicKey: root.publicKey,
    signingKey: root.privateKey,
    notBefore: now,
    notAfter: years(20),
    kind: 'root',
  });
  const tsaCert = makeCertificate({
    commonName: 'test TSA',
    organization: 'AFDP Notary',
    publicKey: tsa.publicKey,
    signingKey: root.privateKey,
    issuer: rootCert,
    notBefore: now,
    notAfter: years(5),
    kind: 'tsa',
  });
  const signature = sign('sha256', Buffer.from('evidence'), generateP256KeyPair().privateKey);
  const token = issueTimestampResponse(
    { privateKey: tsa.privateKey, certificate: tsaCert, policy: '1.3.6.1.4.1.32473.3161.1' },
    { sha256: createHash('sha256').update(signature).digest(), certReq: true },
    now,
  );

  it('openssl verifies the certificates and the token', () => {
    const dir = tempDir('notary-embedded-tsa-');
    writeFileSync(join(dir, 'root.pem'), rootCert.toString());
    writeFileSync(join(dir, 'tsa.pem'), tsaCert.toString());
    writeFileSync(join(dir, 'token.tsr'), token);
    writeFileSync(join(dir, 'data'), signature);
    expect(
      execFileSync('openssl', ['verify', '-CAfile', 'root.pem', '-purpose', 'timestampsign', 'tsa.pem'], { cwd: dir }).toString(),
    ).toContain('tsa.pem: OK');
    expect(
      execFileSync('openssl', ['ts', '-verify', '-in', 'token.tsr', '-data', 'data', '-CAfile', 'root.pem'], { cwd: dir }).toString(),
    ).toContain('Verification: OK');
    const text = execFileSync('openssl', ['ts', '-reply', '-in', 'token.tsr', '-text'], { cwd: dir }).toString();
    expect(text).toMatch(/Status: Granted/);
    expect(text).toMatch(/Accuracy: 0x01 seconds/);
  });

  it('our verifier and @sigstore/core accept it; its genTime is the second it was made', () => {
    const v = verifyTimestamp(token, signature, [authority(tsaCert.toString() + rootCert.toString())], { requireCertificate: true });
    expect(v.genTime.getTime()).toBe(Math.floor(now.getTime() / 1000) * 1000);
    const parsed = RFC3161Timestamp.parse(Buffer.from(new Uint8Array(token)));
    expect(parsed.status).toBe(0n);
    expect(() => parsed.verify(signature, new X509Certificate(tsaCert.raw).publicKey)).not.toThrow();
    expect(() => parsed.verify(Buffer.from('other'), tsaCert.publicKey)).toThrow();
  });
});
