import { leafHash, MerkleTree, TILE_WIDTH, tileWidth } from '../../../core/merkle/index.js';
import { hashedRekordBody, logIdFromPublicKey, signCheckpoint, signSET, vkey } from '../../../core/transparency/index.js';
import { NotaryError } from '../../../core/errors.js';
import type { AnchorRequest, InclusionProof, LogEntry, LogInfo, TransparencyLog } from '../../../ports/transparency-log.js';
import type { CommitUnit } from '../../../ports/colocated-append.js';
import { TILES_PATH, type LogReads } from '../../../ports/log-reads.js';
import { joinAppend, type BatchWriter, type PlanBatch, type Planned } from '../../db/commit-units.js';
import { GroupCommitter } from '../../db/group-commit.js';
import type { SqlClient, SqlQueryable } from '../../db/sql-client.js';
import type { LogKey } from './log-key.js';
import { integrateBatch, planIntegration, type Integrated, type Signers } from './integrate.js';
import { checkStoredLog, type IntegrityCheck } from './self-check.js';

export interface EmbeddedLogOptions {
  db: SqlClient;
  key: LogKey;
  /** checkpoint origin line and signature name, e.g. the service's host name */
  origin: string;
  /** base URL where this service answers /api/v1/log */
  url: string;
  now?: () => Date;
  maxBatch?: number;
  /**
   * No other process writes to `db` (the embedded server, one service per folder): the cached tree is the whole log, so fresh appends
   * need neither the cross-replica lock nor catch-up reads and commit in one round trip.
   */
  exclusive?: boolean;
}

/**
 * An append-only RFC 6962 log in the service's own database that answers like Rekor.
 * Appends are integrated in batches: one transaction, one signed checkpoint per batch.
 * The Merkle tree is cached in memory and caught up from the database under the log lock,
 * so several replicas appending to one database extend the same tree and never fork it.
 */
export class EmbeddedLog implements TransparencyLog, LogReads, BatchWriter<AnchorRequest, LogEntry> {
  readonly backend = 'embedded';
  readonly logID: string;
  readonly url: string;
  private tree = new MerkleTree();
  /** the cached tree was reset and could not be rebuilt: committed leaves are missing from it */
  private behind = false;
  private readonly appends: GroupCommitter<AnchorRequest, LogEntry>;
  /** serializes integrations in this process: the cached tree is extended before commit */
  private lock: Promise<unknown> = Promise.resolve();
  /** the last self-check: while it failed, the log signs nothing (no entry, no checkpoint) */
  private integrity: IntegrityCheck = { ok: true, size: 0, rootHash: '' };

  private constructor(private readonly options: EmbeddedLogOptions) {
    this.logID = logIdFromPublicKey(options.key.publicKey);
    this.url = options.url;
    this.appends = new GroupCommitter((requests) => this.integrate(requests), options.maxBatch ?? 1000);
  }

  /** Opens the log and checks it against its stored bodies and latest checkpoint (see `selfCheck`). */
  static async open(options: EmbeddedLogOptions): Promise<EmbeddedLog> {
    const log = new EmbeddedLog(options);
    await log.catchUp(options.db);
    await log.selfCheck();
    return log;
  }

  /**
   * Recomputes the tree from the stored leaf bodies and compares it with the latest signed
   * checkpoint, and with the tree this process appends to. Until a check passes again, the log
   * refuses appends and `ping` fails (/ready 503): it must never sign a checkpoint over a tree
   * someone changed underneath it.
   */
  async selfCheck(): Promise<IntegrityCheck> {
    let result = await checkStoredLog(this.options.db, this.options.key.publicKey, this.options.origin);
    if (result.ok && this.tree.size >= result.size && this.tree.root(result.size).toString('hex') !== result.rootHash) {
      result = { ok: false, reason: 'the tree this service appends to is not the stored one' };
    }
    this.integrity = result;
    return result;
  }

  get integrityFailure(): string | undefined {
    return this.integrity.ok ? undefined : this.integrity.reason;
  }

  /** Throws while the last self-check failed: nothing may be signed into this log. */
  writable(): void {
    if (!this.integrity.ok)
      throw new NotaryError('unavailable', `the transparency log failed its integrity check: ${this.integrity.reason}`);
  }

  /** With a unit (see CommitUnits), the entry commits in the transaction of the record it anchors; without one, on its own. */
  append(request: AnchorRequest, unit?: CommitUnit): Promise<LogEntry> {
    try {
      this.writable();
    } catch (err) {
      return Promise.reject(err);
    }
    return (unit ? joinAppend<AnchorRequest, LogEntry>(unit, request) : this.appends.submit(request)).catch((err: unknown) => {
      throw new NotaryError('unavailable', 'transparency log append failed', { cause: err });
    });
  }

