/**
 * Watch the log: its size and latest checkpoint, its growth, and this browser's own witness check
 * (verify/witness.ts): a loud warning when the log is not an extension of what was seen before.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, ok } from '../api/client.js';
import { GrowthChart, type GrowthPoint } from '../components/growth-chart.js';
import { TrustPanel } from '../components/trust-panel.js';
import { message, Notice } from '../components/ui.js';
import type { PinnedRecord, TrustRoot } from '../verify/trust-root.js';
import { clearFork, recordedFork, witness, type ForkEvidence, type LogReader, type WitnessVerdict } from '../verify/witness.js';

/** Entries sampled for the growth chart (one request each). */
const SAMPLES = 16;

const reader: LogReader = {
  info: () => ok(api.GET('/api/v1/log')),
  consistency: (firstSize, lastSize) => ok(api.GET('/api/v1/log/proof', { params: { query: { firstSize, lastSize } } })),
};

async function growth(size: number): Promise<GrowthPoint[]> {
  const indexes = [
    ...new Set(
      Array.from({ length: Math.min(SAMPLES, size) }, (_, k) => Math.round((k * (size - 1)) / Math.max(1, Math.min(SAMPLES, size) - 1))),
    ),
  ];
  const points = await Promise.all(
    indexes.map(async (logIndex) => {
      const map = await ok(api.GET('/api/v1/log/entries', { params: { query: { logIndex } } }));
      const entry = Object.values(map)[0] as { integratedTime?: number } | undefined;
      return entry?.integratedTime === undefined ? undefined : { at: entry.integratedTime, size: logIndex + 1 };
    }),
  );
  return points.filter((p): p is GrowthPoint => p !== undefined).sort((a, b) => a.at - b.at);
}

export function LogPage(props: { trust?: TrustRoot; pinned?: PinnedRecord; onPinned: () => Promise<void> }) {
  const { trust } = props;
  const [verdict, setVerdict] = useState<WitnessVerdict>();
  const [fork, setFork] = useState<ForkEvidence>();
  const [points, setPoints] = useState<GrowthPoint[]>();
  const [error, setError] = useState<string>();

  const visit = async () => {
    if (!trust) return;
    setError(undefined);
    try {
      const v = await witness(reader, trust);
      setVerdict(v);
      setFork(recordedFork(trust));
      if (v.state !== 'unverified' && v.state !== 'fork') setPoints(await growth(v.current.size));
    } catch (err) {
      setError(`The log could not be read: ${message(err)}`);
    }
  };
  useEffect(() => {
    void visit();
  }, [trust?.fingerprint]);

  return (
    <section aria-labelledby="log-title">
      <h2 id="log-title">Watch the transparency log</h2>
      {fork && (
        <ForkAlarm
          fork={fork}
          onClear={() => {
            clearFork(trust!);
            setFork(undefined);
          }}
        />
      )}
      {!trust && <TrustPanel trust={trust} pinned={props.pinned} onPinned={props.onPinned} />}
      {error && <Notice kind="error">{error}</Notice>}
      {verdict?.state === 'unverified' && <Notice kind="error">Not trusted: {verdict.reason}</Notice>}
      {verdict && verdict.state !== 'unverified' && verdict.state !== 'fork' && (
        <>
          <Notice kind="ok">
            {verdict.state === 'first' && 'First visit from this browser: this checkpoint is now the one later visits are checked against.'}
            {verdict.state === 'same' && `Unchanged since ${new Date(verdict.previous.seenAt).toLocaleString()}.`}
            {verdict.state === 'consistent' &&
              `Consistent: the log grew from ${verdict.previous.size} to ${verdict.current.size} entries and ` +
                `extends the tree this browser saw on ${new Date(verdict.previous.seenAt).toLocaleString()} (consistency proof of ${verdict.proofLength} hashes verified).`}
          </Notice>
          <dl class="facts card" aria-label="Latest checkpoint">
            <dt>Tree size</dt>
            <dd data-testid="tree-size">{verdict.current.size}</dd>
            <dt>Root hash</dt>
            <dd>
              <code>{verdict.current.rootHash}</code>
            </dd>
            <dt>Origin</dt>
            <dd>
              <code>{verdict.current.origin}</code>
            </dd>
            <dt>Signed checkpoint</dt>
            <dd>
              <pre class="json" tabIndex={0}>
                {verdict.current.note}
              </pre>
            </dd>
          </dl>
          {points && <GrowthChart points={points} />}
        </>
      )}
      {trust && (
        <button type="button" onClick={visit}>
          Check again
        </button>
      )}
    </section>
  );
}

function ForkAlarm(props: { fork: ForkEvidence; onClear: () => void }) {
  const { fork } = props;
  const download = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([JSON.stringify(fork, null, 2)], { type: 'application/json' }));
    a.download = `log-fork-${fork.detectedAt}.json`;
    a.click();
  };
  return (
    <div class="alarm" role="alert" data-testid="fork-alarm">
      <h3>Warning: this log is not an extension of what this browser saw before</h3>
      <p>{fork.reason}.</p>
      <p>
        Seen on {new Date(fork.previous.seenAt).toLocaleString()}: size {fork.previous.size}, root <code>{fork.previous.rootHash}</code>.
        Served on {new Date(fork.current.seenAt).toLocaleString()}: size {fork.current.size}, root <code>{fork.current.rootHash}</code>.
        Both checkpoints are signed by the pinned log key: together they prove the log showed two different histories.
      </p>
      <div class="row">
        <button type="button" onClick={download}>
          Download the evidence (both signed checkpoints)
        </button>
        <button type="button" onClick={props.onClear}>
          I have reported it: clear this warning
        </button>
      </div>
    </div>
  );
}
