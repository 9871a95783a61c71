/**
 * Tier 2: Rekor v2 (sigstore/rekor-tiles) in domain terms. One write call, `POST /api/v2/log/entries`
 * with a hashedRekordRequestV002, answering 201 with a TransparencyLogEntry (proto3 JSON), or 409
 * with the existing entry's index in `x-log-index` when the log already holds it. Reads are the
 * C2SP tlog-tiles of the log's tile storage (`<tiles url>/checkpoint`, `/tile/…`, `/tile/entries/…`).
 */
import type { AnchorRequest } from '../../../ports/transparency-log.js';
import { entriesPath, tilePath } from '../../../core/merkle/index.js';
import { hashedRekordV2Request } from '../../../core/transparency/index.js';
import { HttpClient, HttpError } from '../../http/http-client.js';

/** dev.sigstore.rekor.v1.TransparencyLogEntry as Rekor v2 answers it (int64 as strings, bytes as base64). */
export interface TleJson {
  logIndex: string;
  logId: { keyId: string };
  kindVersion: { kind: string; version: string };
  integratedTime?: string;
  inclusionPromise?: unknown;
  inclusionProof: { logIndex: string; rootHash: string; treeSize: string; hashes: string[]; checkpoint: { envelope: string } };
  canonicalizedBody: string;
}

export type CreateResult = { created: true; tle: TleJson } | { created: false; logIndex: number };

export class RekorV2Client {
  constructor(
    private readonly write: HttpClient,
    private readonly read: HttpClient,
  ) {}

  async createEntry(req: AnchorRequest): Promise<CreateResult> {
    try {
      const res = await this.write.request('POST', '/api/v2/log/entries', hashedRekordV2Request(req));
      return { created: true, tle: res.body as TleJson };
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 409) throw err;
      // AlreadyExists: the entry is in the log (an earlier attempt whose answer was lost)
      const index = err.headers.get('x-log-index');
      if (!index || !/^\d+$/.test(index) || !Number.isSafeInteger(Number(index))) {
        throw new Error('Rekor v2 answered 409 AlreadyExists without a usable x-log-index header');
      }
      return { created: false, logIndex: Number(index) };
    }
  }

  async checkpoint(): Promise<string> {
    const res = await this.read.request('GET', '/checkpoint', undefined, 'text/plain');
    if (typeof res.body !== 'string') throw new Error("the log's checkpoint is not text");
    return res.body;
  }

  tile(level: number, index: number, width: number): Promise<Buffer> {
    return this.binary(`/${tilePath(level, index, width)}`);
  }

  entryBundle(index: number, width: number): Promise<Buffer> {
    return this.binary(`/${entriesPath(index, width)}`);
  }

  private async binary(path: string): Promise<Buffer> {
    const res = await this.read.send('GET', path, undefined, 'application/octet-stream');
    if (!Buffer.isBuffer(res.body)) throw new Error(`${path} did not answer application/octet-stream`);
    return res.body;
  }
}
