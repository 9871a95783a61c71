import type { Clock, IdGenerator, Logger } from '../ports/clock.js';
import type { ColocatedAppend } from '../ports/colocated-append.js';
import type {
  EvidenceQuery,
  EvidenceStore,
  NotarizationRecord,
  Page,
  StoredAnchor,
  StoredSignature,
  WorkflowPage,
  WorkflowQuery,
} from '../ports/evidence-store.js';
import type { KeySigner, PublicKeyVersion, SignatureResult } from '../ports/key-signer.js';
import type { TimestampAuthority, TimestampAuthorityInfo } from '../ports/timestamp-authority.js';
import type { AnchorRequest, LogInfo, TransparencyLog } from '../ports/transparency-log.js';
import { noopTracer, type Tracer } from '../ports/tracer.js';
import { signBytes } from './signing.js';
import { NotaryError } from './errors.js';
import type { CanonicalEvidence } from './evidence.js';
import type { InputLimits } from './limits.js';
import { prepareEvidence, type PrepareOptions } from './validate-evidence.js';
import type { Receipt } from './receipt.js';
import { toReceipt } from './receipts.js';
import { Timestamping } from './timestamping.js';
import { isPurged, type SignedWorkflow, type StoredEvidence, type Workflow } from './workflow.js';
import { checkApprovalAttestation } from './workflows/attestation.js';
import { validateReceipt, type ValidationReport } from './validate-receipt.js';

export interface NotaryDeps {
  signer: KeySigner;
  log: TransparencyLog;
  store: EvidenceStore;
  clock: Clock;
  ids: IdGenerator;
  limits: InputLimits;
  logger: Logger;
  /** how long a duplicate request under the same Idempotency-Key waits for the first one */
  idempotencyWaitMs?: number;
  /** one span per pipeline step */
  tracer?: Tracer;
  /** RFC 3161 timestamps over every signature (the embedded TSA, or NOTARY_TSA_URL); none when absent */
  timestamper?: TimestampAuthority;
  /** the log lives in the store's database: a notarization and its anchor commit in one transaction */
  colocated?: ColocatedAppend;
}

export interface NotarizeOptions {
  idempotencyKey?: string;
  /** if the log could not be reached at once, keep retrying the anchor for up to this long */
  waitAnchoredMs?: number;
  /** the authenticated caller (e.g. `jwt:alice`), stored as submitted_by; the package's actor stays as claimed */
  principal?: string;
  /** what the door knows of the request (door, route or method, request id, client): the audit row's details */
  audit?: Record<string, unknown>;
}

export interface NotarizeResult {
  workflow: Workflow;
  receipt: Receipt;
  /** true when an earlier request under the same Idempotency-Key produced this result */
  replayed: boolean;
  /** what was signed as given although AFDP's shape does not describe it (unknown fields, odd hashes) */
  warnings: string[];
}

export interface DependencyHealth {
  name: 'store' | 'signer' | 'transparency_log';
  healthy: boolean;
  responseTimeMs: number;
  error: string | null;
}

export interface TrustRoot {
  signing_keys: PublicKeyVersion[];
  transparency_log: LogInfo;
  timestamp_authorities: TimestampAuthorityInfo[];
}

/** The signature row: a digest other than the evidence hash (SHA-384 for a P-384 key) is kept for the anchorer. */
function storedSignature(sig: SignatureResult, anchor: AnchorRequest): Omit<StoredSignature, 'signedAt' | 'timestamp'> {
  return {
    keyId: sig.keyId,
    keyVersion: sig.keyVersion,
    signature: sig.signature,
    publicKeyPem: sig.publicKeyPem,
    ...(anchor.hashAlgorithm && { signedDigest: { hash: anchor.hashAlgorithm, hex: anchor.digestHex } }),
  };
}

/** The one pipeline every door drives: validate → canonicalize → hash → sign → store → anchor. */
export class Notary {
  private readonly tracer: Tracer;
  private readonly timestamping: Timestamping;

  constructor(private readonly deps: NotaryDeps) {
    this.tracer = deps.tracer ?? noopTracer;
    this.timestamping = new Timestamping(deps.timestamper, deps.store, deps.logger, this.tracer);
  }

  get limits(): InputLimits {
    return this.deps.limits;
  }

  prepare(raw: unknown, path?: string, options?: PrepareOptions): CanonicalEvidence {
    return this.tracer.spanSync('notary.canonicalize', () => prepareEvidence(raw, this.deps.limits, path, options));
  }

