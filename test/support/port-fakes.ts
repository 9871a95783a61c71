/**
 * In-memory implementations of the core's ports, for unit tests of the core (no database, no
 * network). Each keeps what it was given the way a real adapter would and can be told to fail the
 * way the real adapter reports an outage (a NotaryError 'unavailable'), so a test asserts what a
 * caller sees, not how the core called it.
 */
import { createHash, generateKeyPairSync, sign as ecdsaSign, type KeyObject } from 'node:crypto';
import { NotaryError } from '../../src/core/errors.js';
import { leafHash } from '../../src/core/merkle/hash.js';
import { MerkleTree } from '../../src/core/merkle/tree.js';
import { hashedRekordBody, logIdFromPublicKey, signCheckpoint, signSET } from '../../src/core/transparency/index.js';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../../src/core/signing-algorithm.js';
import { isPurged, type PurgedEvidence, type StoredEvidence, type Workflow } from '../../src/core/workflow.js';
import type {
  AnchorRequest,
  AuditEntry,
  Clock,
  EvidenceQuery,
  EvidenceStore,
  IdempotencyClaim,
  KeySigner,
  LogEntry,
  LogInfo,
  NotarizationRecord,
  Page,
  PendingAnchor,
  PendingTimestamp,
  PublicKeyVersion,
  ReceiptRecord,
  SignatureResult,
  SignedTimestamp,
  SignRequest,
  StoredAnchor,
  TransparencyLog,
  WorkflowPage,
  WorkflowQuery,
} from '../../src/ports/index.js';

export const outage = (what: string): NotaryError => new NotaryError('unavailable', `${what} is not answering`);

interface KeyVersion extends PublicKeyVersion {
  privateKey: KeyObject;
}

/** An ECDSA signer over node:crypto keys: signs the digest it is handed, as Vault transit with prehashed=true does. */
export class MemorySigner implements KeySigner {
  readonly backend = 'memory';
  /** set: every sign and ping fails with it */
  failure: Error | null = null;
  /** set: sign waits for it (a slow signer, a request still in flight) */
  hold: Promise<void> | null = null;
  private readonly versions: KeyVersion[] = [];

  constructor(
    private curve: SigningAlgorithm = 'ecdsa-p256',
    private readonly clock: Clock = { now: () => new Date() },
    readonly keyId = 'memory-key',
  ) {
    this.addVersion();
  }

  get algorithm(): SigningAlgorithm {
    return this.versions.at(-1)!.algorithm;
  }

  async sign(request: SignRequest): Promise<SignatureResult> {
    await this.hold;
    if (this.failure) throw this.failure;
    const key = this.versions.at(-1)!;
    if (request.algorithm !== key.algorithm)
      throw new NotaryError('validation_failed', `the key is ${key.algorithm}, not ${request.algorithm}`);
    const spec = SIGNING_ALGORITHMS[key.algorithm];
    if (request.digest.length !== spec.digestBytes)
      throw new NotaryError('validation_failed', `a ${spec.hash} digest has ${spec.digestBytes} bytes`);
    // Vault and PKCS#11 sign the digest alone; node:crypto signs only a message it hashes itself, so the
    // fake signs the canonical bytes and refuses a digest that is not theirs (what the real ones would sign)
    if (!createHash(spec.hash).update(request.canonical).digest().equals(request.digest)) {
      throw new NotaryError('validation_failed', `the digest is not the ${spec.hash} of the canonical bytes`);
    }
    const signature = ecdsaSign(spec.hash, request.canonical, key.privateKey);
    return { signature, keyId: this.keyId, keyVersion: key.version, publicKeyPem: key.publicKeyPem, algorithm: key.algorithm };
  }

  async publicKeys(): Promise<PublicKeyVersion[]> {
    return this.versions.map(({ privateKey: _, ...pub }) => pub);
  }

  async publicKey(version: number): Promise<PublicKeyVersion | undefined> {
    return (await this.publicKeys()).find((k) => k.version === version);
  }

  async rotate(curve: SigningAlgorithm = this.curve): Promise<PublicKeyVersion> {
    this.curve = curve;
    return this.addVersion();
  }

