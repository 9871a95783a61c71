/**
 * ECDSA P-256 / P-384 verification of a signature over a digest computed elsewhere (FIPS 186-4
 * §6.4.2). Node's crypto.verify always hashes its input, but Rekor checks hashedrekord signatures
 * against the submitted digest alone, so this small BigInt implementation does it. Jacobian
 * coordinates and Shamir's trick keep it to a few milliseconds; it checks public data only (no
 * secrets, so constant time does not matter). Both curves have a = -3 (FIPS 186-4 D.1.2.3-4).
 */
import type { KeyObject } from 'node:crypto';

type Point = [bigint, bigint, bigint]; // Jacobian X, Y, Z; Z = 0 is the point at infinity

interface Curve {
  p: bigint;
  n: bigint;
  g: Point;
  bits: bigint;
}

const CURVES: Record<string, Curve> = {
  'P-256': {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    g: [
      0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
      0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
      1n,
    ],
    bits: 256n,
  },
  'P-384': {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    g: [
      0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
      0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
      1n,
    ],
    bits: 384n,
  },
};

let P = CURVES['P-256']!.p; // the field of the curve being checked (set per call; JavaScript runs one at a time)
const mod = (a: bigint, m = P): bigint => ((a % m) + m) % m;
function inv(a: bigint, m: bigint): bigint {
  let [result, base, e] = [1n, mod(a, m), m - 2n];
  for (; e > 0n; e >>= 1n, base = (base * base) % m) if (e & 1n) result = (result * base) % m;
  return result;
}

function double([x, y, z]: Point): Point {
  if (z === 0n || y === 0n) return [0n, 1n, 0n];
  const delta = (z * z) % P;
  const gamma = (y * y) % P;
  const beta = (x * gamma) % P;
  const alpha = mod(3n * (x - delta) * (x + delta)); // a = -3
  const x3 = mod(alpha * alpha - 8n * beta);
  const z3 = mod((y + z) * (y + z) - gamma - delta);
  const y3 = mod(alpha * (4n * beta - x3) - 8n * gamma * gamma);
  return [x3, y3, z3];
}

function add(a: Point, b: Point): Point {
  if (a[2] === 0n) return b;
  if (b[2] === 0n) return a;
  const z1z1 = (a[2] * a[2]) % P;
  const z2z2 = (b[2] * b[2]) % P;
  const u1 = (a[0] * z2z2) % P;
  const u2 = (b[0] * z1z1) % P;
  const s1 = (a[1] * b[2] * z2z2) % P;
  const s2 = (b[1] * a[2] * z1z1) % P;
  const h = mod(u2 - u1);
  const r = mod(2n * (s2 - s1));
  if (h === 0n) return r === 0n ? double(a) : [0n, 1n, 0n];
  const i = (4n * h * h) % P;
  const j = (h * i) % P;
  const v = (u1 * i) % P;
  const x3 = mod(r * r - j - 2n * v);
  const y3 = mod(r * (v - x3) - 2n * s1 * j);
  const z3 = mod(((a[2] + b[2]) * (a[2] + b[2]) - z1z1 - z2z2) * h);
  return [x3, y3, z3];
}

/** u1·G + u2·Q in one pass over the bits (Shamir's trick). */
function twoMul(c: Curve, u1: bigint, q: Point, u2: bigint): Point {
  const G = c.g;
  const gq = add(G, q);
  let r: Point = [0n, 1n, 0n];
  for (let bit = c.bits - 1n; bit >= 0n; bit--) {
    r = double(r);
    const b1 = (u1 >> bit) & 1n;
    const b2 = (u2 >> bit) & 1n;
    if (b1 && b2) r = add(r, gq);
    else if (b1) r = add(r, G);
    else if (b2) r = add(r, q);
  }
  return r;
}

/**
 * Minimal DER: SEQUENCE { INTEGER r, INTEGER s }, short-form lengths (P-256 and P-384 signatures are < 128 bytes).
 * Exported for the console, whose WebCrypto takes r || s rather than DER.
 */
export function parseDerSignature(der: Uint8Array): [bigint, bigint] | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const ints: bigint[] = [];
  let at = 2;
  for (let k = 0; k < 2; k++) {
    if (der[at] !== 0x02) return null;
    const len = der[at + 1];
    if (len === 0 || len > 49 || at + 2 + len > der.length) return null;
    ints.push(BigInt('0x' + Buffer.from(der.subarray(at + 2, at + 2 + len)).toString('hex')));
    at += 2 + len;
  }
  return at === der.length ? [ints[0], ints[1]] : null;
}

/** A P-256 key only (what Rekor's P-256 paths and the older tests ask for). */
export function verifyP256Digest(digest: Uint8Array, derSignature: Uint8Array, publicKey: KeyObject): boolean {
  return verifyEcdsaDigest(digest, derSignature, publicKey, 'P-256');
}

/** A P-256 or P-384 key, the digest used as given (its leftmost bits when longer than the order, SEC 1 §4.1.4). */
export function verifyEcdsaDigest(digest: Uint8Array, derSignature: Uint8Array, publicKey: KeyObject, only?: 'P-256' | 'P-384'): boolean {
  try {
    const jwk = publicKey.export({ format: 'jwk' });
    const c = jwk.kty === 'EC' && typeof jwk.crv === 'string' && (!only || jwk.crv === only) ? CURVES[jwk.crv] : undefined;
    if (!c || !jwk.x || !jwk.y) return false;
    P = c.p;
    const N = c.n;
    const q: Point = [b64uInt(jwk.x), b64uInt(jwk.y), 1n];
    const sig = parseDerSignature(derSignature);
    if (!sig || digest.length === 0) return false;
    const [r, s] = sig;
    if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
    const e = BigInt('0x' + Buffer.from(digest.subarray(0, Number(c.bits / 8n))).toString('hex'));
    const w = inv(s, N);
    const [x, , z] = twoMul(c, (e * w) % N, q, (r * w) % N);
    if (z === 0n) return false;
    const zi = inv(z, P);
    return ((x * zi * zi) % P) % N === r;
  } catch {
    return false;
  }
}

const b64uInt = (s: string): bigint => BigInt('0x' + Buffer.from(s, 'base64url').toString('hex'));
