import { describe, expect, it } from 'vitest';
import { batchTransition, settle, type BatchState } from '../../src/core/workflows/index.js';
import type { StoredSignature } from '../../src/ports/evidence-store.js';

const signature: StoredSignature = {
  keyId: 'k',
  keyVersion: 1,
  signature: Buffer.from('30', 'hex'),
  publicKeyPem: 'PEM',
  signedAt: '2030-01-01T00:00:00.000Z',
};
const item = (index: number, status: 'pending' | 'signed' | 'failed' = 'pending') => ({
  index,
  item_workflow_id: `w${index}`,
  evidence_package_hash: status === 'failed' ? null : `h${index}`,
  status,
  error: status === 'failed' ? { code: 'validation_failed', message: 'bad', field: `evidence_packages[${index}]` } : null,
});
const batch = (...items: ReturnType<typeof item>[]): BatchState => ({ status: 'running', error_message: null, items });
const oops = { code: 'validation_failed', message: 'limits', field: null };

describe('batch state machine', () => {
  it('item pending → signed, batch stays running while others are pending', () => {
    const t = batchTransition(batch(item(0), item(1)), { type: 'item_signed', index: 0, signature });
    expect(t.state.status).toBe('running');
    expect(t.state.items[0]!.status).toBe('signed');
    expect(t.effects).toEqual([{ kind: 'store_item_signature', index: 0, signature }]);
  });

  it('item pending → failed, alone', () => {
    const t = batchTransition(batch(item(0), item(1)), { type: 'item_failed', index: 1, error: oops });
    expect(t.state.items.map((i) => i.status)).toEqual(['pending', 'failed']);
    expect(t.effects).toEqual([{ kind: 'fail_item', index: 1, error: oops }]);
  });

  it('running → completed when the last item is done and one was signed', () => {
    const t = batchTransition(batch(item(0, 'failed'), item(1)), { type: 'item_signed', index: 1, signature });
    expect(t.state.status).toBe('completed');
    expect(t.effects.at(-1)).toEqual({ kind: 'notify', event: 'completed', details: { total: 2, succeeded: 1, failed: 1, pending: 0 } });
  });

  it('running → failed when every item failed', () => {
    const t = batchTransition(batch(item(0, 'failed'), item(1)), { type: 'item_failed', index: 1, error: oops });
    expect(t.state).toMatchObject({ status: 'failed', error_message: 'all 2 items failed' });
    expect(t.effects.at(-1)).toMatchObject({ kind: 'notify', event: 'failed' });
  });

  it('settle at creation: all invalid → failed at once; any pending → still running', () => {
    expect(settle(batch(item(0, 'failed'))).state.status).toBe('failed');
    expect(settle(batch(item(0, 'failed'), item(1)))).toEqual({ state: batch(item(0, 'failed'), item(1)), effects: [] });
  });

  it('an item signed twice (a racing replica) is refused and stores nothing', () => {
    const t = batchTransition(batch(item(0, 'signed'), item(1)), { type: 'item_signed', index: 0, signature });
    expect(t.refusal?.code).toBe('workflow_closed');
    expect(t.effects).toEqual([]);
    expect(() => batchTransition(batch(item(0)), { type: 'item_signed', index: 7, signature })).toThrow(
      expect.objectContaining({ code: 'not_found' }),
    );
  });
});