  async ping(): Promise<void> {
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {}

  private addVersion(): PublicKeyVersion {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: SIGNING_ALGORITHMS[this.curve].curve });
    const version: KeyVersion = {
      keyId: this.keyId,
      version: this.versions.length + 1,
      algorithm: this.curve,
      createdAt: this.clock.now().toISOString(),
      publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      privateKey,
    };
    this.versions.push(version);
    const { privateKey: _, ...pub } = version;
    return pub;
  }
}

/**
 * An RFC 6962 log in memory, built from the core's own Merkle tree, hashedrekord body, SET and
 * checkpoint code (what the embedded log commits to its tables), so its entries verify offline.
 */
export class MemoryLog implements TransparencyLog {
  readonly backend = 'memory';
  readonly entries: { request: AnchorRequest; entry: LogEntry }[] = [];
  /** set: every append and ping fails with it (the log is down) */
  failure: Error | null = null;
  /** set: writable() throws it (a log that failed its self-check) */
  unwritable: Error | null = null;
  private readonly tree = new MerkleTree();
  private readonly key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  private readonly logID = logIdFromPublicKey(this.key.publicKey);

  constructor(
    private readonly clock: Clock = { now: () => new Date() },
    readonly url = 'http://log.memory.test',
    readonly origin = 'log.memory.test',
  ) {}

  async append(request: AnchorRequest): Promise<LogEntry> {
    if (this.failure) throw this.failure;
    const body = hashedRekordBody(request);
    const logIndex = this.tree.append(leafHash(body));
    const treeSize = this.tree.size;
    const integratedTime = Math.floor(this.clock.now().getTime() / 1000);
    const b64 = body.toString('base64');
    const checkpoint = signCheckpoint(
      { origin: this.origin, size: treeSize, rootHash: this.tree.root(treeSize), otherContent: [] },
      { name: this.origin, privateKey: this.key.privateKey },
    );
    const entry: LogEntry = {
      uuid: leafHash(body).toString('hex'),
      logIndex,
      integratedTime,
      logID: this.logID,
      body: b64,
      inclusionProof: {
        logIndex,
        rootHash: this.tree.root(treeSize).toString('hex'),
        treeSize,
        hashes: this.tree.inclusionProof(logIndex, treeSize).map((h) => h.toString('hex')),
        checkpoint,
      },
      signedEntryTimestamp: signSET({ body: b64, integratedTime, logID: this.logID, logIndex }, this.key.privateKey),
    };
    // what the log keeps of a request: the hashedrekord's facts (a PendingAnchor carries more)
    const { digestHex, hashAlgorithm, signature, publicKeyPem } = request;
    this.entries.push({ request: { digestHex, ...(hashAlgorithm && { hashAlgorithm }), signature, publicKeyPem }, entry });
    return entry;
  }

  async info(): Promise<LogInfo> {
    const publicKeyPem = this.key.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    return { logID: this.logID, url: this.url, publicKeyPem, origin: this.origin, apiVersion: 1, keyName: this.origin };
  }

  writable(): void {
    if (this.unwritable) throw this.unwritable;
  }

  async ping(): Promise<void> {
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {}
}

/** What the store keeps of one notarization. */
interface Kept {
  record: NotarizationRecord;
  anchor: StoredAnchor | null;
}

/** Evidence, workflows, signatures, anchors, audit rows and idempotency keys in maps; a save is all or nothing. */
export class MemoryStore implements EvidenceStore {
  readonly kept = new Map<string, Kept>();
  readonly audit: AuditEntry[] = [];
  private readonly keys = new Map<string, { requestHash: string; workflowId: string }>();
  /** set: save fails with it (nothing is kept) */
  saveFailure: Error | null = null;
  /** set: saveAnchor fails with it */
  anchorFailure: Error | null = null;

  async save(record: NotarizationRecord): Promise<void> {
    if (this.saveFailure) throw this.saveFailure;
    // a copy, as rows are: later changes to the caller's objects do not reach what was stored
    this.kept.set(record.workflow.id, {
      record: { ...record, workflow: { ...record.workflow }, signature: { ...record.signature } },
      anchor: null,
    });
    if (record.audit) this.audit.push(record.audit);
  }

