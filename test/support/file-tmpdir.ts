/**
 * Every test file's temporary folders (data folders, clusters, certificates, and whatever the
 * processes it starts write under TMPDIR) live in a folder of their own inside the run's root,
 * removed when the file ends. A run makes a few hundred clusters of ~50 MB: kept to the end they
 * added up to gigabytes, and removing them all after the last file took ~100 s of the run here.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, inject } from 'vitest';

const fileRoot = mkdtempSync(join(inject('testRoot'), 'file-'));
// the embedded server's user (postgres, when the tests run as root) must pass through to its cluster
chmodSync(fileRoot, 0o711);
process.env.TMPDIR = fileRoot;

afterAll(() => {
  if (!process.env.NOTARY_KEEP_TEST_FILES) rmSync(fileRoot, { recursive: true, force: true });
});
