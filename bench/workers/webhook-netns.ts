/**
 * The webhook benchmark's measuring side, run by bench/benches/webhook.ts inside `unshare -rnm` (a user, network and
 * mount namespace of its own: only a loopback interface, and /etc/hosts bind-mounted to send
 * sts.us-east-1.amazonaws.com to 127.0.0.1). Both servers resolve the STS host by ordinary DNS (getaddrinfo for
 * Node, Go's resolver reading /etc/hosts) and dial port 443 as they would dial AWS: no sts.connectTo, no proxy.
 * They trust the stand-in's CA the way each is configured in production: ours through sts.caFile, Go through
 * SSL_CERT_FILE. The server under test runs on CPU 0; wrk (-t1) and the stand-in share CPU 1.
 *
 * Usage: node webhook-netns.js CONFIG.json — writes the runs as JSON to the config's `out`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { startEksAccessWebhook } from '../../harness/eks-access-webhook';
import { startGoAuthenticator } from '../../harness/go-authenticator';
import { FastPresigner } from '../lib/fast-presign';
import { processTreeCpuMs, processTreePeakRssMb } from '../lib/process-cpu';
import { stsRequestHeadOf } from '../lib/sts-fast';
import { benchIdentities, TokenSource } from '../lib/token-pool';
import { wrkReviews } from '../lib/wrk-review';

export interface NetnsConfig {
  readonly dir: string;
  readonly out: string;
  readonly goAuthenticator: string;
  readonly stsFast: string;
  readonly durationSeconds: number;
  readonly repeats: number;
  readonly concurrency: readonly number[];
  /** When set, our server runs under `node --cpu-prof` writing its profile here (BENCH_WEBHOOK_PROFILE_DIR). */
  readonly profileDir?: string;
  /** More `node` flags for our server (BENCH_WEBHOOK_NODE_ARGS, space-separated), e.g. --trace-gc when chasing a tail. */
  readonly nodeArgs?: readonly string[];
  /**
   * Config sections merged over our server's (BENCH_WEBHOOK_CONFIG, JSON), e.g. `{"cache":{"maxEntries":0}}` to
   * measure what a setting costs; the published rows use the defaults.
   */
  readonly serverConfig?: Record<string, unknown>;
  /** Our server's own node flags instead of SERVE_NODE_FLAGS (BENCH_WEBHOOK_SERVE_FLAGS, space-separated; empty: none). */
  readonly serveNodeFlags?: readonly string[];
  /** The token modes to run (BENCH_WEBHOOK_MODES=unique for a trial run); RESULTS.md uses both. */
  readonly modes?: ReadonlyArray<'unique' | 'repeated'>;
  /** The stand-in's protocol variants, run in turn (issue 27): HTTP/1.1 only (STS as it is taken to be), h2 offered. */
  readonly stsVariants: readonly StsVariant[];
  /**
   * CPUs of the servers under test (taskset list). Default '0': one core each. '0,1': both cores of this machine
   * (issue 27, "every core"): ours with `serve --workers auto` (2 here), Go with GOMAXPROCS 2 (its affinity); wrk and
   * the stand-in stay on CPU 1, so they compete with the servers there.
   */
  readonly serverCpus?: string;
}

export type StsVariant = 'http/1.1' | 'h2';

export interface NetnsRun {
  /**
   * `floor`: a bare Node HTTPS server answering a canned review (bench/workers/https-floor.ts), repeated mode only;
   * `floor-sts`: the same with one GET to the stand-in through the verifier's keep-alive pool first, unique mode only.
   */
  readonly server: 'ours' | 'go' | 'floor' | 'floor-sts';
  readonly mode: 'unique' | 'repeated';
  /** What the STS stand-in offered by ALPN in this run. */
  readonly sts: StsVariant;
  readonly connections: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** wrk errors + answers that were not 200 with "authenticated":true. */
  readonly errors: number;
  readonly cpuMsPerRequest: number;
  /** TLS connections the stand-in accepted during the run: the server's STS connections opened. */
  readonly stsConnections: number;
  readonly stsRequests: number;
  /** The server's peak resident memory so far (VmHWM of its process tree, MB), read after the run. */
  readonly peakRssMb: number;
}

const CLUSTER = 'bench-cluster';
const ACCOUNT = '123456789012';
const USERS = 4000;
/**
 * Enough for 20k req/s: on a quiet machine under Node 22 ours passed 9.2k at c=16 (2026-12-07), Go ~4.5k. A unique run
 * that outlasts its tokens is refused (the wrk script counts reuses).
 */
