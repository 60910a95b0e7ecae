/**
 * `npm run bench:usage-cloudwatch [-- --lines N --concurrency N --page N --seed N]`: `eks-access usage --log-group` at
 * size. The seeded generated audit log of `npm run bench:usage` (generate-audit-log.ts; default here 300,000 lines,
 * 3,000 principals, 100 namespaces) is loaded into the CloudWatch Logs STAND-IN (harness/logs-standin.ts: checked
 * against botocore's logs model, not AWS; every signature recomputed) as one event per line, then read by
 * `auditUsage` with a log group source (what the command runs; the SDK's real client, found through
 * `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`) in a child process of its own, so that its peak RSS is the reader's alone; the
 * same log read from the file in another child gives the figure to compare. What it shows: the live read holds pages,
 * not the log (peak RSS of the same order as the file read, far below the log's size), and counts exactly what the
 * generator tallied. Wall time is bounded by the stand-in, which runs in this process on the same 2 cores (it filters
 * and serializes every page), so it is an upper bound for the reader, not a figure for AWS.
 * Writes bench/results/usage-cloudwatch.{json,md} with the machine's load averages.
 */
import { fork } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { startLogsStandIn, StandInLogEvent } from '../../harness/logs-standin';
import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { auditUsage } from '../../lib/usage/usage';
import { generateAuditLog } from './generate-audit-log';

const GROUP = '/aws/eks/bench/cluster';
const STREAM = 'kube-apiserver-audit-bench';
/** V8 old-space cap of the bounded-memory run, MiB (the default log is ~294 MiB). */
const HEAP_CAP_MIB = 160;
const CREDS = { accessKeyId: 'AKIAEXAMPLESTANDIN01', secretAccessKey: 'stand-in-secret-key-not-a-real-one' };

interface Measured {
  mode: 'log-group' | 'file';
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
  retainedHeapMiB: number;
  counted: number;
  malformed: number;
  principals: number;
  events: number;
  pages: number;
}

/** The child: load the model, read the log group (or the file), report figures on IPC. */
async function measure(mode: Measured['mode'], model: string, log: string, window: string, concurrency: number): Promise<void> {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  const analysis = await AccessAnalysis.load([model], { includeBootstrap: true });
  const [startTime, endTime] = window.split('/').map(Number);
  const report = await auditUsage(analysis, mode === 'file' ? [log] : { logGroups: [{ logGroup: GROUP, startTime, endTime, concurrency }] });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  (globalThis as { gc?: () => void }).gc?.();
  const g = report.read.logGroups[0];
  const m: Measured = {
    mode, wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024, retainedHeapMiB: process.memoryUsage().heapUsed / 2 ** 20,
    counted: report.read.counted, malformed: Object.values(report.read.malformed).reduce((a, b) => a + b, 0), principals: report.principals.length,
    events: g?.events ?? report.read.lines, pages: g?.pages ?? 0,
  };
  process.send!(m);
}

