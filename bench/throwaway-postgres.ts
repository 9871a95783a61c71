/**
 * A throwaway PostgreSQL for `npm run bench -- --database-url …` (and `--replicas N`): the binaries
 * the embedded default ships, a fresh cluster in /tmp on a free loopback port, fsync on (the
 * server's default), removed on Ctrl-C / SIGTERM. Prints its URL.
 *   npx tsx bench/throwaway-postgres.ts
 */
import { startPostgres } from '../test/support/postgres-server.js';

const server = await startPostgres();
console.log(server.url);
const stop = () => {
  server.stop();
  process.exit(0);
};
process.once('SIGINT', stop).once('SIGTERM', stop);
setInterval(() => undefined, 1 << 30); // keeps the process (and so the server) until a signal
