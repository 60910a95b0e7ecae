/**
 * Fleet synth benchmark (issue 26, `npm run bench:fleet`): C clusters × P principals (identities shared: P IAM roles
 * of a hub account granted on every cluster) synthesized as one app with an `AccessFleet`
 * (bench/workers/fleet-synth.ts) against the same grants written as C separate apps, one per cluster
 * (bench/workers/fleet-synth-app.ts, each in a fresh process as `cdk synth` runs it). Writes
 * bench/results/fleet-synth.{md,json} with the method, the machine and its load before and after.
 *
 * Usage: node dist/bench/benches/fleet-synth.js [CLUSTERSxPRINCIPALS[:RUNS] ...]   (default: 10x300:3 50x3000:1)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { describeMachine, machineFacts } from '../lib/machine';
import { median } from '../lib/stats';
import { runWorker, WorkerMeasurement } from '../lib/worker';

interface Case { readonly clusters: number; readonly principals: number; readonly runs: number }

interface CaseResult extends Case {
  /** Median over runs of the one fleet app. */
  readonly fleet: WorkerMeasurement;
  /** Median over runs of the C separate apps: wall and CPU summed over the apps (run one after another), RSS the largest. */
  readonly separateApps: WorkerMeasurement;
  /** The fastest and slowest single app of the separate-apps runs (wall ms). */
  readonly singleAppMs: { readonly min: number; readonly max: number };
}

function parseCases(args: string[]): Case[] {
  const specs = args.length > 0 ? args : ['10x300:3', '50x3000:1'];
  return specs.map((spec) => {
    const m = /^(\d+)x(\d+)(?::(\d+))?$/.exec(spec);
    if (!m) throw new Error(`bad case '${spec}': expected CLUSTERSxPRINCIPALS[:RUNS], e.g. 50x3000:1`);
    return { clusters: Number(m[1]), principals: Number(m[2]), runs: Number(m[3] ?? '1') };
  });
}

function separateApps(c: Case): { total: WorkerMeasurement; singles: number[] } {
  const runs: WorkerMeasurement[] = [];
  for (let n = 0; n < c.clusters; n++) runs.push(runWorker('fleet-synth-app', [String(n), String(c.principals)]));
  return {
    total: { ms: runs.reduce((a, r) => a + r.ms, 0), cpuMs: runs.reduce((a, r) => a + r.cpuMs, 0), maxRssMiB: Math.max(...runs.map((r) => r.maxRssMiB)) },
    singles: runs.map((r) => r.ms),
  };
}

