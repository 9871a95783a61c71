import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  errors: number;
  non2xx: number;
  total: number;
}

/**
 * Drives POST /api/v1/evidence/sign with the fixtures as bodies, each made unique by a sequence
 * number in metadata, so every request is a new notarization (no dedupe shortcut in the store).
 * Several URLs (replicas): autocannon gives connection i to url i mod n.
 */
export async function restLoad(
  url: string | string[],
  packages: Record<string, unknown>[],
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  let seq = 0;
  const targets = [url].flat().map((u) => `${u}/api/v1/evidence/sign`);
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        // autocannon takes several URLs (its README: `url`), its types only one
        url: (targets.length === 1 ? targets[0]! : targets) as unknown as string,
        connections,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => {
              const pkg = packages[seq % packages.length]!;
              const n = seq++;
              return {
                ...req,
                body: JSON.stringify({ evidence_package: { ...pkg, metadata: { ...(pkg.metadata as object), bench_seq: n } } }),
              };
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status < 300) latencies.push(ms);
    });
  });
  const ok = result['2xx'];
  return {
    requestsPerSec: Math.round(ok / seconds),
    ...latencyQuantiles(latencies),
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    total: ok,
  };
}

/** p50, p95 and p99 of the latencies (ms, one decimal); sorts them in place. */
export function latencyQuantiles(latencies: number[]): { p50: number; p95: number; p99: number } {
  latencies.sort((a, b) => a - b);
  return { p50: percentile(latencies, 0.5), p95: percentile(latencies, 0.95), p99: percentile(latencies, 0.99) };
}

export const percentile = (sorted: number[], q: number): number =>
  sorted.length === 0 ? NaN : Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
