/**
 * kube-apiserver as the webhook's client (issue 27): the e2e control plane (harness/control-plane.ts: etcd +
 * kube-apiserver v1.33 + the aggregation controller) with `--authentication-token-webhook-cache-ttl` 0s and its 2m
 * default, ours (`serve --workers auto`) and the Go aws-iam-authenticator v0.7.10 in turn as the webhook, both against
 * the fast STS stand-in (bench/go/sts-fast, HTTP/1.1). Many concurrent users send bearer tokens to kube-apiserver
 * (GET a ConfigMap list; no RBAC grants, so an authenticated user gets 403 and an unauthenticated one 401): either a
 * fresh token per request, or one token per user reused for the whole run as kubectl and kubelet reuse theirs.
 * Reported per 1,000 user requests: webhook CPU, STS calls, user-visible p50/p99, and what ALPN the webhook's port
 * negotiates with a client offering h2 and http/1.1, as client-go does.
 * kube-apiserver caches successful reviews itself (~10 s even with TTL 0), so reused tokens mostly stop there.
 * Opt-in (long: eight control-plane starts with the A/A pair, ~13 min): BENCH_KUBE_APISERVER=1 npm run bench -- --only kube-apiserver-client.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tls from 'node:tls';
import { startConnectProxy } from '../../harness/connect-proxy';
import { ControlPlane, startControlPlane } from '../../harness/control-plane';
import { startEksAccessWebhook } from '../../harness/eks-access-webhook';
import { freePort } from '../../harness/free-port';
import { startGoAuthenticator } from '../../harness/go-authenticator';
import { FastPresigner } from '../lib/fast-presign';
import { processCpuMs, processRssMb, processTreeCpuMs } from '../lib/process-cpu';
import { startStsFastForStsHost } from '../lib/sts-fast';
import { BenchResult, BenchRow, row } from '../lib/result';
import { median } from '../lib/stats';
import { benchIdentities } from '../lib/token-pool';
import { withIdlePolling } from '../lib/idle-poll';
import { goAuthenticatorBinary } from '../lib/tools';

const CLUSTER = 'kube-apiserver-bench';
const ACCOUNT = '123456789012';
const USERS = 2000;
const CLIENTS = Number(process.env.BENCH_KAS_CLIENTS ?? 32);
const SECONDS = Number(process.env.BENCH_KAS_SECONDS ?? 8);
/** BENCH_KAS_TTLS=0s runs only that TTL (a quicker re-run of one column). */
const TTLS = (process.env.BENCH_KAS_TTLS ? process.env.BENCH_KAS_TTLS.split(',') : ['0s', '2m']) as ReadonlyArray<'0s' | '2m'>;
const MODES = ['unique', 'reused'] as const;
/** The order the modes run in on each control plane (see run()). */
const RUN_ORDER = ['reused', 'unique'] as const;
/**
 * Rounds per TTL: in each, every server's control plane runs each mode once, the servers in turn (the order reversed
 * every other round). Rows give the median and the range. With one run per cell, the reused-token cells — where
 * kube-apiserver's own cache answers and the webhook is idle — read 0.87–1.16× Go from run to run (2026-12-07): the
 * spread of the machine, not of the webhook. An even count puts each server first and last equally often.
 */
const REPEATS = Number(process.env.BENCH_KAS_REPEATS ?? 4);
/** Seconds of the warm-up run of each mode on each control plane, not counted. */
const WARM_UP_SECONDS = Number(process.env.BENCH_KAS_WARM_UP_SECONDS ?? 4);

/**
 * Ours with h2 offered (server.http2: true, the default), ours with HTTP/1.1 only, the Go reference, and the same Go
 * webhook behind a second control plane of its own ('go-b'): Go against Go, the benchmark's A/A comparison. Each
 * server has its own kube-apiserver, so what differs between two control planes (a fresh process's heap and its
 * scheduling on the shared cores) is confounded with the server; go-b / go, paired by round as ours / Go is, measures
 * that spread with the webhook held fixed. BENCH_KAS_AA=0 leaves it out (one control plane fewer per TTL).
 */
