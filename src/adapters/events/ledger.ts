import { NotaryError } from '../../core/errors.js';
import type { SqlClient } from '../db/sql-client.js';
import type { Publication, WorkflowKind } from './messages.js';

/** What was decided for one pipeline event_id, kept so a redelivery re-publishes it instead of re-signing. */
export interface LedgerEntry {
  eventId: string;
  workflowType: WorkflowKind;
  /** simple_sign: the workflow that signed; approval_sign: the approval workflow; batch_sign: null (each item's result names its own) */
  workflowId: string | null;
  /** per item, null where the item failed validation: a later event under this id with other content is refused */
  evidenceHashes: (string | null)[];
  /** exactly the messages published the first time */
  publications: Publication[];
}

/** Port: one verb each way. `record` keeps the first entry for an id and returns whichever is kept. */
export interface EventLedger {
  find(eventId: string): Promise<LedgerEntry | null>;
  record(entry: LedgerEntry): Promise<LedgerEntry>;
}

interface Row {
  event_id: string;
  workflow_type: WorkflowKind;
  workflow_id: string | null;
  evidence_hashes: (string | null)[];
  result: string;
}

const toEntry = (r: Row): LedgerEntry => ({
  eventId: r.event_id,
  workflowType: r.workflow_type,
  workflowId: r.workflow_id,
  evidenceHashes: r.evidence_hashes,
  publications: JSON.parse(r.result),
});

const COLUMNS = 'event_id, workflow_type, workflow_id::text, evidence_hashes, result';

/** EventLedger in the notary's own database (table `pulsar_events`, migration 003). */
export class PgEventLedger implements EventLedger {
  constructor(private readonly db: SqlClient) {}

  async find(eventId: string): Promise<LedgerEntry | null> {
    const { rows } = await wrap('find', this.db.query<Row>(`SELECT ${COLUMNS} FROM pulsar_events WHERE event_id = $1`, [eventId]));
    return rows[0] ? toEntry(rows[0]) : null;
  }

  async record(entry: LedgerEntry): Promise<LedgerEntry> {
    // First writer wins: two consumers finishing the same event publish the same stored messages.
    const { rows } = await wrap(
      'record',
      this.db.query<Row>(
        `INSERT INTO pulsar_events (event_id, workflow_type, workflow_id, evidence_hashes, result) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (event_id) DO NOTHING RETURNING ${COLUMNS}`,
        [entry.eventId, entry.workflowType, entry.workflowId, entry.evidenceHashes, JSON.stringify(entry.publications)],
      ),
    );
    if (rows[0]) return toEntry(rows[0]);
    const kept = await this.find(entry.eventId);
    if (!kept) throw new NotaryError('unavailable', 'event ledger lost a row it had just refused to overwrite');
    return kept;
  }
}

/** Database failures are retryable 'unavailable', as the evidence store reports them. */
async function wrap<T>(operation: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (err) {
    throw new NotaryError('unavailable', `event ledger ${operation} failed`, { cause: err });
  }
}
