import type { Layout } from './layout.js';
import { PORT } from './layout.js';

/**
 * Settings given on the server's command line, which outranks postgresql.conf and ALTER SYSTEM:
 * what the notary promises (durable commits) cannot be switched off by editing a file.
 */
export function serverArgs(l: Layout): string[] {
  const settings: Record<string, string> = {
    // durability: a commit is on disk before it is acknowledged, torn pages are repaired from WAL
    fsync: 'on',
    full_page_writes: 'on',
    synchronous_commit: 'on',
    // reachable only through the socket in a folder of its own (no TCP port at all)
    listen_addresses: '',
    unix_socket_directories: l.socketDir,
    unix_socket_permissions: '0700',
    port: String(PORT),
    max_connections: '64',
    cluster_name: 'afdp-notary',
    // its own log files under data/log, one per weekday, overwritten a week later
    logging_collector: 'on',
    log_directory: 'log',
    log_filename: 'postgresql-%a.log',
    log_truncate_on_rotation: 'on',
    log_rotation_age: '1d',
    log_rotation_size: '0',
  };
  return ['-D', l.data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
}

/** The environment the server gets: none of the service's secrets (VAULT_TOKEN …), C messages. */
export function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', LANG: 'C' };
}
