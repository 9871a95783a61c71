import { CommitUnits } from '../../src/adapters/db/commit-units.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { PgEvidenceStore, type PgEvidenceStoreOptions } from '../../src/adapters/store/pg-evidence-store.js';
import type { EmbeddedLog } from '../../src/adapters/translog/embedded/index.js';
import type { NotarizationRecord, StoredAnchor } from '../../src/ports/evidence-store.js';

/**
 * A store and the embedded log in its database, paired as the composition root pairs them, and
 * `saveAnchored`: the two calls the Notary makes for one notarization under one commit unit.
 */
export function colocatedStore(db: SqlClient, log: EmbeddedLog, options: PgEvidenceStoreOptions = {}) {
  const store = new PgEvidenceStore(db, options);
  const units = new CommitUnits(db, log, store.anchoredWriter(log.url));
  const saveAnchored = async (r: NotarizationRecord): Promise<StoredAnchor> => {
    const unit = units.open();
    const request = { digestHex: r.evidence.hashHex, signature: r.signature.signature, publicKeyPem: r.signature.publicKeyPem };
    const [saved, appended] = await Promise.allSettled([store.save(r, unit), log.append(request, unit)]);
    if (saved.status === 'rejected') throw saved.reason;
    if (appended.status === 'rejected') throw appended.reason;
    return { entry: appended.value, logUrl: log.url };
  };
  return { store, units, saveAnchored };
}
