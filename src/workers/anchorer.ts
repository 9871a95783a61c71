import type { Logger } from 'pino';
import type { Notary } from '../core/notary.js';
import { Periodic } from './periodic.js';

/** Refreshes the backlog gauges after each round. */
export type BacklogReporter = () => Promise<void>;

/**
 * Background retry of anchors and timestamps that did not succeed in-request (log or TSA down,
 * process restarted). A round resolves to how many anchors it made; a failed one is logged
 * ("anchoring round failed") and resolves to undefined.
 */
export function anchorerLoop(
  notary: Notary,
  intervalMs: number,
  logger: Pick<Logger, 'warn'>,
  reportBacklog: BacklogReporter = async () => {},
): Periodic<number> {
  return new Periodic(
    'anchoring',
    intervalMs,
    async () => {
      await notary.timestampPending();
      const anchored = await notary.anchorPending();
      await reportBacklog();
      return anchored;
    },
    logger,
  );
}
