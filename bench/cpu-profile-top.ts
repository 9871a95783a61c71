/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. `npm run bench -- --service-cpu-prof DIR`)
 * by self time: the top functions, and the same samples grouped by package (node_modules/<pkg>) or by
 * our source file, with the shares of GC, idle and program (native) time apart.
 *   npx tsx bench/cpu-profile-top.ts FILE.cpuprofile [--top 30] [--from-ms 0] [--to-ms Infinity]
 * --from-ms/--to-ms keep only samples in that window (ms from the profile's start), e.g. the load.
 * --callers NAME prints, for functions whose name is NAME, their self time by caller chain (--depth 4).
 * --phases sums INCLUSIVE time by phase instead: each sample goes to the phase of the frame nearest its
 * leaf that matches a phase (DEFAULT_PHASES, or --phase 'name=regex' over `functionName url` with dist/*.js
 * read as src/*.ts, tried in
 * order), so a hook's time includes the packages it calls. --per-s R (the load's notarizations per
 * second over the window) turns each phase's time into µs per notarization; pick the window inside the
 * load from the "busy ms per second" line; --split N prints the top N phases' self time by file.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives: `pkg:<name>` for node_modules, `src/…` for ours, `node:…` or the V8 pseudo frames. */
export function frameGroup({ functionName, url }: CallFrame): string {
  if (url === '') return `(${functionName.replace(/[()]/g, '') || 'anonymous'})`;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const [first, second] = url.slice(nm + '/node_modules/'.length).split('/');
    return `pkg:${first?.startsWith('@') ? `${first}/${second}` : first}`;
  }
  if (url.startsWith('node:')) return url;
  const ours = /\/(src|dist|bench|packages)\/(.*)$/.exec(url);
  return ours ? `${ours[1]}/${ours[2]}` : url.replace(/^file:\/\//, '');
}

/** Self time (µs) per node id, from the sampled stacks' leaves, within [fromUs, toUs) of the start. */
export function selfTimes(p: CpuProfile, fromUs = 0, toUs = Infinity): Map<number, number> {
  const self = new Map<number, number>();
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    if (t < fromUs || t >= toUs) continue;
    // a sample's weight is the time until the next one (the last one gets the previous delta)
    const weight = p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0;
    self.set(p.samples[i]!, (self.get(p.samples[i]!) ?? 0) + weight);
  }
  return self;
}

/** Phase name and the pattern its frames match (`functionName url`); first match in list order wins. */
export type Phase = readonly [name: string, pattern: RegExp];

/**
 * The service's phases: fastify hooks by plugin file, the Notary pipeline, the store, pg's protocol,
 * audit, the embedded log and TSA, GC, Node's http/net. Order matters only where one frame matches
 * two patterns.
 */
export const DEFAULT_PHASES: readonly Phase[] = [
  ['GC', /^\(garbage collector\) $/],
  ['rest: auth/access hooks', /src\/api\/rest\/auth\/(access-hooks|request|route-permissions)\.ts$|src\/adapters\/auth\//],
  ['rest: rate limit', /src\/api\/rest\/auth\/rate-limit\.ts$|src\/adapters\/ratelimit\//],
  ['rest: secure headers', /src\/api\/rest\/auth\/secure-headers\.ts$|node_modules\/@fastify\/helmet\/|node_modules\/helmet\//],
  ['metrics (hooks and port decorators)', /src\/observability\/(http-metrics-plugin|metrics|instrument)\.ts$|node_modules\/prom-client\//],
  ['tracing', /src\/api\/rest\/tracing-hooks\.ts$|src\/observability\/tracing\.ts$|node_modules\/@opentelemetry\//],
  ['logging (pino, request log)', /src\/observability\/(request-log|logger|log-safety)\.ts$|node_modules\/(pino|@pinojs)/],
  ['rest: body parse (I-JSON)', /src\/api\/rest\/json-body\.ts$|src\/core\/ijson\.ts$/],
  ['rest: idempotency', /src\/api\/rest\/idempotency\.ts$/],
  ['rest: routes/serializers', /src\/api\/rest\/(routes\/|serializers|validators|problem)/],
  ['embedded TSA', /src\/adapters\/tsa\/|src\/core\/timestamp/],
  ['embedded log', /src\/adapters\/translog\/|src\/core\/(transparency|merkle)\//],
  ['audit', /src\/adapters\/audit\//],
  ['store: batch building', /src\/adapters\/store\/|src\/adapters\/db\/(statements|commit-units|group-commit|table-copy)\.ts$/],
  ['pg protocol', /node_modules\/(pg|pg-protocol|pg-pool|pg-types)\/|src\/adapters\/db\/(pg-client|sql-client)\.ts$/],
  ['Notary pipeline (core)', /src\/core\/|src\/adapters\/signer\//],
  ['REST server (ours)', /src\/api\/rest\//],
  ['fastify', /node_modules\/(fastify|@fastify|avvio|light-my-request|find-my-way|fast-json-stringify)/],
  ['Node http/net', /\snode:(_http|http|net|stream|internal\/(http|stream|net|streams))/],
];

/**
 * Inclusive time (µs) per phase within [fromUs, toUs): each sample is charged to the phase of its
 * frame nearest the leaf that matches; samples under no phase are '(other)' and idle is '(idle)'.
 */
export function phaseTimes(
  p: CpuProfile,
  phases: readonly Phase[],
  fromUs = 0,
  toUs = Infinity,
  inside?: Map<string, Map<string, number>>,
): Map<string, number> {
  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const phaseOf = new Map<number, string>();
  const resolve = (id: number): string => {
    const known = phaseOf.get(id);
    if (known !== undefined) return known;
    const { functionName, url } = byNode.get(id)!.callFrame;
    if (functionName === '(idle)') return '(idle)';
    // the service runs from dist/: match its frames by the source file they were compiled from
    const source = url.replace(/\/dist\/(.*)\.js$/, '/src/$1.ts');
    const own = phases.find(([, re]) => re.test(`${functionName} ${source}`))?.[0];
    const up = parent.get(id);
    const phase = own ?? (up === undefined ? '(other)' : resolve(up));
    phaseOf.set(id, phase);
    return phase;
  };
  const times = new Map<string, number>();
  for (const [id, us] of selfTimes(p, fromUs, toUs)) {
    const phase = resolve(id);
    times.set(phase, (times.get(phase) ?? 0) + us);
    if (!inside) continue;
    const groups = inside.get(phase) ?? new Map<string, number>();
    const group = frameGroup(byNode.get(id)!.callFrame);
    inside.set(phase, groups.set(group, (groups.get(group) ?? 0) + us));
  }
  return times;
}

function printPhases(p: CpuProfile, phases: readonly Phase[], fromUs: number, toUs: number, perSecond?: number, split = 0) {
  const inside = new Map<string, Map<string, number>>();
  const times = phaseTimes(p, phases, fromUs, toUs, inside);
  const busy = [...times].reduce((sum, [k, us]) => (k === '(idle)' ? sum : sum + us), 0);
  const windowS = (Math.min(toUs, sampledUs(p)) - fromUs) / 1e6;
  const ops = perSecond ? perSecond * windowS : undefined;
  console.log(
    `\ninclusive time by phase (${windowS.toFixed(1)} s window, busy ${(busy / 1e6).toFixed(2)} s${ops ? `, ${Math.round(ops)} notarizations` : ''}):`,
  );
  const rows = [...times].filter(([k]) => k !== '(idle)').sort((a, b) => b[1] - a[1]);
  console.table(
    Object.fromEntries(
      rows.map(([k, us]) => [
        k,
        { ms: Math.round(us / 1000), '% busy': +((100 * us) / busy).toFixed(1), ...(ops ? { 'µs/op': +(us / ops).toFixed(1) } : {}) },
      ]),
    ),
  );
  for (const [phase] of rows.slice(0, split)) {
    const groups = [...inside.get(phase)!].sort((a, b) => b[1] - a[1]).slice(0, 8);
    const show = (us: number) => (ops ? `${(us / ops).toFixed(1)} µs/op` : `${Math.round(us / 1000)} ms`);
    console.log(`  ${phase}, self time by file: ${groups.map(([g, us]) => `${g} ${show(us)}`).join(', ')}`);
  }
}

const sampledUs = (p: CpuProfile) => p.timeDeltas.reduce((a, b) => a + b, 0);

/** Busy (non-idle) ms in each second of the profile: shows where start-up ends and the load begins. */
function busyPerSecond(p: CpuProfile, byNode: Map<number, ProfileNode>): number[] {
  const seconds: number[] = [];
  let t = 0;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i] ?? 0;
    const s = Math.floor(t / 1e6);
    if (byNode.get(p.samples[i]!)!.callFrame.functionName !== '(idle)') seconds[s] = (seconds[s] ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000;
  }
  return Array.from(seconds, (ms) => Math.round(ms ?? 0));
}

function summarise(p: CpuProfile, top: number, fromUs: number, toUs: number) {
  const self = selfTimes(p, fromUs, toUs);
  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const byFunction = new Map<string, number>();
  const byGroup = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const frame = byNode.get(id)!.callFrame;
    const group = frameGroup(frame);
    const fn = `${frame.functionName || '(anonymous)'} ${group}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byGroup.set(group, (byGroup.get(group) ?? 0) + us);
    total += us;
  }
  const idle = byGroup.get('(idle)') ?? 0;
  byFunction.delete('(idle) (idle)');
  const busy = total - idle;
  const row = (us: number) => ({ ms: Math.round(us / 1000), '% busy': +((100 * us) / busy).toFixed(1) });
  const rows = (m: Map<string, number>) =>
    Object.fromEntries(
      [...m]
        .filter(([k]) => k !== '(idle)')
        .sort((a, b) => b[1] - a[1])
        .slice(0, top)
        .map(([k, us]) => [k, row(us)]),
    );
  console.log(
    `profile: ${(total / 1e6).toFixed(1)} s sampled, idle ${((100 * idle) / total).toFixed(1)} %, ` +
      `busy ${(busy / 1e6).toFixed(2)} s; GC ${((100 * (byGroup.get('(garbage collector)') ?? 0)) / busy).toFixed(1)} % of busy, ` +
      `program (native, unattributed) ${((100 * (byGroup.get('(program)') ?? 0)) / busy).toFixed(1)} % of busy`,
  );
  console.log(`busy ms per second of the profile: ${busyPerSecond(p, byNode).join(' ')}`);
  console.log(`\nself time by function (top ${top}):`);
  console.table(rows(byFunction));
  console.log(`\nself time by package / source file (top ${top}):`);
  console.table(rows(byGroup));
}

/** Self time of the functions named `name`, by the chain of their `depth` nearest callers. */
function callers(p: CpuProfile, name: string, depth: number, top: number, fromUs: number, toUs: number) {
  const byNode = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const chains = new Map<string, number>();
  for (const [id, us] of selfTimes(p, fromUs, toUs)) {
    if (byNode.get(id)!.callFrame.functionName !== name) continue;
    const chain: string[] = [];
    for (let at = parent.get(id); at !== undefined && chain.length < depth; at = parent.get(at)) {
      const f = byNode.get(at)!.callFrame;
      chain.push(`${f.functionName || '(anonymous)'} ${frameGroup(f)}:${f.lineNumber + 1}`);
    }
    const key = chain.join(' < ');
    chains.set(key, (chains.get(key) ?? 0) + us);
  }
  console.log(`\ncallers of ${name} (self ms):`);
  for (const [chain, us] of [...chains].sort((a, b) => b[1] - a[1]).slice(0, top))
    console.log(`${String(Math.round(us / 1000)).padStart(6)}  ${chain}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      top: { type: 'string', default: '30' },
      callers: { type: 'string', multiple: true },
      depth: { type: 'string', default: '4' },
      'from-ms': { type: 'string', default: '0' },
      'to-ms': { type: 'string' },
      phases: { type: 'boolean', default: false },
      phase: { type: 'string', multiple: true },
      'per-s': { type: 'string' },
      split: { type: 'string', default: '0' },
    },
  });
  for (const file of positionals) {
    console.log(`\n== ${file}`);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const [fromUs, toUs] = [Number(values['from-ms']) * 1000, values['to-ms'] ? Number(values['to-ms']) * 1000 : Infinity];
    const phases = values.phase?.map((arg): Phase => {
      const at = arg.indexOf('=');
      return [arg.slice(0, at), new RegExp(arg.slice(at + 1))];
    });
    if (values.phases || phases) {
      console.log(`busy ms per second of the profile: ${busyPerSecond(profile, new Map(profile.nodes.map((n) => [n.id, n]))).join(' ')}`);
      printPhases(
        profile,
        phases ?? DEFAULT_PHASES,
        fromUs,
        toUs,
        values['per-s'] ? Number(values['per-s']) : undefined,
        Number(values.split),
      );
    } else if (values.callers)
      for (const name of values.callers) callers(profile, name, Number(values.depth), Number(values.top), fromUs, toUs);
    else summarise(profile, Number(values.top), fromUs, toUs);
  }
}
