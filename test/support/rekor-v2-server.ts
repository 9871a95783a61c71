/**
 * Loopback Rekor v2 (sigstore/rekor-tiles) for adapter tests, on its documented wire format:
 * - `POST /api/v2/log/entries` takes a CreateEntryRequest in protojson (camelCase or snake_case
 *   names, unknown fields refused as grpc-gateway's strict unmarshaler does), verifies the
 *   hashedrekord 0.0.2 signature over the digest, logs the canonicalized `Entry` and answers 201
 *   with a TransparencyLogEntry (EmitUnpopulated: `integratedTime: "0"`, `inclusionPromise: null`)
 *   whose proof is against a freshly signed checkpoint; a duplicate answers 409 AlreadyExists with
 *   `x-log-index`; errors are grpc-gateway's `{code, message, details}` with gRPC codes
 *   (internal/server/service.go, http.go).
 * - The tile storage serves c2sp.org/tlog-tiles at the same root, as the public instances do:
 *   `/checkpoint`, `/tile/<L>/<N>[.p/<W>]`, `/tile/entries/<N>[.p/<W>]`.
 * Checkpoints are C2SP signed notes with an Ed25519 key (or ECDSA P-256), name = origin = host.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import canonicalize from 'canonicalize';
import { readRequest } from './loopback.js';
import { generateEd25519Key, generateP256KeyPair } from '../../src/core/keys.js';
import { decodeTileIndex, encodeEntryBundle, leafHash, MerkleTree, tileWidth } from '../../src/core/merkle/index.js';
import { noteKey, signCheckpoint, verifyEcdsaDigest } from '../../src/core/transparency/index.js';

export type RekorV2Tamper = 'none' | 'proof' | 'checkpoint' | 'body' | 'logId' | 'kind' | 'tile' | 'bundle';

export interface RekorV2Server {
  url: string;
  origin: string;
  publicKeyPem: string;
  privateKey: KeyObject;
  tree: MerkleTree;
  bodies: Buffer[];
  requests: { method: string; path: string; status: number }[];
  tamper: RekorV2Tamper;
  failNext(n: number, status: number): void;
  /** Log the next `n` entries but answer 503, as when the answer is lost on the way back. */
  loseAnswers(n: number): void;
  close(): Promise<void>;
}

type Result = [number, unknown, Record<string, string>?];
const grpcError = (status: number, code: number, message: string, headers: Record<string, string> = {}): Result => [
  status,
  { code, message, details: [] },
  headers,
];
const INVALID = grpcError(400, 3, 'invalid hashedrekord request');