type ServerName = 'ours' | 'ours-h1' | 'go' | 'go-b';
const AA = process.env.BENCH_KAS_AA !== '0';

export interface Cell {
  readonly server: ServerName;
  /** The round this run belongs to (the servers' runs of one round are minutes apart at most); -1: warm-up. */
  readonly round: number;
  readonly ttl: string;
  readonly mode: (typeof MODES)[number];
  readonly requests: number;
  readonly reqPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly unauthenticated: number;
  readonly webhookCpuMsPer1000: number;
  readonly stsCallsPer1000: number;
  readonly alpn: string;
  /** Ours: TLS connections the webhook accepted during the cell, per 1,000 user requests, by negotiated protocol. */
  readonly webhookConnectionsPer1000?: Record<string, number>;
  /** Ours: connections or h2 sessions/streams the webhook closed during the cell, by reason (closed_connections_total). */
  readonly webhookClosed?: Record<string, number>;
  /** kube-apiserver's CPU per 1,000 user requests (ms), the load generator's (this process), and the 1-min load at the start. */
  readonly apiserverCpuMsPer1000: number;
  readonly driverCpuMsPer1000: number;
  /** kube-apiserver's resident memory at the end of the cell (VmRSS, MB). */
  readonly apiserverRssMb: number;
  readonly loadAtStart: number;
}

/** What a client offering h2 and http/1.1 (client-go over TLS) negotiates with the webhook's port. */
function alpnOf(url: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const s = tls.connect({ host: u.hostname, port: Number(u.port), rejectUnauthorized: false, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
      resolve(s.alpnProtocol || 'none');
      s.end();
    });
    s.on('error', () => resolve('error'));
  });
}

/** Our webhook's `eks_access_webhook_connections_total` by protocol and `…_closed_connections_total` by reason. */
function connectionsByProtocol(metricsUrl: string): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    http.get(`${metricsUrl}/metrics`, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => {
        const out: Record<string, number> = {};
        for (const m of body.matchAll(/^eks_access_webhook_connections_total\{protocol="([^"]*)"\} (\S+)$/gm)) out[m[1]] = (out[m[1]] ?? 0) + Number(m[2]);
        for (const m of body.matchAll(/^eks_access_webhook_closed_connections_total\{reason="([^"]*)"\} (\S+)$/gm)) out[`closed:${m[1]}`] = (out[`closed:${m[1]}`] ?? 0) + Number(m[2]);
        resolve(out);
      });
    }).on('error', reject);
  });
}

const percentile = (sorted: number[], p: number) => sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** CLIENTS users, each on its own keep-alive connection to kube-apiserver, for `seconds`. */
async function drive(apiUrl: string, caPem: string, tokenFor: (client: number) => string, seconds: number): Promise<{ latencies: number[]; unauthenticated: number; seconds: number }> {
  const latencies: number[] = [];
  let unauthenticated = 0;
  const started = Date.now();
  const end = started + seconds * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, async (_, client) => {
    const agent = new https.Agent({ keepAlive: true, maxSockets: 1, ca: caPem });
    try {
      while (Date.now() < end) {
        const t0 = process.hrtime.bigint();
        const status = await new Promise<number>((resolve, reject) => {
          https.get(`${apiUrl}/api/v1/namespaces/default/configmaps?limit=1`, { agent, headers: { authorization: `Bearer ${tokenFor(client)}` } }, (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          }).on('error', reject);
        });
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
        if (status === 401) unauthenticated++;
      }
    } finally {
      agent.destroy();
    }
  }));
  return { latencies: latencies.sort((a, b) => a - b), unauthenticated, seconds: (Date.now() - started) / 1000 };
}

export async function run(): Promise<BenchResult> {
  if (process.env.BENCH_KUBE_APISERVER !== '1') {
    return { name: 'kube-apiserver-client', title: 'kube-apiserver as the webhook client (not run: BENCH_KUBE_APISERVER=1)', rows: [], notes: ['Skipped.'] };
  }
  // As in the webhook benchmark: every process here talks over loopback, and on this machine waking a halted CPU is
  // charged to the writer (bench/lib/idle-poll.ts).
  return withIdlePolling(measureCells);
}

