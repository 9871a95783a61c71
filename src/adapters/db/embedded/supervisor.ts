import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, statfsSync, statSync, truncateSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { NotaryError } from '../../../core/errors.js';
import { findBinaries, type PostgresBinaries } from './binaries.js';
import { stopStrayCluster } from './cluster-processes.js';
import { DATABASE, initCluster, layout, PORT, prepareFolders, readPassword, socketLockFile, SUPERUSER, type Layout } from './layout.js';
import { serverUser, type ServerUser } from './os-user.js';
import { serverArgs, serverEnv } from './server-settings.js';
import { acquireServiceLock, type ServiceLock } from './service-lock.js';
import { scrubMessage } from '../../../observability/log-safety.js';

export interface SupervisorLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface EmbeddedPostgresOptions {
  /** NOTARY_DATA_DIR/pg */
  dir: string;
  /** who holds the folder, named when a second one is refused */
  role: string;
  logger?: SupervisorLogger;
  /** below this much free space on the data folder's file system, health() reports unavailable */
  minFreeBytes?: number;
  /** how long a start (crash recovery included) may take */
  startTimeoutMs?: number;
  /** backoff between restarts after the server died */
  restartDelaysMs?: number[];
}

export type ServerState = 'starting' | 'running' | 'restarting' | 'stopped';

const silent: SupervisorLogger = { info() {}, warn() {}, error() {} };

/**
 * The embedded default's PostgreSQL server: created on first start (initdb, generated password),
 * started before the service and stopped after it, as a child process of the service in its own
 * process group (a terminal's Ctrl-C reaches the service, which drains first). If the server dies
 * it is restarted with backoff; meanwhile calls fail as unavailable (503) and health() says so.
 */
export class EmbeddedPostgres {
  private child: ChildProcess | undefined;
  private state_: ServerState = 'starting';
  private restartTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private runningSince = 0;
  private readonly onProcessExit = () => this.child?.kill('SIGINT'); // the service exits without close(): shut the server down cleanly

  private constructor(
    readonly layout: Layout,
    private readonly bin: PostgresBinaries,
    private readonly user: ServerUser,
    private readonly lock: ServiceLock,
    private readonly options: EmbeddedPostgresOptions,
  ) {}

