/**
 * The webhook under a pod's memory limit (issue 27, "conditions as production has them"): `eks-access serve` in a
 * memory cgroup of the authenticator pod's default limit (192 MiB, lib/k8s/authenticator-pod.ts), once with node's own
 * heap sizing (the server's flags without `--max-semi-space-size`) and once with the server's flags
 * (authenticator/server/node-flags.ts), both pinned to CPU 0 with the fast STS stand-in (HTTP/1.1) and wrk on CPU 1,
 * unique tokens (one STS call each), runs alternating. Node sizes V8's heap from the cgroup's limit, and at 192 MiB
 * that leaves V8 a 2 MB young generation (test/authenticator/server/node-flags-heap.test.ts); the webhook table
 * runs without a limit, where it is 32 MB. Reported: req/s, CPU and p99 per review, the cgroup's peak memory and
 * OOM kills. Needs a writable memory cgroup hierarchy (root); reports itself skipped otherwise.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SERVE_NODE_FLAGS } from '../../authenticator/server/node-flags';
import { RunningWebhook, startEksAccessWebhook } from '../../harness/eks-access-webhook';
import { makeMemoryCgroup, MemoryCgroup } from '../../harness/memory-cgroup';
import { DEFAULT_AUTHENTICATOR_MEMORY_MIB } from '../../lib/k8s/authenticator-pod';
import { FastPresigner } from '../lib/fast-presign';
import { processTreeCpuMs } from '../lib/process-cpu';
import { BenchResult, BenchRow, row } from '../lib/result';
import { median } from '../lib/stats';
import { startStsFastForStsHost } from '../lib/sts-fast';
import { benchIdentities, TokenSource } from '../lib/token-pool';
import { wrkReviews } from '../lib/wrk-review';
import { withIdlePolling } from '../lib/idle-poll';

const CLUSTER = 'bench-pod';
const ACCOUNT = '123456789012';
const USERS = 4000;
const SECONDS = Number(process.env.BENCH_POD_SECONDS ?? 6);
const REPEATS = Number(process.env.BENCH_POD_REPEATS ?? 3);
const CONCURRENCY = [1, 64];
const SEMI_SPACE_FLAG = '--max-semi-space-size';

interface Run {
  readonly variant: 'flags' | 'node-default';
  readonly connections: number;
  readonly reqPerSec: number;
  readonly p99Ms: number;
  readonly cpuMsPerRequest: number;
  readonly errors: number;
}

export function run(): Promise<BenchResult> {
  return withIdlePolling(measureAll);
}

async function measureAll(): Promise<BenchResult> {
  const limitBytes = DEFAULT_AUTHENTICATOR_MEMORY_MIB * 2 ** 20;
  const cgroups = (['flags', 'node-default'] as const).map((v) => [v, makeMemoryCgroup(limitBytes, `eks-access-bench-${v}-${process.pid}`)] as const);
  const missing = cgroups.find(([, c]) => !('dir' in c));
  if (missing) {
    for (const [, c] of cgroups) if ('dir' in c) c.remove();
    const reason = (missing[1] as { reason: string }).reason;
    return { name: 'webhook-pod', title: `Webhook in a ${DEFAULT_AUTHENTICATOR_MEMORY_MIB} MiB pod (not run: ${reason})`, rows: [], notes: ['Skipped.'] };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-pod-'));
  const stops: Array<() => Promise<void> | void> = [];
  const runs: Run[] = [];
  const groups = new Map(cgroups.map(([v, c]) => [v, c as MemoryCgroup]));
  try {
    const sts = await startStsFastForStsHost(dir, ['-account', ACCOUNT]);
    stops.push(() => void sts.child.kill('SIGKILL'));
    const { users, mapUsers } = benchIdentities('P', 'pod', USERS, ACCOUNT);
    const presigner = new FastPresigner(CLUSTER);
    const servers: Array<{ variant: Run['variant']; w: RunningWebhook; cgroup: MemoryCgroup; flags: readonly string[]; tokens: TokenSource }> = [];
    for (const [variant, cgroup] of groups) {
      const flags = variant === 'flags' ? SERVE_NODE_FLAGS : SERVE_NODE_FLAGS.filter((f) => !f.startsWith(SEMI_SPACE_FLAG));
      const w = await startEksAccessWebhook({
        dir: path.join(dir, variant), clusterId: CLUSTER, stsConnectTo: sts.https, stsCaFile: sts.caFile, mapping: { mapUsers }, workers: 1, cpus: '0',
        serveNodeFlags: flags, memoryCgroup: cgroup,
      });
      stops.push(() => w.stop());
      servers.push({ variant, w, cgroup, flags, tokens: new TokenSource(CLUSTER, users, { sign: (c, at) => presigner.token(c, at), oldestSeconds: 600 }) });
    }
    const tokensFile = path.join(dir, 'tokens.txt');
    const measure = async (s: (typeof servers)[number], connections: number, seconds: number): Promise<Run> => {
      writeFileSync(tokensFile, (await s.tokens.pool((connections === 1 ? 5_000 : 20_000) * seconds)).join('\n') + '\n');
      const cpu0 = processTreeCpuMs(s.w.process.child.pid!);
      const w = await wrkReviews({ url: s.w.url, connections, seconds, tokensFile, mode: 'unique', cpu: '1' });
      const cpu1 = processTreeCpuMs(s.w.process.child.pid!);
      if (w.reused > 0) throw new Error('bench: webhook-pod ran out of unique tokens; raise the pool per second of run');
      return {
        variant: s.variant, connections, reqPerSec: w.requests / (w.durationUs / 1e6), p99Ms: w.p99Us / 1000,
        cpuMsPerRequest: (cpu1 - cpu0) / Math.max(1, w.requests), errors: w.errors + w.rejected,
      };
    };
    for (const s of servers) await measure(s, 16, 10); // warm-up, as the webhook table's
    for (const s of servers) s.cgroup.resetPeak();
    for (const c of CONCURRENCY) {
      for (let r = 0; r < REPEATS; r++) {
        for (const s of r % 2 === 0 ? servers : [...servers].reverse()) {
          const one = await measure(s, c, SECONDS);
          process.stderr.write(`bench: webhook-pod ${JSON.stringify(one)}\n`);
          runs.push(one);
        }
      }
    }
    const memory = servers.map((s) => ({ variant: s.variant, peakMb: s.cgroup.peakBytes() / 2 ** 20, oomKills: s.cgroup.oomKills(), flags: s.flags }));
    return {
      name: 'webhook-pod', title: `Webhook in a ${DEFAULT_AUTHENTICATOR_MEMORY_MIB} MiB pod: the server's node flags vs node's own heap sizing (pinned, fast STS stand-in)`,
      rows: rowsOf(runs, memory), notes: notesOf(memory),
    };
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    for (const c of groups.values()) {
      try {
        c.remove();
      } catch {
        // a process of it still exiting: the kernel keeps an empty cgroup harmlessly
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

type Memory = { variant: Run['variant']; peakMb: number; oomKills: number; flags: readonly string[] };

function rowsOf(runs: readonly Run[], memory: readonly Memory[]): BenchRow[] {
  const rows: BenchRow[] = [];
  const baselineName = 'the same server with node\'s own heap sizing in the pod';
  for (const c of CONCURRENCY) {
    const of = (variant: Run['variant'], field: 'reqPerSec' | 'p99Ms' | 'cpuMsPerRequest' | 'errors') => {
      const xs = runs.filter((r) => r.variant === variant && r.connections === c).map((r) => r[field]);
      return { median: median(xs), range: [Math.min(...xs), Math.max(...xs)] as [number, number] };
    };
    const pair = (metric: string, unit: string, field: 'reqPerSec' | 'p99Ms' | 'cpuMsPerRequest' | 'errors') => {
      const [o, b] = [of('flags', field), of('node-default', field)];
      return row({ case: `unique tokens, c=${c}`, metric, unit, ours: o.median, baseline: b.median, baselineName, oursRange: o.range, baselineRange: b.range });
    };
    rows.push(pair('throughput', 'req/s', 'reqPerSec'), pair('server CPU per request', 'ms', 'cpuMsPerRequest'), pair('latency p99', 'ms', 'p99Ms'), pair('errors per run', 'count', 'errors'));
  }
  const [f, d] = [memory.find((m) => m.variant === 'flags')!, memory.find((m) => m.variant === 'node-default')!];
  rows.push(
    row({ case: 'all runs', metric: `pod memory peak (cgroup, limit ${DEFAULT_AUTHENTICATOR_MEMORY_MIB} MiB)`, unit: 'MB', ours: f.peakMb, baseline: d.peakMb, baselineName }),
    row({ case: 'all runs', metric: 'OOM kills', unit: 'count', ours: f.oomKills, baseline: d.oomKills, baselineName }),
  );
  return rows;
}

function notesOf(memory: readonly Memory[]): string[] {
  return [
    `Each server: \`eks-access serve\` (one process) started inside its own memory cgroup of ${DEFAULT_AUTHENTICATOR_MEMORY_MIB} MiB ` +
      '(harness/memory-cgroup.ts), as the kubelet starts the authenticator pod\'s container, pinned to CPU 0; wrk and the stand-in on CPU 1. ' +
      `Flags: ours ${memory.find((m) => m.variant === 'flags')!.flags.join(' ')}; baseline ${memory.find((m) => m.variant === 'node-default')!.flags.join(' ')}.`,
    `Each cell: median of ${REPEATS} wrk runs of ${SECONDS} s (min–max in brackets), the two alternating, after a 10 s warm-up at c=16 each; ` +
      `unique tokens of ${USERS} mapped IAM users; the fast STS stand-in over HTTP/1.1. Memory: the cgroup's peak charge over the counted runs ` +
      '(memory.max_usage_in_bytes / memory.peak: the process\'s anonymous memory and the page cache it touched).',
  ];
}
