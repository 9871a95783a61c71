/**
 * Loopback Vault that follows the documented HTTP API for the paths the notary uses:
 * sys/health, token lookup-self/renew-self, AppRole and Kubernetes login, transit
 * keys (read/create/rotate) and sign (single and batch_input, real ECDSA P-256 and P-384), and for
 * aes256-gcm96 keys datakey (plaintext/wrapped), decrypt and rewrap with real AES-256-GCM
 * (`vault:vN:` + base64(nonce | ciphertext | tag), as keysutil's policy.go writes it).
 */
import { createCipheriv, createDecipheriv, createECDH, createHash, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateEcKeyPair } from '../../src/core/keys.js';

export interface VaultServerOptions {
  /** lease_duration of tokens issued by logins. */
  tokenTtlSeconds?: number;
  renewable?: boolean;
  transitMount?: string;
  /** serve HTTPS with this certificate (VAULT_CACERT tests) */
  tls?: { certPem: string; keyPem: string };
}

export interface VaultServer {
  url: string;
  rootToken: string;
  /** Every request seen, with the X-Vault-Namespace header it carried and its JSON body. */
  requests: Array<{ method: string; path: string; namespace?: string; body?: Record<string, unknown> }>;
  /** TCP connections accepted so far (keep-alive reuses one) */
  connections(): number;
  close(): Promise<void>;
  seal(): void;
  unseal(): void;
  setStandby(standby: boolean): void;
  expireToken(token: string): void;
  /** Tokens handed out by logins, newest last. */
  issuedTokens(): string[];
  setAppRole(roleId: string, secretId: string): void;
  setKubernetesRole(role: string, jwt: string): void;
  /** The next n requests (only those whose path matches, when given) answer this status. */
  failNext(n: number, status: number, path?: RegExp): void;
  clearFailures(): void;
  createKey(name: string, type: KeyType): void;
}

export type KeyType = 'ecdsa-p256' | 'ecdsa-p384' | 'aes256-gcm96';
const EC: Record<string, { curve: string; n: bigint; size: number; name: string }> = {
  'ecdsa-p256': { curve: 'prime256v1', n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n, size: 32, name: 'P-256' },
  'ecdsa-p384': {
    curve: 'secp384r1',
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    size: 48,
    name: 'P-384',
  },
};

// ---- ECDSA P-256 / P-384 over a precomputed digest ------------------------------------
// Node's crypto.sign always hashes its input. ECDH does the one expensive step for us
// (k·G is the "public key" of private scalar k); the rest is textbook ECDSA (SEC 1 §4.1.3).
const toBig = (b: Buffer): bigint => BigInt(`0x${b.toString('hex') || '0'}`);

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  for (let b = base % mod, e = exp; e > 0n; e >>= 1n, b = (b * b) % mod) if (e & 1n) result = (result * b) % mod;
  return result;
}

function derInt(x: bigint): Buffer {
  let hex = x.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  const raw = Buffer.from(hex, 'hex');
  const body = raw[0] & 0x80 ? Buffer.concat([Buffer.from([0]), raw]) : raw;
  return Buffer.concat([Buffer.from([0x02, body.length]), body]);
}

export function signDigestP256(privateKey: KeyObject, digest: Buffer): Buffer {
  return signDigest('ecdsa-p256', privateKey, digest);
}

export function signDigest(type: string, privateKey: KeyObject, digest: Buffer): Buffer {
  const { curve, n: N, size } = EC[type]!;
  const d = toBig(Buffer.from(privateKey.export({ format: 'jwk' }).d as string, 'base64url'));
  const z = toBig(digest.subarray(0, size)); // leftmost bits of the hash, as SEC 1 (and Go's ecdsa.Sign) truncate
  for (;;) {
    const kBytes = randomBytes(size);
    const k = toBig(kBytes);
    if (k === 0n || k >= N) continue;
    const ecdh = createECDH(curve);
    ecdh.setPrivateKey(kBytes);
    const r = toBig(ecdh.getPublicKey().subarray(1, 1 + size)) % N;
    const s = (modPow(k, N - 2n, N) * ((z + r * d) % N)) % N;
    if (r === 0n || s === 0n) continue;
    const seq = Buffer.concat([derInt(r), derInt(s)]);
    return Buffer.concat([Buffer.from([0x30, seq.length]), seq]);
  }
}