  async notarize(raw: unknown, options: NotarizeOptions = {}): Promise<NotarizeResult> {
    return this.notarizePrepared(this.prepare(raw), options);
  }

  notarizePrepared(evidence: CanonicalEvidence, options: NotarizeOptions = {}): Promise<NotarizeResult> {
    return this.tracked(this.notarizeNow(evidence, options));
  }

  /**
   * Resolves once every notarization begun so far has finished, whatever its outcome. A shutdown
   * waits here after the doors close and before the store does: a caller that hung up leaves its
   * request running, and the doors' own drains no longer see it. From here on no notarization waits
   * for something that may outlast the grace period: ?wait=anchored answers with what it has (the
   * anchorer of the next start anchors it) and a duplicate under an Idempotency-Key is told to retry.
   */
  async settled(): Promise<void> {
    this.closing = true;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private readonly inFlight = new Set<Promise<unknown>>();
  private closing = false;

  private tracked<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    const done = () => void this.inFlight.delete(work);
    work.then(done, done);
    return work;
  }

  private async notarizeNow(evidence: CanonicalEvidence, options: NotarizeOptions): Promise<NotarizeResult> {
    const { store, ids } = this.deps;
    const workflowId = ids.next();
    const key = options.idempotencyKey;
    if (key !== undefined) {
      const claim = await store.claimIdempotencyKey(key, evidence.hashHex, workflowId);
      if (!claim.claimed) {
        if (claim.requestHash !== evidence.hashHex) {
          throw new NotaryError('idempotency_mismatch', 'this Idempotency-Key was already used with a different evidence package');
        }
        return { ...(await this.awaitExisting(claim.workflowId)), replayed: true, warnings: evidence.warnings ?? [] };
      }
    }
    try {
      const result = await this.signStoreAnchor(
        evidence,
        workflowId,
        options.waitAnchoredMs ?? 0,
        options.principal ?? null,
        options.audit ?? {},
      );
      return { ...result, replayed: false, warnings: evidence.warnings ?? [] };
    } catch (err) {
      if (key !== undefined) await store.releaseIdempotencyKey(key, workflowId).catch(() => undefined);
      throw err;
    }
  }

  private async signStoreAnchor(
    evidence: CanonicalEvidence,
    workflowId: string,
    waitAnchoredMs: number,
    submittedBy: string | null,
    context: Record<string, unknown>,
  ) {
    const { signer, clock } = this.deps;
    this.deps.log.writable?.(); // a log that failed its self-check gets nothing signed to it
    const { sig, anchor: request } = await this.tracer.span('notary.sign', () => signBytes(signer, evidence.canonical, evidence.digest));
    const timestamp = await this.timestamping.stamp(sig.signature);
    const now = clock.now().toISOString();
    const workflow: SignedWorkflow = {
      id: workflowId,
      type: 'simple_sign',
      status: 'completed',
      evidence_package_hash: evidence.hashHex,
      created_at: now,
      updated_at: now,
      completed_at: now,
      error_message: null,
      ...(submittedBy !== null && { submitted_by: submittedBy }),
    };
    const signature = { ...storedSignature(sig, request), signedAt: now, timestamp };
    // The signature is durable before anchoring starts: an anchor cannot be undone, a lost signature cannot be found.
    // Its audit row commits with it: an acknowledged notarization always has one.
    const audit = {
      event: 'evidence.created',
      outcome: 'success',
      principal: submittedBy,
      details: { ...context, workflow_id: workflowId, evidence_package_hash: evidence.hashHex },
    } as const;
    let anchor = await this.saveAndAnchor({ workflow, evidence, signature, audit }, request);
    // ?wait=anchored: retry with backoff within the caller's bound; the anchorer takes over after
    for (
      let delay = 50, deadline = Date.now() + waitAnchoredMs;
      !anchor && !this.closing && Date.now() + delay < deadline;
      delay = Math.min(delay * 2, 1000)
    ) {
      await new Promise((r) => setTimeout(r, delay));
      anchor = await this.tryAnchor(workflowId, request);
    }
    return { workflow, receipt: toReceipt({ workflow, signature, anchor }) };
  }

