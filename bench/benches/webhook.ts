/**
 * Benchmark 1: the TokenReview webhook, `eks-access serve` against the Go aws-iam-authenticator server (v0.7.10,
 * MountedFile mapping), both verifying against a fast STS stand-in (bench/go/sts-fast: Go standard-library HTTPS,
 * keep-alive, canned GetCallerIdentity replies keyed by access key id) so that the authenticators, not the stand-in,
 * are what is measured. Both reach it by the same route: inside a user + network + mount namespace
 * (`unshare -rnm`, loopback only) whose /etc/hosts sends sts.us-east-1.amazonaws.com to 127.0.0.1, each resolves
 * the STS host by ordinary DNS and dials port 443 — no test-only dial override, no proxy. The server under test is
 * pinned to CPU 0; wrk (-t1), the stand-in and the measuring process share CPU 1 (bench/workers/webhook-netns.ts
 * measures); each server writes its log lines straight to a file (harness/processes.ts).
 * The moto-backed run (bench/benches/webhook-sts-bound.ts) stays as the "STS-bound" table.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildGoProgram } from '../lib/go-build';
import { BenchResult, BenchRow, row } from '../lib/result';
import { median } from '../lib/stats';
import { goAuthenticatorBinary } from '../lib/tools';
import { holdIdlePolling, idleConditionNote } from '../lib/idle-poll';
import { SERVE_NODE_FLAGS } from '../../authenticator/server/node-flags';
import type { NetnsConfig, NetnsRun, StsVariant } from '../workers/webhook-netns';

/** BENCH_WEBHOOK_CONCURRENCY=1,16 runs a subset (a trial run; RESULTS.md uses all three). */
const CONCURRENCY = process.env.BENCH_WEBHOOK_CONCURRENCY?.split(',').map(Number) ?? [1, 16, 64];
/**
 * BENCH_WEBHOOK_SECONDS / BENCH_WEBHOOK_REPEATS shorten a trial run; the figures in RESULTS.md use the defaults.
 * BENCH_WEBHOOK_PROFILE_DIR=DIR profiles our server (`node --cpu-prof`) over the whole run; BENCH_WEBHOOK_NODE_ARGS adds
 * `node` flags to it (e.g. `--trace-gc`: its lines land in the server's log under the run's temporary folder), and
 * BENCH_WEBHOOK_CONFIG='{"cache":{"maxEntries":0}}' merges config sections over its defaults (logs kept likewise).
 */
const DURATION_S = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 10);
const REPEATS = Number(process.env.BENCH_WEBHOOK_REPEATS ?? 3);
const BASELINE = 'Go aws-iam-authenticator';
/**
 * Both protocol variants of the stand-in (issue 27): HTTP/1.1 only — what STS, a query-protocol API, is taken to
 * negotiate — and h2 offered, under which Go's client multiplexes every call over one connection. Which one real STS
 * speaks cannot be checked from here, so both tables are published, each labelled. BENCH_WEBHOOK_STS=http/1.1|h2
 * runs one.
 */
const STS_VARIANTS: readonly StsVariant[] = process.env.BENCH_WEBHOOK_STS
  ? [process.env.BENCH_WEBHOOK_STS as StsVariant] : ['http/1.1', 'h2'];
/**
 * BENCH_WEBHOOK_CORES=2: the servers under test on both cores of this machine (`taskset -c 0,1`; ours with
 * `serve --workers auto`, i.e. 2 workers; Go with its default GOMAXPROCS, 2), load generator and stand-in still on
 * CPU 1. Its result is written as the separate benchmark `webhook-2cores` (npm run bench -- --only webhook-2cores).
 */
const coresOfRun = () => Number(process.env.BENCH_WEBHOOK_CORES ?? 1);
/** Each token mode's Node floor (bench/workers/https-floor.ts): its runs' server name, its row's metric, its baseline's name. */
const FLOORS = {
  repeated: { server: 'floor', metric: 'server CPU per request, vs the Node HTTPS floor', name: 'bare Node HTTPS server, canned answer' },
  unique: {
    server: 'floor-sts', metric: 'server CPU per request, vs the Node STS-call floor',
    name: 'Node HTTPS server + one GET to STS through the verifier\'s keep-alive pool, canned answer',
  },
} as const;
/** Cache hit CPU target (the issue's): ≤ 0.1 ms of server CPU per answered review. */
const CACHE_HIT_CPU_MS = 0.1;

