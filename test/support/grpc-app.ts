import { connectNotary, type GrpcServerHandle, type NotaryGrpcClient } from '../../src/api/grpc/index.js';
import { startTestApp, type TestApp } from './app.js';

export interface GrpcTestApp {
  app: TestApp;
  server: ListeningDoor;
  client: NotaryGrpcClient;
  close(): Promise<void>;
}

export type ListeningDoor = GrpcServerHandle & { port: number };

/** The gRPC door buildApp made for `app`, with its production options (auth, budget, audit, TLS, metrics), on a loopback port. */
export async function openGrpcDoor(app: TestApp): Promise<ListeningDoor> {
  await app.grpc.listen({ host: '127.0.0.1', port: 0 });
  return app.grpc as ListeningDoor;
}

/** That door and a plaintext client connected to it. */
export async function listenGrpc(app: TestApp): Promise<{ server: ListeningDoor; client: NotaryGrpcClient; close(): Promise<void> }> {
  const server = await openGrpcDoor(app);
  const client = connectNotary(`127.0.0.1:${server.port}`);
  return {
    server,
    client,
    close: async () => {
      client.close();
      await server.close(1000);
    },
  };
}

/** The real app in-process with its gRPC door on a loopback port, and a client connected to it. */
export async function startGrpcTestApp(env: Record<string, string> = {}): Promise<GrpcTestApp> {
  const app = await startTestApp(env);
  const { server, client, close } = await listenGrpc(app);
  return {
    app,
    server,
    client,
    async close() {
      await close();
      await app.close();
    },
  };
}
