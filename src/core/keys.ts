import { createECDH, createPrivateKey, createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from './signing-algorithm.js';

const pad = (b: Buffer, n: number): Buffer => (b.length >= n ? b : Buffer.concat([Buffer.alloc(n - b.length), b]));

/**
 * A new ECDSA P-256 key pair. Not `generateKeyPairSync`: on Node 20 the garbage collector can
 * finalize that call's key-generation job while an export of the same key holds the key's lock,
 * and the process deadlocks (seen in a test run: ExportJWK → GC → ~KeyGenJob → mutex). A key
 * imported from ECDH output has no such job. Kept on Node 22/24: nothing shows the race fixed there.
 */
export function generateP256KeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateEcKeyPair('ecdsa-p256');
}

/** The same for either curve (P-384 for Suite B). */
export function generateEcKeyPair(algorithm: SigningAlgorithm): { privateKey: KeyObject; publicKey: KeyObject } {
  const spec = SIGNING_ALGORITHMS[algorithm];
  const size = spec.digestBytes; // the field size: 32 bytes for P-256, 48 for P-384
  const ecdh = createECDH(spec.curve);
  ecdh.generateKeys();
  const point = ecdh.getPublicKey(); // 0x04 || x || y
  const privateKey = createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: spec.namedCurve,
      x: point.subarray(1, 1 + size).toString('base64url'),
      y: point.subarray(1 + size, 1 + 2 * size).toString('base64url'),
      d: pad(ecdh.getPrivateKey(), size).toString('base64url'),
    },
  });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

/** RFC 8410 §7: PKCS#8 of an Ed25519 key is this fixed prefix and the 32-byte seed. */
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

/** A new Ed25519 private key, imported from random bytes for the same reason as above. */
export function generateEd25519Key(): KeyObject {
  return createPrivateKey({ key: Buffer.concat([ED25519_PKCS8_PREFIX, randomBytes(32)]), format: 'der', type: 'pkcs8' });
}
