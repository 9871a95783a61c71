/**
 * Tier 3: the TransparencyLog port over Rekor v2. Every answer is kept whole and verified before
 * use: the entry body binds our digest, signature and key; the inclusion proof leads to the
 * checkpoint's root; the checkpoint is signed by the pinned log key under the log's origin
 * (C2SP signed note, Ed25519 or ECDSA); the log ID is that key's checkpoint key ID. When the log
 * already holds the entry (409: an earlier attempt's answer was lost), the entry and its proof are
 * read back from the tiles, so anchoring stays idempotent.
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { NotaryError } from '../../../core/errors.js';
import { decodeEntryBundle, inclusionProofFromTiles, TILE_WIDTH, tileWidth } from '../../../core/merkle/index.js';
import {
  describeFailures,
  entryIsValid,
  noteKey,
  verifyCheckpoint,
  verifyLogEntry,
  vkey,
  type NoteKey,
} from '../../../core/transparency/index.js';
import type { AnchorRequest, LogEntry, LogInfo, TransparencyLog } from '../../../ports/transparency-log.js';
import { guard } from '../../http/guard.js';
import { HttpClient } from '../../http/http-client.js';
import { RekorV2Client } from './client.js';
import { fromParts, tleToLogEntry } from './to-log-entry.js';

export interface RekorV2LogOptions {
  /** where entries are written (`/api/v2/log/entries`) */
  url: string;
  /** where tiles are read; often the same host */
  tilesUrl: string;
  /** the checkpoint origin, also the signature's key name (rekor-tiles: its hostname) */
  origin: string;
  /** the pinned log key (Ed25519 or ECDSA, PEM): Rekor v2 serves none */
  publicKeyPem: string;
  timeoutMs?: number;
  retries?: number;
  retryBaseDelayMs?: number;
  fetch?: typeof fetch;
}

export class RekorV2Log implements TransparencyLog {
  readonly backend = 'rekor';
  private readonly client: RekorV2Client;
  private readonly key: KeyObject;
  private readonly noteKey: NoteKey;

  constructor(private readonly options: RekorV2LogOptions) {
    const { timeoutMs, retries, retryBaseDelayMs, fetch } = options;
    // rekor-tiles answers once a checkpoint includes the entry: clients should wait at least 20 s
    const http = (baseUrl: string) => new HttpClient({ baseUrl, timeoutMs: timeoutMs ?? 30_000, retries, retryBaseDelayMs, fetch });
    this.client = new RekorV2Client(http(options.url), http(options.tilesUrl));
    try {
      this.key = createPublicKey(options.publicKeyPem);
      this.noteKey = noteKey(this.key, options.origin);
    } catch (err) {
      throw new NotaryError('internal', `the Rekor v2 public key is not an Ed25519 or ECDSA PEM public key: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  async append(request: AnchorRequest): Promise<LogEntry> {
    const result = await guard('anchor in Rekor v2', () => this.client.createEntry(request));
    const entry = result.created ? parse(() => tleToLogEntry(result.tle)) : await this.readBack(result.logIndex);
    const checks = verifyLogEntry(entry, this.key, request, { keyName: this.options.origin });
    if (!entryIsValid(checks)) throw new NotaryError('internal', `Rekor v2 answer failed verification: ${describeFailures(checks)}`);
    return entry;
  }

  async info(): Promise<LogInfo> {
    const { url, origin, publicKeyPem, tilesUrl } = this.options;
    return {
      logID: this.noteKey.id.toString('hex'),
      url,
      publicKeyPem,
      origin,
      apiVersion: 2,
      keyName: origin,
      tilesUrl,
      ...(this.noteKey.algorithm === 'ed25519' && { vkey: vkey(this.key, origin) }),
    };
  }

  async ping(): Promise<void> {
    await guard('reach Rekor v2', () => this.client.checkpoint());
  }

  async close(): Promise<void> {}

  /** The entry at `index` with a proof against the log's current checkpoint, from its tiles. */
  private async readBack(index: number): Promise<LogEntry> {
    const note = await guard('read the Rekor v2 checkpoint', () => this.client.checkpoint());
    const cp = parse(() => verifyCheckpoint(note, this.key, this.options.origin, this.options.origin), 'checkpoint');
    if (index >= cp.size)
      throw new NotaryError(
        'unavailable',
        `Rekor v2 holds the entry at ${index} but its checkpoint (size ${cp.size}) does not cover it yet`,
      );
    const bundleIndex = Math.floor(index / TILE_WIDTH);
    const bundle = await guard('read a Rekor v2 entry bundle', () =>
      this.client.entryBundle(bundleIndex, tileWidth(0, bundleIndex, cp.size)),
    );
    const body = parse(() => decodeEntryBundle(bundle)[index % TILE_WIDTH], 'entry bundle');
    if (!body) throw new NotaryError('internal', `Rekor v2 entry bundle ${bundleIndex} has no entry ${index}`);
    const hashes = await guard('read Rekor v2 tiles', () =>
      inclusionProofFromTiles(index, cp.size, (l, n, w) => this.client.tile(l, n, w)),
    );
    return parse(() =>
      fromParts(
        index,
        this.noteKey.id.toString('hex'),
        body,
        hashes.map((h) => h.toString('hex')),
        note,
      ),
    );
  }
}

function parse<T>(fn: () => T, what = 'answer'): T {
  try {
    return fn();
  } catch (err) {
    throw new NotaryError('internal', `Rekor v2 ${what} is malformed or forged: ${(err as Error).message}`, { cause: err });
  }
}
