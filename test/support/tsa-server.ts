/**
 * Loopback RFC 3161 TSA with the HTTP API of Sigstore's timestamp-authority (openapi.yaml,
 * pkg/api/timestamp.go): POST /api/v1/timestamp with an `application/timestamp-query` DER body →
 * 200 `application/timestamp-reply`; GET /api/v1/timestamp/certchain → the PEM chain, TSA
 * certificate first; errors `{code, message}` as JSON (400 bad query or weak hash, 415 wrong media
 * type). The timestamps themselves are made by `openssl ts -reply` with a PKI made by openssl: an
 * implementation independent of ours, so our client and verifier are checked against a third party.
 * Not implemented: the JSON request form (our client never sends it).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { AsnConvert } from '@peculiar/asn1-schema';
import { PKIFreeText, PKIStatusInfo, TimeStampReq, TimeStampResp } from '@peculiar/asn1-tsp';
import { readRequest } from './loopback.js';
import { makeTsaPki, type TsaPki } from './tsa-pki.js';

const run = promisify(execFile);

/** How the next answers are corrupted (a TSA that is wrong, or an attacker between us and it). */
export type TsaTamper = 'none' | 'nonce' | 'imprint' | 'signature' | 'untrusted' | 'rejection';

export interface TsaServer {
  url: string; // the timestamp endpoint: <base>/api/v1/timestamp
  pki: TsaPki;
  /** PEM chain as /certchain serves it */
  chainPem: string;
  requests: { method: string; path: string; contentType?: string }[];
  tamper: TsaTamper;
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

export async function startTsaServer(): Promise<TsaServer> {
  const pki = makeTsaPki();
  const rogue = makeTsaPki('rogue');
  let failures = { left: 0, status: 500 };
  let queue: Promise<unknown> = Promise.resolve();
  const state: TsaServer = {
    url: '',
    pki,
    chainPem: pki.chainPem,
    requests: [],
    tamper: 'none',
    failNext(n, status) {
      failures = { left: n, status };
    },
    close: async () => {},
  };

  /** openssl ts -reply, one at a time (it keeps a serial-number file). */
  function reply(query: Buffer, with_: TsaPki): Promise<Buffer> {
    const next = queue.then(async () => {
      const q = join(with_.dir, 'query.tsq');
      const out = join(with_.dir, 'reply.tsr');
      writeFileSync(q, query);
      await run('openssl', ['ts', '-reply', '-config', with_.config, '-queryfile', q, '-out', out], { cwd: with_.dir });
      return readFileSync(out);
    });
    queue = next.catch(() => undefined);
    return next;
  }

  async function timestamp(query: Buffer): Promise<[number, Buffer | object, string]> {
    let req: TimeStampReq;
    try {
      req = AsnConvert.parse(query, TimeStampReq);
    } catch {
      return [400, { code: 400, message: 'Error generating timestamp response' }, 'application/json'];
    }
    if (req.messageImprint.hashAlgorithm.algorithm === '1.3.14.3.2.26') {
      return [400, { code: 400, message: 'Weak hash algorithm in timestamp request' }, 'application/json'];
    }
    const t = state.tamper;
    if (t === 'rejection') {
      const refused = new TimeStampResp({ status: new PKIStatusInfo({ status: 2, statusString: new PKIFreeText(['request refused']) }) });
      return [200, Buffer.from(AsnConvert.serialize(refused)), 'application/timestamp-reply'];
    }
    if (t === 'nonce' && req.nonce) new Uint8Array(req.nonce)[new Uint8Array(req.nonce).length - 1]! ^= 1;
    if (t === 'imprint') new Uint8Array(req.messageImprint.hashedMessage.buffer)[0]! ^= 1;
    let answer = await reply(Buffer.from(AsnConvert.serialize(req)), t === 'untrusted' ? rogue : pki);
    if (t === 'signature') answer = flipSignature(answer);
    return [200, answer, 'application/timestamp-reply'];
  }

  const server = createServer((req, res) => void handle(req, res));
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { method, path, body: raw } = await readRequest(req);
    const contentType = req.headers['content-type'];
    state.requests.push({ method, path, contentType });
    let result: [number, Buffer | object | string, string];
    if (failures.left > 0) {
      failures.left--;
      result = [failures.status, { code: failures.status, message: 'injected failure' }, 'application/json'];
    } else if (method === 'GET' && path === '/api/v1/timestamp/certchain') {
      result = [200, pki.chainPem, 'application/pem-certificate-chain'];
    } else if (method === 'POST' && path === '/api/v1/timestamp') {
      result =
        (contentType ?? '').split(';')[0]!.trim() === 'application/timestamp-query'
          ? await timestamp(raw).catch(
              () => [500, { code: 500, message: 'Error generating timestamp response' }, 'application/json'] as [number, object, string],
            )
          : [415, { code: 415, message: 'Error generating timestamp response' }, 'application/json'];
    } else {
      result = [404, { code: 404, message: 'path not found' }, 'application/json'];
    }
    const [status, body, type] = result;
    res.writeHead(status, { 'content-type': type });
    res.end(Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/timestamp`;
  state.close = () => new Promise((resolve) => server.close(() => resolve()));
  return state;
}

/** Flips the last byte of the SignerInfo's signature (the end of the DER, where openssl puts it). */
function flipSignature(der: Buffer): Buffer {
  const copy = Buffer.from(der);
  copy[copy.length - 1]! ^= 1;
  return copy;
}

export const sha256 = (b: Uint8Array): Buffer => createHash('sha256').update(b).digest();
