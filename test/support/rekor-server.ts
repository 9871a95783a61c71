/**
 * Loopback Rekor v1 server for adapter tests. Same paths, status codes, headers and `{code, message}`
 * error bodies as rekor's openapi.yaml; a REAL RFC 6962 tree (MerkleTree), real SETs and signed
 * checkpoints with its own P-256 key. Like Rekor it verifies each hashedrekord signature over the
 * submitted digest (pure P-256 verify, since Node cannot verify a prehashed digest). Only ECDSA
 * P-256 public keys are accepted (Rekor also takes RSA, Ed25519 and certificates).
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MerkleTree, leafHash } from '../../src/core/merkle/index.js';
import { readRequest } from './loopback.js';
import { generateP256KeyPair } from '../../src/core/keys.js';
import { hashedRekordBody, logIdFromPublicKey, signCheckpoint, signSET, verifyEcdsaDigest } from '../../src/core/transparency/index.js';

export type Tamper = 'none' | 'set' | 'proof' | 'checkpoint' | 'body';

export interface StoredEntry {
  uuid: string;
  body: string; // base64
  integratedTime: number;
  logIndex: number; // global
  treeIndex: number; // shard-local
}

export interface RekorServerOptions {
  /** Global logIndex = indexOffset + shard-local index, as on a sharded Rekor. Default 0. */
  indexOffset?: number;
  treeId?: string; // 16 hex digits
  hostname?: string;
}

export interface RekorServer {
  url: string;
  publicKeyPem: string;
  privateKey: KeyObject;
  tree: MerkleTree;
  entries: StoredEntry[];
  requests: { method: string; path: string }[];
  /** Corrupts every entry answer from now on (until set back to 'none'). */
  tamper: Tamper;
  /** Answer 409 without a Location header, so clients must search (POST …/entries/retrieve). */
  conflictWithoutLocation: boolean;
  failNext(n: number, status: number, retryAfter?: string): void;
  close(): Promise<void>;
}

