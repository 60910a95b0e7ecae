/**
 * `npm run bench [-- --only a,b]`: runs the benchmarks one after another (never concurrently: 2 cores) and writes
 * bench/results/latest.json and bench/results/RESULTS.md. With --only, earlier results of the other benchmarks are
 * kept, so one benchmark can be re-run without losing the rest. Without --only, the analysis-size benchmark and the
 * live comparison (bench/analysis/live-compare.ts; skipped with BENCH_SKIP_LIVE=1) follow, each writing its own
 * bench/results files; `--only analysis-size` or `--only live-compare` runs one of them. (The npm script is this one
 * command, so that npm's appended arguments reach it.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { machineFacts } from './lib/machine';
import { writeResults } from './lib/report';
import { BenchResult } from './lib/result';
import { copyTestAssets } from './lib/test-assets';

interface Bench {
  readonly name: string;
  readonly load: () => Promise<{ run(): Promise<BenchResult> }>;
}

const BENCHES: readonly Bench[] = [
  { name: 'webhook', load: async () => {
    process.env.BENCH_WEBHOOK_CORES = '1';
    return import('./benches/webhook');
  } },
  // The same benchmark with the servers on both cores (BENCH_WEBHOOK_CORES=2, set by this entry).
  { name: 'webhook-2cores', load: async () => {
    process.env.BENCH_WEBHOOK_CORES = '2';
    return import('./benches/webhook');
  } },
  // The server under the authenticator pod's memory limit, with and without its node flags (needs cgroups: root).
  { name: 'webhook-pod', load: () => import('./benches/webhook-pod') },
  { name: 'webhook-sts-bound', load: () => import('./benches/webhook-sts-bound') },
  { name: 'verify-cpu', load: () => import('./benches/verify-cpu') },
  { name: 'cluster-ipc', load: () => import('./benches/cluster-ipc') },
  { name: 'sts-client', load: () => import('./benches/sts-client') },
  // Long (six control-plane starts, ~10 min): runs only with BENCH_KUBE_APISERVER=1, else reports itself skipped.
  { name: 'kube-apiserver-client', load: () => import('./benches/kube-apiserver-client') },
  { name: 'synth', load: () => import('./benches/synth') },
  { name: 'cdk8s', load: () => import('./benches/cdk8s') },
  { name: 'lambda', load: () => import('./benches/lambda') },
  { name: 'token-cli', load: () => import('./benches/token-cli') },
  { name: 'container', load: () => import('./benches/container') },
  { name: 'snapshot-size', load: () => import('./benches/snapshot-size') },
];

const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'bench', 'results');
const REPO = path.resolve(__dirname, '..', '..');

/** Benchmarks with results files of their own (not latest.json), run after the others. */
const OWN_FILES: ReadonlyArray<{ readonly name: string; run(): Promise<void> }> = [
  { name: 'analysis-size', run: async () => (await import('./analysis/analysis-size')).run() },
  { name: 'live-compare', run: async () => {
    if (process.env.BENCH_SKIP_LIVE === '1') return void process.stderr.write('bench: live-compare skipped (BENCH_SKIP_LIVE=1)\n');
    // Through ts-node from the sources, as `npm run bench:live-compare` runs it.
    const r = spawnSync(path.join(REPO, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', path.join(REPO, 'bench', 'analysis', 'live-compare.ts')], { cwd: REPO, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`live-compare exited ${r.status ?? r.signal}`);
  } },
];

function previousResults(): BenchResult[] {
  const file = path.join(RESULTS_DIR, 'latest.json');
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { results: BenchResult[] }).results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  const known = [...BENCHES, ...OWN_FILES].map((b) => b.name);
  const unknown = [...(only ?? [])].filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; valid: ${known.join(', ')}`);
  }
  copyTestAssets();
  const fresh = new Map<string, BenchResult>();
  const loads: string[] = [];
  // Read once (it runs `go version`); each result and the file header take it with their own date and load.
  const facts = machineFacts();
  for (const bench of BENCHES) {
    if (only && !only.has(bench.name)) continue;
    const loadAtStart = os.loadavg()[0].toFixed(1);
    loads.push(`${bench.name} ${loadAtStart}`);
    process.stderr.write(`bench: ${bench.name} …\n`);
    const mod = await bench.load();
    const started = new Date();
    const result = await mod.run();
    const conditions = `1-min load average ${loadAtStart} as it started, ${os.loadavg()[0].toFixed(1)} as it ended`;
    fresh.set(bench.name, { ...result, machine: { ...facts, date: started.toISOString(), conditions } });
  }
  const kept = previousResults().filter((r) => !fresh.has(r.name) && BENCHES.some((b) => b.name === r.name));
  const order = (r: BenchResult) => BENCHES.findIndex((b) => b.name === r.name);
  const results = [...kept, ...fresh.values()].sort((a, b) => order(a) - order(b));
  loads.push(`end ${os.loadavg()[0].toFixed(1)}`);
  const conditions = `1-min load average of the ${os.cpus().length} cores as each benchmark started: ${loads.join(', ')} ` +
    '(a load above the core count means other jobs were competing for them).';
  if (fresh.size > 0) {
    for (const file of writeResults(RESULTS_DIR, { ...facts, date: new Date().toISOString(), conditions }, results)) process.stderr.write(`bench: wrote ${file}\n`);
  }
  for (const bench of OWN_FILES) {
    if (only && !only.has(bench.name)) continue;
    process.stderr.write(`bench: ${bench.name} …\n`);
    await bench.run();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
