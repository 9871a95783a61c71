/**
 * monitoring/: promtool checks the rules and the scrape config and runs the rule unit tests;
 * plain assertions tie alerts, tests, the prometheus-adapter config, the HPA and the metric names
 * of src/observability/metrics.ts together. promtool comes from Debian's `prometheus` package;
 * without it the promtool part fails under CI and is skipped (with a warning) elsewhere.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../src/observability/metrics.js';

const root = resolve(import.meta.dirname, '../..');
const dir = resolve(root, 'monitoring');
const read = (file: string) => readFileSync(resolve(dir, file), 'utf8');
type Obj = Record<string, any>;

const promtoolFound = spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
if (!promtoolFound && process.env.CI) {
  throw new Error('promtool is required in CI: apt-get install -y prometheus (Debian package)');
}
if (!promtoolFound) {
  console.warn('monitoring.test: promtool not found (apt-get install -y prometheus); promtool checks are skipped');
}

function promtool(...args: string[]): { ok: boolean; output: string } {
  const result = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8', timeout: 60_000 });
  return { ok: result.status === 0, output: `${result.stdout}\n${result.stderr}` };
}

const rules = parse(read('alerts.yml')) as { groups: { name: string; rules: Obj[] }[] };
const allRules = rules.groups.flatMap((g) => g.rules);
const alerts = allRules.filter((r) => r.alert);
const testFiles = readdirSync(resolve(dir, 'tests')).filter((f) => /\.ya?ml$/.test(f));
const ALERTS = [
  'HighErrorRate',
  'HighResponseTime',
  'ServiceDown',
  'AnchoringBacklog',
  'VaultUnavailable',
  'DLQGrowth',
  'TransparencyLogIntegrity',
];

/** Two fake pods as Kubernetes pod discovery would describe them, and one unrelated pod. */
const DISCOVERED_PODS = [
  {
    targets: ['10.1.2.3:3030'],
    labels: {
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_annotation_prometheus_io_port: '3030',
      __meta_kubernetes_pod_annotation_prometheus_io_path: '/metrics',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'afdp-notary',
      __meta_kubernetes_namespace: 'afdp-notary',
      __meta_kubernetes_pod_name: 'afdp-notary-5f7d-x1',
      __meta_kubernetes_pod_phase: 'Running',
    },
  },
  {
    targets: ['10.1.2.4:50051'],
    labels: {
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_annotation_prometheus_io_port: '3030',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'afdp-notary',
      __meta_kubernetes_namespace: 'afdp-notary',
      __meta_kubernetes_pod_name: 'afdp-notary-5f7d-x2',
      __meta_kubernetes_pod_phase: 'Running',
    },
  },
  {
    targets: ['10.1.2.5:9100'],
    labels: {
      __meta_kubernetes_pod_annotation_prometheus_io_scrape: 'true',
      __meta_kubernetes_pod_label_app_kubernetes_io_name: 'node-exporter',
      __meta_kubernetes_pod_phase: 'Running',
    },
  },
];

/**
 * Debian's promtool is built without Kubernetes service discovery, so the Kubernetes job is
 * checked in a copy whose kubernetes_sd_configs is replaced by static targets carrying the same
 * `__meta_kubernetes_*` labels: the relabelling rules then run exactly as they would in a cluster.
 */
function configWithStaticPods(): string {
  const config = parse(read('prometheus.yml')) as Obj;
  config.rule_files = (config.rule_files as string[]).map((f) => resolve(dir, f));
  const job = (config.scrape_configs as Obj[]).find((j) => j.job_name === 'afdp-notary');
  delete job!.kubernetes_sd_configs;
  job!.static_configs = DISCOVERED_PODS;
  const file = join(mkdtempSync(join(tmpdir(), 'notary-prom-')), 'prometheus.yml');
  writeFileSync(file, stringify(config));
  return file;
}

describe.skipIf(!promtoolFound)('promtool', () => {
  it('check rules: alerts.yml is valid', () => {
    const { ok, output } = promtool('check', 'rules', 'alerts.yml');
    expect(output).toContain('SUCCESS');
    expect(ok, output).toBe(true);
  });

  it('check config: prometheus.yml is valid (Kubernetes SD swapped for static targets if promtool lacks it)', () => {
    const direct = promtool('check', 'config', 'prometheus.yml');
    if (!direct.ok) expect(direct.output).toMatch(/field kubernetes_sd_configs not found/);
    const derived = promtool('check', 'config', configWithStaticPods());
    expect(derived.ok, derived.output).toBe(true);
  });

  it('check service-discovery: annotated notary pods are scraped on the annotated port with namespace and pod labels', () => {
    const { ok, output } = promtool('check', 'service-discovery', '--timeout=3s', configWithStaticPods(), 'afdp-notary');
    expect(ok, output).toBe(true);
    const targets = (JSON.parse(output.slice(output.indexOf('['), output.lastIndexOf(']') + 1)) as Obj[])
      .map((t) => t.labels)
      .filter((labels) => Object.keys(labels).length > 0)
      // promtool lists discovered targets in no fixed order
      .sort((a, b) => String((a as Obj).pod).localeCompare(String((b as Obj).pod)));
    expect(targets).toHaveLength(2);
    expect(targets[0]).toMatchObject({
      instance: '10.1.2.3:3030',
      __metrics_path__: '/metrics',
      namespace: 'afdp-notary',
      pod: 'afdp-notary-5f7d-x1',
    });
    expect(targets[1]).toMatchObject({ __address__: '10.1.2.4:3030', pod: 'afdp-notary-5f7d-x2' });
  });

  it('test rules: every unit test in monitoring/tests passes', () => {
    const { ok, output } = promtool('test', 'rules', ...testFiles.map((f) => `tests/${f}`));
    expect(ok, output).toBe(true);
    expect(output).not.toContain('FAILED');
  });
});