  async saveAnchor(workflowId: string, anchor: StoredAnchor): Promise<void> {
    if (this.anchorFailure) throw this.anchorFailure;
    const kept = this.kept.get(workflowId);
    if (!kept) throw new NotaryError('not_found', `no signature for workflow ${workflowId}`);
    kept.anchor ??= anchor;
  }

  async claimIdempotencyKey(key: string, requestHash: string, workflowId: string): Promise<IdempotencyClaim> {
    const held = this.keys.get(key);
    if (held) return { claimed: false, ...held };
    this.keys.set(key, { requestHash, workflowId });
    return { claimed: true };
  }

  async releaseIdempotencyKey(key: string, workflowId: string): Promise<void> {
    if (this.keys.get(key)?.workflowId === workflowId) this.keys.delete(key);
  }

  async getWorkflow(id: string): Promise<Workflow | undefined> {
    return this.kept.get(id)?.record.workflow;
  }

  async getReceiptRecord(workflowId: string): Promise<ReceiptRecord | undefined> {
    const kept = this.kept.get(workflowId);
    return kept && { workflow: kept.record.workflow, signature: kept.record.signature, anchor: kept.anchor };
  }

  async listWorkflows(query: WorkflowQuery): Promise<WorkflowPage> {
    const all = [...this.kept.values()].filter((k) => !query.status || k.record.workflow.status === query.status);
    const items = all
      .slice(0, query.pageSize)
      .map((k) => ({ ...k.record.workflow, event_type: k.record.evidence.pkg.event_type, actor_id: k.record.evidence.pkg.actor.id }));
    return { items, nextPageToken: null, totalCount: all.length };
  }

  async getEvidence(hashHex: string): Promise<StoredEvidence | PurgedEvidence | undefined> {
    const ofHash = [...this.kept.values()].filter((k) => k.record.evidence.hashHex === hashHex);
    const first = ofHash[0]?.record;
    if (!first) return undefined;
    return {
      evidence_package_hash: hashHex,
      evidence_package: first.evidence.pkg,
      event_type: first.evidence.pkg.event_type,
      actor_id: first.evidence.pkg.actor.id,
      created_at: first.workflow.created_at,
      workflow_ids: ofHash.map((k) => k.record.workflow.id),
      submitted_by: first.workflow.submitted_by ?? null,
    };
  }

  async findEvidence(query: EvidenceQuery): Promise<Page<StoredEvidence>> {
    const hashes = new Set([...this.kept.values()].map((k) => k.record.evidence.hashHex));
    const found = await Promise.all([...hashes].map((h) => this.getEvidence(h)));
    const items = found.filter((e): e is StoredEvidence => e !== undefined && !isPurged(e)).slice(0, query.pageSize);
    return { items, nextPageToken: null };
  }

  async pendingAnchors(limit: number): Promise<PendingAnchor[]> {
    return [...this.kept.values()]
      .filter((k) => k.anchor === null)
      .slice(0, limit)
      .map(({ record: { workflow, signature } }) => ({
        workflowId: workflow.id,
        digestHex: signature.signedDigest?.hex ?? workflow.evidence_package_hash,
        ...(signature.signedDigest && { hashAlgorithm: signature.signedDigest.hash }),
        signature: signature.signature,
        publicKeyPem: signature.publicKeyPem,
      }));
  }

  async saveTimestamp(workflowId: string, timestamp: SignedTimestamp): Promise<void> {
    const signature = this.kept.get(workflowId)?.record.signature;
    if (signature?.timestamp === 'pending') signature.timestamp = timestamp;
  }

  async pendingTimestamps(limit: number): Promise<PendingTimestamp[]> {
    return [...this.kept.values()]
      .filter((k) => k.record.signature.timestamp === 'pending')
      .slice(0, limit)
      .map((k) => ({ workflowId: k.record.workflow.id, signature: k.record.signature.signature }));
  }

  async ping(): Promise<void> {
    if (this.saveFailure) throw this.saveFailure;
  }

  async close(): Promise<void> {}
}
