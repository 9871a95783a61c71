import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import pg from 'pg';
import { findBinaries, layout, readPassword, DATABASE, PORT, SUPERUSER } from '../../src/adapters/db/embedded/index.js';
import { postmasterPid } from '../../src/adapters/db/embedded/cluster-processes.js';
import { serverUser } from '../../src/adapters/db/embedded/os-user.js';

/** Runs `sql` on the embedded server of a service's data folder, as an operator with psql would. */
export async function embeddedQuery<T = Record<string, unknown>>(dataDir: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const l = layout(join(dataDir, 'pg'));
  const client = new pg.Client({ host: l.socketDir, port: PORT, user: SUPERUSER, password: readPassword(l), database: DATABASE });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

export const embeddedPostmaster = (dataDir: string): number | undefined => postmasterPid(layout(join(dataDir, 'pg')).data);

/** pg_ctl from the embedded binaries on the service's cluster, as the server's user. */
export function embeddedPgCtl(dataDir: string, args: string[]): void {
  const user = serverUser();
  execFileSync(join(dirname(findBinaries().postgres), 'pg_ctl'), ['-D', layout(join(dataDir, 'pg')).data, ...args], {
    stdio: 'pipe',
    uid: user.uid,
    gid: user.gid,
  });
}
