import * as grpc from '@grpc/grpc-js';
import { notaryClientConstructor } from './proto.js';

export interface CallOptions {
  /** per-call deadline in ms from now */
  deadlineMs?: number;
  metadata?: grpc.Metadata;
}

/** A thin promise wrapper over the generated client, for tests, examples and the load generator. */
export interface NotaryGrpcClient {
  unary<Res = Record<string, any>>(method: string, request: object, options?: CallOptions): Promise<Res>;
  /** SignEvidenceStream (bidi) */
  stream(options?: CallOptions): grpc.ClientDuplexStream<object, Record<string, any>>;
  raw: grpc.Client;
  close(): void;
}

export function connectNotary(address: string, creds = grpc.credentials.createInsecure(), channelOptions: grpc.ChannelOptions = {}): NotaryGrpcClient {
  const Client = notaryClientConstructor();
  const raw = new Client(address, creds, channelOptions);
  const callOptions = (o: CallOptions = {}): grpc.CallOptions => (o.deadlineMs === undefined ? {} : { deadline: Date.now() + o.deadlineMs });
  return {
    raw,
    unary: (method, request, options = {}) => new Promise((resolve, reject) => {
      const fn = (raw as unknown as Record<string, Function>)[method];
      if (typeof fn !== 'function') return reject(new Error(`no method ${method}`));
      fn.call(raw, request, options.metadata ?? new grpc.Metadata(), callOptions(options), (err: grpc.ServiceError | null, res: any) => (err ? reject(err) : resolve(res)));
    }),
    stream: (options = {}) => (raw as unknown as { SignEvidenceStream: Function }).SignEvidenceStream(options.metadata ?? new grpc.Metadata(), callOptions(options)),
    close: () => raw.close(),
  };
}
