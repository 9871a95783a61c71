import type { EvidenceStore } from '../ports/evidence-store.js';
import type { KeySigner } from '../ports/key-signer.js';
import type { TimestampAuthority } from '../ports/timestamp-authority.js';
import type { TransparencyLog } from '../ports/transparency-log.js';
import { observeDependency, observeSignature, type NotaryMetrics } from './metrics.js';

/**
 * Port decorators: metrics wrap the adapters at the composition root, so neither the core nor the
 * adapters import prom-client.
 */
export function instrumentSigner(signer: KeySigner, metrics: NotaryMetrics): KeySigner {
  const timed =
    signer.backend === 'vault'
      ? (req: Parameters<KeySigner['sign']>[0]) => observeDependency(metrics, 'vault', 'sign', () => signer.sign(req))
      : (req: Parameters<KeySigner['sign']>[0]) => signer.sign(req);
  return delegate(signer, {
    async sign(request) {
      const start = process.hrtime.bigint();
      const result = await timed(request);
      observeSignature(metrics, signer.backend, result.keyVersion, Number(process.hrtime.bigint() - start) / 1e9);
      return result;
    },
  });
}

export function instrumentLog(log: TransparencyLog, metrics: NotaryMetrics): TransparencyLog {
  const dependency = log.backend === 'rekor' ? 'rekor' : 'db';
  return delegate(log, {
    append: (request, unit) => observeDependency(metrics, dependency, 'log_append', () => log.append(request, unit)),
  });
}

/** A remote TSA is a dependency like Rekor; the embedded one is a local computation and is left alone. */
export function instrumentTimestamper(tsa: TimestampAuthority, metrics: NotaryMetrics): TimestampAuthority {
  if (tsa.backend !== 'rfc3161') return tsa;
  return delegate(tsa, { timestamp: (signature) => observeDependency(metrics, 'tsa', 'timestamp', () => tsa.timestamp(signature)) });
}

export function instrumentStore(store: EvidenceStore, metrics: NotaryMetrics): EvidenceStore {
  return delegate(store, {
    async save(record, unit) {
      await observeDependency(metrics, 'db', 'save', () => store.save(record, unit));
      metrics.evidenceStoredTotal.inc();
    },
  });
}

/** An object that answers with `overrides` where given and forwards everything else to `target`. */
function delegate<T extends object>(target: T, overrides: Partial<T>): T {
  return new Proxy(target, {
    get(t, prop) {
      if (prop in overrides) return overrides[prop as keyof T];
      // the target as receiver: getters that read private #fields (VaultTransitSigner.algorithm) throw on the proxy
      const value = Reflect.get(t, prop, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
}