async function measureCells(): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-kas-'));
  const stops: Array<() => Promise<void> | void> = [];
  const cells: Cell[] = [];
  try {
    const sts = await startStsFastForStsHost(dir, ['-account', ACCOUNT]);
    stops.push(() => void sts.child.kill('SIGKILL'));
    const { users, mapUsers } = benchIdentities('K', 'kas', USERS, ACCOUNT);
    const presigner = new FastPresigner(CLUSTER);
    const startOurs = async (name: string, http2: boolean) => {
      const metricsPort = await freePort();
      const w = await startEksAccessWebhook({
        dir: path.join(dir, name), clusterId: CLUSTER, stsConnectTo: sts.https, stsCaFile: sts.caFile, mapping: { mapUsers }, workers: 'auto',
        server: { http2, metricsPort },
      });
      stops.push(() => w.stop());
      return { w, metricsUrl: `http://127.0.0.1:${metricsPort}` };
    };
    const ours = await startOurs('ours', true);
    const oursH1 = await startOurs('ours-h1', false);
    const proxy = await startConnectProxy(sts.https);
    stops.push(() => proxy.close());
    const go = await startGoAuthenticator({ binary: goAuthenticatorBinary(), dir: path.join(dir, 'go'), clusterId: CLUSTER, stsProxyUrl: proxy.url, stsCaFile: sts.caFile, mapping: { mapUsers } });
    stops.push(() => go.stop());
    const oursEntry = (server: ServerName, o: typeof ours) => ({
      server, kubeconfig: o.w.webhookKubeconfig, version: 'v1' as const, url: o.w.url, cpu: () => processTreeCpuMs(o.w.process.child.pid!),
      connections: () => connectionsByProtocol(o.metricsUrl),
    });
    const goEntry = (server: 'go' | 'go-b') =>
      ({ server, kubeconfig: go.webhookKubeconfig, version: 'v1beta1' as const, url: go.url, cpu: () => processCpuMs(go.process.child.pid!), connections: undefined });
    const servers = [oursEntry('ours', ours), oursEntry('ours-h1', oursH1), goEntry('go'), ...(AA ? [goEntry('go-b')] : [])];
    // BENCH_KAS_ORDER=reverse: Go's control plane first in the first round (the order then alternates round by round).
    if (process.env.BENCH_KAS_ORDER === 'reverse') servers.reverse();
    let second = Math.floor(Date.now() / 1000) - 30;
    type Plane = { readonly s: (typeof servers)[number]; readonly cp: ControlPlane; readonly caPem: string; readonly alpn: string };
    const measure = async ({ s, cp, caPem, alpn }: Plane, ttl: string, mode: (typeof MODES)[number], seconds: number, round: number): Promise<Cell> => {
      // Unique: a new token per request (a fresh X-Amz-Date second per round of users); reused: one per client (its
      // own user), all signed in one second. The seconds never run ahead of the clock by more than a run's worth:
      // our verifier refuses an X-Amz-Date over 5 min in the future (Go does not check), which seconds taken
      // faster than they pass reached within a few repeats.
      second = Math.max(second, Math.floor(Date.now() / 1000) - 30);
      const fixed = mode === 'reused' ? users.slice(0, CLIENTS).map((u) => presigner.token(u, new Date(second * 1000))) : [];
      if (mode === 'reused') second++;
      let n = 0;
      const tokenFor = mode === 'reused' ? (c: number) => fixed[c]
        : () => presigner.token(users[n % USERS], new Date((second + Math.floor(n++ / USERS)) * 1000));
      const conns0 = await s.connections?.();
      const loadAtStart = os.loadavg()[0];
      const [cpu0, sts0, api0, me0] = [s.cpu(), (await sts.readStats()).requests, processCpuMs(cp.api.process.child.pid!), process.cpuUsage()];
      const d = await drive(cp.api.url, caPem, tokenFor, seconds);
      const [cpu1, sts1, api1, me1] = [s.cpu(), (await sts.readStats()).requests, processCpuMs(cp.api.process.child.pid!), process.cpuUsage(me0)];
      const conns1 = await s.connections?.();
      const delta = conns1 && Object.entries(conns1).map(([p, k]) => [p, k - (conns0?.[p] ?? 0)] as const);
      if (mode === 'unique') second += Math.ceil(n / USERS) + 1;
      const k = d.latencies.length / 1000;
      return {
        server: s.server, round, ttl, mode, requests: d.latencies.length, reqPerSec: d.latencies.length / d.seconds,
        p50Ms: percentile(d.latencies, 0.5), p99Ms: percentile(d.latencies, 0.99), unauthenticated: d.unauthenticated,
        webhookCpuMsPer1000: (cpu1 - cpu0) / k, stsCallsPer1000: (sts1 - sts0) / k, alpn,
        webhookConnectionsPer1000: delta && Object.fromEntries(delta.filter(([p]) => !p.startsWith('closed:')).map(([p, x]) => [p, x / k])),
        webhookClosed: delta && Object.fromEntries(delta.filter(([p, x]) => p.startsWith('closed:') && x > 0).map(([p, x]) => [p.slice(7), x])),
        apiserverCpuMsPer1000: (api1 - api0) / k, driverCpuMsPer1000: (me1.user + me1.system) / 1000 / k, loadAtStart,
        apiserverRssMb: processRssMb(cp.api.process.child.pid!),
      };
    };
    for (const ttl of TTLS) {
      // One control plane per server, all running at once, and the servers' runs interleaved in time: what drifts over a
      // run (the machine, a control plane settling after its start) falls on every server alike. One control plane per
      // server after another (before 2026-12-07) put each server's runs in its own minutes, and each reused-token cell
      // met 1× Go in one server order and missed it in the other.
      const planes: Plane[] = [];
      try {
        for (const s of servers) {
          const cp = await startControlPlane({ webhookKubeconfig: s.kubeconfig, webhookVersion: s.version, webhookCacheTtl: ttl });
          planes.push({ s, cp, caPem: readFileSync(cp.api.caFile, 'utf8'), alpn: await alpnOf(s.url) });
        }
        // Reused tokens first, then unique: kube-apiserver keeps every successful review in its token cache for the
        // TTL, so a unique-token cell leaves as many entries as its webhook answered — with 2m, ~3× more behind ours
        // than behind Go — and reused-token cells run after it measured a kube-apiserver with a bigger heap to collect
        // (kube-apiserver's resident memory is recorded per cell).
        for (const mode of RUN_ORDER) {
          // Warm-up, not counted: each control plane serves the mode once (its webhook connections, caches and the
          // first requests after its start).
          for (const p of planes) await measure(p, ttl, mode, WARM_UP_SECONDS, -1);
          for (let round = 0; round < REPEATS; round++) {
            // ABC, CBA, ABC, CBA: each server takes each place in the order equally often over an even number of rounds.
            for (const p of round % 2 === 0 ? planes : [...planes].reverse()) {
              const cell = await measure(p, ttl, mode, SECONDS, round);
              process.stderr.write(`bench: kube-apiserver-client ${JSON.stringify(cell)}\n`);
              cells.push(cell);
            }
          }
        }
      } finally {
        for (const p of planes) await p.cp.stop();
      }
    }
  } finally {
    for (const stop of stops.reverse()) await Promise.resolve(stop()).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  return resultOfCells(cells);
}

