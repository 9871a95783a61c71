/**
 * ECDSA P-256 verification of a signature over a digest computed elsewhere (FIPS 186-4 §6.4.2).
 * Node's crypto.verify always hashes its input, but Rekor checks hashedrekord signatures against
 * the submitted digest alone, so this small BigInt implementation does it. Jacobian coordinates
 * and Shamir's trick keep it to a few milliseconds; it checks public data only (no secrets, so
 * constant time does not matter).
 */
import type { KeyObject } from 'node:crypto';

const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const N = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const G: Point = [
  0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
  0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
  1n,
];
type Point = [bigint, bigint, bigint]; // Jacobian X, Y, Z; Z = 0 is the point at infinity

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
function twoMul(u1: bigint, q: Point, u2: bigint): Point {
  const gq = add(G, q);
  let r: Point = [0n, 1n, 0n];
  for (let bit = 255n; bit >= 0n; bit--) {
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
 * Minimal DER: SEQUENCE { INTEGER r, INTEGER s }, short-form lengths (P-256 signatures are < 128 bytes).
 * Exported for the console, whose WebCrypto takes r || s rather than DER.
 */
export function parseDerSignature(der: Uint8Array): [bigint, bigint] | null {
  if (der.length < 8 || der[0] !== 0x30 || der[1] !== der.length - 2) return null;
  const ints: bigint[] = [];
  let at = 2;
  for (let k = 0; k < 2; k++) {
    if (der[at] !== 0x02) return null;
    const len = der[at + 1];
    if (len === 0 || len > 33 || at + 2 + len > der.length) return null;
    ints.push(BigInt('0x' + Buffer.from(der.subarray(at + 2, at + 2 + len)).toString('hex')));
    at += 2 + len;
  }
  return at === der.length ? [ints[0], ints[1]] : null;
}

export function verifyP256Digest(digest: Uint8Array, derSignature: Uint8Array, publicKey: KeyObject): boolean {
  try {
    const jwk = publicKey.export({ format: 'jwk' });
    if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) return false;
    const q: Point = [b64uInt(jwk.x), b64uInt(jwk.y), 1n];
    const sig = parseDerSignature(derSignature);
    if (!sig || digest.length === 0) return false;
    const [r, s] = sig;
    if (r <= 0n || r >= N || s <= 0n || s >= N) return false;
    const e = BigInt('0x' + Buffer.from(digest.subarray(0, 32)).toString('hex'));
    const w = inv(s, N);
    const [x, , z] = twoMul((e * w) % N, q, (r * w) % N);
    if (z === 0n) return false;
    const zi = inv(z, P);
    return ((x * zi * zi) % P) % N === r;
  } catch {
    return false;
  }
}

const b64uInt = (s: string): bigint => BigInt('0x' + Buffer.from(s, 'base64url').toString('hex'));
