/**
 * Rekor hashedrekord entry bodies: what an entry of either version (0.0.1, 0.0.2) says and the
 * digest rule both share, the canonical 0.0.1 body, and reading a 0.0.1 or 0.0.2 one back (0.0.2
 * bodies are built in hashedrekord-v2.ts).
 */
import { createPublicKey, X509Certificate } from 'node:crypto';
import canonicalize from 'canonicalize';
import { specOfBundleHash, specOfHash, type HashName } from '../signing-algorithm.js';

export const HASHEDREKORD_V2 = '0.0.2';

export interface HashedRekordFields {
  digestHex: string;
  /** absent: sha256 (a P-256 key); sha384 for a P-384 key */
  hashAlgorithm?: HashName;
  signature: Buffer; // DER
  publicKeyPem: string; // PEM public key or certificate, as submitted
}

/** The digest's hash, checked against its length: 64 lowercase hex for sha256, 96 for sha384. */
export function checkedDigest(f: Pick<HashedRekordFields, 'digestHex' | 'hashAlgorithm'>): HashName {
  const hash = f.hashAlgorithm ?? 'sha256';
  const spec = specOfHash(hash);
  if (!spec || !new RegExp(`^[0-9a-f]{${spec.digestBytes * 2}}$`).test(f.digestHex)) {
    throw new Error(`digestHex must be ${(spec?.digestBytes ?? 32) * 2} lowercase hex characters of ${hash}`);
  }
  return hash;
}

/** The proposed entry Rekor accepts at POST /api/v1/log/entries and stores (canonicalized) as the body. */
export function hashedRekordEntry(f: HashedRekordFields): object {
  const algorithm = checkedDigest(f);
  return {
    apiVersion: '0.0.1',
    kind: 'hashedrekord',
    spec: {
      data: { hash: { algorithm, value: f.digestHex } },
      signature: {
        content: f.signature.toString('base64'),
        publicKey: { content: Buffer.from(f.publicKeyPem, 'utf8').toString('base64') },
      },
    },
  };
}

export function hashedRekordBody(f: HashedRekordFields): Buffer {
  return Buffer.from(canonicalize(hashedRekordEntry(f)) as string, 'utf8');
}

export interface ParsedHashedRekord extends HashedRekordFields {
  apiVersion: '0.0.1' | '0.0.2';
}

/** Parses a base64 entry body of either version; throws Error naming the first field that is wrong. */
export function parseHashedRekordBody(b64: string): ParsedHashedRekord {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
  } catch {
    throw new Error('entry body is not base64 JSON');
  }
  // untrusted JSON, walked field by field: every field is type-checked before use
  const d = doc as { apiVersion?: unknown; kind?: unknown; spec?: any }; // eslint-disable-line @typescript-eslint/no-explicit-any
  // kind and apiVersion first, as Rekor's clients must: an unknown version fails here, cleanly
  if (d?.kind === 'hashedrekord' && d.apiVersion === HASHEDREKORD_V2)
    return { apiVersion: HASHEDREKORD_V2, ...parseHashedRekordV2Spec(d.spec) };
  if (d?.kind !== 'hashedrekord' || d.apiVersion !== '0.0.1') {
    throw new Error(`entry body is ${String(d?.kind)} ${String(d?.apiVersion)}, not hashedrekord 0.0.1 or 0.0.2`);
  }
  const hash = d.spec?.data?.hash;
  const known = typeof hash?.algorithm === 'string' ? specOfHash(hash.algorithm) : undefined;
  if (!known || typeof hash.value !== 'string') throw new Error('body hash is not sha256 or sha384');
  const sig = d.spec?.signature;
  if (typeof sig?.content !== 'string') throw new Error('body has no signature content');
  if (typeof sig.publicKey?.content !== 'string') throw new Error('body has no public key content');
  return {
    apiVersion: '0.0.1',
    digestHex: hash.value,
    ...(known.hash !== 'sha256' && { hashAlgorithm: known.hash }),
    signature: Buffer.from(sig.content, 'base64'),
    publicKeyPem: Buffer.from(sig.publicKey.content, 'base64').toString('utf8'),
  };
}

/** Whether the entry's body is a Rekor v2 hashedrekord 0.0.2 (which then has no SET to check). */
export function isV2(entry: { body: string }): boolean {
  try {
    return parseHashedRekordBody(entry.body).apiVersion === '0.0.2';
  } catch {
    return false;
  }
}

/** The spec of a parsed 0.0.2 body; throws Error naming the first wrong field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- untrusted JSON, every field type-checked before use
function parseHashedRekordV2Spec(spec: any): HashedRekordFields {
  const v = spec?.hashedRekordV002;
  const algo = typeof v?.data?.algorithm === 'string' ? specOfBundleHash(v.data.algorithm) : undefined;
  if (!algo || typeof v.data.digest !== 'string') throw new Error('body data is not a SHA2_256 or SHA2_384 digest');
  const digest = Buffer.from(v.data.digest, 'base64');
  if (digest.length !== algo.digestBytes) throw new Error(`body digest is not ${algo.digestBytes} bytes`);
  const sig = v.signature;
  if (typeof sig?.content !== 'string') throw new Error('body has no signature content');
  const verifier = sig.verifier;
  let publicKeyPem: string;
  if (typeof verifier?.publicKey?.rawBytes === 'string') {
    publicKeyPem = createPublicKey({ key: Buffer.from(verifier.publicKey.rawBytes, 'base64'), format: 'der', type: 'spki' })
      .export({ type: 'spki', format: 'pem' })
      .toString();
  } else if (typeof verifier?.x509Certificate?.rawBytes === 'string') {
    publicKeyPem = new X509Certificate(Buffer.from(verifier.x509Certificate.rawBytes, 'base64')).toString();
  } else {
    throw new Error('body verifier has neither a public key nor a certificate');
  }
  return {
    digestHex: digest.toString('hex'),
    ...(algo.hash !== 'sha256' && { hashAlgorithm: algo.hash }),
    signature: Buffer.from(sig.content, 'base64'),
    publicKeyPem,
  };
}