// ---- state -------------------------------------------------------------------------------
interface Token {
  expiresAt: number | null;
  ttl: number;
  renewable: boolean;
}
interface KeyVersion {
  privateKey?: KeyObject;
  publicKeyPem?: string;
  aesKey?: Buffer;
  created: Date;
}
interface TransitKey {
  type: string;
  versions: KeyVersion[];
}
type Reply = [status: number, body: unknown];

const HASHES: Record<string, string> = { 'sha2-256': 'sha256', 'sha2-384': 'sha384', 'sha2-512': 'sha512' };
const errors = (status: number, ...msgs: string[]): Reply => [status, { errors: msgs }];
const envelope = (data: unknown, auth: unknown = null) => ({
  request_id: randomUUID(),
  lease_id: '',
  renewable: false,
  lease_duration: 0,
  data,
  wrap_info: null,
  warnings: null,
  auth,
});

// ---- aes256-gcm96: datakey, decrypt, rewrap ---------------------------------------------
// path_datakey.go, path_decrypt.go, path_rewrap.go; errors as keysutil's UserErrors read (400).
function encryptWith(k: TransitKey, plaintext: Buffer, ver = k.versions.length): string {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', k.versions[ver - 1]!.aesKey!, nonce);
  const ct = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
  return `vault:v${ver}:${Buffer.concat([nonce, ct]).toString('base64')}`;
}

function decryptWith(k: TransitKey, ciphertext: unknown): Buffer | string {
  if (typeof ciphertext !== 'string' || ciphertext === '') return 'missing ciphertext to decrypt';
  const m = /^vault:v(\d+):(.*)$/s.exec(ciphertext);
  if (!ciphertext.startsWith('vault:v')) return 'invalid ciphertext: no prefix';
  if (!m) return 'invalid ciphertext: wrong number of fields';
  const ver = Number(m[1]);
  if (!Number.isSafeInteger(ver) || ver < 1) return 'invalid ciphertext: version number could not be decoded';
  if (ver > k.versions.length) return 'invalid ciphertext: version is too new';
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(m[2]!) || m[2]!.length % 4 !== 0) return 'invalid ciphertext: could not decode base64';
  const raw = Buffer.from(m[2]!, 'base64');
  if (raw.length < 12 + 16) return 'invalid ciphertext: unable to decrypt';
  try {
    const d = createDecipheriv('aes-256-gcm', k.versions[ver - 1]!.aesKey!, raw.subarray(0, 12));
    d.setAuthTag(raw.subarray(raw.length - 16));
    return Buffer.concat([d.update(raw.subarray(12, raw.length - 16)), d.final()]);
  } catch {
    return 'cipher: message authentication failed';
  }
}