/** The table of recorded cells (the `bench: kube-apiserver-client {…}` lines of a run's stderr are such cells). */
export function resultOfCells(cells: readonly Cell[]): BenchResult {
  return { name: 'kube-apiserver-client', title: 'kube-apiserver as the webhook client: ours (serve --workers auto) vs Go aws-iam-authenticator', rows: rowsOf(cells), notes: notesOf(cells) };
}

/** The measured reason for a missed target, from the cells' own figures (ours `o`, Go `g`). */
export function explainKasRow(r: BenchRow, o: Cell, g: Cell, aa?: readonly number[]): string | undefined {
  if (r.met !== false) return undefined;
  if (r.case.includes('reused')) {
    return `${aa && aa.length > 0 ? `${aaText(aa)}; ` : ''}with reused tokens kube-apiserver answers from its own token cache: per 1,000 user requests the webhook spent ` +
      `${o.webhookCpuMsPer1000.toFixed(1)} ms of CPU (Go ${g.webhookCpuMsPer1000.toFixed(1)}), kube-apiserver ` +
      `${o.apiserverCpuMsPer1000.toFixed(0)} ms (${g.apiserverCpuMsPer1000.toFixed(0)} in Go's cell) and the load generator ` +
      `${o.driverCpuMsPer1000.toFixed(0)} ms (${g.driverCpuMsPer1000.toFixed(0)}): kube-apiserver and the load generator ` +
      `bound this rate on the 2 shared cores (load ${o.loadAtStart.toFixed(1)} at the cell's start, ${g.loadAtStart.toFixed(1)} at Go's), not the webhook`;
  }
  return 'the webhook\'s CPU per review bounds the rate (the CPU row); see the webhook table for where it goes';
}

