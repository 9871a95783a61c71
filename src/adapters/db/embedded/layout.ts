import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { PostgresBinaries } from './binaries.js';
import { giveTo, type ServerUser } from './os-user.js';

export const SUPERUSER = 'postgres';
export const DATABASE = 'notary';
/** with a unix socket the port only names the socket file */
export const PORT = 5432;

/** Where the embedded server keeps what (`dir` = NOTARY_DATA_DIR/pg). */
export interface Layout {
  dir: string;
  /** the cluster (PGDATA), owned by the server's user */
  data: string;
  /** the unix socket's directory; the server listens on nothing else */
  socketDir: string;
  /** the superuser's generated password, 0600, readable by the service only */
  passwordFile: string;
  /** one service (or CLI that started the server) per folder */
  lockFile: string;
  /** the server's output until its log collector takes over (then data/log/) */
  serverLog: string;
}

export function layout(dir: string): Layout {
  return {
    dir,
    data: join(dir, 'data'),
    socketDir: socketDirFor(dir),
    passwordFile: join(dir, 'password'),
    lockFile: join(dir, 'service.lock'),
    serverLog: join(dir, 'server.log'),
  };
}

/**
 * NOTARY_DATA_DIR/pg/run, unless the socket path would pass the 107 bytes a unix socket path may
 * have: then a directory under the temp dir named after the folder (the server touches its socket
 * files regularly, so temp cleaners leave them alone).
 */
function socketDirFor(dir: string): string {
  const inside = join(dir, 'run');
  if (Buffer.byteLength(join(inside, `.s.PGSQL.${PORT}.lock`)) <= 100) return inside;
  const real = existsSync(dir) ? realpathSync(dir) : dir;
  return join(tmpdir(), `afdp-notary-pg-${createHash('sha256').update(real).digest('hex').slice(0, 16)}`);
}

export const socketLockFile = (l: Layout): string => join(l.socketDir, `.s.PGSQL.${PORT}.lock`);

/** Folders with the owners and modes the server needs; the server's user may reach its own, nothing else. */
export function prepareFolders(l: Layout, user: ServerUser): void {
  mkdirSync(l.dir, { recursive: true, mode: 0o700 });
  if (user.name) {
    // the server's user must pass through these two folders (search only, no listing) to reach its own
    for (const d of [dirname(l.dir), l.dir]) chmodSync(d, statSync(d).mode | 0o711);
    const blocked = unreachableAncestor(dirname(l.dir));
    if (blocked)
      throw new Error(
        `the embedded PostgreSQL runs as user "${user.name}", which cannot pass through ${blocked}: allow it (chmod o+x ${blocked}) or choose another NOTARY_DATA_DIR`,
      );
  }
  for (const d of [l.socketDir]) {
    mkdirSync(d, { recursive: true, mode: 0o700 });
    giveTo(user, d);
  }
}

function unreachableAncestor(dir: string): string | undefined {
  for (let d = dirname(dir); ; d = dirname(d)) {
    if ((statSync(d).mode & 0o001) === 0) return d;
    if (d === dirname(d)) return undefined;
  }
}

export function readPassword(l: Layout): string {
  return readFileSync(l.passwordFile, 'utf8').trim();
}

/** A new cluster: the password is generated first, initdb runs beside the final place, then the folder is renamed in. */
export async function initCluster(l: Layout, bin: PostgresBinaries, user: ServerUser, env: NodeJS.ProcessEnv): Promise<void> {
  if (!existsSync(l.passwordFile)) writeDurably(l.passwordFile, `${randomBytes(24).toString('base64url')}\n`, 0o600);
  const building = `${l.data}.initdb`;
  const pwfile = join(l.dir, 'initdb.pw');
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building, { mode: 0o700 });
  giveTo(user, building);
  writeFileSync(pwfile, readPassword(l), { mode: 0o600 });
  giveTo(user, pwfile);
  try {
    await promisify(execFile)(
      bin.initdb,
      [
        '-D',
        building,
        '-U',
        SUPERUSER,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        // C collation: index order cannot change under the cluster when the system's libc does
        '--locale=C',
      ],
      { uid: user.uid, gid: user.gid, env },
    );
  } catch (err) {
    throw new Error(`initdb failed: ${(err as { stderr?: string }).stderr?.trim() || (err as Error).message}`);
  } finally {
    rmSync(pwfile, { force: true });
  }
  renameSync(building, l.data);
  fsyncDir(l.dir);
}

function writeDurably(file: string, content: string, mode: number): void {
  const fd = openSync(file, 'wx', mode);
  try {
    writeFileSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  fsyncDir(dirname(file));
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