const transitCrypto = {
  datakey(k: TransitKey | undefined, kind: string, body: Record<string, unknown>): Reply {
    if (kind !== 'plaintext' && kind !== 'wrapped') return errors(400, "Invalid path, must be 'plaintext' or 'wrapped'");
    if (!k) return errors(400, 'encryption key not found');
    if (k.type !== 'aes256-gcm96') return errors(400, `key type ${k.type} does not support encryption`);
    const bits = body.bits === undefined ? 256 : Number(body.bits);
    if (![128, 256, 512].includes(bits)) return errors(400, 'invalid bit length');
    const ver = Number(body.key_version ?? 0) || k.versions.length;
    if (ver > k.versions.length) return errors(400, 'requested version for encryption is higher than the latest key version');
    const dataKey = randomBytes(bits / 8);
    // Vault encrypts the raw key bytes (it hands its Encrypt the key base64-encoded, which Encrypt decodes)
    const data: Record<string, unknown> = { ciphertext: encryptWith(k, dataKey, ver), key_version: ver };
    if (kind === 'plaintext') data.plaintext = dataKey.toString('base64');
    return [200, envelope(data)];
  },
  decrypt(k: TransitKey | undefined, body: Record<string, unknown>): Reply {
    if (!k) return errors(400, 'encryption key not found');
    if (k.type !== 'aes256-gcm96') return errors(400, `key type ${k.type} does not support decryption`);
    const plain = decryptWith(k, body.ciphertext);
    return typeof plain === 'string' ? errors(400, plain) : [200, envelope({ plaintext: plain.toString('base64') })];
  },
  rewrap(k: TransitKey | undefined, body: Record<string, unknown>): Reply {
    if (!k) return errors(400, 'encryption key not found');
    if (k.type !== 'aes256-gcm96') return errors(400, `key type ${k.type} does not support encryption`);
    const plain = decryptWith(k, body.ciphertext);
    if (typeof plain === 'string') return errors(400, plain);
    return [200, envelope({ ciphertext: encryptWith(k, plain), key_version: k.versions.length })];
  },
};

