/**
 * `npm run bench:usage [-- --lines N --principals N --namespaces N --seed N]`: `eks-access usage` at size. A seeded
 * generated audit log (generate-audit-log.ts; default 1,000,000 lines, 3,000 principals, 100 namespaces) is processed
 * by `auditUsage` (what the command runs) in a child process of its own, so that its peak RSS (`maxRSS` of
 * `process.resourceUsage()`) is the reader's alone and not the generator's. Target: ≤ 60 s wall time. Writes
 * bench/results/usage.{json,md} with the machine's load averages (a shared 2-core VM: figures are for that machine).
 */
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { auditUsage } from '../../lib/usage/usage';
import { generateAuditLog } from './generate-audit-log';

const TARGET_MS = 60_000;

interface Measured {
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
  counted: number;
  lines: number;
  malformed: number;
  principals: number;
  neverSeen: number;
  unusedRows: number;
  deniedRequests: number;
  progressEvents: number;
  /** Distinct (verb, resource, namespace) rows kept, used and denied, over all principals. */
  useRows: number;
  /** Heap still in use after a full GC with the report alive: what the data holds, without garbage not yet collected. */
  retainedHeapMiB: number;
}

/** The child: load the model, read the log, report figures on IPC. */
async function measure(model: string, log: string): Promise<void> {
  const t0 = process.hrtime.bigint();
  const cpu0 = process.cpuUsage();
  let progressEvents = 0;
  const analysis = await AccessAnalysis.load([model], { includeBootstrap: true });
  const report = await auditUsage(analysis, [log], { onProgress: () => progressEvents++ });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  (globalThis as { gc?: () => void }).gc?.();
  const retainedHeapMiB = process.memoryUsage().heapUsed / 2 ** 20;
  const m: Measured = {
    wallMs, cpuMs: (cpu.user + cpu.system) / 1000, maxRssMiB: process.resourceUsage().maxRSS / 1024,
    counted: report.read.counted, lines: report.read.lines, malformed: Object.values(report.read.malformed).reduce((a, b) => a + b, 0),
    principals: report.principals.length, neverSeen: report.neverSeen.length,
    unusedRows: report.principals.reduce((n, p) => n + p.unused.length, 0),
    deniedRequests: report.principals.reduce((n, p) => n + p.denied, 0), progressEvents,
    useRows: report.principals.reduce((n, p) => n + p.used.length + p.deniedRequests.length, 0), retainedHeapMiB,
  };
  process.send!(m);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { lines: { type: 'string' }, principals: { type: 'string' }, namespaces: { type: 'string' }, seed: { type: 'string' }, measure: { type: 'string', multiple: true } },
    strict: true,
  });
  if (values.measure) return measure(values.measure[0], values.measure[1]);
  const o = { lines: Number(values.lines ?? 1_000_000), principals: Number(values.principals ?? 3000), namespaces: Number(values.namespaces ?? 100), seed: Number(values.seed ?? 28) };
  const dir = mkdtempSync(join(os.tmpdir(), 'usage-bench-'));
  try {
    const g0 = Date.now();
    const { model, log, truth } = await generateAuditLog(dir, o);
    const generateMs = Date.now() - g0;
    const logBytes = statSync(log).size;
    const loadBefore = os.loadavg();
    const child = fork(__filename, ['--measure', model, '--measure', log], { stdio: 'inherit', execArgv: ['--expose-gc'] });
    const m = await new Promise<Measured>((resolve, reject) => {
      child.once('message', (msg) => resolve(msg as Measured));
      child.once('exit', (code) => reject(new Error(`measuring process exited with ${code}`)));
    });
    const loadAfter = os.loadavg();
    const exact = m.counted === truth.counted && m.malformed === truth.malformed && m.principals === truth.perPrincipal.size;
    const pass = m.wallMs <= TARGET_MS && exact;
    const figures = {
      ...o, logBytes, generateMs, ...m, targetMs: TARGET_MS, pass, exact,
      expected: { counted: truth.counted, malformed: truth.malformed, principals: truth.perPrincipal.size },
      loadBefore, loadAfter, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version,
      written: new Date().toISOString(),
    };
    const results = join(__dirname, '..', '..', '..', 'bench', 'results');
    writeFileSync(join(results, 'usage.json'), `${JSON.stringify(figures, null, 2)}\n`);
    const f = (n: number) => n.toFixed(2);
    writeFileSync(join(results, 'usage.md'), `# \`eks-access usage\` at size: ${o.lines.toLocaleString('en')} audit lines, ${o.principals} principals, ${o.namespaces} namespaces

Result: **${pass ? 'PASS' : 'FAIL'}** — ${(m.wallMs / 1000).toFixed(1)} s wall time (target ≤ ${TARGET_MS / 1000} s), peak RSS ${m.maxRssMiB.toFixed(0)} MiB, ${m.cpuMs.toFixed(0)} ms CPU; ${m.counted} requests counted (${exact ? 'exactly' : 'NOT'} the generator's ${truth.counted}), ${m.malformed} malformed lines (generated: ${truth.malformed}), ${m.principals} principals seen, ${m.neverSeen} never seen, ${m.deniedRequests} denied requests, ${m.unusedRows} unused-grant rows.

## How it was measured
- Log: bench/usage/generate-audit-log.ts, seed ${o.seed}: ${o.lines} lines (${(logBytes / 2 ** 20).toFixed(0)} MiB, plain JSON lines as kube-apiserver's \`--audit-log-path\` writes them at Metadata level; 90% of requests with the IAM authenticator's \`user.extra\` keys, the rest by username; ~4% RequestReceived stage events, 0.1% garbage lines), generated in ${(generateMs / 1000).toFixed(1)} s (not timed).
- Model: one aws-auth ConfigMap mapping the ${o.principals} roles, a Role and RoleBinding per namespace, one ClusterRole(Binding); the Kubernetes bootstrap policy included (as \`eks-access usage\` does by default).
- Timed: \`AccessAnalysis.load\` + \`auditUsage\` (lib/usage/usage.ts, what \`eks-access usage\` runs) in a child process of its own; peak RSS is that process's \`maxRSS\`; the heap still in use after a full GC at the end, with the report alive, was ${m.retainedHeapMiB.toFixed(0)} MiB for ${m.useRows} (verb, resource, namespace) rows over all principals (the rest of the peak is transient: garbage not yet collected — a parsed event object per line — and the reader's window of recent auditIDs). ${m.progressEvents} progress events through \`onProgress\`.
- Load average (1/5/15 min) before ${loadBefore.map(f).join(' / ')}, after ${loadAfter.map(f).join(' / ')}: a ${os.cpus().length}-core VM shared with other engineers' builds and tests${Math.max(loadBefore[0], loadAfter[0]) > 2 ? ': with a load above 2, the times are upper bounds (CPU time is the steadier figure)' : ''}.

Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.release()} ${os.arch()}. Written ${figures.written}.
`);
    process.stdout.write(`${pass ? 'PASS' : 'FAIL'} ${(m.wallMs / 1000).toFixed(1)} s, peak RSS ${m.maxRssMiB.toFixed(0)} MiB, counted ${m.counted}/${truth.counted}\n`);
    if (!pass) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
