/**
 * The gRPC client: the ts-proto stubs generated from proto/ (every method typed, `raw`), and the
 * calls a pipeline needs written once, like the REST client's: sign with an idempotency key and
 * retries, receipt, validate, health. Answers and errors come back in the REST shapes, so code and
 * the offline verifier do not care which door was used.
 */
import {
  credentials as grpcCredentials,
  Metadata,
  status,
  type CallOptions,
  type ChannelCredentials,
  type ClientOptions,
  type ServiceError,
} from '@grpc/grpc-js';
import { NotaryError } from './errors.js';
import {
  GetNotarizationReceiptRequest,
  HealthRequest,
  NotaryServiceClient,
  SignEvidenceRequest,
  ValidateEvidenceRequest,
  WorkflowStatus,
  type GetNotarizationReceiptResponse,
  type HealthResponse,
  type NotarizationReceipt,
  type SignEvidenceResponse,
  type ValidateEvidenceResponse,
} from './generated/grpc/afdp/notary/v1/notary_pb.js';
import { BadRequest, ErrorInfo, RetryInfo } from './generated/grpc/google/rpc/error_details_pb.js';
import { Status } from './generated/grpc/google/rpc/status_pb.js';
import { newIdempotencyKey } from './idempotency.js';
import { receiptFromMsg, toEvidencePackageMsg } from './proto-shapes.js';
import type { Credentials, EvidencePackageInput, Receipt, SignOptions } from './rest.js';
import { retryPolicy, withRetries, type RetryOptions, type RetryPolicy } from './retry.js';

export interface GrpcClientOptions extends Credentials {
  /** host:port, e.g. localhost:50051 */
  address: string;
  /** default: plaintext; grpc.credentials.createSsl(ca, key, cert) for TLS and client certificates */
  channelCredentials?: ChannelCredentials;
  retry?: RetryOptions;
  /** deadline of one attempt (default 30 s; a sign that waits for anchoring gets its wait on top) */
  deadlineMs?: number;
  channelOptions?: Partial<ClientOptions>;
}

export interface GrpcSignResult {
  workflow_id: string;
  status: 'completed' | 'pending' | 'running' | 'failed' | 'cancelled' | 'unspecified';
  receipt: Receipt;
  warnings: string[];
  idempotencyKey: string;
  replayed: boolean;
}

/** Statuses that mean "not now": retried with backoff (RetryInfo's delay when the service sent one). */
const RETRYABLE = new Set<number>([status.UNAVAILABLE, status.RESOURCE_EXHAUSTED]);

export class NotaryGrpcClient {
  /** the generated stub: every method of afdp.notary.v1.NotaryService, typed */
  readonly raw: NotaryServiceClient;
  private readonly policy: RetryPolicy;
  private readonly deadlineMs: number;
  private readonly metadata: Metadata;

  constructor(options: GrpcClientOptions) {
    this.policy = retryPolicy(options.retry);
    this.deadlineMs = options.deadlineMs ?? 30_000;
    this.raw = new NotaryServiceClient(
      options.address,
      options.channelCredentials ?? grpcCredentials.createInsecure(),
      options.channelOptions,
    );
    this.metadata = new Metadata();
    if (options.apiKey) this.metadata.set('x-api-key', options.apiKey);
    if (options.bearerToken) this.metadata.set('authorization', `Bearer ${options.bearerToken}`);
  }

  async sign(pkg: EvidencePackageInput, options: SignOptions = {}): Promise<GrpcSignResult> {
    const idempotencyKey = options.idempotencyKey ?? newIdempotencyKey();
    const request = SignEvidenceRequest.fromPartial({
      evidence_package: toEvidencePackageMsg(pkg),
      idempotency_key: idempotencyKey,
      wait_anchored_ms: options.waitAnchoredMs ?? 0,
    });
    // ABORTED: an earlier attempt under this key (one whose answer was lost) is still being signed
    const res = await this.unary<SignEvidenceResponse>(
      'SignEvidence',
      (md, o, cb) => this.raw.signEvidence(request, md, o, cb),
      options.waitAnchoredMs ?? 0,
      status.ABORTED,
    );
    if (!res.receipt) throw new NotaryError('SignEvidence answered without a receipt', 'refused', 'no_receipt');
    return {
      workflow_id: res.workflow_id,
      status: statusWord(res.status),
      receipt: receiptFromMsg(res.receipt),
      warnings: res.warnings,
      idempotencyKey,
      replayed: res.replayed,
    };
  }

  async receipt(workflowId: string): Promise<Receipt> {
    const request = GetNotarizationReceiptRequest.fromPartial({ workflow_id: workflowId });
    const res = await this.unary<GetNotarizationReceiptResponse>('GetNotarizationReceipt', (md, o, cb) =>
      this.raw.getNotarizationReceipt(request, md, o, cb),
    );
    if (!res.receipt) throw new NotaryError(`no receipt for workflow ${workflowId}`, 'refused', 'not_found');
    return receiptFromMsg(res.receipt);
  }

