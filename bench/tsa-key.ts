import { X509Certificate, type KeyObject } from 'node:crypto';
import { makeCertificate } from '../src/adapters/tsa/embedded/certificates.js';
import { generateP256KeyPair } from '../src/core/keys.js';

export interface BenchTsaKey {
  /** what issueTimestampResponse signs with, as the embedded TSA holds it */
  key: { privateKey: KeyObject; certificate: X509Certificate; policy: string };
  rootCert: X509Certificate;
  tsaCert: X509Certificate;
}

/** A TSA key and its two-certificate chain made like the embedded TSA's, without its database. */
export function benchTsaKey(now = new Date()): BenchTsaKey {
  const root = generateP256KeyPair(),
    tsa = generateP256KeyPair();
  const rootCert = makeCertificate({
    commonName: 'bench TSA root',
    organization: 'AFDP Notary',
    publicKey: root.publicKey,
    signingKey: root.privateKey,
    notBefore: now,
    notAfter: new Date(now.getTime() + 1e11),
    kind: 'root',
  });
  const tsaCert = makeCertificate({
    commonName: 'bench TSA',
    organization: 'AFDP Notary',
    publicKey: tsa.publicKey,
    signingKey: root.privateKey,
    issuer: rootCert,
    notBefore: now,
    notAfter: new Date(now.getTime() + 1e11),
    kind: 'tsa',
  });
  return { key: { privateKey: tsa.privateKey, certificate: tsaCert, policy: '1.3.6.1.4.1.32473.3161.1' }, rootCert, tsaCert };
}