export async function startRekorServer(opts: RekorServerOptions = {}): Promise<RekorServer> {
  const { privateKey, publicKey } = generateP256KeyPair();
  const host = opts.hostname ?? 'rekor.loopback';
  const treeId = opts.treeId ?? '0123456789abcdef';
  const origin = `${host} - ${BigInt('0x' + treeId)}`;
  const logID = logIdFromPublicKey(publicKey);
  const tree = new MerkleTree();
  const byLeaf = new Map<string, StoredEntry>();
  let failures: { left: number; status: number; retryAfter?: string } = { left: 0, status: 500 };

  const state: RekorServer = {
    url: '',
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey,
    tree,
    entries: [],
    requests: [],
    tamper: 'none',
    conflictWithoutLocation: false,
    failNext(n, status, retryAfter) {
      failures = { left: n, status, retryAfter };
    },
    close: async () => {},
  };

  const checkpoint = (): string =>
    signCheckpoint({ origin, size: tree.size, rootHash: tree.root(), otherContent: [] }, { name: host, privateKey });

  /** The entry as Rekor serves it: proof against the current tree, SET over the fixed fields. */
  function entryJson(e: StoredEntry): Record<string, unknown> {
    const payload = { body: e.body, integratedTime: e.integratedTime, logID, logIndex: e.logIndex };
    const proof = {
      checkpoint: checkpoint(),
      hashes: tree.inclusionProof(e.treeIndex).map((h) => h.toString('hex')),
      logIndex: e.treeIndex,
      rootHash: tree.root().toString('hex'),
      treeSize: tree.size,
    };
    const sig = signSET(payload, privateKey);
    const t = state.tamper;
    if (t === 'set') payload.integratedTime += 1; // SET no longer matches
    if (t === 'body') payload.body = flipBase64(payload.body);
    if (t === 'proof' && proof.hashes.length) proof.hashes[0] = flipHex(proof.hashes[0]);
    if (t === 'checkpoint') proof.checkpoint = proof.checkpoint.replace(`\n${tree.size}\n`, `\n${tree.size + 1}\n`);
    return { [e.uuid]: { ...payload, verification: { inclusionProof: proof, signedEntryTimestamp: sig } } };
  }

  function create(req: any): [number, unknown, Record<string, string>?] {
    const spec = req?.spec;
    if (req?.kind !== 'hashedrekord' || req?.apiVersion !== '0.0.1') return err(400, 'unsupported entry kind or version');
    const value = spec?.data?.hash?.value;
    // hashedrekord 0.0.1's schema: sha256, sha384 or sha512, with a hex value of that digest's length
    const hexLength = ({ sha256: 64, sha384: 96, sha512: 128 } as Record<string, number>)[spec?.data?.hash?.algorithm];
    if (!hexLength) return err(400, 'validation failure: spec.data.hash.algorithm in body should be one of [sha256 sha384 sha512]');
    if (!new RegExp(`^[0-9a-f]{${hexLength}}$`).test(value ?? '')) {
      return err(400, `validation failure: spec.data.hash.value in body should match ^[0-9a-fA-F]{${hexLength}}$`);
    }
    let key: KeyObject;
    let pem: string;
    try {
      pem = Buffer.from(spec.signature.publicKey.content, 'base64').toString('utf8');
      key = createPublicKey(pem);
    } catch {
      return err(400, 'invalid public key');
    }
    const signature = Buffer.from(String(spec.signature?.content ?? ''), 'base64');
    if (!verifyEcdsaDigest(Buffer.from(value, 'hex'), signature, key)) {
      return err(400, 'error verifying signature: invalid signature when validating ASN.1 encoded signature');
    }
    const hashAlgorithm = spec.data.hash.algorithm === 'sha256' ? undefined : spec.data.hash.algorithm;
    const body = hashedRekordBody({ digestHex: value, ...(hashAlgorithm && { hashAlgorithm }), signature, publicKeyPem: pem });
    const leaf = leafHash(body).toString('hex');
    const existing = byLeaf.get(leaf);
    if (existing) {
      const location = `/api/v1/log/entries/${existing.uuid}`;
      const headers: Record<string, string> = state.conflictWithoutLocation ? {} : { location, etag: existing.uuid };
      return [
        409,
        { code: 409, message: `an equivalent entry already exists in the transparency log with UUID ${existing.uuid}` },
        headers,
      ];
    }
    const treeIndex = tree.append(leafHash(body));
    const e: StoredEntry = {
      uuid: treeId + leaf,
      body: body.toString('base64'),
      integratedTime: Math.floor(Date.now() / 1000),
      logIndex: (opts.indexOffset ?? 0) + treeIndex,
      treeIndex,
    };
    byLeaf.set(leaf, e);
    state.entries.push(e);
    return [201, entryJson(e), { location: `/api/v1/log/entries/${e.uuid}`, etag: e.uuid }];
  }

  function find(uuid: string): StoredEntry | undefined {
    return byLeaf.get(uuid.toLowerCase().slice(-64));
  }

  function route(method: string, path: string, json: any): [number, unknown, Record<string, string>?] {
    if (method === 'POST' && path === '/api/v1/log/entries') return create(json);
    if (method === 'POST' && path === '/api/v1/log/entries/retrieve') {
      const found: StoredEntry[] = [];
      for (const u of json?.entryUUIDs ?? []) {
        const entry = find(String(u));
        if (entry) found.push(entry);
      }
      for (const i of json?.logIndexes ?? []) state.entries.filter((e) => e.logIndex === i).forEach((e) => found.push(e));
      for (const p of json?.entries ?? []) {
        const spec = p?.spec;
        try {
          const body = hashedRekordBody({
            digestHex: spec.data.hash.value,
            signature: Buffer.from(spec.signature.content, 'base64'),
            publicKeyPem: Buffer.from(spec.signature.publicKey.content, 'base64').toString('utf8'),
          });
          const e = byLeaf.get(leafHash(body).toString('hex'));
          if (e) found.push(e);
        } catch {
          return err(400, 'invalid proposed entry');
        }
      }
      return [200, found.map(entryJson)];
    }
    const m = /^\/api\/v1\/log\/entries\/([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$/.exec(path);
    if (method === 'GET' && m) {
      const e = find(m[1]);
      return e ? [200, entryJson(e)] : err(404, 'entry not found');
    }
    if (method === 'GET' && path === '/api/v1/log/publicKey')
      return [200, state.publicKeyPem, { 'content-type': 'application/x-pem-file' }];
    if (method === 'GET' && path === '/api/v1/log') {
      return [
        200,
        {
          rootHash: tree.root().toString('hex'),
          treeSize: tree.size,
          signedTreeHead: checkpoint(),
          treeID: String(BigInt('0x' + treeId)),
          inactiveShards: [],
        },
      ];
    }
    return err(404, `path ${path} not found`);
  }

  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { method, path, body: raw } = await readRequest(req);
    state.requests.push({ method, path });
    let result: [number, unknown, Record<string, string>?];
    if (failures.left > 0) {
      failures.left--;
      result = err(failures.status, 'injected failure', failures.retryAfter ? { 'retry-after': failures.retryAfter } : {});
    } else {
      let json: unknown;
      try {
        json = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
        result = route(method, path, json);
      } catch {
        result = err(400, 'request body is not JSON');
      }
    }
    const [status, body, headers = {}] = result;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(text);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}

function err(code: number, message: string, headers: Record<string, string> = {}): [number, unknown, Record<string, string>] {
  return [code, { code, message }, headers];
}
function flipHex(h: string): string {
  return (h[0] === '0' ? '1' : '0') + h.slice(1);
}
function flipBase64(b64: string): string {
  const b = Buffer.from(b64, 'base64');
  const i = b.indexOf('"value":"') + 9; // a digest character: the JSON stays valid
  b[i] = b[i] === 0x30 ? 0x31 : 0x30;
  return b.toString('base64');
}
export const sha256 = (d: Uint8Array | string): Buffer => createHash('sha256').update(d).digest();