  /**
   * Signs a package for a workflow that already exists (an approval that reached its quorum, a batch
   * item). `persist` stores the signature inside the caller's own state transition and returns false
   * when the workflow moved on meanwhile (signed by another replica, closed): that signature is then
   * dropped, never anchored, so a workflow keeps exactly one. Returns whether it was stored.
   */
  async signForWorkflow(
    workflowId: string,
    evidence: CanonicalEvidence,
    persist: (signature: StoredSignature) => Promise<boolean>,
  ): Promise<boolean> {
    this.deps.log.writable?.();
    const { sig, anchor } = await this.tracer.span('notary.sign', () => signBytes(this.deps.signer, evidence.canonical, evidence.digest));
    const timestamp = await this.timestamping.stamp(sig.signature);
    const signature = { ...storedSignature(sig, anchor), signedAt: this.deps.clock.now().toISOString(), timestamp };
    if (!(await this.tracer.span('notary.store', () => persist(signature)))) return false;
    await this.tryAnchor(workflowId, anchor);
    return true;
  }

  /**
   * Stores a notarization and anchors its signature. With a colocated log both commit in one
   * transaction, and its failure is the request's; otherwise the signature is durable first and a
   * log that does not answer leaves it pending (null) for the anchorer.
   */
  private async saveAndAnchor(record: NotarizationRecord, request: AnchorRequest): Promise<StoredAnchor | null> {
    const { store, log, colocated } = this.deps;
    if (!colocated) {
      await this.tracer.span('notary.store', () => store.save(record));
      return this.tryAnchor(record.workflow.id, request);
    }
    const unit = colocated.open();
    const handOver = <T>(call: () => Promise<T>) =>
      call().catch((err: unknown) => {
        unit.cancel(err);
        throw err;
      });
    const [saved, appended] = await Promise.allSettled([
      this.tracer.span('notary.store', () => handOver(() => store.save(record, unit))),
      this.tracer.span('notary.anchor', () => handOver(() => log.append(request, unit))),
    ]);
    // the store's error first: it tells a value the database refused from an outage
    if (saved.status === 'rejected') throw saved.reason;
    if (appended.status === 'rejected') throw appended.reason;
    return { entry: appended.value, logUrl: (await log.info()).url };
  }

  /** Signs bytes that are not an evidence package (an approval attestation) with the same key. */
  async signDetached(bytes: Buffer): Promise<SignatureResult> {
    return (await signBytes(this.deps.signer, bytes)).sig;
  }

  /** Anchors now if the log answers; otherwise the signature stays pending and the anchorer retries. */
  async tryAnchor(workflowId: string, request: Parameters<TransparencyLog['append']>[0]): Promise<StoredAnchor | null> {
    const { log, store, logger } = this.deps;
    try {
      const entry = await this.tracer.span('notary.anchor', () => log.append(request));
      const anchor = { entry, logUrl: (await log.info()).url };
      await store.saveAnchor(workflowId, anchor);
      return anchor;
    } catch (err) {
      logger.warn({ err, workflowId }, 'anchoring deferred: will retry');
      return null;
    }
  }

  /** Anchors signatures left pending (log down, or process stopped mid-way). Returns how many succeeded. */
  async anchorPending(limit = 100): Promise<number> {
    const pending = await this.deps.store.pendingAnchors(limit);
    let done = 0;
    for (const p of pending) {
      const anchor = await this.tryAnchor(p.workflowId, p);
      if (!anchor) break; // the log is still failing: stop hammering it, the next round retries
      done++;
    }
    return done;
  }

  /** Timestamps signatures whose TSA call failed. Returns how many succeeded. */
  timestampPending(limit = 100): Promise<number> {
    return this.timestamping.runPending(limit);
  }

