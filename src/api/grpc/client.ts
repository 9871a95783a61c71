import * as grpc from '@grpc/grpc-js';
import { notaryClientConstructor } from './proto.js';

export interface CallOptions {
  /** per-call deadline in ms from now */
  deadlineMs?: number;
  metadata?: grpc.Metadata;
}

/**
 * A thin promise wrapper over the generated client, for tests, examples and the load generator.
 * Answers are proto-loader's plain objects, untyped on purpose (integrators use the typed client
 * in packages/client).
 */
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface NotaryGrpcClient {
  unary<Res = Record<string, any>>(method: string, request: object, options?: CallOptions): Promise<Res>;
  /** SignEvidenceStream (bidi) */
  stream(options?: CallOptions): grpc.ClientDuplexStream<object, Record<string, any>>;
  raw: grpc.Client;
  close(): void;
}

type UnaryMethod = (
  request: object,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  done: (err: grpc.ServiceError | null, res: any) => void,
) => void;
type StreamMethod = (metadata: grpc.Metadata, options: grpc.CallOptions) => grpc.ClientDuplexStream<object, Record<string, any>>;
/* eslint-enable @typescript-eslint/no-explicit-any */

export function connectNotary(
  address: string,
  creds = grpc.credentials.createInsecure(),
  channelOptions: grpc.ChannelOptions = {},
): NotaryGrpcClient {
  const Client = notaryClientConstructor();
  const raw = new Client(address, creds, channelOptions);
  const callOptions = (o: CallOptions = {}): grpc.CallOptions =>
    o.deadlineMs === undefined ? {} : { deadline: Date.now() + o.deadlineMs };
  return {
    raw,
    unary: (method, request, options = {}) =>
      new Promise((resolve, reject) => {
        const fn = (raw as unknown as Record<string, UnaryMethod | undefined>)[method];
        if (typeof fn !== 'function') return reject(new Error(`no method ${method}`));
        fn.call(raw, request, options.metadata ?? new grpc.Metadata(), callOptions(options), (err, res) =>
          err ? reject(err) : resolve(res),
        );
      }),
    stream: (options = {}) =>
      (raw as unknown as { SignEvidenceStream: StreamMethod }).SignEvidenceStream.call(
        raw,
        options.metadata ?? new grpc.Metadata(),
        callOptions(options),
      ),
    close: () => raw.close(),
  };
}
