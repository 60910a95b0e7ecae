/**
 * `npm run bench:fleet-diff`: `eks-access diff --fleet` over a fleet snapshot folder of 50 clusters, each a generated
 * large cluster (large-cluster.ts) in the single-cluster snapshot format, against the code (here: one cluster's
 * snapshot folder, which names cluster `large` and so is placed on every cluster of that name). 45 clusters hold the
 * same access as the code (clean), 5 were generated with other seeds (drift), so the run compares everything and finds
 * drift. Each run is a fresh `eks-access` process under GNU time (wall, user+system CPU, peak RSS of that process), at
 * `--fleet-concurrency` 1 and 4 (the default), 3 runs each. Figures go to bench/results/fleet-diff.{json,md} with the
 * machine's load at start and end: the machine is shared, so figures are upper bounds when the load is above 2.
 *
 * `node dist/bench/analysis/fleet-diff.js [--clusters 50] [--principals 3000] [--rbac 2000] [--runs 3]`
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { generateLargeCluster } from './large-cluster';
import { describeMachine, machineFacts } from '../lib/machine';
import { median } from '../lib/stats';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const CLI = path.join(ROOT, 'dist', 'bin', 'eks-access.js');
const RESULTS = path.join(ROOT, 'bench', 'results');

interface Run { readonly wallS: number; readonly cpuS: number; readonly peakRssMiB: number; readonly exit: number; readonly load1: number }

function timeCli(args: string[]): Run {
  const load1 = os.loadavg()[0];
  const r = spawnSync('/usr/bin/time', ['-f', '@@%e %U %S %M', process.execPath, CLI, ...args], { encoding: 'utf8', maxBuffer: 512 * 2 ** 20 });
  const m = /@@([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(r.stderr);
  // diff answers drift with exit 1; 2 would be "cannot tell", a failure of the fixture.
  if (!m || r.status !== 1) throw new Error(`eks-access ${args.join(' ')} exited ${r.status} (expected 1, drift): ${r.stderr.slice(-800)}`);
  return { wallS: Number(m[1]), cpuS: Number(m[2]) + Number(m[3]), peakRssMiB: Math.round(Number(m[4]) / 1024), exit: r.status, load1 };
}

function folderBytes(dir: string): number {
  let total = 0;
  const walk = (p: string) => {
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) walk(path.join(p, e));
    else total += st.size;
  };
  walk(dir);
  return total;
}

function main(): void {
  const { values } = parseArgs({ options: { clusters: { type: 'string' }, principals: { type: 'string' }, rbac: { type: 'string' }, runs: { type: 'string' } } });
  const nClusters = Number(values.clusters ?? 50);
  const principals = Number(values.principals ?? 3000);
  const rbacObjects = Number(values.rbac ?? 2000);
  const runs = Number(values.runs ?? 3);
  const drifted = Math.min(5, nClusters);
  const loadStart = os.loadavg();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-fleet-diff-'));
  try {
    const live = path.join(dir, 'live');
    const code = path.join(dir, 'code');
    const base = generateLargeCluster(code, { principals, rbacObjects, seed: 24 });
    const clusters = [];
    let fleetYaml = 'clusters:\n';
    for (let i = 0; i < nClusters; i++) {
      const name = `c-${String(i).padStart(3, '0')}`;
      const account = String(100000000000 + i);
      // Same EKS name everywhere (each in its own account): the code's resources, which name `large`, go to all.
      fleetYaml += `  - name: ${name}\n    clusterName: large\n    account: "${account}"\n    region: eu-west-1\n`;
      if (i < drifted) generateLargeCluster(path.join(live, name), { principals, rbacObjects, seed: 1000 + i });
      else cpSync(code, path.join(live, name), { recursive: true });
      const snap = JSON.parse(readFileSync(path.join(live, name, 'cluster.json'), 'utf8'));
      clusters.push({ name, clusterName: 'large', account, region: 'eu-west-1', labels: {}, status: 'complete', problems: [], warnings: [], accessEntries: snap.accessEntries.length, rbacObjects: base.rbacObjects, iamRoles: 0 });
    }
    writeFileSync(path.join(live, 'fleet.json'), JSON.stringify({ kind: 'FleetSnapshot', fleetFile: 'fleet.yaml', takenAt: '2026-01-01T00:00:00.000Z', clusters }));
    const fleetFile = path.join(dir, 'fleet.yaml');
    writeFileSync(fleetFile, fleetYaml);
    const bytes = folderBytes(live);

    const figures: Record<string, Run[]> = {};
    let statuses: Record<string, number> = {};
    for (const concurrency of [1, 4]) {
      const args = ['diff', '--fleet', fleetFile, '--desired', code, '--live', live, '--fleet-concurrency', String(concurrency), '-o', 'json'];
      figures[String(concurrency)] = Array.from({ length: runs }, () => timeCli(args));
      if (concurrency === 4) {
        const out = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 512 * 2 ** 20 });
        statuses = {};
        for (const c of (JSON.parse(out.stdout) as { clusters: Array<{ status: string }> }).clusters) statuses[c.status] = (statuses[c.status] ?? 0) + 1;
      }
    }
    const loadEnd = os.loadavg();
    const loaded = Math.max(loadStart[0], loadEnd[0]) > 2;
    const summary = Object.fromEntries(Object.entries(figures).map(([c, rs]) => [c, {
      medianWallS: median(rs.map((r) => r.wallS)), medianCpuS: median(rs.map((r) => r.cpuS)), maxPeakRssMiB: Math.max(...rs.map((r) => r.peakRssMiB)), runs: rs,
    }]));
    const result = {
      name: 'fleet-diff',
      fixture: { clusters: nClusters, drifted, principalsPerCluster: principals, rbacObjectsPerCluster: base.rbacObjects, accessEntriesPerCluster: base.accessEntries, snapshotFolderMiB: Math.round(bytes / 2 ** 20) },
      statuses,
      byFleetConcurrency: summary,
      loadAverage: { start: loadStart, end: loadEnd },
      upperBounds: loaded,
      machine: { ...machineFacts(), conditions: `1-min/5-min/15-min load averages at start ${loadStart.map((l) => l.toFixed(2)).join('/')}, at end ${loadEnd.map((l) => l.toFixed(2)).join('/')} on ${os.cpus().length} cores shared with other engineers' builds and tests${loaded ? ': figures are upper bounds' : ''}` },
    };
    writeFileSync(path.join(RESULTS, 'fleet-diff.json'), `${JSON.stringify(result, null, 2)}\n`);
    const f = (c: string) => summary[c];
    const md = [
      `# \`diff --fleet\` of ${nClusters} snapshots`,
      '',
      `Median of ${runs} runs, one \`eks-access\` process each: **${f('4').medianWallS.toFixed(1)} s wall, ${f('4').medianCpuS.toFixed(1)} s CPU, ${f('4').maxPeakRssMiB} MiB peak RSS** at \`--fleet-concurrency 4\` (the default); ${f('1').medianWallS.toFixed(1)} s wall, ${f('1').medianCpuS.toFixed(1)} s CPU, ${f('1').maxPeakRssMiB} MiB at \`--fleet-concurrency 1\`. Per cluster: ${(f('4').medianWallS / nClusters).toFixed(2)} s wall, ${(f('4').medianCpuS / nClusters).toFixed(2)} s CPU; the process had a core ${Math.round((100 * f('4').medianCpuS) / f('4').medianWallS)} % of the time, so on this shared machine the CPU figure is the one to compare.${loaded ? ' The machine was loaded (1-minute load average above 2 on 2 cores): these are upper bounds.' : ''}`,
      '',
      `Answer checked on every run: exit 1 (drift); clusters by status ${JSON.stringify(statuses)} (${nClusters - drifted} clean, ${drifted} drifted expected).`,
      '',
      '## How it was measured',
      `- Fixture: ${nClusters} cluster snapshot folders in the format \`snapshot --out\` writes, each a generated large cluster (bench/analysis/large-cluster.ts: ${base.accessEntries} access entries, aws-auth rows and IAMIdentityMappings for ${principals} principals, ${base.rbacObjects} RBAC objects over ${base.namespaces.length} namespaces); ${nClusters - drifted} copies of the code's own cluster (seed 24) and ${drifted} generated with other seeds. ${Math.round(bytes / 2 ** 20)} MiB on disk, plus \`fleet.json\`. The fleet file names the clusters c-000… in ${nClusters} accounts, all with the EKS name \`large\`.`,
      '- The code: the seed-24 folder itself (its access entries name cluster `large`, its manifests no cluster, so they are placed on every cluster).',
      `- Command: \`eks-access diff --fleet fleet.yaml --desired code --live live --fleet-concurrency N -o json\` from dist/ (\`tsc -p tsconfig.build.json\`), under \`/usr/bin/time -f '%e %U %S %M'\`: wall, user+system CPU, and peak RSS of that process. The code is loaded once; each cluster's snapshot is read and compared, N at a time (the reads overlap; the parsing and comparing share one thread).`,
      `- What bounds each figure: wall is one process on a shared 2-core machine (the other engineers' builds and tests run meanwhile, load below); CPU is that process's own; RSS is the process's peak (the code's sources plus up to N clusters' sources and their compared state at once).`,
      `- Load average (1/5/15 min) at start ${loadStart.map((l) => l.toFixed(2)).join(' / ')}, at end ${loadEnd.map((l) => l.toFixed(2)).join(' / ')}.`,
      '',
      '| --fleet-concurrency | run | wall s | CPU s | peak RSS MiB | 1-min load at start |',
      '|---|---|---|---|---|---|',
      ...Object.entries(figures).flatMap(([c, rs]) => rs.map((r, i) => `| ${c} | ${i + 1} | ${r.wallS.toFixed(2)} | ${r.cpuS.toFixed(2)} | ${r.peakRssMiB} | ${r.load1.toFixed(2)} |`)),
      '',
      `Machine: ${describeMachine(result.machine)}. Written ${result.machine.date}.`,
      '',
    ].join('\n');
    writeFileSync(path.join(RESULTS, 'fleet-diff.md'), md);
    process.stdout.write(md);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
