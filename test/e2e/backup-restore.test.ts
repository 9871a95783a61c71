/**
 * Backup and restore, verified (issue 22): a backup taken while the service notarizes under load,
 * restored into an empty folder, serves every receipt acknowledged before the backup began, its log
 * is consistent with the backed-up checkpoint, and new notarizations continue the log. Damaged
 * backups and non-empty targets are refused. The CLI runs as its own process, as an operator runs it.
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTrustRoot } from '../../src/cli/inputs.js';
import { verifyReceiptOffline } from '../../src/cli/verify.js';
import { canonicalBytes, sha256Hex } from '../../src/core/canonical.js';
import { seededDataDir, tempDir } from '../support/databases.js';
import { uniquePackage } from '../support/records.js';
import {
  cliProcess as cli,
  expectAllStoredAndValid,
  startLoad,
  startService,
  waitReady,
  type Acknowledged,
  type ServiceProcess,
} from '../support/service-process.js';
import { verifyConsistency } from '../../src/core/merkle/index.js';

const json = async <T>(res: Response): Promise<T> => (await res.json()) as T;

describe('afdp-notary backup / restore on the embedded default', () => {
  const source = seededDataDir();
  const backups = tempDir();
  const out = join(backups, 'b1');
  let service: ServiceProcess;
  let restored: ServiceProcess | undefined;
  let before: Acknowledged[] = [];
  let backup: { code: number | null; out: string };

  beforeAll(async () => {
    service = await startService({ NOTARY_DATA_DIR: source, LOG_LEVEL: 'warn', NOTARY_REQUEST_LOG_LEVEL: 'silent' });
    await waitReady(service);
    const load = startLoad(() => service.url, 4, 'backup');
    try {
      await load.acknowledgedMore(30);
      // every acknowledgement so far is committed: the backup must hold it; later ones may or may not
      before = [...load.acknowledged];
      backup = await cli(['backup', '--out', out, '--url', service.url], { NOTARY_DATA_DIR: source });
      await load.acknowledgedMore(5); // the service kept notarizing through the backup
    } finally {
      await load.stop();
    }
  }, 240_000);

  afterAll(async () => {
    await service?.stop();
    await restored?.stop();
  });

  it('writes the snapshot while the service runs, with a manifest of SHA-256 per part', () => {
    expect(backup.code, backup.out).toBe(0);
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      format: string;
      database: string;
      signer: string;
      parts: Record<string, { sha256: string }>;
      dump: { tables: Record<string, { rows: number }>; checkpoint: { tree_size: number } };
    };
    expect(manifest).toMatchObject({ format: 'afdp-notary-backup/1', database: 'embedded', signer: 'local' });
    expect(Object.keys(manifest.parts)).toEqual(
      expect.arrayContaining([
        'trust-root.json',
        'checkpoint.txt',
        'keyring/keyring.json',
        'keyring/keyring.key',
        'db/evidence.jsonl',
        'db/log_leaves.jsonl',
        'db/audit_log.jsonl',
      ]),
    );
    expect(manifest.dump.tables.evidence!.rows).toBeGreaterThanOrEqual(before.length);
    expect(manifest.dump.checkpoint.tree_size).toBeGreaterThanOrEqual(before.length);
    expect(readFileSync(join(out, 'checkpoint.txt'), 'utf8')).toMatch(new RegExp(`\\n${manifest.dump.checkpoint.tree_size}\\n`));
  });

  it('refuses a damaged backup and a target that is not empty', async () => {
    const damaged = join(backups, 'damaged');
    await cp(out, damaged, { recursive: true });
    appendFileSync(join(damaged, 'db', 'evidence.jsonl'), '\n');
    const bad = await cli(['restore', damaged, '--data-dir', join(tempDir(), 'x')]);
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('db/evidence.jsonl');
    const busy = tempDir();
    writeFileSync(join(busy, 'something'), 'x');
    expect((await cli(['restore', out, '--data-dir', busy])).code).toBe(2);
    expect(readFileSync(join(busy, 'something'), 'utf8')).toBe('x');
    expect((await cli(['backup', '--out', out, '--url', service.url], { NOTARY_DATA_DIR: source })).code).toBe(2); // --out exists
  }, 60_000);

  it('restores into an empty folder; the service on it serves and validates every earlier receipt, offline too', async () => {
    const target = tempDir(); // empty
    const result = await cli(['restore', out, '--data-dir', target]);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('restored log matches the backed-up checkpoint');
    await service.stop();
    restored = await startService({ NOTARY_DATA_DIR: target, LOG_LEVEL: 'warn', NOTARY_REQUEST_LOG_LEVEL: 'silent' });
    await waitReady(restored);
    expect(await expectAllStoredAndValid(restored.url, before)).toEqual([]);
    const trust = readTrustRoot(JSON.parse(readFileSync(join(out, 'trust-root.json'), 'utf8')), 'trust-root.json');
    for (const { evidence_package, receipt } of before) {
      const hash = sha256Hex(canonicalBytes(evidence_package));
      const res = await fetch(`${restored.url}/api/v1/evidence/${hash}`);
      expect(res.status, hash).toBe(200);
      const stored = await json<Record<string, unknown>>(await fetch(`${restored.url}/api/v1/workflows/${receipt.workflow_id}/receipt`));
      const verdict = verifyReceiptOffline(evidence_package as never, stored as never, trust);
      expect(verdict.ok, JSON.stringify(verdict.checks.filter((c) => c.status === 'fail'))).toBe(true);
    }
  }, 240_000);

  it('the restored log is consistent with the backed-up checkpoint, and new notarizations continue it', async () => {
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      dump: { checkpoint: { tree_size: number; root_hash: string } };
    };
    const cp0 = manifest.dump.checkpoint;
    const signed = await fetch(`${restored!.url}/api/v1/evidence/sign`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ evidence_package: uniquePackage('after-restore') }),
    });
    expect(signed.status).toBe(200);
    const { receipt } = await json<{ receipt: { log_index: number } }>(signed);
    expect(receipt.log_index).toBeGreaterThanOrEqual(cp0.tree_size);
    const head = await json<{ treeSize: number; rootHash: string }>(await fetch(`${restored!.url}/api/v1/log`));
    expect(head.treeSize).toBe(receipt.log_index + 1);
    const proof = await json<{ hashes: string[]; rootHash: string }>(
      await fetch(`${restored!.url}/api/v1/log/proof?firstSize=${cp0.tree_size}&lastSize=${head.treeSize}`),
    );
    expect(proof.rootHash).toBe(head.rootHash);
    const ok = verifyConsistency(
      cp0.tree_size,
      head.treeSize,
      proof.hashes.map((h) => Buffer.from(h, 'hex')),
      Buffer.from(cp0.root_hash, 'hex'),
      Buffer.from(head.rootHash, 'hex'),
    );
    expect(ok).toBe(true);
  }, 60_000);

  it('writes and restores a single .tar file too', async () => {
    // the source service is stopped by now: the backup starts its server for the dump (trust root from the restored one)
    const tar = join(backups, 'b2.tar');
    const made = await cli(['backup', '--out', tar, '--url', restored!.url], { NOTARY_DATA_DIR: source });
    expect(made.code, made.out).toBe(0);
    const target = tempDir();
    const result = await cli(['restore', tar, '--data-dir', target]);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('restored log matches the backed-up checkpoint');
  }, 120_000);
});
