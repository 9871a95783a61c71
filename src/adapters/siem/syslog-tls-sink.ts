/**
 * Sends framed syslog messages to a collector over TLS (RFC 5425), one long-lived connection,
 * reconnected on demand. `send` resolves once the bytes were handed to the TLS socket; RFC 5425 has
 * no application acknowledgement, so what a collector accepts and then loses in a crash of its own
 * is not seen here — the stream re-sends the events of a connection that fails (see audit-stream.ts).
 */
import { connect, type TLSSocket } from 'node:tls';
import { once } from 'node:events';
import type { SyslogTlsSettings } from '../../config/siem.js';

export interface SyslogTlsOptions extends SyslogTlsSettings {
  connectTimeoutMs?: number;
}

export class SyslogTlsSink {
  /** connected and usable */
  private socket: TLSSocket | undefined;
  /** the connection being made or used: only its events count (a closed one still reports its close) */
  private current: TLSSocket | undefined;
  private failure: Error | undefined;

  constructor(private readonly options: SyslogTlsOptions) {}

  /**
   * Writes every frame; throws if the connection cannot be made or fails while writing — or failed
   * since the last send: what it carried may be lost, and the caller must know before it goes on.
   * The failure stays until close().
   */
  async send(frames: Buffer[]): Promise<void> {
    if (this.failure) throw this.failure;
    const socket = this.socket ?? (await this.open());
    await new Promise<void>((resolve, reject) => {
      socket.write(Buffer.concat(frames), (err) => (err ? reject(err) : resolve()));
    });
    if (this.failure) throw this.failure;
  }

  /** a connection is open or failed and not closed yet: what is sent next shares its fate */
  get connected(): boolean {
    return this.current !== undefined;
  }

  close(): void {
    this.current?.destroy();
    this.socket = undefined;
    this.current = undefined;
    this.failure = undefined;
  }

  private async open(): Promise<TLSSocket> {
    const o = this.options;
    const socket = connect({
      host: o.host,
      port: o.port,
      ca: o.caPem,
      cert: o.certPem,
      key: o.keyPem,
      servername: o.serverName,
      minVersion: 'TLSv1.2',
    });
    this.current = socket;
    socket.setTimeout(o.connectTimeoutMs ?? 10_000, () => socket.destroy(new Error('syslog collector: connect timeout')));
    const onFail = (err?: Error) => {
      if (this.current === socket) this.failure ??= err ?? new Error('syslog collector closed the connection');
    };
    socket.on('error', onFail);
    socket.on('close', () => onFail());
    // the collector sends nothing; anything it does send is read and dropped
    socket.on('data', () => undefined);
    await once(socket, 'secureConnect');
    socket.setTimeout(0);
    socket.setKeepAlive(true, 30_000);
    this.socket = socket;
    return socket;
  }
}