/** The A/A figure of a row: Go behind a second control plane / Go, round by round (median and range). */
export function aaText(aa: readonly number[]): string {
  const sorted = [...aa].sort((a, b) => a - b);
  return `Go against Go on a second control plane in the same rounds read ${median(sorted).toFixed(2)}× ` +
    `(${sorted[0].toFixed(2)}–${sorted[sorted.length - 1].toFixed(2)}×), the benchmark's own spread with the webhook held fixed`;
}

const VARIANTS: ReadonlyArray<{ server: ServerName; label: string }> = [
  { server: 'ours', label: 'ours h2 offered' },
  { server: 'ours-h1', label: 'ours HTTP/1.1 only' },
];

/** The protocols and counts of our webhook's connections in a cell, e.g. `h2 0.02` (per 1,000 user requests). */
function connectionsText(c: Cell): string {
  const e = Object.entries(c.webhookConnectionsPer1000 ?? {}).filter(([, n]) => n > 0);
  const closed = Object.entries(c.webhookClosed ?? {}).map(([r, n]) => `${r} ${n}`).join(', ');
  return `${e.length === 0 ? 'none opened' : e.map(([p, n]) => `${p} ${n.toFixed(3)}`).join(', ')}${closed ? ` (closed by the webhook: ${closed})` : ''}`;
}

type NumericField = 'reqPerSec' | 'webhookCpuMsPer1000' | 'stsCallsPer1000' | 'p50Ms' | 'p99Ms' | 'unauthenticated'
  | 'apiserverCpuMsPer1000' | 'driverCpuMsPer1000' | 'loadAtStart' | 'apiserverRssMb';

/** The runs of one server, TTL and mode as one cell: each figure the median of the runs (the first run's ALPN). */
function medianCell(runs: readonly Cell[]): Cell {
  const of = (field: NumericField) => median(runs.map((c) => c[field]));
  return {
    ...runs[0], requests: median(runs.map((c) => c.requests)), reqPerSec: of('reqPerSec'), webhookCpuMsPer1000: of('webhookCpuMsPer1000'),
    stsCallsPer1000: of('stsCallsPer1000'), p50Ms: of('p50Ms'), p99Ms: of('p99Ms'), unauthenticated: of('unauthenticated'),
    apiserverCpuMsPer1000: of('apiserverCpuMsPer1000'), driverCpuMsPer1000: of('driverCpuMsPer1000'), loadAtStart: of('loadAtStart'),
    apiserverRssMb: of('apiserverRssMb'),
  };
}

function rangeOf(runs: readonly Cell[], field: NumericField): [number, number] | undefined {
  const xs = runs.map((c) => c[field]);
  return xs.length > 1 ? [Math.min(...xs), Math.max(...xs)] : undefined;
}

