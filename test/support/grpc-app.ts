import { connectNotary, startGrpcServer, type NotaryGrpcClient } from '../../src/api/grpc/index.js';
import { grpcDoorOptions } from '../../src/wire-grpc.js';
import { startTestApp, type TestApp } from './app.js';

export interface GrpcTestApp {
  app: TestApp;
  server: Awaited<ReturnType<typeof startGrpcServer>>;
  client: NotaryGrpcClient;
  close(): Promise<void>;
}

/** The real app in-process with its gRPC door on a loopback port, and a client connected to it. */
export async function startGrpcTestApp(env: Record<string, string> = {}): Promise<GrpcTestApp> {
  const app = await startTestApp(env);
  const server = await startGrpcServer({ notary: app.notary, workflows: app.workflows, logger: app.rest.log as never, port: 0, host: '127.0.0.1' });
  const client = connectNotary(`127.0.0.1:${server.port}`);
  return {
    app, server, client,
    async close() {
      client.close();
      await server.close(1000);
      await app.close();
    },
  };
}

/** The gRPC door of `app` as main.ts wires it (authentication, limits, audit, metrics) on a loopback port. */
export async function startWiredGrpc(app: TestApp): Promise<{ server: Awaited<ReturnType<typeof startGrpcServer>>; client: NotaryGrpcClient; close(): Promise<void> }> {
  const logger = app.rest.log as never;
  const server = await startGrpcServer({ ...grpcDoorOptions(app, { ...app.config, host: '127.0.0.1' }, logger), logger, port: 0 });
  const client = connectNotary(`127.0.0.1:${server.port}`);
  return { server, client, close: async () => { client.close(); await server.close(1000); } };
}
