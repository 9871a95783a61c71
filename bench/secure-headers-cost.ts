/**
 * CPU per response of the secure headers: helmet's middleware (built once, run per request, as
 * before) against replaying its recorded calls (src/api/rest/auth/secure-headers.ts), each on a
 * fresh ServerResponse, interleaved round by round (process.cpuUsage, µs per response, medians).
 *   npx tsx bench/secure-headers-cost.ts [--rounds 7] [--iterations 20000]
 */
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import { parseArgs } from 'node:util';
import helmet from 'helmet';
import { recordSecureHeaders, SECURE_HEADERS } from '../src/api/rest/auth/secure-headers.js';
import { median } from './stats.js';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '7' }, iterations: { type: 'string', default: '20000' } },
});
const req = new IncomingMessage(new Socket());
const middleware = helmet(SECURE_HEADERS);
const ops = recordSecureHeaders();
const contenders = {
  helmet: (res: ServerResponse) => middleware(req, res, () => {}),
  replay: (res: ServerResponse) => {
    for (const op of ops) {
      if (op.length === 2) res.setHeader(op[0], op[1]);
      else res.removeHeader(op[0]);
    }
  },
};
const times: Record<string, number[]> = { helmet: [], replay: [] };
const n = Number(args.iterations);
for (let round = 0; round < Number(args.rounds); round++) {
  for (const [name, apply] of Object.entries(contenders)) {
    const responses = Array.from({ length: n }, () => new ServerResponse(req)); // made outside the timed loop
    const start = process.cpuUsage();
    for (const res of responses) apply(res);
    const used = process.cpuUsage(start);
    times[name]!.push((used.user + used.system) / n);
  }
}
console.log(`${args.rounds} interleaved rounds of ${n} responses`);
for (const [name, us] of Object.entries(times))
  console.log(`${name}: median ${median(us).toFixed(2)} µs/response (${us.map((u) => u.toFixed(2)).join(', ')})`);