  /** The service's own check of a package against a REST-shaped receipt (what sign and receipt return). */
  async validate(pkg: EvidencePackageInput, receipt: Receipt): Promise<ValidateEvidenceResponse> {
    const request = ValidateEvidenceRequest.fromPartial({ evidence_package: toEvidencePackageMsg(pkg), receipt: receiptToMsg(receipt) });
    return this.unary<ValidateEvidenceResponse>('ValidateEvidence', (md, o, cb) => this.raw.validateEvidence(request, md, o, cb));
  }

  async health(): Promise<HealthResponse> {
    return this.unary<HealthResponse>('HealthCheck', (md, o, cb) => this.raw.healthCheck(HealthRequest.fromPartial({}), md, o, cb));
  }

  close(): void {
    this.raw.close();
  }

  private unary<T>(
    method: string,
    call: (md: Metadata, options: Partial<CallOptions>, cb: (err: ServiceError | null, res: T) => void) => unknown,
    extraMs = 0,
    alsoRetry?: number,
  ): Promise<T> {
    return withRetries(
      this.policy,
      () =>
        new Promise<T>((resolve, reject) => {
          call(this.metadata.clone(), { deadline: Date.now() + this.deadlineMs + extraMs }, (err, res) =>
            err ? reject(toNotaryError(method, err)) : resolve(res),
          );
        }),
      (err) => {
        const e = err as NotaryError;
        return { retry: e.kind !== 'refused' || e.details.grpcCode === alsoRetry, serverDelayMs: e.details.retryAfterMs };
      },
    );
  }
}

export function createGrpcClient(options: GrpcClientOptions): NotaryGrpcClient {
  return new NotaryGrpcClient(options);
}

const statusWord = (s: WorkflowStatus) =>
  (WorkflowStatus[s] ?? 'WORKFLOW_STATUS_UNSPECIFIED').replace('WORKFLOW_STATUS_', '').toLowerCase() as GrpcSignResult['status'];

/** The REST receipt → NotarizationReceipt (what receiptFromMsg reads back). */
function receiptToMsg(r: Receipt): NotarizationReceipt {
  const p = r.inclusion_proof;
  return {
    evidence_package_hash: r.evidence_package_hash,
    signature_b64: r.signature_b64,
    public_key_b64: r.public_key_b64,
    workflow_id: r.workflow_id,
    key_id: r.key_id,
    key_version: r.key_version,
    signed_at: r.signed_at,
    rekor_log_id: r.rekor_log_id ?? '',
    rekor_server_url: r.rekor_server_url ?? '',
    rekor_entry_uuid: r.rekor_entry_uuid ?? '',
    transparency_log_id: r.transparency_log_id ?? '',
    signed_entry_timestamp: r.signed_entry_timestamp ?? '',
    rekor_entry_body: r.rekor_entry_body ?? '',
    integrated_time: String(r.integrated_time ?? 0),
    log_index: String(r.log_index ?? 0),
    anchoring: r.anchoring === 'anchored' ? 1 : 2,
    inclusion_proof: p
      ? { log_index: String(p.logIndex), root_hash: p.rootHash, tree_size: String(p.treeSize), hashes: p.hashes, checkpoint: p.checkpoint }
      : undefined,
    bundle_json: r.bundle ? JSON.stringify(r.bundle) : '',
    rfc3161_timestamp: r.rfc3161_timestamp ?? '',
    timestamped_at: r.timestamped_at ?? undefined,
  };
}

/** A gRPC failure → NotaryError, with the service's code (ErrorInfo.reason), field (BadRequest) and delay (RetryInfo). */
function toNotaryError(method: string, err: ServiceError): NotaryError {
  const details: NotaryError['details'] = { grpcCode: err.code, cause: err };
  let code = (status[err.code] ?? 'UNKNOWN').toLowerCase();
  const bin = err.metadata?.get('grpc-status-details-bin')[0];
  if (Buffer.isBuffer(bin)) {
    for (const any of Status.decode(bin).details) {
      const type = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
      if (type === 'google.rpc.ErrorInfo') code = ErrorInfo.decode(any.value).reason.toLowerCase() || code;
      else if (type === 'google.rpc.BadRequest') details.field = BadRequest.decode(any.value).field_violations[0]?.field;
      else if (type === 'google.rpc.RetryInfo') {
        const d = RetryInfo.decode(any.value).retry_delay;
        if (d) details.retryAfterMs = Number(d.seconds) * 1000 + Math.round(d.nanos / 1e6);
      }
    }
  }
  // UNAVAILABLE without an answer from the service (nothing listening, TLS) and a deadline passed
  // are "unreachable": retried like a lost REST answer (every call here is safe to repeat)
  const noAnswer = (err.code === status.UNAVAILABLE && !bin) || err.code === status.DEADLINE_EXCEEDED;
  const kind = noAnswer ? 'unreachable' : RETRYABLE.has(err.code) ? 'unavailable' : 'refused';
  return new NotaryError(`${method}: ${status[err.code] ?? err.code} ${err.details}`, kind, code, details);
}
