/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`, e.g. `npm run bench -- --service-cpu-prof DIR`)
 * by self time: the top functions, and the same samples grouped by package (node_modules/<pkg>) or by
 * our source file, with the shares of GC, idle and program (native) time apart.
 *   npx tsx bench/cpu-profile-top.ts FILE.cpuprofile [--top 30] [--from-ms 0] [--to-ms Infinity]
 * --from-ms/--to-ms keep only samples in that window (ms from the profile's start), e.g. the load.
 * --callers NAME prints, for functions whose name is NAME, their self time by caller chain (--depth 4).
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
    },
  });
  for (const file of positionals) {
    console.log(`\n== ${file}`);
    const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const [fromUs, toUs] = [Number(values['from-ms']) * 1000, values['to-ms'] ? Number(values['to-ms']) * 1000 : Infinity];
    if (values.callers) for (const name of values.callers) callers(profile, name, Number(values.depth), Number(values.top), fromUs, toUs);
    else summarise(profile, Number(values.top), fromUs, toUs);
  }
}
