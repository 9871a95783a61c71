import { randomUUID } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_LIMITS } from '../../src/core/limits.js';
import { prepareEvidence } from '../../src/core/validate-evidence.js';
import type { EvidencePackage } from '../../src/core/evidence.js';
import type { NotarizationRecord } from '../../src/ports/evidence-store.js';

export const FIXTURE_DIR = join(import.meta.dirname, '../../../shared/fixtures/evidence');

export function fixtures(): Record<string, EvidencePackage> {
  return Object.fromEntries(
    readdirSync(FIXTURE_DIR)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, JSON.parse(readFileSync(join(FIXTURE_DIR, f), 'utf8'))]),
  );
}

export const fixture = (name = 'gpt-4-finetune-evidence.json'): EvidencePackage => structuredClone(fixtures()[name]!);

/** A fixture made unique (different hash) by a metadata field. */
export function uniquePackage(n: number | string, base = fixture()): EvidencePackage {
  return { ...base, metadata: { ...base.metadata, test_run: String(n) } };
}

export function record(pkg: EvidencePackage, at = new Date()): NotarizationRecord {
  const evidence = prepareEvidence(pkg, DEFAULT_LIMITS);
  const iso = at.toISOString();
  return {
    workflow: {
      id: randomUUID(),
      type: 'simple_sign',
      status: 'completed',
      evidence_package_hash: evidence.hashHex,
      created_at: iso,
      updated_at: iso,
      completed_at: iso,
      error_message: null,
    },
    evidence,
    signature: { keyId: 'k', keyVersion: 1, signature: Buffer.from('3045', 'hex'), publicKeyPem: 'PEM', signedAt: iso },
  };
}
