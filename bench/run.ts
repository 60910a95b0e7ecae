/**
 * `npm run bench [-- --only a,b]`: runs the benchmarks one after another (never concurrently: 2 cores) and writes
 * bench/results/latest.json and bench/results/RESULTS.md. With --only, earlier results of the other benchmarks are
 * kept, so one benchmark can be re-run without losing the rest.
 */
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
  { name: 'webhook-sts-bound', load: () => import('./benches/webhook-sts-bound') },
  { name: 'verify-cpu', load: () => import('./benches/verify-cpu') },
  { name: 'cluster-ipc', load: () => import('./benches/cluster-ipc') },
  { name: 'sts-client', load: () => import('./benches/sts-client') },
  // Long (four control-plane starts): runs only with BENCH_KUBE_APISERVER=1, else reports itself skipped.
  { name: 'kube-apiserver-client', load: () => import('./benches/kube-apiserver-client') },
  { name: 'synth', load: () => import('./benches/synth') },
  { name: 'cdk8s', load: () => import('./benches/cdk8s') },
  { name: 'lambda', load: () => import('./benches/lambda') },
  { name: 'token-cli', load: () => import('./benches/token-cli') },
  { name: 'container', load: () => import('./benches/container') },
  { name: 'snapshot-size', load: () => import('./benches/snapshot-size') },
];

const RESULTS_DIR = path.resolve(__dirname, '..', '..', 'bench', 'results');

function previousResults(): BenchResult[] {
  const file = path.join(RESULTS_DIR, 'latest.json');
  if (!existsSync(file)) return [];
  return (JSON.parse(readFileSync(file, 'utf8')) as { results: BenchResult[] }).results;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const only = values.only ? new Set(values.only.split(',')) : undefined;
  const unknown = [...(only ?? [])].filter((n) => !BENCHES.some((b) => b.name === n));
  if (unknown.length > 0) {
    throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; valid: ${BENCHES.map((b) => b.name).join(', ')}`);
  }
  copyTestAssets();
  const fresh = new Map<string, BenchResult>();
  const loads: string[] = [];
  for (const bench of BENCHES) {
    if (only && !only.has(bench.name)) continue;
    loads.push(`${bench.name} ${os.loadavg()[0].toFixed(1)}`);
    process.stderr.write(`bench: ${bench.name} …\n`);
    const mod = await bench.load();
    fresh.set(bench.name, await mod.run());
  }
  const kept = previousResults().filter((r) => !fresh.has(r.name) && BENCHES.some((b) => b.name === r.name));
  const order = (r: BenchResult) => BENCHES.findIndex((b) => b.name === r.name);
  const results = [...kept, ...fresh.values()].sort((a, b) => order(a) - order(b));
  loads.push(`end ${os.loadavg()[0].toFixed(1)}`);
  const conditions = `1-min load average of the ${os.cpus().length} cores as each benchmark started: ${loads.join(', ')} ` +
    '(a load above the core count means other jobs were competing for them).';
  for (const file of writeResults(RESULTS_DIR, { ...machineFacts(), conditions }, results)) process.stderr.write(`bench: wrote ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