const TOKENS_PER_SECOND_OF_RUN = 20_000;
const STATS_PORT = 8399;
const FLOOR_PORT = 8398;
const FLOOR_STS_PORT = 8397;
let SERVER_CPU = '0';
const LOAD_CPU = '1';

function stsStats(): Promise<{ accepts: number; requests: number; rejected: number }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port: STATS_PORT, path: '/stats' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
}

/**
 * A Node floor (https-floor.ts), pinned like the servers under test, with a certificate of its own: the bare HTTPS
 * floor, or with `sts` the STS-call floor (its GET to the stand-in given as a request head in a file).
 */
async function startFloor(config: NetnsConfig, port: number, sts?: { caFile: string; requestHead: string }): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const ca = createCertificateAuthority('bench floor CA');
  const leaf = issueServerCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  const [cert, key] = [path.join(config.dir, `floor-${port}-cert.pem`), path.join(config.dir, `floor-${port}-key.pem`)];
  writeFileSync(cert, leaf.certPem);
  writeFileSync(key, leaf.keyPem, { mode: 0o600 });
  const stsArgs: string[] = [];
  if (sts) {
    const headFile = path.join(config.dir, `floor-${port}-sts-request.txt`);
    writeFileSync(headFile, sts.requestHead);
    stsArgs.push(sts.caFile, headFile);
  }
  const child = spawn('taskset', ['-c', SERVER_CPU, process.execPath, path.join(__dirname, 'https-floor.js'), cert, key, String(port), ...stsArgs],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => d.toString().includes('listening') && resolve());
    child.on('exit', (code) => reject(new Error(`bench: the HTTPS floor server exited ${code}`)));
  });
  return { url: `https://127.0.0.1:${port}/authenticate`, pid: child.pid!, stop: () => killAndWait(child) };
}

function writeStandInCertificates(config: NetnsConfig): void {
  const ca = createCertificateAuthority('bench fast STS stand-in CA');
  const leaf = issueServerCertificate(ca, { dnsNames: ['sts.us-east-1.amazonaws.com'] });
  writeFileSync(path.join(config.dir, 'sts-ca.pem'), ca.certPem);
  writeFileSync(path.join(config.dir, 'sts-cert.pem'), leaf.certPem);
  writeFileSync(path.join(config.dir, 'sts-key.pem'), leaf.keyPem, { mode: 0o600 });
}

async function startStandIn(config: NetnsConfig, variant: StsVariant): Promise<() => void> {
  const child = spawn('taskset', ['-c', LOAD_CPU, config.stsFast, '-addr', '127.0.0.1:443', '-stats', `127.0.0.1:${STATS_PORT}`,
    '-cert', path.join(config.dir, 'sts-cert.pem'), '-key', path.join(config.dir, 'sts-key.pem'), '-account', ACCOUNT,
    ...(variant === 'h2' ? ['-h2'] : [])], { stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('listening')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`bench: fast STS stand-in exited ${code}: ${log}`)));
  });
  return () => killAndWait(child);
}

/** Ports are reused by the next variant's processes: wait until this one is gone. */
function killAndWait(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  return new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}


async function main(): Promise<void> {
  const config = JSON.parse(readFileSync(process.argv[2], 'utf8')) as NetnsConfig;
  SERVER_CPU = config.serverCpus ?? '0';
  writeStandInCertificates(config);
  const runs: NetnsRun[] = [];
  // One stand-in variant at a time, each with freshly started servers (no STS connection outlives its stand-in).
  for (const variant of config.stsVariants) runs.push(...(await runVariant(config, variant)));
  writeFileSync(config.out, JSON.stringify(runs));
}

/**
 * Each server's warm-up before the measured runs: unique tokens at c=16. Long enough for a steady state, as a server
 * in production has: ours' c=1 tail fell run after run over its first minute with a 2 s warm-up (p99 2.5, 2.5, 2.0,
 * 1.9, 1.6 ms in five runs of 6 s, 2026-12-07) while JIT tiers and heap sizes settled.
 */
const WARM_UP_SECONDS = Number(process.env.BENCH_WEBHOOK_WARM_UP_SECONDS ?? 10);