export async function startRekorV2Server(opts: { keyType?: 'ed25519' | 'ecdsa'; origin?: string } = {}): Promise<RekorV2Server> {
  const privateKey = opts.keyType === 'ecdsa' ? generateP256KeyPair().privateKey : generateEd25519Key();
  const origin = opts.origin ?? 'rekor-v2.loopback';
  const logId = noteKey(privateKey, origin).id.toString('base64');
  const tree = new MerkleTree();
  const byLeaf = new Map<string, number>();
  let failures = { left: 0, status: 503 };
  let lost = 0;
  const state: RekorV2Server = {
    url: '',
    origin,
    privateKey,
    tree,
    bodies: [],
    requests: [],
    tamper: 'none',
    publicKeyPem: createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString(),
    failNext(n, status) {
      failures = { left: n, status };
    },
    loseAnswers(n) {
      lost = n;
    },
    close: async () => {},
  };
  const checkpoint = () =>
    signCheckpoint({ origin, size: tree.size, rootHash: tree.root(), otherContent: [] }, { name: origin, privateKey });

  function create(json: any): Result {
    const unknown = unknownField(json);
    if (unknown) return grpcError(400, 3, `proto: (line 1:2): unknown field "${unknown}"`);
    const req = json?.hashedRekordRequestV002 ?? json?.hashed_rekord_request_v002;
    if (!req) return grpcError(400, 3, 'invalid type, must be hashedrekord');
    const entry = toEntry(req);
    if (!entry) return INVALID;
    const body = Buffer.from(canonicalize(entry)!, 'utf8');
    const leaf = leafHash(body);
    const existing = byLeaf.get(leaf.toString('hex'));
    if (existing !== undefined) {
      return grpcError(409, 6, `an equivalent entry already exists in the transparency log with index ${existing}`, {
        'x-log-index': String(existing),
      });
    }
    const index = tree.append(leaf);
    byLeaf.set(leaf.toString('hex'), index);
    state.bodies.push(body);
    if (lost > 0) {
      lost--;
      return grpcError(503, 14, 'the connection dropped before the answer');
    }
    return [201, tle(index, body)];
  }

  function tle(index: number, body: Buffer): unknown {
    const t = state.tamper;
    const hashes = tree.inclusionProof(index).map((h) => h.toString('base64'));
    if (t === 'proof' && hashes.length) hashes[0] = flip(hashes[0]!);
    let note = checkpoint();
    if (t === 'checkpoint') note = note.replace(`\n${tree.size}\n`, `\n${tree.size + 1}\n`);
    const canonicalizedBody = t === 'body' ? body.toString('base64').replace(/A/, 'B') : body.toString('base64');
    return {
      logIndex: String(index),
      logId: { keyId: t === 'logId' ? flip(logId) : logId },
      kindVersion: { kind: 'hashedrekord', version: t === 'kind' ? '0.0.1' : '0.0.2' },
      integratedTime: '0',
      inclusionPromise: null,
      inclusionProof: {
        logIndex: String(index),
        rootHash: tree.root().toString('base64'),
        treeSize: String(tree.size),
        hashes,
        checkpoint: { envelope: note },
      },
      canonicalizedBody,
    };
  }

  function read(path: string): Result {
    if (path === '/checkpoint') return [200, checkpoint(), { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-cache' }];
    const m = /^\/tile\/(entries|\d{1,2})\/((?:x\d{3}\/)*\d{3})(?:\.p\/(\d{1,3}))?$/.exec(path);
    const n = m ? decodeTileIndex(m[2]!) : undefined;
    if (!m || n === undefined) return [404, 'not found\n', { 'content-type': 'text/plain' }];
    const level = m[1] === 'entries' ? 0 : Number(m[1]);
    const partial = m[3] !== undefined;
    const width = partial ? Number(m[3]) : 256;
    if ((partial && (width < 1 || width > 255)) || width > tileWidth(level, n, tree.size))
      return [404, 'not found\n', { 'content-type': 'text/plain' }];
    let bytes =
      m[1] === 'entries' ? encodeEntryBundle(state.bodies.slice(n * 256, n * 256 + width)) : tree.hashesAt(level * 8, n * 256, width);
    if ((state.tamper === 'tile' && m[1] !== 'entries') || (state.tamper === 'bundle' && m[1] === 'entries'))
      bytes = Buffer.from(bytes).fill(0x41, bytes.length - 1);
    return [200, bytes, { 'content-type': 'application/octet-stream', 'cache-control': 'max-age=31536000, immutable' }];
  }

  function route(method: string, path: string, json: unknown): Result {
    if (method === 'POST' && path === '/api/v2/log/entries') return create(json);
    if (method === 'GET' && path.startsWith('/api/v2/')) return grpcError(501, 12, 'method not implemented');
    if (method === 'GET') return read(path);
    return grpcError(404, 5, 'Not Found');
  }

  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { method, path, body: raw } = await readRequest(req);
    let result: Result;
    if (failures.left > 0) {
      failures.left--;
      result = grpcError(failures.status, 14, 'injected failure');
    } else {
      try {
        result = route(method, path, raw.length ? JSON.parse(raw.toString('utf8')) : undefined);
      } catch {
        result = grpcError(400, 3, 'proto: syntax error (line 1:1): invalid value');
      }
    }
    const [status, body, headers = {}] = result;
    state.requests.push({ method, path, status });
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}

/** protojson field names: camelCase or the proto's snake_case. */
const pick = (o: any, camel: string, snake: string) => o?.[camel] ?? o?.[snake];
const KNOWN = new Set([
  'hashedRekordRequestV002',
  'hashed_rekord_request_v002',
  'dsseRequestV002',
  'dsse_request_v002',
  'digest',
  'signature',
  'content',
  'verifier',
  'publicKey',
  'public_key',
  'x509Certificate',
  'x509_certificate',
  'rawBytes',
  'raw_bytes',
  'keyDetails',
  'key_details',
]);

function unknownField(v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  for (const [k, child] of Object.entries(v)) {
    if (!KNOWN.has(k)) return k;
    const inner = unknownField(child);
    if (inner) return inner;
  }
  return undefined;
}

const KEY_DETAILS: Record<string, { curve: string; hash: string; bytes: number }> = {
  PKIX_ECDSA_P256_SHA_256: { curve: 'prime256v1', hash: 'SHA2_256', bytes: 32 },
  PKIX_ECDSA_P384_SHA_384: { curve: 'secp384r1', hash: 'SHA2_384', bytes: 48 },
};

/** hashedrekord.ToLogEntry: validate, verify the signature over the digest, build the Entry protojson. */
function toEntry(req: any): object | undefined {
  const std = (b64: unknown) => (typeof b64 === 'string' ? Buffer.from(b64, 'base64') : Buffer.alloc(0));
  const digest = std(req.digest);
  const sig = req.signature;
  const content = std(sig?.content);
  const verifier = sig?.verifier;
  const keyDetails = pick(verifier, 'keyDetails', 'key_details');
  const rawKey = std(pick(pick(verifier, 'publicKey', 'public_key'), 'rawBytes', 'raw_bytes'));
  // the key details name curve and hash (rekor-tiles takes the digest's algorithm from them)
  const details = KEY_DETAILS[String(keyDetails)];
  if (content.length === 0 || !verifier || !details || digest.length !== details.bytes || rawKey.length === 0) return undefined;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: rawKey, format: 'der', type: 'spki' });
  } catch {
    return undefined;
  }
  if (key.asymmetricKeyDetails?.namedCurve !== details.curve || !verifyEcdsaDigest(digest, content, key)) return undefined;
  return {
    apiVersion: '0.0.2',
    kind: 'hashedrekord',
    spec: {
      hashedRekordV002: {
        data: { algorithm: details.hash, digest: digest.toString('base64') },
        signature: { content: content.toString('base64'), verifier: { keyDetails, publicKey: { rawBytes: rawKey.toString('base64') } } },
      },
    },
  };
}

function flip(b64: string): string {
  const b = Buffer.from(b64, 'base64');
  b[0]! ^= 1;
  return b.toString('base64');
}