  private async awaitExisting(workflowId: string): Promise<{ workflow: Workflow; receipt: Receipt }> {
    const deadline = Date.now() + (this.deps.idempotencyWaitMs ?? 10_000);
    for (let delay = 5; ; delay = Math.min(delay * 2, 200)) {
      const record = await this.deps.store.getReceiptRecord(workflowId);
      if (record) return { workflow: record.workflow, receipt: toReceipt(record) };
      if (this.closing) throw new NotaryError('unavailable', 'the notary is shutting down; retry this request');
      if (Date.now() > deadline) {
        throw new NotaryError('conflict', 'a request with this Idempotency-Key is still in progress; retry later');
      }
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  async getWorkflow(id: string): Promise<Workflow> {
    const wf = await this.deps.store.getWorkflow(id);
    if (!wf) throw new NotaryError('not_found', `workflow ${id} not found`);
    return wf;
  }

  async getReceipt(workflowId: string): Promise<Receipt> {
    const record = await this.deps.store.getReceiptRecord(workflowId);
    if (!record) throw new NotaryError('not_found', `no receipt for workflow ${workflowId}`);
    return toReceipt(record);
  }

  listWorkflows(query: WorkflowQuery): Promise<WorkflowPage> {
    return this.deps.store.listWorkflows(query);
  }

  async getEvidence(hashHex: string): Promise<StoredEvidence> {
    const ev = await this.deps.store.getEvidence(hashHex);
    if (!ev) throw new NotaryError('not_found', `no evidence with hash ${hashHex}`);
    if (isPurged(ev))
      throw new NotaryError(
        'gone',
        `the body of evidence ${hashHex} was purged by retention at ${ev.purged_at}; its receipts still verify`,
      );
    return ev;
  }

  findEvidence(query: EvidenceQuery): Promise<Page<StoredEvidence>> {
    return this.deps.store.findEvidence(query);
  }

  /** Recomputes the hash, verifies signature and log entry offline against our own trust root. */
  async validate(rawPackage: unknown, receipt: unknown): Promise<ValidationReport> {
    const evidence = this.prepare(rawPackage);
    if (typeof receipt !== 'object' || receipt === null || Array.isArray(receipt)) {
      throw new NotaryError('invalid_request', 'receipt: must be a JSON object', { field: 'receipt' });
    }
    const [keys, log, timestampAuthorities] = await Promise.all([
      this.deps.signer.publicKeys(),
      this.deps.log.info(),
      this.timestamping.trusted(),
    ]);
    const checked = validateReceipt(
      evidence,
      receipt as Record<string, unknown>,
      { keys, log, timestampAuthorities },
      this.deps.clock.now(),
    );
    const report = {
      ...checked,
      validation_result: { ...checked.validation_result, warnings: [...(evidence.warnings ?? []), ...checked.validation_result.warnings] },
    };
    // approval workflows bind their approvals into the receipt with a second signature: checked when present
    const attestationError = await checkApprovalAttestation(evidence, receipt as Record<string, unknown>, this.deps.signer);
    if (attestationError === null) return report;
    return { ...report, is_valid: false, validation_error: report.validation_error ?? attestationError };
  }

  /**
   * AFDP's form of validation: a package and a bare signature. Valid when this notary issued that
   * signature for this package; its receipt is then checked in full, as `validate` does.
   */
  async validateSignature(rawPackage: unknown, signatureB64: string): Promise<ValidationReport> {
    const evidence = this.prepare(rawPackage);
    const stored = await this.deps.store.getEvidence(evidence.hashHex);
    for (const id of stored?.workflow_ids ?? []) {
      const receipt = await this.getReceipt(id);
      if (receipt.signature_b64 === signatureB64) return this.validate(rawPackage, receipt);
    }
    return {
      is_valid: false,
      validation_error: 'this notary issued no such signature for this evidence package',
      validation_result: {
        signature_valid: false,
        evidence_hash_valid: false,
        rekor_entry_valid: false,
        timestamp_valid: false,
        warnings: evidence.warnings ?? [],
      },
      checks: [],
    };
  }

  /** New signing-key version; earlier versions stay in the trust root so old receipts verify. */
  rotateKey(): Promise<PublicKeyVersion> {
    return this.deps.signer.rotate();
  }

  async trustRoot(): Promise<TrustRoot> {
    const [signing_keys, transparency_log, timestamp_authorities] = await Promise.all([
      this.deps.signer.publicKeys(),
      this.deps.log.info(),
      this.timestamping.authorities(),
    ]);
    return { signing_keys, transparency_log, timestamp_authorities };
  }

  /** Readiness: every dependency answers. */
  async ready(): Promise<void> {
    await Promise.all([this.deps.store.ping(), this.deps.signer.ping(), this.deps.log.ping()]);
  }

  /** Each dependency on its own, timed: what AFDP's HealthCheck lists. Causes stay in the log, not in the answer. */
  dependencies(): Promise<DependencyHealth[]> {
    const { store, signer, log, logger } = this.deps;
    const check = async (name: DependencyHealth['name'], ping: () => Promise<void>): Promise<DependencyHealth> => {
      const started = performance.now();
      const error = await ping().then(
        () => null,
        (err: unknown) => {
          logger.warn({ err, dependency: name }, 'health check: dependency not answering');
          return `${name} is not answering`;
        },
      );
      return { name, healthy: error === null, responseTimeMs: Math.round(performance.now() - started), error };
    };
    return Promise.all([
      check('store', () => store.ping()),
      check('signer', () => signer.ping()),
      check('transparency_log', () => log.ping()),
    ]);
  }
}