  /** Takes the folder (refusing if a live service holds it), creates the cluster if needed, starts the server. */
  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const l = layout(options.dir);
    const user = serverUser();
    prepareFolders(l, user);
    const lock = acquireServiceLock(l.lockFile, options.dir, options.role);
    const server = new EmbeddedPostgres(l, findBinaries(), user, lock, options);
    try {
      if (!existsSync(`${l.data}/PG_VERSION`)) await initCluster(l, server.bin, user, serverEnv());
      await server.launch();
      await server.ensureDatabase();
      process.on('exit', server.onProcessExit);
      return server;
    } catch (err) {
      await server.stop().catch(() => undefined);
      throw err;
    }
  }

  get state(): ServerState {
    return this.state_;
  }

  get version(): string {
    return this.bin.version;
  }

  /** How `pg` reaches the server: the socket folder as host, the generated password. */
  connection(database = DATABASE): pg.ClientConfig {
    return { host: this.layout.socketDir, port: PORT, user: SUPERUSER, password: readPassword(this.layout), database };
  }

  /** Throws 'unavailable' while the server is down or its disk is (nearly) full. */
  health(): void {
    if (this.state_ !== 'running') throw new NotaryError('unavailable', `the embedded PostgreSQL is ${this.state_}`);
    const min = this.options.minFreeBytes ?? 0;
    if (min > 0) {
      const fs = statfsSync(this.layout.data);
      const free = fs.bavail * fs.bsize;
      if (free < min)
        throw new NotaryError('unavailable', `the embedded PostgreSQL's disk is nearly full (${Math.floor(free / 1048576)} MiB free)`);
    }
  }

  /** Fast shutdown (sessions end, a checkpoint is written), then the folder is released. */
  async stop(): Promise<void> {
    if (this.state_ === 'stopped') return;
    this.state_ = 'stopped';
    clearTimeout(this.restartTimer);
    process.removeListener('exit', this.onProcessExit);
    const child = this.child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.ref(); // keep this process alive until the server is down
      child.kill('SIGINT');
      const done = await Promise.race([exited.then(() => true), sleep(60_000, false, { ref: false })]);
      if (!done) {
        child.kill('SIGQUIT');
        await exited;
      }
    }
    this.lock.release();
  }

  private async launch(): Promise<void> {
    // whatever still runs in the folder belongs to no live service (we hold the lock): stop it cleanly
    await stopStrayCluster(this.layout.data, socketLockFile(this.layout), (o, m) => this.log.warn(o, m));
    if (existsSync(this.layout.serverLog) && statSync(this.layout.serverLog).size > 1 << 20) truncateSync(this.layout.serverLog);
    const out = openSync(this.layout.serverLog, 'a', 0o600);
    let child: ChildProcess;
    try {
      child = spawn(this.bin.postgres, serverArgs(this.layout), {
        detached: true,
        stdio: ['ignore', out, out],
        uid: this.user.uid,
        gid: this.user.gid,
        env: serverEnv(),
      });
    } finally {
      closeSync(out);
    }
    this.child = child;
    child.unref();
    const exit = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(`exited (${signal ?? `code ${code}`})`)));
    child.once('error', () => undefined); // spawn failures also end in 'exit'
    await this.waitReady(exit);
    this.state_ = 'running';
    this.runningSince = Date.now();
    void exit.then((how) => this.onExit(child, how));
    this.log.info({ pid: child.pid, version: this.bin.version, socket: this.layout.socketDir }, 'embedded PostgreSQL is running');
  }

  private async waitReady(exit: Promise<string>): Promise<void> {
    let exited: string | undefined;
    void exit.then((how) => {
      exited = how;
    });
    const until = Date.now() + (this.options.startTimeoutMs ?? 300_000);
    while (Date.now() < until) {
      if (exited) throw new Error(`the embedded PostgreSQL ${exited} while starting: ${this.logTail()}`);
      const client = new pg.Client({ ...this.connection('postgres'), connectionTimeoutMillis: 2000 });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.query('SELECT 1');
        return;
      } catch (err) {
        if ((err as { code?: string }).code === '28P01')
          throw new Error(`the embedded PostgreSQL refused the password in ${this.layout.passwordFile}`);
      } finally {
        await client.end().catch(() => undefined);
      }
      await sleep(100);
    }
    throw new Error(
      `the embedded PostgreSQL did not accept connections within ${(this.options.startTimeoutMs ?? 300_000) / 1000} s: ${this.logTail()}`,
    );
  }

  private async ensureDatabase(): Promise<void> {
    const client = new pg.Client(this.connection('postgres'));
    client.on('error', () => undefined);
    await client.connect();
    try {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (!rowCount) await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
  }

  private onExit(child: ChildProcess, how: string): void {
    if (this.state_ === 'stopped' || child !== this.child) return;
    this.state_ = 'restarting';
    if (Date.now() - this.runningSince > 60_000) this.failures = 0; // it had been running fine: start the backoff over
    this.log.error({ how, log: this.logTail() }, 'the embedded PostgreSQL stopped unexpectedly: restarting it');
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const delays = this.options.restartDelaysMs ?? [250, 500, 1000, 2000, 5000, 10_000];
    const delay = delays[Math.min(this.failures++, delays.length - 1)]!;
    this.restartTimer = setTimeout(() => {
      this.launch().catch((err: unknown) => {
        if (this.state_ === 'stopped') return;
        this.log.error(
          { err, retryInMs: delays[Math.min(this.failures, delays.length - 1)] },
          'the embedded PostgreSQL could not be restarted',
        );
        this.scheduleRestart();
      });
    }, delay);
    this.restartTimer.unref();
  }

  private logTail(): string {
    try {
      // the server's own error lines quote the values they refused: they reach our logs without them
      return readFileSync(this.layout.serverLog, 'utf8').trim().split('\n').slice(-5).map(scrubMessage).join(' | ');
    } catch {
      return '(no server log)';
    }
  }

  private get log(): SupervisorLogger {
    return this.options.logger ?? silent;
  }
}