function runCase(c: Case): CaseResult {
  const fleet: WorkerMeasurement[] = [];
  const apps: WorkerMeasurement[] = [];
  const singles: number[] = [];
  for (let i = 0; i < c.runs; i++) {
    // Alternating, so drifting load on the shared machine hits both sides.
    process.stderr.write(`bench: fleet ${c.clusters}x${c.principals} run ${i + 1}/${c.runs}: one fleet app\n`);
    fleet.push(runWorker('fleet-synth', [String(c.clusters), String(c.principals)]));
    process.stderr.write(`bench: fleet ${c.clusters}x${c.principals} run ${i + 1}/${c.runs}: ${c.clusters} separate apps\n`);
    const s = separateApps(c);
    apps.push(s.total);
    singles.push(...s.singles);
  }
  const med = (xs: WorkerMeasurement[]): WorkerMeasurement => ({
    ms: median(xs.map((x) => x.ms)), cpuMs: median(xs.map((x) => x.cpuMs)), maxRssMiB: median(xs.map((x) => x.maxRssMiB)),
  });
  return { ...c, fleet: med(fleet), separateApps: med(apps), singleAppMs: { min: Math.min(...singles), max: Math.max(...singles) } };
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function main(): void {
  // `--render`: rewrite the .md from the .json of the last run (after editing the text), without measuring again.
  if (process.argv[2] === '--render') {
    const saved = JSON.parse(readFileSync(join(RESULTS, 'fleet-synth.json'), 'utf8')) as Saved;
    writeMarkdown(saved, saved.results.length);
    return;
  }
  const cases = parseCases(process.argv.slice(2));
  const loadBefore = os.loadavg();
  const results: CaseResult[] = [];
  // Written after each case, so a long last case that is stopped still leaves the figures of the earlier ones.
  for (const c of cases) {
    results.push(runCase(c));
    write(results, loadBefore, cases.length);
  }
  process.stderr.write(`bench: wrote bench/results/fleet-synth.{md,json}\n`);
}

const RESULTS = join(__dirname, '..', '..', '..', 'bench', 'results');

interface Saved {
  readonly machine: ReturnType<typeof machineFacts>;
  readonly loadBefore: number[];
  readonly loadAfter: number[];
  readonly results: CaseResult[];
}

function write(results: CaseResult[], loadBefore: number[], planned: number): void {
  const saved: Saved = { machine: machineFacts(), loadBefore, loadAfter: os.loadavg(), results };
  writeFileSync(join(RESULTS, 'fleet-synth.json'), `${JSON.stringify(saved, null, 2)}\n`);
  writeMarkdown(saved, planned);
}

function writeMarkdown({ machine, loadBefore, loadAfter, results }: Saved, planned: number): void {
  const loaded = Math.max(loadBefore[0], loadAfter[0]) > 2;
  const dir = RESULTS;
  const largest = results[results.length - 1];
  const reading = largest === undefined ? '' : `At ${largest.clusters} × ${largest.principals.toLocaleString('en')}, the fleet app used `
    + `${(largest.separateApps.cpuMs / largest.fleet.cpuMs).toFixed(1)}× less CPU than the ${largest.clusters} separate apps together (each separate app loads and `
    + `warms up aws-cdk-lib and this library again, the fleet once: the likely main difference, not measured apart) and its peak RSS was ${(largest.fleet.maxRssMiB / largest.separateApps.maxRssMiB).toFixed(1)}× `
    + `the largest separate app's: one process holds every cluster's constructs until \`app.synth()\` has written them. A fleet that outgrows the `
    + `machine's memory can be split into several apps by account (each an \`AccessFleet\` of its own, so each account's identity stack stays `
    + `in one app); hub roles are shared by ARN whatever the split.\n\n`;
  const rows = results.map((r) => `| ${r.clusters} × ${r.principals.toLocaleString('en')} | ${r.runs} | ${fmt(r.fleet.ms)} | ${fmt(r.separateApps.ms)} | `
    + `${fmt(r.fleet.cpuMs)} | ${fmt(r.separateApps.cpuMs)} | ${r.fleet.maxRssMiB.toFixed(0)} MiB | ${r.separateApps.maxRssMiB.toFixed(0)} MiB | `
    + `${fmt(r.singleAppMs.min)}–${fmt(r.singleAppMs.max)} |`);
  writeFileSync(join(dir, 'fleet-synth.md'), `# Fleet synth: one AccessFleet app vs one app per cluster

| clusters × principals | runs | fleet wall | separate apps wall (sum) | fleet CPU | separate apps CPU (sum) | fleet peak RSS | separate apps peak RSS (largest app) | one separate app, wall |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

${reading}${loaded ? '**Figures are upper bounds**: the machine was loaded by other engineers\' jobs (load average above 2 on 2 cores, below), which stretches wall time most; CPU time is the steadier figure.\n\n' : ''}## How it was measured
- Grants: P IAM roles of a hub account (\`arn:aws:iam::999988887777:role/team-<i>\`), each granted on every cluster with AmazonEKSViewPolicy in one of 50 namespaces (identities shared: the roles exist once, in the hub; per cluster only the access entry and its \`eks:DescribeCluster\` grant are made). Clusters: 5 per account, all in us-east-1, so C clusters are C/5 stages.
- Fleet: bench/workers/fleet-synth.ts — one Node process builds the \`AccessFleet\` (\`addCluster\` × C, \`importRole\` × P), renders it and runs \`app.synth()\` to a cloud assembly on disk (one nested assembly per stage; each cluster's \`ClusterAccess\` shards its entries into nested stacks as usual).
- Separate apps: bench/workers/fleet-synth-app.ts — per cluster, a fresh Node process with an App, a Stack, an \`AccessModel\` with the same P grants and a \`ClusterAccess\`, synthesized; run one after another, wall and CPU summed (what C \`cdk synth\` runs cost; a CI running them in parallel pays the same CPU), RSS the largest single app.
- Each figure is the median over the runs; fleet and separate apps alternate. Wall and CPU are measured around the work inside each process: Node's start and the top-level imports are not counted (so the separate apps' C start-ups are under-counted: a lower bound for them), but aws-cdk-lib loads most of its modules lazily on first use, which falls inside the timed work on both sides — once for the fleet, once per app for the separate apps. CPU is user + system of the worker; peak RSS is the process's maxRSS.
- Load average (1/5/15 min) before ${loadBefore.map((x) => x.toFixed(2)).join(' / ')}, after ${loadAfter.map((x) => x.toFixed(2)).join(' / ')}.

Machine: ${describeMachine(machine)}. Written ${machine.date}${results.length < planned ? ` after ${results.length} of ${planned} cases` : ''}.
`);
}

main();
