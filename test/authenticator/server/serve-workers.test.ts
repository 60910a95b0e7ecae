/**
 * `eks-access serve --workers N` (authenticator/server/cluster-primary.ts, cpu-count.ts): the worker count from the
 * CPUs and the cgroup limit; N real processes on one port, each answering reviews (real tokens, the moto STS
 * stand-in); the metrics port summing them; a killed worker replaced; SIGTERM draining an in-flight review;
 * `--workers 1` one process; a worker that cannot start stopping the primary with exit 2.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import { missingServeNodeFlags, SERVE_NODE_FLAGS, withServeNodeFlags } from '../../../authenticator/server/node-flags';
import { autoWorkerCount, cfsLimit, cgroupCpuLimit, cgroupMemoryLimit, cpuMaxLimit } from '../../../authenticator/server/cpu-count';
import { generateToken } from '../../../authenticator/token';
import { workerCountOf } from '../../../bin/commands/serve';
import { CLI_FROM_SOURCE, eksAccess } from '../../../harness/eks-access-process';
import { freePort } from '../../../harness/free-port';
import { waitUntil } from '../../../harness/net';
import { startStsStandIn, StandInUser, StsStandIn } from '../../../harness/sts-standin';
import { httpsCall, makeTlsFiles, metricValue, review, TlsFiles } from './helpers';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLUSTER = 'workers-it';
jest.setTimeout(120_000);

describe('worker count', () => {
  test.each([
    ['max 100000', undefined],
    ['200000 100000', 2],
    ['150000 100000', 1.5],
    ['50000 100000', 0.5],
    ['garbage', undefined],
    ['0 100000', undefined],
  ])('cpu.max %j → %s CPUs', (text, limit) => {
    expect(cpuMaxLimit(text)).toBe(limit);
  });

  test('cgroup v1 quota/period, -1 is no limit', () => {
    expect(cfsLimit('-1\n', '100000\n')).toBeUndefined();
    expect(cfsLimit('300000\n', '100000\n')).toBe(3);
  });

  test('reads cpu.max of the process\'s own cgroup (v2), else the root one, else cgroup v1', () => {
    const root = mkdtempSync(join(tmpdir(), 'cgroup-'));
    const proc = join(root, 'self-cgroup');
    mkdirSync(join(root, 'kubepods', 'pod1'), { recursive: true });
    writeFileSync(join(root, 'kubepods', 'pod1', 'cpu.max'), '250000 100000\n');
    writeFileSync(join(root, 'cpu.max'), 'max 100000\n');
    writeFileSync(proc, '0::/kubepods/pod1\n');
    expect(cgroupCpuLimit(root, proc)).toBe(2.5);
    writeFileSync(proc, '0::/\n');
    expect(cgroupCpuLimit(root, proc)).toBeUndefined();
    writeFileSync(proc, '0::/../../etc\n'); // a path leaving the cgroup fs is not followed
    expect(cgroupCpuLimit(root, proc)).toBeUndefined();
    const v1 = mkdtempSync(join(tmpdir(), 'cgroup-v1-'));
    mkdirSync(join(v1, 'cpu'));
    writeFileSync(join(v1, 'cpu', 'cpu.cfs_quota_us'), '100000\n');
    writeFileSync(join(v1, 'cpu', 'cpu.cfs_period_us'), '100000\n');
    expect(cgroupCpuLimit(v1, join(v1, 'none'))).toBe(1);
  });

  test('auto: the CPUs given, bounded by the limit rounded up and by what the memory limit holds, at least 1', () => {
    const MiB = 1024 * 1024;
    expect(autoWorkerCount(4, undefined, undefined)).toBe(4);
    expect(autoWorkerCount(4, 2, undefined)).toBe(2);
    expect(autoWorkerCount(4, 1.5, undefined)).toBe(2);
    expect(autoWorkerCount(4, 0.25, undefined)).toBe(1);
    expect(autoWorkerCount(2, 8, undefined)).toBe(2);
    expect(autoWorkerCount(4, 4, 192 * MiB)).toBe(1); // the chart's pod memory limit holds one worker
    expect(autoWorkerCount(4, 4, 512 * MiB)).toBe(4);
    expect(autoWorkerCount(4, 4, 64 * MiB)).toBe(1);
  });

  test('reads the memory limit: cgroup v2 memory.max ("max": none), v1 memory.limit_in_bytes (huge: none)', () => {
    const root = mkdtempSync(join(tmpdir(), 'cgroup-mem-'));
    const proc = join(root, 'self-cgroup');
    mkdirSync(join(root, 'pod'), { recursive: true });
    writeFileSync(proc, '0::/pod\n');
    writeFileSync(join(root, 'pod', 'memory.max'), '201326592\n');
    expect(cgroupMemoryLimit(root, proc)).toBe(201326592);
    writeFileSync(join(root, 'pod', 'memory.max'), 'max\n');
    expect(cgroupMemoryLimit(root, proc)).toBeUndefined();
    const v1 = mkdtempSync(join(tmpdir(), 'cgroup-mem-v1-'));
    mkdirSync(join(v1, 'memory'));
    writeFileSync(join(v1, 'memory', 'memory.limit_in_bytes'), '9223372036854771712\n');
    expect(cgroupMemoryLimit(v1, join(v1, 'none'))).toBeUndefined();
    writeFileSync(join(v1, 'memory', 'memory.limit_in_bytes'), '536870912\n');
    expect(cgroupMemoryLimit(v1, join(v1, 'none'))).toBe(536870912);
  });

  test('--workers: auto, or 1..256', () => {
    expect(workerCountOf(undefined, () => 3)).toBe(3);
    expect(workerCountOf('auto', () => 3)).toBe(3);
    expect(workerCountOf('4')).toBe(4);
    for (const bad of ['0', '257', '-1', '1.5', 'two', '']) expect(() => workerCountOf(bad)).toThrow(/--workers must be auto or a whole number from 1 to 256/);
  });
});

/** Child processes of `pid` (from /proc: every process's parent). */
function childrenOf(pid: number): number[] {
  const kids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) kids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return kids;
}