  /**
   * Built once: every field follows from the options, and the core asks for it on every notarization
   * (the receipt's log URL), where exporting the note key twice for the vkey showed in the profile.
   */
  private infoOnce?: LogInfo;

  async info(): Promise<LogInfo> {
    const { url, key, origin } = this.options;
    this.infoOnce ??= {
      logID: this.logID,
      url,
      publicKeyPem: key.publicKeyPem,
      origin,
      apiVersion: 1,
      keyName: this.keyName,
      vkey: vkey(key.noteKey.publicKey, this.keyName),
      tilesUrl: `${url}${TILES_PATH}`,
    };
    return { ...this.infoOnce }; // a copy: a caller that changes its answer changes no one else's
  }

  get keyName(): string {
    return checkpointKeyName(this.options.origin);
  }

  async ping(): Promise<void> {
    this.writable();
    await this.options.db.query('SELECT 1');
  }

  async close(): Promise<void> {}

  /** Latest signed checkpoint (refreshed from the database, which other replicas may have advanced). */
  async checkpoint(): Promise<{ treeSize: number; rootHash: string; note: string }> {
    await this.catchUp(this.options.db);
    // alias the text cast: ORDER BY an output column named like the table's would sort text ("9" > "10")
    const { rows } = await this.options.db.query<{ size: string; root_hash: string; note: string }>(
      'SELECT tree_size::text AS size, root_hash, note FROM log_checkpoints ORDER BY log_checkpoints.tree_size DESC LIMIT 1',
    );
    const r = rows[0];
    if (!r) return { treeSize: 0, rootHash: this.tree.root(0).toString('hex'), note: '' };
    return { treeSize: Number(r.size), rootHash: r.root_hash, note: r.note };
  }

  /** Entry by uuid (hex leaf hash) or index, with a proof against the latest checkpoint. */
  async entry(by: { uuid: string } | { logIndex: number }): Promise<LogEntry | undefined> {
    const cp = await this.checkpoint();
    const [sql, param] = 'uuid' in by ? ['leaf_hash = $1', by.uuid] : ['idx = $1', by.logIndex];
    const { rows } = await this.options.db.query<LeafRow>(
      `SELECT idx::text, body, integrated_time::text, set_signature FROM log_leaves WHERE ${sql}`,
      [param],
    );
    const r = rows[0];
    if (!r || Number(r.idx) >= cp.treeSize) return undefined;
    const body = Buffer.from(r.body, 'utf8');
    // the UUID is the hash of the body as stored, as when it was logged
    const leaf = { index: Number(r.idx), body, hash: leafHash(body), integratedTime: Number(r.integrated_time), set: r.set_signature };
    return this.toEntry(leaf, cp.treeSize, cp.note);
  }

  /** RFC 6962 consistency proof between two committed tree sizes. */
  async consistencyProof(firstSize: number, lastSize: number): Promise<{ rootHash: string; hashes: string[] }> {
    const { treeSize } = await this.checkpoint();
    if (!(firstSize >= 1 && firstSize <= lastSize && lastSize <= treeSize)) {
      throw new NotaryError('validation_failed', `need 1 <= firstSize <= lastSize <= ${treeSize}`, { field: 'firstSize' });
    }
    return {
      rootHash: this.tree.root(lastSize).toString('hex'),
      hashes: this.tree.consistencyProof(firstSize, lastSize).map((h) => h.toString('hex')),
    };
  }

  get size(): number {
    return this.tree.size;
  }

  /** `width` tile hashes (c2sp.org/tlog-tiles) of tile `index` at `level`, within a committed tree of `treeSize`. */
  tileHashes(level: number, index: number, width: number, treeSize: number): Buffer | undefined {
    if (width < 1 || width > tileWidth(level, index, Math.min(treeSize, this.tree.size))) return undefined;
    return this.tree.hashesAt(level * 8, index * TILE_WIDTH, width);
  }

  /** The logged bodies (leaf data) of entries [from, from + count), in order; undefined if one is missing. */
  async leafData(from: number, count: number): Promise<Buffer[] | undefined> {
    const { rows } = await this.options.db.query<{ body: string }>(
      'SELECT body FROM log_leaves WHERE idx >= $1 AND idx < $2 ORDER BY idx',
      [from, from + count],
    );
    return rows.length === count ? rows.map((r) => Buffer.from(r.body, 'utf8')) : undefined;
  }

  get exclusive(): boolean {
    return this.options.exclusive ?? false;
  }

  /** Plans fresh appends (new signatures cannot be in the log yet: nothing is looked up) for a transaction its caller commits. */
  async atomically<T>(work: (plan: PlanBatch<AnchorRequest, LogEntry, never>) => Promise<T>): Promise<T> {
    return this.locked(() => work((tx, requests) => this.planAppend(tx, requests)));
  }

