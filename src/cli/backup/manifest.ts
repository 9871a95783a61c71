/**
 * A backup folder's manifest: what the backup holds and the SHA-256 of every other file in it, so
 * `restore` refuses a backup that was altered, truncated or is missing a part.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { DatabaseDump } from './dump.js';

export const FORMAT = 'afdp-notary-backup/1';
export const MANIFEST = 'manifest.json';

export interface Manifest {
  format: typeof FORMAT;
  created_at: string;
  notary_version: string;
  /** where the database was: the embedded server of a data folder, or an external PostgreSQL */
  database: 'embedded' | 'external';
  /** local: the keyring folder is in the backup; vault: keys stay in Vault (back Vault up on its own) */
  signer: 'local' | 'vault' | 'pkcs11';
  /** key file: keyring/keyring.key is in the backup; passphrase: restore needs NOTARY_KEYRING_PASSPHRASE */
  keyring_kek?: 'key file' | 'passphrase';
  dump: DatabaseDump;
  /** every file but the manifest: path → size and SHA-256 */
  parts: Record<string, { bytes: number; sha256: string }>;
}

export class BackupError extends Error {}

async function sha256File(file: string): Promise<{ bytes: number; sha256: string }> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).length;
  }
  return { bytes, sha256: hash.digest('hex') };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .filter((p) => p !== MANIFEST)
    .sort();
}

export async function writeManifest(dir: string, manifest: Omit<Manifest, 'parts' | 'format'>): Promise<Manifest> {
  const parts: Manifest['parts'] = {};
  for (const p of await filesUnder(dir)) parts[p] = await sha256File(join(dir, p));
  const full: Manifest = { format: FORMAT, ...manifest, parts };
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(full, null, 2)}\n`, { mode: 0o600 });
  return full;
}

/** Reads the manifest and checks every part; throws BackupError naming the first fault. */
export async function readVerifiedManifest(dir: string): Promise<Manifest> {
  let manifest: Manifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, MANIFEST), 'utf8')) as Manifest;
  } catch (err) {
    throw new BackupError(
      `${dir} is not a backup: cannot read ${MANIFEST} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  if (manifest.format !== FORMAT)
    throw new BackupError(`unknown backup format ${JSON.stringify(manifest.format)} (this version reads ${FORMAT})`);
  const present = new Set(await filesUnder(dir));
  for (const [path, want] of Object.entries(manifest.parts)) {
    if (!present.has(path)) throw new BackupError(`part ${path} is missing`);
    const got = await sha256File(join(dir, path));
    if (got.sha256 !== want.sha256 || got.bytes !== want.bytes)
      throw new BackupError(`part ${path} does not match its SHA-256 in the manifest`);
    present.delete(path);
  }
  if (present.size) throw new BackupError(`files not listed in the manifest: ${[...present].slice(0, 5).join(', ')}`);
  return manifest;
}