/**
 * Targets of the unique-token rows (ours / Go), by stand-in variant and concurrency (issue 27): at c=1 CPU ≤ 1.2× and
 * p99 ≤ 1.5× under both; with h2 offered ≥ 1.0× req/s and ≤ 1.0× CPU at c=64; HTTP/1.1 only, keep ≥ 2× req/s at c=16/64.
 */
const UNIQUE_TARGETS: Record<StsVariant, Record<number, { rps?: number; cpu?: number; p99?: number }>> = {
  'http/1.1': { 1: { cpu: 1.2, p99: 1.5 }, 16: { rps: 2 }, 64: { rps: 2 } },
  'h2': { 1: { cpu: 1.2, p99: 1.5 }, 64: { rps: 1.0, cpu: 1.0 } },
};

function requireTools(): void {
  try {
    execFileSync('unshare', ['-rnm', 'true'], { stdio: 'ignore' });
  } catch {
    throw new Error('bench webhook: `unshare -rnm` (unprivileged user namespaces) is needed to give both servers the same route to the stand-in');
  }
  try {
    execFileSync('sh', ['-c', 'command -v wrk'], { stdio: 'ignore' });
  } catch {
    throw new Error("bench webhook: 'wrk' is not installed (Debian: apt-get install wrk)");
  }
}

