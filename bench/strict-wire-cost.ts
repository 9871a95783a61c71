/**
 * CPU per SignEvidence request of the gRPC door's raw-byte check (strict-wire.ts: UTF-8 of every
 * string, map keys once, nesting) on the shared fixtures, encoded as grpc-js encodes them
 * (process.cpuUsage over --iterations, --rounds times, µs per request, median).
 *   npx tsx bench/strict-wire-cost.ts [--rounds 7] [--iterations 5000]
 */
import { parseArgs } from 'node:util';
import { toProtoPackage } from '../src/api/grpc/index.js';
import { notaryServiceDefinition } from '../src/api/grpc/proto.js';
import { strictServiceDefinition } from '../src/api/grpc/strict-wire.js';
import type { EvidencePackage } from '../src/core/evidence.js';
import { fixtures } from '../test/support/records.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '7' }, iterations: { type: 'string', default: '5000' } },
});
const plain = notaryServiceDefinition().SignEvidence!;
const strict = strictServiceDefinition(notaryServiceDefinition()).SignEvidence!;
const requests = Object.values(fixtures()).map((p) => plain.requestSerialize({ evidence_package: toProtoPackage(p as EvidencePackage) }));
const times: Record<string, number[]> = { decode: [], 'check + decode': [] };
const n = Number(args.iterations);
for (let round = 0; round < Number(args.rounds); round++) {
  for (const [name, deserialize] of [
    ['decode', plain.requestDeserialize],
    ['check + decode', strict.requestDeserialize],
  ] as const) {
    const start = process.cpuUsage();
    for (let i = 0; i < n; i++) deserialize(requests[i % requests.length]!);
    const used = process.cpuUsage(start);
    times[name]!.push((used.user + used.system) / n);
  }
}
console.log(`${requests.length} fixtures as SignEvidence requests, ${args.rounds} rounds of ${n}`);
for (const [name, us] of Object.entries(times))
  console.log(`${name}: median ${median(us).toFixed(1)} µs/request (${us.map((u) => u.toFixed(1)).join(', ')})`);