  /** Runs `work` after every earlier integration of this process; if it fails, the tree is rebuilt from what was committed. */
  private locked<T>(work: () => Promise<T>): Promise<T> {
    const run = this.lock.then(async () => {
      try {
        return await work();
      } catch (err) {
        // the cached tree may hold leaves the rollback undid: rebuild it from what was committed. If
        // the database is unreachable for that too, the next plan catches up first: an exclusive log
        // plans without reading, and would number its leaves from 0 again (and every batch fail on
        // the leaves' key until one rebuild succeeded)
        this.tree = new MerkleTree();
        this.behind = await this.catchUp(this.options.db).then(
          () => false,
          () => true,
        );
        throw err;
      }
    });
    this.lock = run.catch(() => undefined);
    return run;
  }

  private integrate(requests: AnchorRequest[]): Promise<LogEntry[]> {
    return this.locked(() => this.options.db.transaction((tx) => this.appendWithin(tx, requests)));
  }

  /** Integrates into the caller's transaction, under the cross-replica advisory lock. */
  private async appendWithin(tx: SqlQueryable, requests: AnchorRequest[]): Promise<LogEntry[]> {
    await this.catchUp(tx, true);
    const { integrated, treeSize, note } = await integrateBatch(
      tx,
      this.tree,
      this.leaves(requests),
      this.integratedTime(),
      this.signers(),
    );
    return integrated.map((leaf) => this.toEntry(leaf, treeSize, note));
  }

  private async planAppend(tx: SqlQueryable | undefined, requests: AnchorRequest[]): Promise<Planned<LogEntry>> {
    this.writable();
    if (!this.exclusive) {
      if (!tx) throw new Error("a shared log plans inside the caller's transaction");
      await this.catchUp(tx, true);
    } else if (this.behind) {
      await this.catchUp(tx ?? this.options.db);
      this.behind = false;
    }
    const { integrated, treeSize, note, statements } = planIntegration(
      this.tree,
      this.leaves(requests),
      new Map(),
      this.integratedTime(),
      this.signers(),
    );
    return { results: integrated.map((leaf) => this.toEntry(leaf, treeSize, note)), statements };
  }

  private leaves(requests: AnchorRequest[]): { body: Buffer; hash: Buffer }[] {
    return requests.map((r) => {
      const body = hashedRekordBody(r);
      return { body, hash: leafHash(body) };
    });
  }

  private integratedTime(): number {
    return Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000);
  }

  private signers(): Signers {
    const { key, origin } = this.options;
    return {
      set: (index, body, time) =>
        signSET({ body: body.toString('base64'), integratedTime: time, logID: this.logID, logIndex: index }, key.privateKey),
      // ECDSA for Rekor v1 clients and Sigstore verifiers, Ed25519 for witnesses (c2sp.org/tlog-witness)
      checkpoint: (size, root) =>
        signCheckpoint(
          { origin, size, rootHash: root, otherContent: [] },
          { name: this.keyName, privateKey: key.privateKey },
          { name: this.keyName, privateKey: key.noteKey.privateKey },
        ),
    };
  }

  /** Appends to the cached tree every leaf committed beyond it (by this or another replica). */
  private async catchUp(db: SqlQueryable, locked = false): Promise<void> {
    if (locked) await db.query('SELECT pg_advisory_xact_lock($1)', [LOG_LOCK]);
    const { rows } = await db.query<{ i: string; leaf_hash: string }>(
      'SELECT idx::text AS i, leaf_hash FROM log_leaves WHERE idx >= $1 ORDER BY idx',
      [this.tree.size],
    );
    // an integration may have extended the tree while this query ran: append only what is still missing
    for (const r of rows) if (Number(r.i) === this.tree.size) this.tree.append(Buffer.from(r.leaf_hash, 'hex'));
  }

  private toEntry(leaf: Integrated & { hash: Buffer }, treeSize: number, checkpoint: string): LogEntry {
    const inclusionProof: InclusionProof = {
      logIndex: leaf.index,
      rootHash: this.tree.root(treeSize).toString('hex'),
      treeSize,
      hashes: this.tree.inclusionProof(leaf.index, treeSize).map((h) => h.toString('hex')),
      checkpoint,
    };
    return {
      uuid: leaf.hash.toString('hex'), // the leaf hash leaves() computed for the tree
      logIndex: leaf.index,
      integratedTime: leaf.integratedTime,
      logID: this.logID,
      body: leaf.body.toString('base64'),
      inclusionProof,
      signedEntryTimestamp: leaf.set,
    };
  }
}

/** the name on checkpoint signature lines: the origin, made a valid key name */
export const checkpointKeyName = (origin: string): string => origin.replace(/\s|\+/g, '_');

interface LeafRow {
  idx: string;
  body: string;
  integrated_time: string;
  set_signature: string;
}

const LOG_LOCK = 7_414_2026;
