import { afterAll, describe, expect, it } from 'vitest';
import { PgEventLedger, type LedgerEntry } from '../../src/adapters/events/index.js';
import { migrate } from '../../src/adapters/store/migrate.js';
import type { SqlClient } from '../../src/adapters/db/sql-client.js';
import { backends, MIGRATIONS, openBackend, skipBackend } from '../support/databases.js';

const opened: SqlClient[] = [];
afterAll(async () => {
  await Promise.all(opened.map((db) => db.close()));
});

const entry = (eventId: string, workflowId: string | null, message: string): LedgerEntry => ({
  eventId,
  workflowType: workflowId ? 'simple_sign' : 'batch_sign',
  workflowId,
  evidenceHashes: ['a'.repeat(64), null],
  publications: [
    {
      topic: 'status',
      payload: {
        event_id: eventId,
        workflow_id: workflowId ?? '',
        status: 'completed',
        timestamp: 't',
        message,
        progress: null,
        trace_id: null,
      },
      properties: { b: '2', a: '1' },
    },
  ],
});

describe.each(backends)('PgEventLedger on %s', (backend) => {
  it.skipIf(skipBackend(backend))(
    'keeps the first outcome of an event_id and returns it to every later writer, byte for byte',
    async () => {
      const db = await openBackend(backend);
      opened.push(db);
      expect(await migrate(db, MIGRATIONS)).toContain('003_pulsar_events.sql');
      const ledger = new PgEventLedger(db);
      expect(await ledger.find('e-1')).toBeNull();
      const first = entry('e-1', '0b7e1f4c-5a43-4d7c-9a57-1c2f7b0f6e11', 'first');
      const [a, b] = await Promise.all([ledger.record(first), ledger.record(entry('e-1', null, 'second'))]);
      expect(b).toEqual(a);
      expect(await ledger.find('e-1')).toEqual(a);
      expect(JSON.stringify(a.publications)).toBe(JSON.stringify((await ledger.find('e-1'))!.publications));
      expect([first, { ...entry('e-1', null, 'second') }].map((e) => JSON.stringify(e))).toContain(JSON.stringify(a));
      expect(await ledger.record(entry('e-2', null, 'batch'))).toMatchObject({ workflowId: null, evidenceHashes: ['a'.repeat(64), null] });
    },
  );
});
