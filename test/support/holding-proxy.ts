import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy in front of a server whose replies can be held back and then delivered in one write,
 * so the client reads them in one chunk: what a loaded machine does by itself now and then (the
 * socket is read late, several messages are waiting). One client connection at a time is enough here.
 */
export interface HoldingProxy {
  port: number;
  /** from now on the server's bytes are kept, not forwarded */
  hold(): void;
  /** the bytes held so far */
  held(): Buffer;
  /** resolves once the server closed its side of the held connection */
  serverClosed(): Promise<void>;
  /** delivers everything held in one write (and the server's close after it), and stops holding */
  release(): void;
  close(): Promise<void>;
}

export async function holdingProxy(target: { host: string; port: number }): Promise<HoldingProxy> {
  let holding = false;
  let chunks: Buffer[] = [];
  let client: Socket | undefined;
  let upstreamClosed: Promise<void> = Promise.resolve();
  let upstreamEnded = false;
  const sockets = new Set<Socket>();
  const server: Server = createServer((downstream) => {
    const upstream = connect(target.port, target.host);
    client = downstream;
    upstreamEnded = false;
    for (const s of [downstream, upstream]) {
      sockets.add(s);
      s.on('error', () => undefined);
    }
    upstreamClosed = new Promise((resolve) => upstream.once('close', () => resolve()));
    downstream.on('data', (d) => upstream.write(d));
    downstream.on('close', () => upstream.destroy());
    upstream.on('data', (d) => (holding ? chunks.push(d) : downstream.write(d)));
    upstream.on('end', () => {
      upstreamEnded = true;
      if (!holding) downstream.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    hold: () => {
      holding = true;
    },
    held: () => Buffer.concat(chunks),
    serverClosed: () => upstreamClosed,
    release: () => {
      holding = false;
      client?.write(Buffer.concat(chunks));
      chunks = [];
      if (upstreamEnded) client?.end();
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
