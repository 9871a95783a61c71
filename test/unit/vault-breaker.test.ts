import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/adapters/signer/vault/breaker.js';
import { VaultHttpError } from '../../src/adapters/signer/vault/errors.js';
import { isNotaryError } from '../../src/core/errors.js';

const down = () => Promise.reject(new VaultHttpError('POST', 'x', 503, ['Vault is sealed']));
const bad = () => Promise.reject(new VaultHttpError('POST', 'x', 400, ['bad']));

describe('CircuitBreaker', () => {
  it('opens after N consecutive transient failures, half-opens after resetMs', async () => {
    let now = 0;
    const b = new CircuitBreaker({ failureThreshold: 3, resetMs: 1000 }, () => now);
    for (let i = 0; i < 3; i++) await expect(b.run(down)).rejects.toBeInstanceOf(VaultHttpError);
    expect(b.isOpen).toBe(true);
    let called = false;
    const err = await b.run(async () => (called = true)).catch((e: unknown) => e);
    expect(called).toBe(false);
    expect(isNotaryError(err) && err.code).toBe('unavailable');

    now = 1000; // half-open: one probe decides
    await expect(b.run(down)).rejects.toBeInstanceOf(VaultHttpError);
    expect(b.isOpen).toBe(true);
    now = 2000;
    await expect(b.run(async () => 'ok')).resolves.toBe('ok');
    expect(b.isOpen).toBe(false);
  });

  it('does not count client errors, and a success resets the count', async () => {
    const b = new CircuitBreaker({ failureThreshold: 2, resetMs: 1000 }, () => 0);
    for (let i = 0; i < 5; i++) await expect(b.run(bad)).rejects.toBeInstanceOf(VaultHttpError);
    // Vault's own 503 each time, never the open breaker's 'unavailable': one transient failure after a success does not open it
    await expect(b.run(down)).rejects.toMatchObject({ name: 'VaultHttpError', status: 503 });
    await b.run(async () => 1);
    await expect(b.run(down)).rejects.toMatchObject({ name: 'VaultHttpError', status: 503 });
    expect(b.isOpen).toBe(false);
  });
});
