// @ts-check
/**
 * The house plan, enforced (issue #19). Layers, as the folders show them:
 *   core  ← ports          the domain and the interfaces it talks through (no I/O library)
 *   api   → core, ports    the doors (REST, gRPC); never an adapter
 *   adapters → core, ports  vendors and storage; never a door
 *   config.ts, config/     reads and validates the environment; owns the settings' types (imports core only)
 *   workers/               background loops (anchorer, workflow runner, retention) over ports and adapters
 *   app.ts, main.ts, wiring/, cli/  composition roots: the only places that know every layer
 * Import circles are refused everywhere. Formatting is Prettier's (`.prettierrc.json`), not ESLint's.
 */
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** I/O libraries the core must reach through a port, never import. */
const CORE_FORBIDDEN_PACKAGES = [
  'fastify',
  '@fastify/*',
  '@grpc/*',
  'grpc-health-check',
  'pulsar-client',
  'pg',
  'pg-*',
  'ioredis',
  '@electric-sql/*',
  'pkcs11js',
  '@opentelemetry/*',
  'pino',
  'pino-*',
  'prom-client',
  'undici',
  'node:fs',
  'node:fs/*',
  'node:net',
  'node:http',
  'node:https',
  'node:child_process',
  'node:dgram',
  'node:tls',
  'fs',
  'net',
  'http',
  'https',
  'child_process',
];

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'packages/*/dist/**',
      'packages/*/node_modules/**',
      'console/dist/**',
      'coverage/**',
      '**/generated/**',
      'bench/results/**',
    ],
  },
  {
    files: ['**/*.ts', '**/*.tsx', '**/*.js', '**/*.mjs'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2024, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin, 'import-x': importX },
    settings: {
      'import-x/resolver-next': [
        createTypeScriptImportResolver({ project: ['tsconfig.json', 'console/tsconfig.json'], noWarnOnMultipleProjects: true }),
      ],
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
      'import-x/no-self-import': 'error',
      'import-x/no-restricted-paths': [
        'error',
        {
          zones: [
            { target: './src/core', from: './src', except: ['./core', './ports'], message: 'core imports only core and its ports' },
            { target: './src/ports', from: './src', except: ['./core', './ports'], message: 'ports import only core' },
            { target: './src/api', from: './src/adapters', message: 'a door talks to adapters through ports (wired in src/app.ts)' },
            { target: './src/adapters', from: './src/api', message: 'adapters never import a door' },
            {
              target: './src/adapters/store',
              from: './src/adapters/translog',
              message: 'the store and the log meet only in the commit unit the core opens (adapters/db), never by import',
            },
            {
              target: './src/adapters/translog',
              from: './src/adapters/store',
              message: 'the store and the log meet only in the commit unit the core opens (adapters/db), never by import',
            },
            {
              target: ['./src/config.ts', './src/config'],
              from: ['./src/adapters', './src/api'],
              message: 'config owns its types: adapters and doors import them from src/config/, never the reverse',
            },
            {
              // the CLI is a composition root of its own (backup, restore, rewrap build an app)
              target: [
                './src/core',
                './src/ports',
                './src/api',
                './src/adapters',
                './src/observability',
                './src/config',
                './src/config.ts',
                './src/workers',
              ],
              from: ['./src/app.ts', './src/main.ts', './src/wiring'],
              message: 'only a composition root (app.ts, main.ts, wiring/, cli/) imports the composition root',
            },
          ],
        },
      ],
    },
  },
  ...tseslint.configs.recommended.map((c) => ({ ...c, files: ['**/*.ts', '**/*.tsx'] })),
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      // `const { secret: _, ...rest } = x` drops a field on purpose
      '@typescript-eslint/no-unused-vars': [
        'error',
        { ignoreRestSiblings: true, argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
    },
  },
  {
    // tests, benches and scripts read untyped JSON off the wire on purpose; the service's code may not
    files: ['test/**', 'bench/**', 'scripts/**', 'examples/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: CORE_FORBIDDEN_PACKAGES, message: 'the core is pure: reach I/O through a port in src/ports/' }] },
      ],
    },
  },
);