test('the server\'s node flags: added once, before the rest; the missing ones named', () => {
  expect(withServeNodeFlags(['--inspect'])).toEqual([...SERVE_NODE_FLAGS, '--inspect']);
  expect(withServeNodeFlags([...SERVE_NODE_FLAGS, '--inspect'])).toEqual([...SERVE_NODE_FLAGS, '--inspect']);
  expect(missingServeNodeFlags(['--inspect'], '')).toEqual([...SERVE_NODE_FLAGS]);
  expect(missingServeNodeFlags([...SERVE_NODE_FLAGS], '')).toEqual([]);
  expect(missingServeNodeFlags([], '')).toEqual([...SERVE_NODE_FLAGS]);
  // Another value is the operator's choice, on the command line or in NODE_OPTIONS.
  expect(withServeNodeFlags(['--v8-pool-size=2'])).toEqual(['--max-semi-space-size=16', '--v8-pool-size=2']);
  expect(withServeNodeFlags(['--v8-pool-size=2', '--max-semi-space-size=8'])).toEqual(['--v8-pool-size=2', '--max-semi-space-size=8']);
  expect(missingServeNodeFlags([], '--max-old-space-size=200 --v8-pool-size=2')).toEqual(['--max-semi-space-size=16']);
  expect(missingServeNodeFlags(['--max-semi-space-size=32'], '--v8-pool-size=2')).toEqual([]);
});

