/**
 * Attack 7 of issue #16: the quick start bound 0.0.0.0 with authentication off, so anyone on the
 * network could notarize and read evidence. With auth off the service now listens on 127.0.0.1
 * unless NOTARY_HOST says otherwise (and then it warns).
 */
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { seededDataDir } from '../support/databases.js';
import { startService, waitReady } from '../support/service-process.js';

/** An address of this machine other than loopback, if it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

/** The start-up line comes once both ports are open, which can be after /ready first answers. */
async function outputMatches(service: { output(): string }, re: RegExp, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  while (!re.test(service.output()) && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return service.output();
}

const connects = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe('where the service listens', () => {
  it('with auth off and no NOTARY_HOST: on 127.0.0.1 only (REST and gRPC), unreachable from another interface', async () => {
    const service = await startService({ NOTARY_DATA_DIR: seededDataDir(), NOTARY_LOG_FORMAT: 'json' });
    try {
      await waitReady(service);
      const rest = Number(new URL(service.url).port);
      const listening = /"rest":"http:\/\/127\.0\.0\.1:\d+","grpc":"127\.0\.0\.1:\d+"/;
      expect(await outputMatches(service, listening)).toMatch(listening);
      expect([await connects('127.0.0.1', rest), await connects('127.0.0.1', service.grpcPort)]).toEqual([true, true]);
      if (external) expect([await connects(external, rest), await connects(external, service.grpcPort)]).toEqual([false, false]);
      else console.warn('no non-loopback interface: the listen address is checked from the start-up line only');
    } finally {
      expect(await service.stop()).toBe(0);
    }
  }, 120_000);

  it('with auth off and NOTARY_HOST=0.0.0.0: where the operator asked, with a warning that it is exposed', async () => {
    const service = await startService({ NOTARY_DATA_DIR: seededDataDir(), NOTARY_HOST: '0.0.0.0', NOTARY_LOG_FORMAT: 'json' });
    try {
      await waitReady(service);
      expect(await outputMatches(service, /exposes this UNAUTHENTICATED notary beyond this machine/)).toContain(
        'exposes this UNAUTHENTICATED notary beyond this machine',
      );
      if (external) expect(await connects(external, Number(new URL(service.url).port))).toBe(true);
    } finally {
      const code = await service.stop();
      if (code !== 0) console.log(service.output().slice(-3000));
      expect(code).toBe(0);
    }
  }, 120_000);

  it('with auth on and no NOTARY_HOST: every interface, as before (every caller needs a credential)', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ NOTARY_AUTH_MODE: 'required' }).host).toBe('0.0.0.0');
    expect(loadConfig({ NOTARY_AUTH_MODE: 'required', NOTARY_HOST: '10.1.2.3' }).host).toBe('10.1.2.3');
  });
});
