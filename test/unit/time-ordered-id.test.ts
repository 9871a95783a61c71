import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../src/adapters/store/store-calls.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const millis = (id: string) => parseInt(id.replace(/-/g, '').slice(0, 12), 16);

describe('workflow ids (UUID v7)', () => {
  it('are RFC 9562 version 7 UUIDs carrying the millisecond they were made', () => {
    const before = Date.now();
    const id = timeOrderedId();
    expect(id).toMatch(V7);
    expect(millis(id)).toBeGreaterThanOrEqual(before);
    expect(millis(id)).toBeLessThanOrEqual(Date.now());
    expect(millis(timeOrderedId(1_764_633_600_123))).toBe(1_764_633_600_123);
  });

  it('sort by time as text (so an index inserts them at its right edge) and never repeat', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => timeOrderedId(1_764_633_600_000 + Math.floor(i / 100)));
    expect(new Set(ids).size).toBe(ids.length);
    const byText = [...ids].sort();
    expect(byText.map(millis)).toEqual(ids.map(millis));
    // the random part is random: across 20,000 ids every hex digit of it takes every value
    for (const pos of [15, 20, 25, 35]) expect(new Set(ids.map((id) => id[pos])).size).toBe(16);
  });
});