function child(args: string[], env: NodeJS.ProcessEnv, heapMiB?: number): Promise<Measured> {
  const c = fork(__filename, args, { stdio: 'inherit', execArgv: ['--expose-gc', ...(heapMiB ? [`--max-old-space-size=${heapMiB}`] : [])], env });
  return new Promise<Measured>((resolve, reject) => {
    c.once('message', (msg) => resolve(msg as Measured));
    c.once('exit', (code) => reject(new Error(`measuring process exited with ${code}`)));
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { lines: { type: 'string' }, concurrency: { type: 'string' }, page: { type: 'string' }, seed: { type: 'string' }, measure: { type: 'string', multiple: true } },
    strict: true,
  });
  if (values.measure) {
    const [mode, model, log, window, concurrency] = values.measure;
    return measure(mode as Measured['mode'], model, log, window, Number(concurrency));
  }
  const o = { lines: Number(values.lines ?? 300_000), principals: 3000, namespaces: 100, seed: Number(values.seed ?? 28) };
  const concurrency = Number(values.concurrency ?? 4);
  const pageSize = Number(values.page ?? 10_000);
  const dir = mkdtempSync(join(os.tmpdir(), 'usage-cw-bench-'));
  const logs = await startLogsStandIn({ credentials: CREDS });
  try {
    const { model, log, truth } = await generateAuditLog(dir, o);
    const logBytes = statSync(log).size;
    // One CloudWatch event per line, stamped with its request's time (a garbage line with the time before it).
    const events: StandInLogEvent[] = [];
    let last = Date.UTC(2026, 8, 1);
    for await (const line of createInterface({ input: createReadStream(log), crlfDelay: Infinity })) {
      const t = /"requestReceivedTimestamp":"([^"]+)"/.exec(line)?.[1];
      if (t) last = Date.parse(t);
      events.push({ logStreamName: STREAM, timestamp: last, message: line });
    }
    logs.put(GROUP, events);
    logs.setPageSize(pageSize);
    const window = `${events[0].timestamp}/${events[events.length - 1].timestamp}`;
    events.length = 0;
    const env: NodeJS.ProcessEnv = { ...process.env, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint, AWS_ACCESS_KEY_ID: CREDS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey, AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' };
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
    const loadBefore = os.loadavg();
    const live = await child(['--measure', 'log-group', '--measure', model, '--measure', log, '--measure', window, '--measure', String(concurrency)], env);
    // The same read with V8's old space capped well below the log's size: it can only finish if the log is never held.
    const capped = await child(['--measure', 'log-group', '--measure', model, '--measure', log, '--measure', window, '--measure', String(concurrency)], env, HEAP_CAP_MIB)
      .then((m) => ({ ...m, ok: true as const }), (e: Error) => ({ ok: false as const, error: e.message }));
    const file = await child(['--measure', 'file', '--measure', model, '--measure', log, '--measure', window, '--measure', String(concurrency)], env);
    const loadAfter = os.loadavg();
    const exact = capped.ok && capped.counted === truth.counted && live.counted === truth.counted && live.malformed === truth.malformed && live.principals === truth.perPrincipal.size && live.events === o.lines;
    const violations = logs.violations();
    const calls = logs.calls();
    const figures = {
      ...o, concurrency, pageSize, logBytes, live, capped, heapCapMiB: HEAP_CAP_MIB, file, exact, violations: violations.slice(0, 10), violationCount: violations.length,
      calls: calls.length, signaturesVerified: logs.verifiedSignatures(),
      expected: { counted: truth.counted, malformed: truth.malformed, principals: truth.perPrincipal.size },
      loadBefore, loadAfter, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, written: new Date().toISOString(),
    };
    const results = join(__dirname, '..', '..', '..', 'bench', 'results');
    writeFileSync(join(results, 'usage-cloudwatch.json'), `${JSON.stringify(figures, null, 2)}\n`);
    const f = (n: number) => n.toFixed(2);
    const loaded = Math.max(...loadBefore, ...loadAfter) > 2;
    writeFileSync(join(results, 'usage-cloudwatch.md'), `# \`eks-access usage --log-group\` at size: ${o.lines.toLocaleString('en')} audit events read live (CloudWatch Logs stand-in)

Result: **${exact && !violations.length ? 'exact' : 'NOT exact'}** — ${live.counted} requests counted (the generator's ${truth.counted}), ${live.malformed} malformed (generated: ${truth.malformed}), ${live.principals} principals, ${live.events} events in ${live.pages} pages (at most 1 MB each, as the service pages), over ${calls.length} FilterLogEvents calls of both live runs, ${logs.verifiedSignatures()} signatures recomputed and matched, ${violations.length} model violations.

| read | wall time | CPU | peak RSS | heap retained after GC |
|---|---|---|---|---|
| \`--log-group\` (${concurrency} time slices) | ${(live.wallMs / 1000).toFixed(1)} s | ${(live.cpuMs / 1000).toFixed(1)} s | ${live.maxRssMiB.toFixed(0)} MiB | ${live.retainedHeapMiB.toFixed(0)} MiB |
| \`--log-group\`, V8 old space capped at ${HEAP_CAP_MIB} MiB | ${capped.ok ? `${(capped.wallMs / 1000).toFixed(1)} s | ${(capped.cpuMs / 1000).toFixed(1)} s | ${capped.maxRssMiB.toFixed(0)} MiB | ${capped.retainedHeapMiB.toFixed(0)} MiB` : `failed: ${capped.error} | | |`} |
| \`--audit-log\` (the same lines from the file) | ${(file.wallMs / 1000).toFixed(1)} s | ${(file.cpuMs / 1000).toFixed(1)} s | ${file.maxRssMiB.toFixed(0)} MiB | ${file.retainedHeapMiB.toFixed(0)} MiB |

The log is ${(logBytes / 2 ** 20).toFixed(0)} MiB. Peak RSS is mostly garbage V8 had not collected yet (it grows the heap when memory is free), so it is not the bound; the bound is shown by the capped run: with V8's old space limited to ${HEAP_CAP_MIB} MiB, well below the log's size, the live read ${capped.ok ? `finished with the same ${capped.counted} requests counted` : 'FAILED'}. What it holds is at most ${concurrency} + 1 pages of ≤ 1 MB, the SDK, and the report (${live.retainedHeapMiB.toFixed(0)} MiB retained after a full GC).

## How it was measured
- Log: bench/usage/generate-audit-log.ts, seed ${o.seed}, ${o.lines} lines, ${o.principals} principals, ${o.namespaces} namespaces (as \`npm run bench:usage\`), each line one event of stream \`${STREAM}\` in the stand-in, stamped with its request's time.
- Timed: \`AccessAnalysis.load\` + \`auditUsage\` with a log group source (lib/usage/cloudwatch.ts; the SDK's CloudWatchLogsClient with the adaptive retry of \`snapshot\`, endpoint from \`AWS_ENDPOINT_URL_CLOUDWATCH_LOGS\`) in a child process of its own, its \`maxRSS\` the peak; then the file read the same way.
- The stand-in (harness/logs-standin.ts, NOT AWS: checked against botocore's logs model) runs in the parent process on the same machine, filtering and serializing every page one call at a time (so the slices' calls queue there; that they are sent side by side is shown by test/usage/cloudwatch.test.ts, 4 in flight): the wall times are upper bounds for the reader${loaded ? ', and the machine was loaded (load average above 2): upper bounds again' : ''}.
- Load average (1/5/15 min) before ${loadBefore.map(f).join(' / ')}, after ${loadAfter.map(f).join(' / ')}: a ${os.cpus().length}-core VM shared with other engineers' builds and tests.

Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()} ${os.arch()}. Written ${figures.written}.
`);
    process.stdout.write(`${exact ? 'exact' : 'NOT exact'}: live ${(live.wallMs / 1000).toFixed(1)} s, peak RSS ${live.maxRssMiB.toFixed(0)} MiB; file ${(file.wallMs / 1000).toFixed(1)} s, ${file.maxRssMiB.toFixed(0)} MiB; violations ${violations.length}\n`);
    if (!exact || violations.length) process.exitCode = 1;
  } finally {
    await logs.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