describe('monitoring files', () => {
  it('define every required alert with a `for`, a severity and a summary', () => {
    expect(alerts.map((a) => a.alert).sort()).toEqual([...ALERTS].sort());
    for (const alert of alerts) {
      expect(alert.for, alert.alert).toMatch(/^\d+m$/);
      expect(['warning', 'critical']).toContain(alert.labels.severity);
      expect(alert.annotations.summary).toBeTruthy();
    }
    expect(alerts.find((a) => a.alert === 'HighErrorRate')!.for).toBe('5m');
    expect(alerts.find((a) => a.alert === 'HighResponseTime')!.for).toBe('5m');
    expect(alerts.find((a) => a.alert === 'ServiceDown')!.for).toBe('1m');
  });

  it('have unit tests where each alert both fires and stays quiet', () => {
    const cases = testFiles.flatMap((f) => (parse(read(`tests/${f}`)) as Obj).tests.flatMap((t: Obj) => t.alert_rule_test ?? []));
    for (const name of ALERTS) {
      const mine = cases.filter((c: Obj) => c.alertname === name);
      expect(
        mine.some((c: Obj) => c.exp_alerts?.length > 0),
        `${name} fires in a test`,
      ).toBe(true);
      expect(
        mine.some((c: Obj) => !c.exp_alerts?.length),
        `${name} stays quiet in a test`,
      ).toBe(true);
    }
  });

  it('only use metric names that createMetrics() registers (or Prometheus itself provides)', () => {
    const registered = new Set(
      createMetrics()
        .registry.getMetricsAsArray()
        .map((m) => m.name),
    );
    const recorded = new Set(allRules.filter((r) => r.record).map((r) => r.record as string));
    const FUNCTIONS = new Set(['sum', 'by', 'rate', 'increase', 'max', 'or', 'histogram_quantile', 'le', 'job', 'namespace', 'pod', 'up']);
    for (const rule of allRules) {
      const names =
        (rule.expr as string)
          .replace(/\{[^}]*\}/g, '')
          .replace(/\[[^\]]*\]/g, '')
          .match(/[a-zA-Z_:][a-zA-Z0-9_:]*/g) ?? [];
      for (const name of names.filter((n) => !FUNCTIONS.has(n))) {
        const base = name.replace(/_(bucket|count|sum)$/, '');
        expect(registered.has(base) || recorded.has(name), `${rule.alert ?? rule.record}: ${name}`).toBe(true);
      }
    }
  });

  it('feed the HPA: recording rule → prometheus-adapter → Pods metric in k8s/base/hpa.yaml', () => {
    const record = allRules.find((r) => r.record === 'http_requests_per_second');
    expect(record?.expr).toMatch(/sum by \(namespace, pod\) \(rate\(http_requests_total/);
    const adapter = parse(read('prometheus-adapter.yaml')) as Obj;
    const [rule] = (parse(adapter.data['config.yaml']) as Obj).rules;
    expect(rule.seriesQuery).toMatch(/^http_requests_per_second\{/);
    expect(rule.resources.overrides).toEqual({ namespace: { resource: 'namespace' }, pod: { resource: 'pod' } });
    const hpa = parse(readFileSync(resolve(root, 'k8s/base/hpa.yaml'), 'utf8')) as Obj;
    const pods = hpa.spec.metrics.find((m: Obj) => m.type === 'Pods');
    expect(pods.pods.metric.name).toBe(rule.name.as);
  });

  it('scrape the pods that k8s/base/deployment.yaml annotates', () => {
    const deployment = parse(readFileSync(resolve(root, 'k8s/base/deployment.yaml'), 'utf8')) as Obj;
    const annotations = deployment.spec.template.metadata.annotations;
    expect(annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '3030', 'prometheus.io/path': '/metrics' });
    const config = parse(read('prometheus.yml')) as Obj;
    expect(config.rule_files).toContain('alerts.yml');
    const jobs = (config.scrape_configs as Obj[]).map((j) => j.job_name);
    expect(jobs).toEqual(['afdp-notary', 'afdp-notary-static']);
    for (const rule of allRules) expect(rule.expr).toMatch(/job=~"afdp-notary\.\*"/);
  });
});
