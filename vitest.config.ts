import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/**
 * Process-level fault tests: each runs the service as its own process under load and then breaks
 * something (SIGKILL, the database's sessions or server, a full tmpfs, the syslog collector), or
 * packs and installs the package, and asserts counts that need the machine's attention. They run
 * after the rest, two at a time (NOTARY_FAULT_WORKERS overrides), instead of beside four other files.
 * Long ones are split by case (database-faults-*, backup-restore-*) so the two workers share them:
 * the group lasts as long as its slowest file, or half the files' sum, whichever is more.
 */
const FAULTS = [
  'test/e2e/process-poison.test.ts',
  'test/e2e/database-faults-sigkill.test.ts',
  'test/e2e/database-faults-terminate.test.ts',
  'test/e2e/database-faults-stop.test.ts',
  'test/e2e/disk-full.test.ts',
  'test/e2e/siem-syslog.test.ts',
  'test/e2e/backup-restore.test.ts',
  'test/e2e/backup-restore-external.test.ts',
  'test/e2e/process-shutdown.test.ts',
  'test/e2e/cli-sign.test.ts',
  'test/e2e/npm-start.test.ts',
];

/**
 * Unit tests hold no server, write no process.env and register no global provider: they share
 * their workers' module graph (isolate: false) instead of each importing src/ and its libraries
 * afresh in a new process, which costs more CPU than most of them spend testing.
 */
const UNIT = ['test/unit/**/*.test.ts'];

/**
 * Most files spend their time waiting (a server starting, a process answering, a timer), not
 * computing: more files at once than cores keeps both cores busy. NOTARY_TEST_WORKERS overrides.
 * These files too share their worker's module graph (isolate: false): each imported src/ and its
 * libraries afresh (167 s of import in the group, 508 s of CPU; shared: 49 s and 433 s). What a file
 * changes in the process it puts back when it ends: process.env (saved and restored), TMPDIR
 * (file-tmpdir.ts), OpenTelemetry's globals (an app's close unregisters its provider).
 */
const workers = Number(process.env.NOTARY_TEST_WORKERS) || Math.max(2, Math.min(4, availableParallelism() * 2));
const faultWorkers = Number(process.env.NOTARY_FAULT_WORKERS) || 2;

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/file-tmpdir.ts'],
    // hang guards, not speed limits: with four files at once on two shared cores a test that starts
    // several processes (cli-verify starts nine CLIs in one test) can pass 30 s without being stuck
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: UNIT, isolate: false, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...UNIT, ...FAULTS],
          maxWorkers: workers,
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: { name: 'faults', include: FAULTS, maxWorkers: faultWorkers, sequence: { groupOrder: 2 } },
      },
    ],
  },
});