function rowsOf(cells: readonly Cell[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const ttl of TTLS) {
    for (const mode of MODES) {
      const runsOf = (server: ServerName) => cells.filter((c) => c.server === server && c.ttl === ttl && c.mode === mode);
      const goRuns = runsOf('go');
      const aa = pairedRatios(runsOf('go-b'), goRuns, 'reqPerSec');
      for (const v of VARIANTS) {
        const oursRuns = runsOf(v.server);
        if (oursRuns.length === 0 || goRuns.length === 0) continue;
        const [o, g] = [medianCell(oursRuns), medianCell(goRuns)];
        const c = `cache TTL ${ttl}, ${mode} tokens, ${CLIENTS} users, ${v.label}`;
        const base = { case: c, baselineName: 'Go aws-iam-authenticator' };
        const measured = (metric: string, unit: string, field: NumericField) =>
          ({ ...base, metric, unit, ours: o[field], baseline: g[field], oursRange: rangeOf(oursRuns, field), baselineRange: rangeOf(goRuns, field) });
        const paired = pairedRatios(oursRuns, goRuns, 'reqPerSec');
        rows.push(
          row(measured('user requests/s', 'req/s', 'reqPerSec')),
          withExplanation(row({
            ...base, metric: 'user requests/s, ours / Go within each round (median of the rounds)', unit: '×', ours: median(paired), baseline: 1,
            oursRange: paired.length > 1 ? [Math.min(...paired), Math.max(...paired)] : undefined, target: { text: '≥ 1×', met: (r) => r >= 1 },
          }), o, g, aa),
          row(measured('webhook CPU per 1,000 user requests', 'ms', 'webhookCpuMsPer1000')),
          row(measured('STS calls per 1,000 user requests', 'count', 'stsCallsPer1000')),
          row(measured('user-visible latency p50', 'ms', 'p50Ms')),
          row(measured('user-visible latency p99', 'ms', 'p99Ms')),
          row(measured('unauthenticated answers (401) per run', 'count', 'unauthenticated')),
          row(measured('kube-apiserver CPU per 1,000 user requests', 'ms', 'apiserverCpuMsPer1000')),
          row({ ...base, metric: 'webhook h2 negotiated (1 yes, 0 no)', unit: 'count', ours: o.alpn === 'h2' ? 1 : 0, baseline: g.alpn === 'h2' ? 1 : 0 }),
        );
      }
      if (aa.length > 0) {
        rows.push(row({
          case: `cache TTL ${ttl}, ${mode} tokens, ${CLIENTS} users, A/A: Go behind a second control plane`,
          metric: 'user requests/s, Go (second control plane) / Go within each round (median of the rounds)', unit: '×',
          ours: median(aa), baseline: 1, baselineName: 'Go aws-iam-authenticator', oursRange: aa.length > 1 ? [Math.min(...aa), Math.max(...aa)] : undefined,
        }));
      }
    }
  }
  return rows;
}

/**
 * ours / Go of `field` round by round (runs of one round are minutes apart, the servers in turn): what the load of the
 * machine did between rounds — reused-token cells read 12k–16k req/s from one round to the next for every server alike
 * (2026-12-07) — cancels in each ratio, and the target is judged on their median.
 */
export function pairedRatios(ours: readonly Cell[], go: readonly Cell[], field: NumericField): number[] {
  return ours.flatMap((o) => {
    const g = go.find((c) => c.round === o.round);
    return g && g[field] > 0 ? [o[field] / g[field]] : [];
  });
}

function withExplanation(r: BenchRow, o: Cell, g: Cell, aa: readonly number[]): BenchRow {
  return { ...r, explanation: explainKasRow(r, o, g, aa) };
}

