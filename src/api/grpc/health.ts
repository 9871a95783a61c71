import { HealthImplementation, type ServingStatus } from 'grpc-health-check';
import type { Logger } from 'pino';
import type { Notary } from '../../core/notary.js';
import { NOTARY_SERVICE } from './proto.js';

/** how often readiness is re-checked; probes read the cached answer, so they cost nothing */
export const READINESS_INTERVAL_MS = 5_000;

/**
 * grpc.health.v1.Health (grpc_health_probe, Kubernetes gRPC probes) whose serving status follows
 * notary.ready(): "" (the whole server) and afdp.notary.v1.NotaryService are SERVING while store,
 * signer and log answer, NOT_SERVING otherwise and from the moment shutdown begins.
 */
export class ReadinessHealth {
  readonly service = new HealthImplementation({ '': 'NOT_SERVING', [NOTARY_SERVICE]: 'NOT_SERVING' });
  private timer?: NodeJS.Timeout;
  private current: ServingStatus = 'NOT_SERVING';
  private stopped = false;

  constructor(
    private readonly notary: Notary,
    private readonly logger: Logger,
    private readonly intervalMs = READINESS_INTERVAL_MS,
  ) {}

  /** Checks once (so the first probe gets a real answer), then keeps checking in the background. */
  async start(): Promise<void> {
    await this.check();
    this.timer = setInterval(() => void this.check(), this.intervalMs);
    this.timer.unref();
  }

  async check(): Promise<void> {
    const ok = await this.notary.ready().then(
      () => true,
      (err) => {
        if (this.current === 'SERVING') this.logger.warn({ err }, 'grpc health: not serving');
        return false;
      },
    );
    if (!this.stopped) this.set(ok ? 'SERVING' : 'NOT_SERVING');
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.set('NOT_SERVING');
  }

  private set(status: ServingStatus): void {
    if (status === this.current) return;
    this.current = status;
    this.service.setStatus('', status);
    this.service.setStatus(NOTARY_SERVICE, status);
  }
}
