// One caller's bad request must never fail another caller's: the service as its own process, 16
// honest clients notarizing back to back and one caller sending packages the database would refuse
// (impossible dates, year 0000, an offset past ±15:59, NUL) every 20 ms, until both sides have had
// enough answers (see ENOUGH) rather than for a fixed time.
import { describe, expect, it } from 'vitest';
import { backendEnv, backends, skipBackend, seededDataDir } from '../support/databases.js';
import { uniquePackage } from '../support/records.js';
import { startLoad, startService, waitReady } from '../support/service-process.js';

/**
 * Answers each side must have before the poisoning stops: 150 poisons is 25 of each class, every one
 * sent while the 16 honest callers have requests in flight (they run from before the first poison to
 * after the last answer), and 150 honest receipts are several rounds of all 16. The assertions below
 * need more than 100 of each; a fixed 10 s gave a few hundred of each and cost 20 s per run.
 */
const ENOUGH = 150;
/** a hang guard: if the service stalls, the counts below fail the test with what was reached */
const GIVE_UP_MS = 60_000;
const POISONS: ((p: ReturnType<typeof uniquePackage>) => void)[] = [
  (p) => {
    p.timestamp_utc = '2024-02-30T00:00:00Z';
  },
  (p) => {
    p.timestamp_utc = '2023-04-31T00:00:00Z';
  },
  (p) => {
    p.timestamp_utc = '0000-06-01T00:00:00Z';
  },
  (p) => {
    p.timestamp_utc = '2024-01-01T00:00:00+18:00';
  },
  (p) => {
    p.actor.id = 'poison\u0000actor';
  },
  (p) => {
    p.actor.actor_type = 'poison\u0000type';
  },
];

describe.each(backends)('a poisoning caller next to 16 honest ones (%s, service process)', (backend) => {
  it.skipIf(skipBackend(backend))(
    'fails no honest notarization; the poisoning caller gets 422 every time',
    async () => {
      const service = await startService({ NOTARY_DATA_DIR: seededDataDir(), ...(await backendEnv(backend)) });
      try {
        await waitReady(service);
        const honest = startLoad(() => service.url, 16, `honest-${backend}`);
        const poisoned: number[] = [];
        const answers: Promise<void>[] = [];
        const giveUp = Date.now() + GIVE_UP_MS;
        for (let i = 0; (poisoned.length < ENOUGH || honest.acknowledged.length < ENOUGH) && Date.now() < giveUp; i++) {
          const pkg = uniquePackage(`poison-${i}`);
          POISONS[i % POISONS.length]!(pkg);
          answers.push(
            fetch(`${service.url}/api/v1/evidence/sign`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ evidence_package: pkg }),
            }).then(
              (r) => {
                poisoned.push(r.status);
              },
              () => {
                poisoned.push(0);
              },
            ),
          );
          await new Promise((r) => setTimeout(r, 20));
        }
        await honest.stop();
        await Promise.all(answers);

        expect(
          honest.failures.slice(0, 5),
          `${honest.failures.length} of ${honest.failures.length + honest.acknowledged.length} honest requests failed`,
        ).toEqual([]);
        expect(honest.acknowledged.length).toBeGreaterThan(100);
        expect(poisoned.length).toBeGreaterThan(100);
        expect(poisoned.filter((s) => s !== 422)).toEqual([]);
        console.log(
          `${backend}: ${honest.acknowledged.length} honest notarizations, 0 failed; ${poisoned.length} poisoned requests, all 422`,
        );
      } finally {
        await service.stop();
      }
    },
    180_000,
  );
});