export async function run(): Promise<BenchResult> {
  requireTools();
  const CORES = coresOfRun();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-webhook-'));
  try {
    const hosts = path.join(dir, 'hosts');
    writeFileSync(hosts, '127.0.0.1 localhost\n::1 localhost\n127.0.0.1 sts.us-east-1.amazonaws.com\n');
    const config: NetnsConfig = {
      dir, out: path.join(dir, 'runs.json'), goAuthenticator: goAuthenticatorBinary(), stsFast: buildGoProgram('sts-fast'),
      durationSeconds: DURATION_S, repeats: REPEATS, concurrency: CONCURRENCY, profileDir: process.env.BENCH_WEBHOOK_PROFILE_DIR,
      nodeArgs: process.env.BENCH_WEBHOOK_NODE_ARGS?.split(' ').filter(Boolean),
      serveNodeFlags: process.env.BENCH_WEBHOOK_SERVE_FLAGS?.split(' ').filter(Boolean),
      modes: process.env.BENCH_WEBHOOK_MODES?.split(',') as NetnsConfig['modes'],
      serverConfig: process.env.BENCH_WEBHOOK_CONFIG ? JSON.parse(process.env.BENCH_WEBHOOK_CONFIG) as Record<string, unknown> : undefined,
      stsVariants: STS_VARIANTS, serverCpus: CORES === 2 ? '0,1' : '0',
    };
    const worker = path.join(__dirname, '..', 'workers', 'webhook-netns.js');
    const measure = (name: string, cfg: NetnsConfig): NetnsRun[] => {
      const configFile = path.join(dir, `${name}.json`);
      mkdirSync(path.join(dir, name));
      writeFileSync(configFile, JSON.stringify({ ...cfg, dir: path.join(dir, name), out: path.join(dir, `${name}-runs.json`) }));
      execFileSync('unshare', ['-rnm', 'sh', '-c', 'ip link set lo up && mount --bind "$1" /etc/hosts && exec taskset -c 1 "$2" "$3" "$4"', 'sh',
        hosts, process.execPath, worker, configFile], { stdio: ['ignore', 'inherit', 'inherit'] });
      return JSON.parse(readFileSync(path.join(dir, `${name}-runs.json`), 'utf8')) as NetnsRun[];
    };
    const idle = holdIdlePolling();
    let runs: NetnsRun[];
    let abRows: readonly BenchRow[] = [];
    try {
      runs = measure('main', config);
      // The A/B of the idle CPUs (one-core table only): one case measured held polling and then as the host booted,
      // back to back, so that the figures of both conditions come from the same minutes.
      if (idle.held && CORES === 1 && process.env.BENCH_WEBHOOK_IDLE_AB !== '0') {
        const ab: NetnsConfig = { ...config, concurrency: [IDLE_AB.c], stsVariants: [IDLE_AB.sts], modes: ['unique', 'repeated'] };
        const held = measure('idle-held', ab);
        idle.release();
        abRows = idleAbRows(held, measure('idle-as-booted', ab));
      }
    } finally {
      idle.release();
    }
    return webhookResult(CORES, runs, abRows, idle.description);
  } finally {
    // With extra node flags the servers' logs are what the run was for: kept, and their folder named.
    if (process.env.BENCH_WEBHOOK_NODE_ARGS || process.env.BENCH_WEBHOOK_CONFIG) process.stderr.write(`bench: webhook logs kept in ${dir}\n`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The result of a run from its records: the table of `runs` (the main measurement), the idle-CPU A/B rows, and the notes.
 * Pure, so that a run can be rebuilt from the "bench: webhook" records it printed (docs/benchmarks.md).
 */
export function webhookResult(cores: number, runs: readonly NetnsRun[], abRows: readonly BenchRow[], idleDescription: string): BenchResult {
  const notes = [idleNote(idleDescription, abRows.length > 0), ...NOTES];
  return cores === 2
    ? {
      name: 'webhook-2cores', title: 'Webhook on both cores: eks-access serve --workers auto (2) vs Go aws-iam-authenticator (GOMAXPROCS 2), fast STS stand-in',
      rows: rowsOf(runs), notes: [...notes, NOTE_2CORES],
    }
    : { name: 'webhook', title: 'Webhook: eks-access serve vs Go aws-iam-authenticator server (fast STS stand-in, same route, pinned)', rows: [...rowsOf(runs), ...abRows], notes };
}

type Metric = 'reqPerSec' | 'p50Ms' | 'p99Ms' | 'cpuMsPerRequest' | 'stsConnections' | 'errors' | 'peakRssMb';

function stat(runs: readonly NetnsRun[], metric: Metric): { median: number; range: [number, number] } {
  const xs = runs.map((r) => r[metric]);
  return { median: median(xs), range: [Math.min(...xs), Math.max(...xs)] };
}

/**
 * What CPU profiles of our server showed, as shares of its busy CPU time. Re-measure when the server changes.
 * Unique tokens: BENCH_WEBHOOK_PROFILE_DIR, h2 stand-in, c=64, one 10 s run after a 2 s warm-up, 2026-12-07, the
 * self time of each sampled frame grouped by where its code lives (our dist/authenticator files, Node's internals,
 * native); on the AMD EPYC host, and again on the Intel Xeon host the same day (one 8 s run after a 10 s warm-up:
 * socket writes 26%, our JavaScript 30%, GC 5%, promises 4%, Node's internals with the program's own frames 27%).
 * Cache hits: 4 s per cell, 2026-11-29, after the request-path work of issue 18.
 */
const PROFILE_UNIQUE =
  'a CPU profile of ours in the unique-token run at c=64 (BENCH_WEBHOOK_PROFILE_DIR, h2 stand-in, on an AMD EPYC host; on ' +
  'an Intel Xeon host socket writes took 26% and our JavaScript 30% of a CPU per review 1.8× as high) ' +
  'puts 26% of its time in the ' +
  'native socket writes of each review — the answer to the client and the GET to STS: TLS encryption and loopback TCP in the ' +
  'kernel, which the floor and Go pay as well —; 33% in our own JavaScript, spread over some fifty functions none of which ' +
  'is above 2% (the server\'s review, identity cache, resolver and HTTP glue 14.5%, the local token checks and the STS ' +
  'client 11.4%, the log lines 2.6%, ARN canonicalization and mapping 2.6%, prom-client 1.4%); 5% in promise machinery, 6% ' +
  'in GC, and ~14% in Node\'s HTTP parser, streams, events, timers and net';
const PROFILE_HIT =
  'a CPU profile of a cache-hit run at c=16 puts 32% of ours in the one socket write of the answer (TLS + loopback TCP), 10% ' +
  'in Node\'s HTTP parsing, 5% in the token\'s SHA-256 (the cache key), 8% in the two log lines and their write, 3.5% in ' +
  'JSON.parse of the review; what is left is spread thin';

const C1_THROUGHPUT =
  'one request at a time, req/s is the inverse of the latency (see the p50 row), not of the CPU: the pinned core idles while ' +
  'a review waits for STS. On that path ours spends more CPU than Go (the CPU row and its reasons), and a Node server pays an ' +
  'event-loop wake-up for each of the two reads of a review (the review, then the STS reply): the Node HTTPS floor row of the ' +
  'repeated-token c=1 case shows ~0.1 ms per request for a canned answer alone, against ~0.05 ms per request under load';

/**
 * Measured 2026-12-07 (quiet machine, Node 22, c=1, unique tokens, the same route): `--trace-gc-nvp` on ours; A/B runs
 * of the server's node flags (BENCH_WEBHOOK_SERVE_FLAGS, h2 stand-in, three runs of 6 s each way); the cache
 * change measured with --trace-gc before and after. The figures are in authenticator/server/node-flags.ts.
 */
const UNIQUE_C1_TAIL =
  'one review at a time on one pinned core, ours\' tail follows its CPU per review (the CPU row: here a review costs ours ' +
  'more than Go) and its garbage collector: V8 scavenges the young generation every ~55–70 ms (~46 KB allocated per ' +
  'review; --trace-gc at c=1, HTTP/1.1 stand-in: 0.6–0.9 ms pauses on 2026-12-07, a median of 1.5 ms and a 90th ' +
  'percentile of 2.7 ms on the slower host of 2026-12-08), a pause that lands on ~0.4% of the requests, and marks the ' +
  'old generation every few seconds, its helper thread sharing the one core with the event loop; Go\'s collector is ' +
  'concurrent and does not move objects. Done: identity-cache entries now hold only their key (~25 KB promoted per scavenge, was ~300 KB: each ' +
  'verified identity outlived a scavenge, a 10,000-entry cache turning over every ~3 s), and serve runs with one V8 ' +
  'helper instead of four (--v8-pool-size=1: p99 1.10–1.56 ms against 1.33–2.03 ms in A/B runs); with no helper ' +
  '(--single-threaded-gc) the p99 was no better and c=64 lost a third of its req/s. The runs of this row spread ' +
  'widely (its range); on two cores (the webhook-2cores table) the same case is at or below Go\'s p99';

/**
 * Measured 2026-12-08 on the Intel Xeon host (HTTP/1.1 stand-in, unique tokens, c=1, idle CPUs held polling): `perf record
 * -F 1999 -g -p PID` over 8 s of the measured run of ours and of the STS-call floor (bench/workers/https-floor.ts), the
 * samples grouped by what runs them (DSO and symbol); V8's own profiler (BENCH_WEBHOOK_PROFILE_DIR) over the same case;
 * the review path in one process without sockets (the webhook server's `review`, real token checks, a canned STS reply).
 */
const UNIQUE_C1_CPU =
  'one review at a time, what ours spends above the floor is JavaScript execution with no hot spot. A `perf` profile of ' +
  'the whole process, native code included (perf record -g, ~2 kHz, 8 s of this case under the HTTP/1.1 stand-in, ' +
  '2026-12-08; perf raised ours to 0.29 ms per review), splits ours into 0.19 ms of JavaScript execution (optimized and ' +
  'baseline code 0.06, V8\'s builtins — inline caches, calls, promises — 0.06, V8\'s runtime, strings, JSON, compilers and ' +
  'GC 0.07), 0.05 ms in the kernel and 0.06 ms in Node\'s C++, libc, OpenSSL, libuv and llhttp; the STS-call floor into ' +
  '0.034, 0.037 and 0.024 ms. No symbol of ours takes more than 2% (the largest: a megamorphic keyed load, then the kernel\'s ' +
  'context switch). V8\'s own profiler sees about half of ours\' CPU in this case: it counts the native work of the event ' +
  'loop\'s poll phase (TLS reads, HTTP parsing) as idle. The same review logic run in one process with no sockets, one ' +
  'review after another on the pinned core, costs 0.035 ms per review with its caches warm, and 0.09 ms or 0.11 ms when ' +
  '4 MB or 16 MB of other memory is touched between reviews: one at a time, a review starts with caches that the kernel, ' +
  'the event loop and the peers used meanwhile, and the more code and data a review touches the more that costs; ours ' +
  'touches far more than the floor';

/**
 * What the unique-token floor of the same runs says (`floorCpuMs`: the STS-call floor's CPU per request, its own row):
 * how much of ours is Node's transport for a review with an STS call, and how much is the review itself.
 */
function stsFloorText(r: BenchRow, floorCpuMs: number | undefined): string {
  if (floorCpuMs === undefined) return '';
  const cpuRow = r.metric === 'server CPU per request';
  return `Node's transport alone for a review with an STS call — an HTTPS server reading the review, one GET to the ` +
    `stand-in through the verifier's keep-alive pool, a canned answer (the "vs the Node STS-call floor" row) — costs ` +
    `${floorCpuMs.toFixed(3)} ms per request in these runs${cpuRow ? `, against Go's whole review ${r.baseline.toFixed(3)} ms and ours ` +
      `${r.ours.toFixed(3)} ms: ${(r.ours - floorCpuMs).toFixed(3)} ms of ours is the review above that transport` : ''}. ` +
    'Where all of ours\' time goes: ';
}

/** The same case under the other stand-in, for the h2 rows' reason: both servers' CPU per review under each, Go's STS connections under HTTP/1.1. */
export interface AcrossStandIns {
  readonly goH1CpuMs: number;
  readonly goH2CpuMs: number;
  readonly oursH1CpuMs: number;
  readonly oursH2CpuMs: number;
  readonly goH1StsConnections: number;
}

/** The measured reason for a missed target, from the row's own figures, the floor's and the profiles above. */
export function explainWebhookRow(r: BenchRow, floorCpuMs?: number, cpuRatioToGo?: number, across?: AcrossStandIns): string | undefined {
  if (r.met !== false) return undefined;
  const repeated = r.case.includes('repeated');
  if (r.metric === 'server CPU per request' && repeated) {
    const floor = floorCpuMs === undefined ? '' : `a bare Node HTTPS server answering a canned review on the same core costs ` +
      `${floorCpuMs.toFixed(3)} ms per request in this run (its own row), ${(r.ours - floorCpuMs).toFixed(3)} ms below ours: the ` +
      'difference is all our review costs above Node\'s own HTTPS request handling' +
      (floorCpuMs >= CACHE_HIT_CPU_MS * 0.8
        ? ', and the floor alone takes most or all of the 0.1 ms (one review at a time: an event-loop wake-up and a socket read ' +
          'and write per request). '
        : '. ');
    return `${floor}${PROFILE_HIT}`;
  }
  if (r.metric === 'throughput' && r.case.endsWith('c=1')) {
    return C1_THROUGHPUT;
  }
  // One review at a time, under either stand-in: Go's h2 multiplexing has nothing to share there.
  if (r.metric === 'server CPU per request' && r.case.endsWith('unique tokens, c=1')) {
    return `${stsFloorText(r, floorCpuMs)}${UNIQUE_C1_CPU}. The machine was shared with other jobs during the run: see the min–max`;
  }
  if ((r.metric === 'throughput' || r.metric === 'server CPU per request') && r.case.startsWith('STS h2')) {
    const figures = across
      ? `: its CPU per review is ${across.goH2CpuMs.toFixed(3)} ms here against ${across.goH1CpuMs.toFixed(3)} ms under the HTTP/1.1 ` +
        `stand-in, where it opened ${across.goH1StsConnections.toFixed(0)} TLS connections to STS per run; ours, as shipped, costs ` +
        `${across.oursH2CpuMs.toFixed(3)} ms here and ${across.oursH1CpuMs.toFixed(3)} ms there`
      : '';
    return `with h2 offered, Go's client multiplexes its STS calls on one connection${figures}. Ours ` +
      '(`sts.http2` off by default: STS_HTTP2_DEFAULT in sts-origin.ts) offers HTTP/1.1 only and keeps its keep-alive pool, ' +
      'which never reconnects, because node:http2 costs more per call than that pool: measured apart (the sts-client table, ' +
      'same stand-in), 2.3–4.4× the client CPU per call — stream objects, HPACK and nghttp2 framing against a request head ' +
      'written by hand; `sts.http2: true` negotiates h2. ' +
      `${stsFloorText(r, floorCpuMs)}${PROFILE_UNIQUE}. The machine was shared with other jobs during the run: see the min–max`;
  }
  if (r.metric === 'throughput' || r.metric === 'server CPU per request') {
    return 'the server under test has one core to itself, so its req/s follows its CPU per request, and each new STS connection ' +
      `costs a TLS handshake on that core (the "STS connections opened per run" row says how many each opened). ${stsFloorText(r, floorCpuMs)}` +
      `${PROFILE_UNIQUE}. The machine was shared with other jobs during the run: see the min–max`;
  }
  if (r.metric === 'latency p99' && cpuRatioToGo !== undefined && cpuRatioToGo < 1) {
    return 'ours costs less CPU per request than Go in this case (the CPU row), so this tail is pauses rather than work. ' +
      'Garbage collection alone does not make it: at c=1 (--trace-gc, HTTP/1.1 stand-in, idle CPUs held polling, 2026-12-07) ' +
      'V8 scavenges every ~55 ms for 0.6–0.9 ms, which delays ~0.4% of the requests, by less than this tail. What else ' +
      'delays one request in a hundred is not measured. See the min–max of the repetitions';
  }
  if (r.metric === 'latency p99' && r.case.endsWith('unique tokens, c=1')) {
    return UNIQUE_C1_TAIL;
  }
  if (r.metric === 'latency p99') {
    return 'tail latency follows CPU per request on the single pinned core (queueing behind the slower requests, and GC pauses: ' +
      '6% of ours); other jobs on the shared machine widen it too (see the min–max)';
  }
  return undefined;
}

function rowsOf(runs: readonly NetnsRun[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const variant of STS_VARIANTS) rows.push(...variantRows(runs.filter((r) => r.sts === variant), variant, runs));
  return rows;
}

/** Both servers' figures for one case under both stand-ins, when both ran. */
function acrossStandIns(all: readonly NetnsRun[], mode: NetnsRun['mode'], c: number): AcrossStandIns | undefined {
  const of = (server: NetnsRun['server'], sts: StsVariant) => all.filter((r) => r.server === server && r.sts === sts && r.mode === mode && r.connections === c);
  const runs = [of('go', 'http/1.1'), of('go', 'h2'), of('ours', 'http/1.1'), of('ours', 'h2')];
  if (runs.some((x) => x.length === 0)) return undefined;
  const [goH1, goH2, oursH1, oursH2] = runs.map((x) => stat(x, 'cpuMsPerRequest').median);
  return { goH1CpuMs: goH1, goH2CpuMs: goH2, oursH1CpuMs: oursH1, oursH2CpuMs: oursH2, goH1StsConnections: stat(runs[0], 'stsConnections').median };
}

/** One case's runs (mode, concurrency) by server; undefined when ours or Go did not run it (a trial of one token mode). */
function caseRuns(runs: readonly NetnsRun[], mode: NetnsRun['mode'], c: number) {
  const of = (server: string) => runs.filter((r) => r.server === server && r.mode === mode && r.connections === c);
  const [ours, go, floor] = [of('ours'), of('go'), of(FLOORS[mode].server)];
  return ours.length === 0 || go.length === 0 ? undefined : { ours, go, floor };
}

/** Ours against Go for one metric of a case. */
function oursVsGo(caseName: string, ours: readonly NetnsRun[], go: readonly NetnsRun[], metric: Metric, unit: string, name: string,
  target?: { text: string; met: (ratio: number, ours: number) => boolean }): BenchRow {
  const [o, g] = [stat(ours, metric), stat(go, metric)];
  return row({ case: caseName, metric: name, unit, ours: o.median, baseline: g.median, baselineName: BASELINE, oursRange: o.range, baselineRange: g.range, target });
}

/** Ours' CPU per request against its token mode's Node floor, when the floor ran. */
function floorRow(caseName: string, mode: NetnsRun['mode'], ours: readonly NetnsRun[], floor: readonly NetnsRun[]): BenchRow[] {
  if (floor.length === 0) return [];
  const [o, f] = [stat(ours, 'cpuMsPerRequest'), stat(floor, 'cpuMsPerRequest')];
  return [row({
    case: caseName, metric: FLOORS[mode].metric, unit: 'ms', ours: o.median, baseline: f.median, baselineName: FLOORS[mode].name,
    oursRange: o.range, baselineRange: f.range,
  })];
}

function variantRows(runs: readonly NetnsRun[], variant: StsVariant, all: readonly NetnsRun[]): BenchRow[] {
  const label = variant === 'h2' ? 'STS h2' : 'STS HTTP/1.1';
  const rows: BenchRow[] = [];
  for (const mode of ['unique', 'repeated'] as const) {
    for (const c of CONCURRENCY) {
      const found = caseRuns(runs, mode, c);
      if (!found) continue;
      const { ours, go, floor } = found;
      const caseName = `${label}: ${mode} tokens, c=${c}`;
      const pair = (metric: Metric, unit: string, name: string, target?: { text: string; met: (ratio: number, ours: number) => boolean }) => {
        const r = oursVsGo(caseName, ours, go, metric, unit, name, target);
        const cpuRatio = stat(ours, 'cpuMsPerRequest').median / stat(go, 'cpuMsPerRequest').median;
        return { ...r, explanation: explainWebhookRow(r, floor.length > 0 ? stat(floor, 'cpuMsPerRequest').median : undefined, cpuRatio, acrossStandIns(all, mode, c)) };
      };
      const t = mode === 'unique' ? UNIQUE_TARGETS[variant][c] ?? {} : {};
      rows.push(
        pair('reqPerSec', 'req/s', 'throughput', t.rps ? { text: `≥ ${t.rps}×`, met: (r) => r >= t.rps! } : undefined),
        pair('cpuMsPerRequest', 'ms', 'server CPU per request',
          t.cpu ? { text: `≤ ${t.cpu}×`, met: (r) => r <= t.cpu! }
            : mode === 'repeated' ? { text: `≤ ${CACHE_HIT_CPU_MS} ms (ours, cache hit)`, met: (_r, o) => o <= CACHE_HIT_CPU_MS } : undefined),
        pair('p99Ms', 'ms', 'latency p99', t.p99 ? { text: `≤ ${t.p99}×`, met: (r) => r <= t.p99! } : undefined),
        pair('p50Ms', 'ms', 'latency p50'),
        pair('stsConnections', 'count', 'STS connections opened per run'),
        pair('errors', 'count', 'errors per run'),
        pair('peakRssMb', 'MB', 'server peak RSS so far (VmHWM)'),
        ...floorRow(caseName, mode, ours, floor),
      );
    }
  }
  return rows;
}

/** The case of the idle-CPU A/B: unique and repeated tokens at c=16 under the h2 stand-in, where Go's figures are its own, not its STS handshakes'. */
const IDLE_AB = { c: 16, sts: 'h2' as StsVariant };
const IDLE_CONDITIONS = { held: 'held polling', asBooted: 'as booted (halting)' } as const;

/** `withAb`: the table ends with the A/B rows (idleAbRows). */
function idleNote(description: string, withAb: boolean): string {
  return `${idleConditionNote(description)} This machine's idle CPUs halt at once (its Host line; the kernel's default ` +
    'for a KVM guest is to poll 200 µs first), and a socket write on loopback that wakes a halted peer interrupts its CPU ' +
    'at the writer\'s expense, so a server is charged for waking wrk and the stand-in, the more the slower it is. ' +
    `${withAb ? 'The "Idle CPUs" rows at the end measure one case both ways, back to back. ' : ''}BENCH_IDLE_POLL=0 runs everything as booted.`;
}

/** The idle-CPU A/B: the same servers and case with the CPUs held polling, then as booted. */
export function idleAbRows(held: readonly NetnsRun[], asBooted: readonly NetnsRun[]): BenchRow[] {
  const rows: BenchRow[] = [];
  for (const [condition, runs] of [[IDLE_CONDITIONS.held, held], [IDLE_CONDITIONS.asBooted, asBooted]] as const) {
    for (const mode of ['unique', 'repeated'] as const) {
      const found = caseRuns(runs, mode, IDLE_AB.c);
      if (!found) continue;
      const { ours, go, floor } = found;
      const caseName = `Idle CPUs ${condition}: STS ${IDLE_AB.sts}, ${mode} tokens, c=${IDLE_AB.c}`;
      rows.push(
        oursVsGo(caseName, ours, go, 'reqPerSec', 'req/s', 'throughput'),
        oursVsGo(caseName, ours, go, 'cpuMsPerRequest', 'ms', 'server CPU per request'),
        oursVsGo(caseName, ours, go, 'p99Ms', 'ms', 'latency p99'),
        ...floorRow(caseName, mode, ours, floor),
      );
    }
  }
  return rows;
}

const NOTE_2CORES = 'This table (BENCH_WEBHOOK_CORES=2): the servers under test may run on both CPUs (taskset -c 0,1), ours as ' +
  '`serve --workers auto` (2 workers, each with its own identity cache and STS connections), Go with GOMAXPROCS 2; wrk, ' +
  'the stand-in and the measuring process stay on CPU 1 and compete with the servers there, so req/s is bounded by the ' +
  'load generator as much as by the servers. Server CPU counts the whole process tree (primary and workers). The two Node ' +
  'floors stay one process (one event loop) each, allowed both CPUs: their CPU per request is comparable, their req/s is not.';

const NOTES = [
  `Each cell: median of ${REPEATS} wrk runs of ${DURATION_S} s (min–max in brackets), ours and Go alternating run by run, after a ` +
    '10 s warm-up per server (unique tokens at c=16: a steady state, as a server in production has); ours runs with its ' +
    `node flags (authenticator/server/node-flags.ts: ${SERVE_NODE_FLAGS.join(' ')}, as the container image does); ` +
    'wrk -t1 with a Lua script (bench/wrk/review.lua) that POSTs one TokenReview per request and counts ' +
    'every answer that is not 200 with "authenticated":true as an error. Latencies are wrk\'s (µs resolution).',
  'Route: both servers run in one `unshare -rnm` namespace (loopback only) with /etc/hosts bind-mounted so that ' +
    'sts.us-east-1.amazonaws.com resolves to 127.0.0.1; they dial port 443 as in production, ours trusting the stand-in\'s CA through ' +
    'sts.caFile, Go through SSL_CERT_FILE. Neither uses a dial override or a proxy.',
  'Stand-in: bench/go/sts-fast, Go net/http over TLS with keep-alive, in two variants run in turn, each with freshly started ' +
    'servers: "STS HTTP/1.1" offers only http/1.1 by ALPN (what STS, a query-protocol API, is taken to negotiate; ' +
    'aws/aws-sdk-go#2984), "STS h2" offers h2 as well (net/http\'s default, under which a client can multiplex every call on ' +
    'one connection). A canned GetCallerIdentity JSON reply whose Arn is ' +
    'arn:aws:iam::123456789012:user/<access key id>; it checks no signature (moto does, in the STS-bound table). ' +
    '"STS connections opened per run" is the number of TLS connections it accepted during the run (http.Server ConnState).',
  'Pinning: the server under test on CPU 0 (taskset); wrk, the stand-in and the measuring process on CPU 1. The machine is ' +
    'shared with other jobs; what else ran on CPU 0 during a run shows as spread in the min–max.',
  'Logs: each server writes its log lines straight to a file it holds (harness/processes.ts), as a container runtime hands a ' +
    'container its log. Until 2026-12-08 the measuring process copied them from a pipe, woken on CPU 1 by each of Go\'s ' +
    'line-by-line writes and ours\' 5 ms batches. In A/B runs at c=1 (HTTP/1.1 stand-in, unique tokens, three rounds each ' +
    'way) the pipe put Go at 0.164–0.188 ms of CPU per review and a p99 of 1.39–2.23 ms, against 0.137–0.183 ms and ' +
    '1.04–1.72 ms without it; ours stayed within its spread (0.217–0.264 ms and 1.96–3.09 ms, against 0.203–0.263 ms and ' +
    '1.42–3.35 ms). Tables measured before then favour ours in those cells.',
  'Server CPU per request: user + system time of the server process (/proc/PID/stat, 10 ms ticks, all threads) over the run, ' +
    'divided by the answered requests.',
  'Node HTTPS floor (repeated-token rows): bench/workers/https-floor.ts, a bare Node HTTPS server with the webhook\'s TLS ' +
    'settings that reads each body and answers a fixed, pre-serialized TokenReview, pinned and measured like the servers ' +
    'under test, in the same runs; what any Node server pays per request before doing work of its own.',
  'Node STS-call floor (unique-token rows): the same server, but before each answer one GET to the stand-in through the ' +
    'verifier\'s own HTTP/1.1 keep-alive pool (sts-connection.ts, 64 sockets) with a real presigned request head; no token ' +
    'checks, mapping, cache, logs or metrics: the transport a review with an STS call cannot do without in Node. It runs ' +
    'with ours and Go, in turn, run by run, after the same warm-up.',
  'Unique tokens: 4,000 IAM users × distinct X-Amz-Date seconds, each token sent once, never reused across runs (real SigV4 ' +
    'presigns, made by bench/lib/fast-presign.ts, checked byte-identical to generateToken). Repeated: 10 tokens cycled — our ' +
    'verified-identity cache answers them; the Go server has no such cache and asks STS every time.',
];