export async function startVaultServer(opts: VaultServerOptions = {}): Promise<VaultServer> {
  const ttl = opts.tokenTtlSeconds ?? 3600;
  const renewable = opts.renewable ?? true;
  const mount = opts.transitMount ?? 'transit';
  const rootToken = `hvs.root${randomBytes(12).toString('hex')}`;
  const tokens = new Map<string, Token>([[rootToken, { expiresAt: null, ttl: 0, renewable: false }]]);
  const issued: string[] = [];
  const appRoles = new Map<string, string>();
  const k8sRoles = new Map<string, string>();
  const keys = new Map<string, TransitKey>();
  const requests: VaultServer['requests'] = [];
  const failures: Array<{ status: number; path?: RegExp }> = [];
  let sealed = false;
  let standby = false;

  const newVersion = (type: string): KeyVersion => {
    if (!EC[type]) return { aesKey: randomBytes(32), created: new Date() };
    const { privateKey, publicKey } = generateEcKeyPair(type as 'ecdsa-p256' | 'ecdsa-p384');
    return { privateKey, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }) as string, created: new Date() };
  };
  const createKey = (name: string, type: string) => keys.set(name, { type, versions: [newVersion(type)] });

  const issueToken = (metadata: Record<string, string>): Reply => {
    const token = `hvs.${randomBytes(18).toString('base64url')}`;
    tokens.set(token, { expiresAt: Date.now() + ttl * 1000, ttl, renewable });
    issued.push(token);
    return [200, envelope(null, authBlock(token, ttl, renewable, metadata))];
  };

  /** Vault answers 403 "permission denied" alike for missing, unknown, expired and revoked tokens. */
  const lookup = (req: http.IncomingMessage): [string, Token] | undefined => {
    const token = String(req.headers['x-vault-token'] ?? '');
    const t = tokens.get(token);
    if (!t) return undefined;
    if (t.expiresAt !== null && t.expiresAt <= Date.now()) {
      tokens.delete(token);
      return undefined;
    }
    return [token, t];
  };

  const keyData = (name: string, k: TransitKey) => ({
    name,
    type: k.type,
    latest_version: k.versions.length,
    min_decryption_version: 1,
    min_encryption_version: 0,
    min_available_version: 0,
    deletion_allowed: false,
    derived: false,
    exportable: false,
    allow_plaintext_backup: false,
    supports_encryption: !EC[k.type],
    supports_decryption: !EC[k.type],
    supports_derivation: !EC[k.type],
    supports_signing: !!EC[k.type],
    imported_key: false,
    auto_rotate_period: 0,
    // path_keys.go: asymmetric versions carry the curve's name (elliptic.P384().Params().Name) and the PEM public key
    keys: Object.fromEntries(
      k.versions.map((v, i) => [
        String(i + 1),
        v.publicKeyPem
          ? { name: EC[k.type]!.name, public_key: v.publicKeyPem, certificate_chain: '', creation_time: v.created.toISOString() }
          : Math.floor(v.created.getTime() / 1000),
      ]),
    ),
  });

  const sign = (name: string, urlHash: string | undefined, body: Record<string, unknown>): Reply => {
    const key = keys.get(name);
    if (!key) return errors(400, 'encryption key not found');
    if (!EC[key.type]) return errors(400, `key type ${key.type} does not support signing`);
    const hashName = urlHash ?? (body.hash_algorithm as string | undefined) ?? 'sha2-256';
    if (!HASHES[hashName]) return errors(400, `invalid hash algorithm "${hashName}"`);
    const marshaling = (body.marshaling_algorithm as string | undefined) ?? 'asn1';
    if (marshaling !== 'asn1') return errors(400, `invalid marshaling type "${marshaling}"`);
    const ver = Number(body.key_version ?? 0) || key.versions.length;
    if (ver > key.versions.length) return errors(400, 'requested version for signing is higher than the latest key version');
    const signOne = (item: Record<string, unknown>): { signature?: string; error?: string } => {
      if (typeof item.input !== 'string') return { error: 'missing input' };
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(item.input) || item.input.length % 4 !== 0) {
        return { error: 'unable to decode input as base64: illegal base64 data' };
      }
      const raw = Buffer.from(item.input, 'base64');
      const digest = body.prehashed === true ? raw : createHash(HASHES[hashName]).update(raw).digest();
      const der = signDigest(key.type, key.versions[ver - 1].privateKey!, digest);
      return { signature: `vault:v${ver}:${der.toString('base64')}` };
    };
    if (Array.isArray(body.batch_input)) {
      if (body.batch_input.length === 0) return errors(400, 'missing batch input to process');
      return [200, envelope({ batch_results: body.batch_input.map((i) => signOne(i as Record<string, unknown>)) })];
    }
    const one = signOne({ input: body.input ?? '' });
    return one.error ? errors(400, one.error) : [200, envelope({ signature: one.signature })];
  };

  const route = (method: string, path: string, req: http.IncomingMessage, body: Record<string, unknown>): Reply => {
    if (path === 'sys/health' && method === 'GET') {
      const health = {
        initialized: true,
        sealed,
        standby,
        performance_standby: false,
        version: '1.17.0',
        server_time_utc: Math.floor(Date.now() / 1000),
      };
      return [sealed ? 503 : standby ? 429 : 200, health];
    }
    if (sealed) return errors(503, 'Vault is sealed');
    const login = /^auth\/([^/]+)\/login$/.exec(path);
    if (login && method === 'POST') {
      if (typeof body.role_id === 'string') {
        if (appRoles.get(body.role_id) !== body.secret_id) return errors(400, 'invalid role or secret ID');
        return issueToken({ role_name: 'notary' });
      }
      if (typeof body.role === 'string' && typeof body.jwt === 'string') {
        if (k8sRoles.get(body.role) !== body.jwt) return errors(403, 'permission denied');
        return issueToken({ role: body.role, service_account_name: 'notary' });
      }
      return errors(400, 'missing role_id');
    }
    const self = lookup(req);
    if (!self) return errors(403, 'permission denied');
    const [token, t] = self;
    if (path === 'auth/token/lookup-self' && method === 'GET') {
      const left = t.expiresAt === null ? 0 : Math.ceil((t.expiresAt - Date.now()) / 1000);
      return [
        200,
        envelope({
          id: token,
          ttl: left,
          creation_ttl: t.ttl,
          renewable: t.renewable,
          policies: ['default'],
          type: 'service',
          num_uses: 0,
          orphan: true,
        }),
      ];
    }
    if (path === 'auth/token/renew-self' && method === 'POST') {
      if (!t.renewable) return errors(400, 'lease is not renewable');
      t.expiresAt = Date.now() + t.ttl * 1000;
      return [200, envelope(null, authBlock(token, t.ttl, true, {}))];
    }
    const dk = new RegExp(`^${mount}/datakey/([^/]+)/([^/]+)$`).exec(path);
    if (dk && method === 'POST') return transitCrypto.datakey(keys.get(decodeURIComponent(dk[2]!)), dk[1]!, body);
    const m = new RegExp(`^${mount}/(keys|sign|decrypt|rewrap)/([^/]+)(?:/([^/]+))?$`).exec(path);
    if (!m) return errors(404, `no handler for route "${path}"`);
    const [, op, name, extra] = m;
    const key = keys.get(decodeURIComponent(name));
    if (op === 'decrypt' && method === 'POST' && !extra) return transitCrypto.decrypt(key, body);
    if (op === 'rewrap' && method === 'POST' && !extra) return transitCrypto.rewrap(key, body);
    if (op === 'sign' && method === 'POST') return sign(decodeURIComponent(name), extra, body);
    if (op === 'keys' && extra === 'rotate' && method === 'POST') {
      if (!key) return errors(400, 'key not found');
      key.versions.push(newVersion(key.type));
      return [200, envelope(keyData(name, key))];
    }
    if (op === 'keys' && !extra && method === 'GET') return key ? [200, envelope(keyData(name, key))] : errors(404);
    if (op === 'keys' && !extra && method === 'POST') {
      const type = (body.type as string | undefined) ?? 'aes256-gcm96';
      if (!EC[type] && type !== 'aes256-gcm96') return errors(400, `unknown key type ${type}`);
      if (!key) createKey(decodeURIComponent(name), type);
      return [200, envelope(keyData(name, keys.get(decodeURIComponent(name))!))];
    }
    return errors(405, 'unsupported operation');
  };

  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://vault');
      const method = req.method ?? 'GET';
      const ns = req.headers['x-vault-namespace'];
      let reply: Reply;
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      try {
        body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
      } catch (err) {
        reply = errors(400, `failed to parse JSON input: ${(err as Error).message}`);
      }
      requests.push({ method, path: url.pathname, ...(typeof ns === 'string' ? { namespace: ns } : {}), ...(text && { body }) });
      const at = failures.findIndex((f) => !f.path || f.path.test(url.pathname));
      const forced = at < 0 ? undefined : failures.splice(at, 1)[0]!.status;
      reply ??=
        forced !== undefined
          ? errors(forced, forced === 503 ? 'Vault is sealed' : `injected failure ${forced}`)
          : url.pathname.startsWith('/v1/')
            ? route(method, url.pathname.slice(4), req, body)
            : errors(404);
      res.writeHead(reply[0], { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(reply[1]));
    });
  };
  const server = opts.tls ? https.createServer({ cert: opts.tls.certPem, key: opts.tls.keyPem }, handler) : http.createServer(handler);
  let connections = 0;
  server.on(opts.tls ? 'secureConnection' : 'connection', () => void connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    connections: () => connections,
    rootToken,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    seal: () => void (sealed = true),
    unseal: () => void (sealed = false),
    setStandby: (value) => void (standby = value),
    expireToken: (token) => void tokens.delete(token),
    issuedTokens: () => [...issued],
    setAppRole: (roleId, secretId) => void appRoles.set(roleId, secretId),
    setKubernetesRole: (role, jwt) => void k8sRoles.set(role, jwt),
    failNext: (n, status, path) => failures.push(...Array.from({ length: n }, () => ({ status, path }))),
    clearFailures: () => void failures.splice(0),
    createKey: (name, type) => void createKey(name, type),
  };
}

function authBlock(token: string, ttl: number, renewable: boolean, metadata: Record<string, unknown>) {
  return {
    client_token: token,
    accessor: randomBytes(12).toString('base64url'),
    policies: ['default', 'notary'],
    token_policies: ['default', 'notary'],
    metadata,
    lease_duration: ttl,
    renewable,
    entity_id: randomUUID(),
    token_type: 'service',
    orphan: true,
  };
}