describe('serve --workers (real processes)', () => {
  let standIn: StsStandIn;
  let alice: StandInUser;
  let tls: TlsFiles;
  const running: ChildProcess[] = [];

  beforeAll(async () => {
    standIn = await startStsStandIn();
    alice = await standIn.createUser('alice');
    tls = makeTlsFiles('workers-');
  });
  afterAll(async () => {
    for (const c of running) if (c.exitCode === null) c.kill('SIGKILL');
    await standIn?.stop();
  });

  async function serve(workers: string, extra: Record<string, unknown> = {}) {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const dir = mkdtempSync(join(tmpdir(), 'workers-serve-'));
    writeFileSync(join(dir, 'mapping.yaml'), stringify({ mapUsers: [{ userarn: alice.arn, username: 'alice', groups: ['devs'] }] }));
    const config = join(dir, 'config.yaml');
    writeFileSync(config, stringify({
      clusterId: CLUSTER,
      server: { address: '127.0.0.1', port, metricsPort, metricsAddress: '127.0.0.1', tlsCertFile: tls.certFile, tlsKeyFile: tls.keyFile },
      sts: { connectTo: standIn.connectTo, caFile: standIn.caFile },
      mapping: { backends: [{ type: 'file', path: join(dir, 'mapping.yaml') }] },
      ...extra,
    }));
    const child = spawn(process.execPath, [...CLI_FROM_SOURCE, 'serve', '--config', config, '--workers', workers], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    running.push(child);
    let output = '';
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const base = `https://127.0.0.1:${port}`;
    const metrics = `http://127.0.0.1:${metricsPort}`;
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    return { child, base, metrics, config, exited, output: () => output };
  }

  const plain = async (url: string) => {
    const { request } = await import('node:http');
    return new Promise<{ status: number; text: string }>((resolvePromise, reject) => {
      request(url, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolvePromise({ status: res.statusCode ?? 0, text }));
      }).on('error', reject).end();
    });
  };
  const tokenAt = async (secondsAgo: number) =>
    (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: alice, now: new Date(Date.now() - secondsAgo * 1000) })).token;

  test('--workers 2: two processes on one port answer reviews; the metrics port sums them; a killed worker is replaced; SIGTERM drains', async () => {
    const s = await serve('2');
    await waitUntil('the workers to become ready', async () => (await plain(`${s.metrics}/readyz`).catch(() => ({ status: 0 }))).status === 200, {
      timeoutMs: 60_000, intervalMs: 250, describe: s.output, abort: () => s.child.exitCode !== null,
    });
    const workers = childrenOf(s.child.pid!);
    expect(workers).toHaveLength(2);
    // The primary was started by a bare `node`; its workers run with the server's node flags all the same.
    for (const pid of workers) {
      const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      for (const flag of SERVE_NODE_FLAGS) expect(argv).toContain(flag);
    }
    expect(s.output()).not.toMatch(/node runs without/);

    // Each review on a fresh connection: the primary hands connections to the workers in turn.
    for (let i = 0; i < 6; i++) {
      const r = await review(s.base, tls.caPem, await tokenAt(i + 1));
      expect(r.status).toBe(200);
      expect(r.json.status.user.username).toBe('alice');
    }
    const total = metricValue((await plain(`${s.metrics}/metrics`)).text, 'eks_access_webhook_responses_total', { code: '200' });
    expect(total).toBe(6);
    // The webhook port's own /metrics is one worker's: less than the sum, as both served.
    const one = metricValue((await httpsCall(`${s.base}/metrics`, tls.caPem)).text, 'eks_access_webhook_responses_total', { code: '200' });
    expect(one).toBeGreaterThan(0);
    expect(one).toBeLessThan(6);

    // A crash: the primary starts a replacement, which serves.
    process.kill(workers[0], 'SIGKILL');
    await waitUntil('a replacement worker', () => {
      const now = childrenOf(s.child.pid!);
      return now.length === 2 && !now.includes(workers[0]);
    }, { timeoutMs: 30_000, intervalMs: 100, describe: s.output });
    await waitUntil('the replacement to be ready', async () => (await plain(`${s.metrics}/readyz`)).status === 200, { timeoutMs: 60_000, intervalMs: 250 });
    for (let i = 0; i < 2; i++) expect((await review(s.base, tls.caPem, await tokenAt(10 + i))).status).toBe(200);
    expect(s.output()).toMatch(/worker exited; starting a replacement/);

    // Shutdown drains: a review waiting 1.5 s for STS is answered although SIGTERM arrives meanwhile.
    await standIn.setFault({ delayMs: 1500 });
    const before = standIn.requests();
    const inFlight = review(s.base, tls.caPem, await tokenAt(20));
    await waitUntil('the review to reach STS', () => standIn.requests() > before, { timeoutMs: 10_000 });
    const kids = childrenOf(s.child.pid!);
    s.child.kill('SIGTERM');
    const answer = await inFlight;
    await standIn.setFault(undefined);
    expect(answer.status).toBe(200);
    expect(answer.json.status.user.username).toBe('alice');
    expect(await s.exited).toBe(0);
    for (const pid of kids) expect(() => process.kill(pid, 0)).toThrow();
    expect(s.output()).toMatch(/all workers stopped/);
  });

  test('--workers 1 is one process (no cluster), serving as before', async () => {
    const s = await serve('1');
    await waitUntil('serve to become ready', async () => (await plain(`${s.metrics}/readyz`).catch(() => ({ status: 0 }))).status === 200, {
      timeoutMs: 60_000, intervalMs: 250, describe: s.output, abort: () => s.child.exitCode !== null,
    });
    expect(childrenOf(s.child.pid!)).toEqual([]);
    // One process started by a bare `node` cannot take the flags any more: it says how to start it. The line is logged
    // after the server is up, so /readyz can answer before it has crossed the pipe: wait for it (CI saw that race).
    await waitUntil('the missing node flags warning', () => s.output().includes('"missingNodeFlags":'), { timeoutMs: 10_000, describe: s.output });
    expect(s.output()).toMatch(/"missingNodeFlags":\["--v8-pool-size=1","--max-semi-space-size=16"\].*node runs without --v8-pool-size=1 --max-semi-space-size=16: .*NODE_OPTIONS='--v8-pool-size=1 --max-semi-space-size=16'/);
    expect((await review(s.base, tls.caPem, await tokenAt(1))).status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    expect(s.output()).not.toMatch(/starting workers/);
  });

  test('an unreadable certificate is refused before any worker starts (exit 2)', async () => {
    const s = await serve('2', { server: { address: '127.0.0.1', port: await freePort(), tlsCertFile: '/nonexistent/cert.pem', tlsKeyFile: tls.keyFile } });
    expect(await s.exited).toBe(2);
    expect(s.output()).toMatch(/cannot read \/nonexistent\/cert\.pem/);
    expect(s.output()).not.toMatch(/starting workers/);
  });

  test('workers that cannot start (the port in use) stop the primary with their exit code 2, no restart loop', async () => {
    const { createServer } = await import('node:net');
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', r));
    const port = (taken.address() as { port: number }).port;
    try {
      const s = await serve('2', { server: { address: '127.0.0.1', port, tlsCertFile: tls.certFile, tlsKeyFile: tls.keyFile } });
      const code = await s.exited;
      expect(s.output()).toMatch(/starting workers/);
      expect(s.output()).toMatch(/EADDRINUSE/);
      expect(s.output()).toMatch(/a worker exited before serving; stopping/);
      expect(s.output()).not.toMatch(/starting a replacement/);
      expect(code).toBe(2);
    } finally {
      taken.close();
    }
  });

  test('--workers 0 is a usage error (exit 2)', async () => {
    const r = await eksAccess(['serve', '--config', '/dev/null', '--workers', '0'], { fromSource: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^eks-access serve: --workers must be auto or a whole number from 1 to 256, got "0"$/m);
  });
});
