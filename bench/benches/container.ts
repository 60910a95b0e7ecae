/**
 * Benchmark: memory of the container's server bundle (scripts/bundle-server.ts, what the image runs), started as the
 * image starts it — one file in a folder without node_modules — idle and after load, against the same bundle with
 * the inline source map it used to carry. Load: unique and repeated TokenReviews for a few seconds at c=16 against the
 * moto STS stand-in (the test-only sts.connectTo route: memory, not the route, is measured here).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bundleForNode22 } from '../../scripts/node-bundle';
import { bundleServer, SERVER_ENTRY } from '../../scripts/bundle-server';
import { startEksAccessWebhook } from '../../harness/eks-access-webhook';
import { startStsStandIn } from '../../harness/sts-standin';
import { load } from '../lib/load';
import { BenchResult, row } from '../lib/result';
import { median } from '../lib/stats';
import { TokenSource } from '../lib/token-pool';

const CLUSTER = 'bench-cluster';
const RUNS = 3;
const LOAD_SECONDS = 4;
const CHART_LIMIT_MIB = 192; // lib/k8s/authenticator-chart.ts default memory request = limit

function statusMiB(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-container-'));
  const standIn = await startStsStandIn();
  try {
    const users = await Promise.all(Array.from({ length: 20 }, (_, i) => standIn.createUser(`mem-${i}`)));
    const mapUsers = users.map((u, i) => ({ userarn: u.arn, username: `mem-${i}`, groups: ['bench'] }));
    mkdirSync(path.join(dir, 'shipped'));
    mkdirSync(path.join(dir, 'inline-map'));
    const bundles = {
      shipped: await bundleServer(path.join(dir, 'shipped')),
      'inline-map': await bundleForNode22(SERVER_ENTRY, path.join(dir, 'inline-map'), 'eks-access.js', { sourcemap: 'inline', legalComments: 'none' }),
    };
    const figures = new Map<string, { idle: number[]; loaded: number[] }>(Object.keys(bundles).map((k) => [k, { idle: [], loaded: [] }]));
    const source = new TokenSource(CLUSTER, users);
    for (let r = 0; r < RUNS; r++) {
      for (const [name, script] of Object.entries(bundles)) {
        const server = await startEksAccessWebhook({
          dir: path.join(dir, `${name}-${r}`), clusterId: CLUSTER, stsConnectTo: standIn.connectTo, stsCaFile: standIn.caFile, mapping: { mapUsers }, serveScript: script,
          // One process, as the chart runs it in a pod limited to one CPU, and as the RSS figures were always taken.
          workers: 1,
        });
        try {
          const pid = server.process.child.pid!;
          await new Promise((resolve) => setTimeout(resolve, 2000));
          figures.get(name)!.idle.push(statusMiB(pid, 'VmRSS'));
          const tokens = await source.pool(600);
          let i = 0;
          await load({
            url: server.url.replace(/\/authenticate$/, ''), ca: server.caPem, connections: 16, durationSeconds: LOAD_SECONDS,
            next: () => ({ method: 'POST', path: '/authenticate', headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1beta1', kind: 'TokenReview', spec: { token: tokens[i++ % tokens.length] } }) }),
          });
          figures.get(name)!.loaded.push(statusMiB(pid, 'VmHWM'));
        } finally {
          await server.stop();
        }
      }
    }
    const med = (name: string, k: 'idle' | 'loaded') => median(figures.get(name)![k]);
    const sizeMiB = (file: string) => statSync(file).size / 2 ** 20;
    const baselineName = 'same bundle with inline source map (before)';
    return {
      name: 'container',
      title: 'Container: the server bundle as the image runs it (one file, no node_modules)',
      rows: [
        row({ case: 'bundle file', metric: 'size', unit: 'MiB', ours: sizeMiB(bundles.shipped), baseline: sizeMiB(bundles['inline-map']), baselineName }),
        row({ case: 'idle, 2 s after start', metric: 'RSS', unit: 'MiB', ours: med('shipped', 'idle'), baseline: med('inline-map', 'idle'), baselineName,
          target: { text: `≤ ${CHART_LIMIT_MIB} MiB (chart limit)`, met: (_r, o) => o <= CHART_LIMIT_MIB } }),
        row({ case: `after ${LOAD_SECONDS} s of TokenReviews at c=16 (peak)`, metric: 'RSS high-water mark', unit: 'MiB', ours: med('shipped', 'loaded'),
          baseline: med('inline-map', 'loaded'), baselineName, target: { text: `≤ ${CHART_LIMIT_MIB} MiB (chart limit)`, met: (_r, o) => o <= CHART_LIMIT_MIB } }),
      ],
      notes: [
        `Median of ${RUNS} fresh starts each (alternating). RSS from /proc/PID/status (VmRSS idle, VmHWM after load). Load: autocannon, ` +
          '600 distinct tokens of 20 users cycled (so the verified-identity cache answers most repeats), STS = the moto stand-in.',
      ],
    };
  } finally {
    await standIn.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
