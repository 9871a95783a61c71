import { AsyncLocalStorage } from 'node:async_hooks';
import * as grpc from '@grpc/grpc-js';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { Notary } from '../../core/notary.js';
import type { WorkflowService } from '../../core/workflows/service.js';
import { toServiceError } from './errors.js';
import { NOTARY_SERVICE } from './proto.js';
import { assertDecoded } from './strict-wire.js';

/** What every handler needs: the core, the logger, what HealthCheck reports, the optional auth hook. */
export interface Door {
  notary: Notary;
  logger: Logger;
  startedAt: number;
  version: string;
  authorize?: Authorize;
  /** approval and batch workflows; absent: those RPCs answer FAILED_PRECONDITION */
  workflows?: WorkflowService;
  /** called once per finished call with its status name (metrics) */
  observe?: ObserveCall;
  /** spends the caller's request budget (each unary call, each stream item); throws rate_limited past it */
  admit?: Admit;
}

/** method, what `authorize` returned, the call (its peer and metadata): throws to refuse the call or the item */
export type Admit = (
  method: string,
  authorized: unknown,
  call: Pick<grpc.ServerUnaryCall<unknown, unknown>, 'getPeer' | 'metadata'>,
) => Promise<void>;

/** method, status name, seconds, and the principal `authorize` returned (undefined: anonymous) */
export type ObserveCall = (method: string, code: string, seconds: number, principal?: string) => void;

/** grpc.status number → its name, e.g. 3 → INVALID_ARGUMENT */
export const statusName = (code: number): string => grpc.status[code] ?? String(code);

/**
 * Decides whether a call may proceed; throws (AuthError, NotaryError) to refuse. `method` is the full
 * path, e.g. /afdp.notary.v1.NotaryService/SignEvidence; the TLS client certificate, if any, is in
 * call.getAuthContext().sslPeerCertificate.
 */
export type Authorize = (
  method: string,
  metadata: grpc.Metadata,
  call: Pick<grpc.ServerUnaryCall<unknown, unknown>, 'getAuthContext' | 'getPeer'>,
) => Promise<unknown>;

export const methodPath = (method: string) => `/${NOTARY_SERVICE}/${method}`;

/**
 * The authenticated caller of the call being served (what `authorize` returned), so signing code
 * records it as submitted_by without every handler passing it along.
 */
const principals = new AsyncLocalStorage<string | undefined>();
export const currentPrincipal = (): string | undefined => principals.getStore();
const principalId = (authorized: unknown): string | undefined =>
  typeof authorized === 'object' && authorized !== null && 'id' in authorized ? String((authorized as { id: unknown }).id) : undefined;
export const asPrincipal = <T>(authorized: unknown, work: () => T): T => principals.run(principalId(authorized), work);

const metadataGetter = {
  keys: (carrier: Record<string, unknown>) => Object.keys(carrier),
  get: (carrier: Record<string, unknown>, key: string) => {
    const v = carrier[key];
    return typeof v === 'string' ? v : undefined;
  },
};

type AnyCall = grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerDuplexStream<unknown, unknown>;

/** Milliseconds left before the caller's deadline; Infinity without one. */
export function remainingMs(call: Pick<AnyCall, 'getDeadline'>): number {
  const d = call.getDeadline();
  const at = d instanceof Date ? d.getTime() : d;
  return at === Infinity ? Infinity : at - Date.now();
}

/**
 * A unary handler from an async function: one place turns results into responses and any thrown
 * error into a status. Work is not started for a call already cancelled or past its deadline;
 * grpc-js itself answers DEADLINE_EXCEEDED when the deadline passes mid-way.
 */
export function unary<Req, Res>(
  door: Door,
  method: string,
  fn: (req: Req, call: grpc.ServerUnaryCall<Req, Res>) => Promise<Res>,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    if (call.cancelled || remainingMs(call) <= 0) return;
    const started = process.hrtime.bigint();
    let caller: string | undefined;
    const done = (code: number) => door.observe?.(method, statusName(code), Number(process.hrtime.bigint() - started) / 1e9, caller);
    // a SERVER span continuing the caller's W3C traceparent (non-recording when tracing is off)
    const parent = propagation.extract(context.active(), call.metadata.getMap(), metadataGetter);
    const span = trace
      .getTracer('afdp-notary-grpc')
      .startSpan(`grpc ${method}`, { kind: SpanKind.SERVER, attributes: { 'rpc.system': 'grpc', 'rpc.method': method } }, parent);
    context.with(trace.setSpan(parent, span), () => {
      const authorized = door.authorize ? door.authorize(methodPath(method), call.metadata, call) : Promise.resolve();
      authorized
        .then(async (principal) => {
          caller = principalId(principal);
          await door.admit?.(methodPath(method), principal, call);
          assertDecoded(call.request);
          return asPrincipal(principal, () => fn(call.request, call));
        })
        .then(
          (res) => {
            done(grpc.status.OK);
            span.end();
            callback(null, res);
          },
          (err) => {
            const status = toServiceError(err, { logger: door.logger, method, metadata: call.metadata });
            done(status.code ?? grpc.status.UNKNOWN);
            span.setAttribute('rpc.grpc.status_code', status.code ?? grpc.status.UNKNOWN);
            if (status.code === grpc.status.INTERNAL || status.code === grpc.status.UNAVAILABLE)
              span.setStatus({ code: SpanStatusCode.ERROR });
            span.end();
            callback(status);
          },
        );
    });
  };
}
