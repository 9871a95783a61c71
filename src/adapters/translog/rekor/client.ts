/**
 * Tier 2: the Rekor v1 REST API in domain terms. Creating an entry that already exists answers
 * 409 Conflict with the existing entry's Location; we fetch it, so anchoring is idempotent.
 */
import type { AnchorRequest } from '../../../ports/transparency-log.js';
import { hashedRekordEntry } from '../../../core/transparency/index.js';
import { HttpClient, HttpError } from '../../http/http-client.js';

export interface RekorInclusionProofJson {
  checkpoint: string;
  hashes: string[];
  logIndex: number;
  rootHash: string;
  treeSize: number;
}

export interface RekorEntryJson {
  body: string;
  integratedTime: number;
  logID: string;
  logIndex: number;
  verification?: { inclusionProof?: RekorInclusionProofJson; signedEntryTimestamp?: string };
}

export interface RekorLogInfoJson {
  rootHash: string;
  treeSize: number;
  signedTreeHead: string;
  treeID: string;
  inactiveShards?: unknown[];
}

export interface UuidEntry {
  uuid: string;
  entry: RekorEntryJson;
  created: boolean;
}

const ENTRIES = '/api/v1/log/entries';

export class RekorClient {
  constructor(private readonly http: HttpClient) {}

  async createEntry(req: AnchorRequest): Promise<UuidEntry> {
    const proposed = hashedRekordEntry(req);
    try {
      const res = await this.http.request('POST', ENTRIES, proposed);
      return { ...singleEntry(res.body), created: true };
    } catch (err) {
      if (!(err instanceof HttpError) || err.status !== 409) throw err;
      const location = err.headers.get('location');
      if (location) return { ...(await this.getEntryAt(location)), created: false };
      const found = await this.search(proposed);
      if (!found) throw new Error('Rekor answered 409 Conflict but the existing entry cannot be found');
      return { ...found, created: false };
    }
  }

  async getEntry(uuid: string): Promise<Omit<UuidEntry, 'created'>> {
    if (!/^[0-9a-f]{64}([0-9a-f]{16})?$/i.test(uuid)) throw new Error(`not a Rekor entry UUID: ${uuid}`);
    return this.getEntryAt(`${ENTRIES}/${uuid}`);
  }

  /** POST /api/v1/log/entries/retrieve with the proposed entry: finds it by content. */
  async search(proposed: object): Promise<Omit<UuidEntry, 'created'> | undefined> {
    const res = await this.http.request('POST', `${ENTRIES}/retrieve`, { entries: [proposed] });
    const list = Array.isArray(res.body) ? res.body : [];
    return list.length > 0 ? singleEntry(list[0]) : undefined;
  }

  async getPublicKey(): Promise<string> {
    const res = await this.http.request('GET', '/api/v1/log/publicKey', undefined, 'application/x-pem-file');
    if (typeof res.body !== 'string' || !res.body.includes('BEGIN PUBLIC KEY')) {
      throw new Error('Rekor /api/v1/log/publicKey did not answer a PEM public key');
    }
    return res.body;
  }

  async getLogInfo(): Promise<RekorLogInfoJson> {
    const res = await this.http.request('GET', '/api/v1/log');
    const info = res.body as Partial<RekorLogInfoJson>;
    if (typeof info?.signedTreeHead !== 'string' || typeof info.treeSize !== 'number') {
      throw new Error('Rekor /api/v1/log answered without signedTreeHead/treeSize');
    }
    return info as RekorLogInfoJson;
  }

  private async getEntryAt(location: string): Promise<Omit<UuidEntry, 'created'>> {
    // Location may be absolute or a path; only the path is used, so the base URL stays ours.
    const path = new URL(location, 'http://rekor.invalid').pathname;
    if (!path.startsWith(`${ENTRIES}/`)) throw new Error(`unexpected Rekor entry location: ${location}`);
    const res = await this.http.request('GET', path);
    return singleEntry(res.body);
  }
}

/** Rekor answers `{ "<uuid>": entry }`; exactly one key is expected. */
export function singleEntry(json: unknown): { uuid: string; entry: RekorEntryJson } {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw new Error('Rekor entry answer is not an object');
  const keys = Object.keys(json);
  if (keys.length !== 1) throw new Error(`Rekor entry answer has ${keys.length} entries, expected 1`);
  return { uuid: keys[0], entry: (json as Record<string, RekorEntryJson>)[keys[0]] };
}