async function runVariant(config: NetnsConfig, variant: StsVariant): Promise<NetnsRun[]> {
  const stopStandIn = await startStandIn(config, variant);
  const stops: Array<() => Promise<void> | void> = [stopStandIn];
  try {
    const { users, mapUsers } = benchIdentities('B', 'bench', USERS, ACCOUNT);
    const caFile = path.join(config.dir, 'sts-ca.pem');
    const ours = await startEksAccessWebhook({ dir: path.join(config.dir, `ours-${variant === 'h2' ? 'h2' : 'h1'}`), clusterId: CLUSTER, stsCaFile: caFile, mapping: { mapUsers }, cpus: SERVER_CPU,
      config: config.serverConfig, serveNodeFlags: config.serveNodeFlags, nodeArgs: [...(config.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${config.profileDir}`] : []), ...(config.nodeArgs ?? [])] });
    stops.push(() => ours.stop());
    const go = await startGoAuthenticator({ binary: config.goAuthenticator, dir: path.join(config.dir, `go-${variant === 'h2' ? 'h2' : 'h1'}`), clusterId: CLUSTER, stsCaFile: caFile, mapping: { mapUsers }, cpus: SERVER_CPU });
    stops.push(() => go.stop());
    const presigner = new FastPresigner(CLUSTER);
    await presigner.selfCheck(users[0]);
    const floor = await startFloor(config, FLOOR_PORT);
    stops.push(floor.stop);
    const floorSts = await startFloor(config, FLOOR_STS_PORT, { caFile, requestHead: stsRequestHeadOf(presigner.token(users[0], new Date()), CLUSTER) });
    stops.push(floorSts.stop);
    const targets: Array<{ server: NetnsRun['server']; url: string; pid: number }> = [
      { server: 'ours', url: ours.url, pid: ours.process.child.pid! },
      { server: 'go', url: go.url, pid: go.process.child.pid! },
    ];
    const floorTarget = { server: 'floor' as const, url: floor.url, pid: floor.pid };
    const floorStsTarget = { server: 'floor-sts' as const, url: floorSts.url, pid: floorSts.pid };
    const sources = new Map([...targets, floorTarget, floorStsTarget].map((t) => [t.server, new TokenSource(CLUSTER, users, { sign: (c, at) => presigner.token(c, at), oldestSeconds: 600 })]));
    const tokensFile = path.join(config.dir, 'tokens.txt');
    const runs: NetnsRun[] = [];
    const measure = async (t: (typeof targets)[number], mode: 'unique' | 'repeated', connections: number, seconds: number): Promise<NetnsRun> => {
      const tokens = mode === 'unique'
        ? await sources.get(t.server)!.pool(TOKENS_PER_SECOND_OF_RUN * seconds)
        : users.slice(0, 10).map((u) => presigner.token(u, new Date(Math.floor(Date.now() / 1000) * 1000)));
      writeFileSync(tokensFile, tokens.join('\n') + '\n');
      const [stsBefore, cpuBefore] = [await stsStats(), processTreeCpuMs(t.pid)];
      const w = await wrkReviews({ url: t.url, connections, seconds, tokensFile, mode, cpu: LOAD_CPU });
      const [stsAfter, cpuAfter] = [await stsStats(), processTreeCpuMs(t.pid)];
      // The STS-call floor never reads a token (and outruns the pool: >20k req/s at c=16), so a wrapped file is harmless there.
      if (w.reused > 0 && t.server !== 'floor-sts') throw new Error(`bench: ${t.server} c=${connections} sent more requests than its ${tokens.length} unique tokens; raise TOKENS_PER_SECOND_OF_RUN`);
      return {
        server: t.server, mode, sts: variant, connections,
        reqPerSec: w.requests / (w.durationUs / 1e6),
        p50Ms: w.p50Us / 1000,
        p99Ms: w.p99Us / 1000,
        errors: w.errors + w.rejected,
        cpuMsPerRequest: (cpuAfter - cpuBefore) / Math.max(1, w.requests),
        stsConnections: stsAfter.accepts - stsBefore.accepts,
        stsRequests: stsAfter.requests - stsBefore.requests,
        peakRssMb: processTreePeakRssMb(t.pid),
      };
    };
    for (const t of [...targets, floorStsTarget]) {
      const warm = await measure(t, 'unique', 16, WARM_UP_SECONDS);
      if (warm.errors > 0) throw new Error(`bench: ${t.server} warm-up: ${warm.errors} of the requests were not authenticated (see ${config.dir})`);
    }
    await measure(floorTarget, 'repeated', 16, 2);
    for (const c of config.concurrency) {
      for (const mode of config.modes ?? (['unique', 'repeated'] as const)) {
        for (let r = 0; r < config.repeats; r++) {
          // Ours, Go and the mode's floor alternate run by run, so drifting machine load hits all alike.
          for (const t of [...targets, mode === 'repeated' ? floorTarget : floorStsTarget]) {
            const run = await measure(t, mode, c, config.durationSeconds);
            process.stderr.write(`bench: webhook ${JSON.stringify(run)}\n`);
            runs.push(run);
          }
        }
      }
    }
    return runs;
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