/** One cell per server, TTL and mode (medians of its runs; its first run's connections, where h2 sessions open). */
function groupedCells(runs: readonly Cell[]): Cell[] {
  const groups = new Map<string, Cell[]>();
  for (const c of runs) {
    const key = `${c.server} ${c.ttl} ${c.mode}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.values()].map(medianCell);
}

function notesOf(runs: readonly Cell[]): string[] {
  const cells = groupedCells(runs);
  const alpn = (server: string) => cells.find((c) => c.server === server)?.alpn ?? '?';
  const conns = cells.filter((c) => c.server === 'ours' || c.server === 'ours-h1')
    .map((c) => `${c.server === 'ours' ? 'h2 offered' : 'HTTP/1.1 only'}, TTL ${c.ttl}, ${c.mode}: ${connectionsText(c)}`);
  return [
    `Each cell: the median of ${REPEATS} runs (the rows give the range). Per TTL the ${new Set(cells.map((c) => c.server)).size} control planes (one per server) run at once; ` +
      `after a warm-up run of ${WARM_UP_SECONDS} s per mode on each (not counted), ${REPEATS} rounds each run every mode on every ` +
      'control plane, the servers in turn, in reversed order every other round; ' +
      `a run: ${CLIENTS} concurrent users for ${SECONDS} s, each on one keep-alive HTTPS connection to kube-apiserver, GET ` +
      '/api/v1/namespaces/default/configmaps?limit=1 (403 when authenticated: no RBAC grants; 401 counted apart). Unique: a new ' +
      `presigned token per request (${USERS} IAM users × distinct X-Amz-Date seconds); reused: one token per user for the run.`,
    'One control plane per server and TTL, alive together (etcd + kube-apiserver v1.33.13 + the aggregation controller, as the e2e tests run it), ' +
      '--authentication-token-webhook-cache-ttl 0s and 2m; kube-apiserver also caches successful reviews ~10 s by itself ' +
      'with TTL 0, so reused tokens rarely reach the webhook either way.',
    ...(cells.some((c) => c.server === 'go-b') ? ['A/A rows: the same Go webhook process behind a fourth control plane of its own ' +
      '("go-b"), run in the same rounds and order as the others; go-b / Go, paired by round, is what the ratio of two control planes ' +
      'reads when the webhook behind them is the same — the resolution of the ours / Go rows.'] : []),
    `Webhook ALPN with a client offering h2 and http/1.1 (client-go over TLS): ours with server.http2 ${alpn('ours')}, ` +
      `ours with server.http2: false ${alpn('ours-h1')}, Go ${alpn('go')}; for ours, what kube-apiserver itself ` +
      'negotiated is the protocol of the connections below (recorded by the webhook per connection).',
    'Where the CPU went, per 1,000 user requests (ms: webhook / kube-apiserver / load generator), kube-apiserver\'s resident ' +
      `memory at the cell's end, and the 1-min load at the cell's start: ${cells.map((c) => `${c.server} TTL ${c.ttl} ${c.mode}: ` +
        `${c.webhookCpuMsPer1000.toFixed(1)} / ${c.apiserverCpuMsPer1000.toFixed(0)} / ${c.driverCpuMsPer1000.toFixed(0)}, ` +
        `${c.apiserverRssMb.toFixed(0)} MB, load ${c.loadAtStart.toFixed(1)}`).join('; ')}.`,
    'TLS connections kube-apiserver opened to our webhook during the first counted run of each cell (after the warm-up), per 1,000 user requests, by the protocol the ' +
      `webhook recorded for each (eks_access_webhook_connections_total): ${conns.join('; ')}. Over HTTP/1.1 client-go keeps ` +
      'few idle connections per host and dials a new TLS connection whenever more reviews are in flight than it has idle, ' +
      'in every cell; over h2 the connections open in the warm-up on each fresh kube-apiserver (the first concurrent ' +
      'reviews each dialing before one connection is up, as Go\'s http2 transport over net/http does; not checked further), ' +
      'and the counted cells open none or few.',
    'Webhook CPU: the server\'s process tree (ours: the `serve --workers auto` primary and its workers) or process (Go, ' +
      'GOMAXPROCS = the machine\'s cores), /proc ticks over the cell. STS calls: requests the stand-in (bench/go/sts-fast, ' +
      'HTTP/1.1) answered during the cell; Go reaches it through an HTTP CONNECT proxy in the benchmark process ' +
      '(harness/connect-proxy.ts), ours by its test-only sts.connectTo. Everything shares the machine\'s 2 cores with ' +
      'kube-apiserver and etcd, and with other jobs: figures are upper bounds.',
  ];
}
