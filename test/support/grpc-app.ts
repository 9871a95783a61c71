import { connectNotary, startGrpcServer, type NotaryGrpcClient } from '../../src/api/grpc/index.js';
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
