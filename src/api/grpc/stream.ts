import * as grpc from '@grpc/grpc-js';
import { asPrincipal, methodPath, remainingMs, type Door } from './call.js';
import { toRpcStatus, toServiceError } from './errors.js';
import { signItem } from './sign.js';
import { refusalOf } from './strict-wire.js';
import type { EvidencePackageMsg, SignEvidenceResponseMsg } from './wire.js';

interface StreamReq {
  evidence_package?: EvidencePackageMsg;
  request_id?: string;
  idempotency_key?: string;
}
interface StreamRes {
  sequence: string;
  request_id: string;
  result: SignEvidenceResponseMsg;
}

/** Items of one stream in the core at once. Beyond it the stream stops reading (see below). */
export const STREAM_WINDOW = 32;

/** Live streams, so shutdown can ask each to finish what it has read and end. */
export type StreamRegistry = Set<{ drain(): void }>;

/**
 * SignEvidenceStream with flow control: at most STREAM_WINDOW items are worked on at once, and
 * reading pauses while the window is full or while the client is not taking our responses (write
 * returned false). grpc-js reads the next message only when asked, so a paused stream stops
 * draining its HTTP/2 window and the producer's writes block: the pipeline runs at the notary's pace.
 */
export function signEvidenceStream(door: Door, live: StreamRegistry): grpc.handleBidiStreamingCall<StreamReq, StreamRes> {
  return (call) => {
    const ctx = { logger: door.logger, method: 'SignEvidenceStream', metadata: call.metadata };
    // nothing is read (no 'data' listener yet) until the caller is authorized
    const authorized = door.authorize ? door.authorize(methodPath('SignEvidenceStream'), call.metadata, call) : Promise.resolve();
    authorized.then(
      (principal) => serveStream(door, live, call, principal),
      (err) => {
        if (!call.cancelled) call.emit('error', toServiceError(err, ctx));
      },
    );
  };
}

function serveStream(door: Door, live: StreamRegistry, call: grpc.ServerDuplexStream<StreamReq, StreamRes>, principal: unknown): void {
  const ctx = { logger: door.logger, method: 'SignEvidenceStream', metadata: call.metadata };
  let sequence = 0;
  let inFlight = 0;
  let writeBlocked = false;
  let inputEnded = false;
  let draining = false;
  let finished = false;

  const finish = (err?: Partial<grpc.StatusObject>) => {
    if (finished) return;
    finished = true;
    live.delete(handle);
    if (call.cancelled) return;
    // grpc-js ends a server stream with a non-OK status when 'error' is emitted on it
    if (err) call.emit('error', err);
    else call.end();
  };
  const settle = () => {
    if (inFlight > 0) return;
    if (draining)
      finish({
        code: grpc.status.UNAVAILABLE,
        details: 'notary is shutting down; items without a response were not processed: resend them',
      });
    else if (inputEnded) finish();
  };
  const maybeResume = () => {
    if (!draining && !writeBlocked && inFlight < STREAM_WINDOW) call.resume();
  };
  const handle = {
    drain: () => {
      draining = true;
      call.pause();
      settle();
    },
  };
  live.add(handle);

  call.on('data', (req: StreamReq) => {
    const seq = sequence++;
    if (++inFlight >= STREAM_WINDOW) call.pause();
    const input = {
      pkg: req.evidence_package,
      path: 'evidence_package',
      idempotencyKey: req.idempotency_key,
      remainingMs: remainingMs(call),
      refused: refusalOf(req),
      method: 'SignEvidenceStream',
    };
    // items arrive in the stream's event callbacks, outside the authorize() context: re-enter it per item;
    // each item spends the caller's budget like a unary call (past it: this item fails, RESOURCE_EXHAUSTED)
    const admitted = door.admit
      ? door.admit(methodPath('SignEvidenceStream'), principal, call).then(
          () => undefined,
          (err: unknown) => err,
        )
      : Promise.resolve(undefined);
    void admitted
      .then((refusal) =>
        refusal === undefined
          ? asPrincipal(principal, () => signItem(door.notary, input, ctx))
          : { workflow_id: '', status: 'WORKFLOW_STATUS_FAILED', error: toRpcStatus(refusal, ctx) },
      )
      .then((result) => {
        inFlight--;
        if (finished || call.cancelled) return;
        const ok = call.write({ sequence: String(seq), request_id: req.request_id ?? '', result });
        if (!ok && !writeBlocked) {
          writeBlocked = true;
          call.pause();
          call.once('drain', () => {
            writeBlocked = false;
            maybeResume();
          });
        }
        maybeResume();
        settle();
      });
  });
  call.on('end', () => {
    inputEnded = true;
    settle();
  });
  // deadline passed or client gone: grpc-js has ended the call; items in the core complete unseen
  call.on('cancelled', () => {
    finished = true;
    live.delete(handle);
  });
  call.on('error', (err) => door.logger.debug({ err }, 'stream error'));
}
