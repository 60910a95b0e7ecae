/**
 * Why `serve --workers` does not share its verified-identity cache (authenticator/server/cluster-primary.ts): a
 * shared cache lives in one process, so each review's lookup becomes a round trip over the Node IPC channel (what
 * node:cluster gives its workers: child_process.fork's channel, JSON over a Unix socket). Measured here: the CPU of
 * that round trip (both processes) against the in-process lookup it would replace, the same IdentityCache class and
 * key, one lookup at a time and 64 in flight.
 */
import { fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { IdentityCache } from '../../authenticator/server/identity-cache';
import { BenchResult, row } from '../lib/result';
import { median } from '../lib/stats';
import { withIdlePolling } from '../lib/idle-poll';

const LOOKUPS = Number(process.env.BENCH_IPC_LOOKUPS ?? 20_000);
const REPEATS = 3;
const KEYS = Array.from({ length: 100 }, (_, i) => createHash('sha256').update(`token-${i}`).digest('base64url'));

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU ms per lookup in this process, the cache local. */
function inProcess(): number {
  const cache = new IdentityCache(10_000);
  const identity = { arn: 'a', canonicalArn: 'a', accountId: '1', userId: 'u', sessionName: '', accessKeyId: 'k', stsEndpoint: 's' };
  for (const k of KEYS) cache.set(k, { kind: 'identity', identity }, Date.now() + 600_000);
  const n = LOOKUPS * 20; // cheap: more of them for a readable figure
  const before = cpuMs();
  let hits = 0;
  for (let i = 0; i < n; i++) if (cache.get(KEYS[i % KEYS.length])) hits++;
  if (hits !== n) throw new Error('bench cluster-ipc: in-process lookups missed');
  return (cpuMs() - before) / n;
}

/** CPU ms per lookup (this process + the cache process) over IPC, `inFlight` lookups outstanding. */
async function overIpc(inFlight: number): Promise<number> {
  const child = fork(path.join(__dirname, '..', 'workers', 'ipc-cache-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    const pending = new Map<number, () => void>();
    let childCpu = 0;
    child.on('message', (m: { id?: number; cpuMs?: number }) => {
      if (m.cpuMs !== undefined) childCpu = m.cpuMs;
      else pending.get(m.id!)?.();
    });
    let next = 0;
    const ask = (key: string, fill = false) => new Promise<void>((resolve) => {
      const id = next++;
      pending.set(id, () => {
        pending.delete(id);
        resolve();
      });
      child.send({ id, key, fill });
    });
    for (const k of KEYS) await ask(k, true);
    const childCpuOf = async () => {
      await new Promise<void>((resolve) => {
        pending.set(-1, () => undefined);
        child.once('message', () => child.once('message', () => resolve()));
        child.send({ id: -1, key: KEYS[0] });
      });
      return childCpu;
    };
    const [mineBefore, childBefore] = [cpuMs(), await childCpuOf()];
    let sent = 0;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (sent < LOOKUPS) await ask(KEYS[sent++ % KEYS.length]);
    }));
    const [mineAfter, childAfter] = [cpuMs(), await childCpuOf()];
    return (mineAfter - mineBefore + childAfter - childBefore) / LOOKUPS;
  } finally {
    child.kill();
  }
}

export function run(): Promise<BenchResult> {
  return withIdlePolling(measureAll);
}

async function measureAll(): Promise<BenchResult> {
  const rows = [];
  const local = median(Array.from({ length: REPEATS }, () => inProcess()));
  for (const c of [1, 64]) {
    const runs: number[] = [];
    for (let r = 0; r < REPEATS; r++) runs.push(await overIpc(c));
    rows.push(row({
      case: `cache lookup, ${c} in flight`, metric: 'CPU per lookup (both processes)', unit: 'ms', ours: median(runs),
      baseline: local, baselineName: 'in-process IdentityCache.get', oursRange: [Math.min(...runs), Math.max(...runs)],
    }));
  }
  return {
    name: 'cluster-ipc',
    title: 'cluster IPC: a verified-identity cache shared by `serve --workers`, priced',
    rows,
    notes: [
      `Each figure: median of ${REPEATS} runs of ${LOOKUPS} lookups (min–max in brackets); CPU from process.cpuUsage() of both ` +
        'processes (user + system). The cache process is bench/workers/ipc-cache-worker.ts (the real IdentityCache, 100 keys, ' +
        'every lookup a hit); messages are what a shared cache needs: the SHA-256 key out, the cached outcome back.',
      'Read against the webhook table: a whole cache-hit review (HTTP, JSON, mapping, logs) costs ~0.09 ms of server CPU. ' +
        'A round trip costing a sizeable share of that on every review buys only fewer STS calls for tokens reused across ' +
        'connections (at most one per worker per token and TTL, and kube-apiserver caches reviews itself), so the cache stays ' +
        'per worker.',
    ],
  };
}
