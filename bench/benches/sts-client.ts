/**
 * Our STS client alone (authenticator/token/sts.ts), CPU per GetCallerIdentity call of this process: over h2 (one
 * multiplexed session, sts-origin.ts) against the same calls over the HTTP/1.1 keep-alive pool (sts-connection.ts),
 * both against the fast STS stand-in (bench/go/sts-fast with and without -h2) in a process of its own. Says what the
 * h2 path costs per call in CPU, apart from the webhook around it (issue 27: with h2 offered, Go's CPU per review
 * halves; does ours?).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { StsClient } from '../../authenticator/token/sts';
import { FastPresigner } from '../lib/fast-presign';
import { buildGoProgram } from '../lib/go-build';
import { BenchResult, BenchRow, row } from '../lib/result';
import { startStsFast } from '../lib/sts-fast';
import { median } from '../lib/stats';
import { withIdlePolling } from '../lib/idle-poll';

const HOST = 'sts.us-east-1.amazonaws.com';
const CALLS = Number(process.env.BENCH_STS_CLIENT_CALLS ?? 20_000);
const REPEATS = 3;

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function measure(binary: string, dir: string, h2: boolean, inFlight: number): Promise<number> {
  const { https: addr, child } = await startStsFast(binary, ['-cert', path.join(dir, 'c.pem'), '-key', path.join(dir, 'k.pem'), ...(h2 ? ['-h2'] : [])]);
  try {
    const ca = readFileSync(path.join(dir, 'ca.pem'), 'utf8');
    // h2 is asked for (sts.http2 is off by default, STS_HTTP2_DEFAULT); the HTTP/1.1 runs use the default.
    const client = new StsClient({ allowedHosts: new Set([HOST]), connectTo: addr, caPem: ca, http2: h2 });
    const presigner = new FastPresigner('bench');
    const paths = Array.from({ length: 1000 }, (_, i) =>
      Buffer.from(presigner.token({ accessKeyId: `AKIAS${String(i).padStart(15, '0')}`, secretAccessKey: 's' }, new Date()).slice(11), 'base64url')
        .toString().slice(`https://${HOST}`.length));
    try {
      const call = (i: number) => client.getCallerIdentity({ host: HOST, path: paths[i % paths.length], clusterId: 'bench' });
      await Promise.all(Array.from({ length: inFlight }, (_, i) => call(i))); // connections up, JIT warm
      for (let i = 0; i < 2000; i++) await call(i);
      const expected = h2 ? 'h2' : 'http/1.1';
      if ((client.negotiatedProtocol(HOST) ?? 'http/1.1') !== expected) throw new Error(`bench: sts-client negotiated ${client.negotiatedProtocol(HOST)}, not ${expected}`);
      let next = 0;
      const before = cpuMs();
      await Promise.all(Array.from({ length: inFlight }, async () => {
        while (next < CALLS) await call(next++);
      }));
      return (cpuMs() - before) / CALLS;
    } finally {
      client.close();
    }
  } finally {
    child.kill('SIGKILL');
  }
}

export function run(): Promise<BenchResult> {
  return withIdlePolling(measureAll);
}

async function measureAll(): Promise<BenchResult> {
  const binary = buildGoProgram('sts-fast');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-sts-client-'));
  try {
    const ca = createCertificateAuthority('sts-client bench CA');
    const leaf = issueServerCertificate(ca, { dnsNames: [HOST] });
    writeFileSync(path.join(dir, 'ca.pem'), ca.certPem);
    writeFileSync(path.join(dir, 'c.pem'), leaf.certPem);
    writeFileSync(path.join(dir, 'k.pem'), leaf.keyPem, { mode: 0o600 });
    const rows: BenchRow[] = [];
    for (const c of [1, 64]) {
      const [h2Runs, h1Runs]: number[][] = [[], []];
      for (let r = 0; r < REPEATS; r++) {
        h2Runs.push(await measure(binary, dir, true, c));
        h1Runs.push(await measure(binary, dir, false, c));
      }
      rows.push(row({
        case: `${c} call(s) in flight`, metric: 'client CPU per STS call', unit: 'ms', ours: median(h2Runs), baseline: median(h1Runs),
        baselineName: 'the same client on HTTP/1.1 (keep-alive pool)', oursRange: [Math.min(...h2Runs), Math.max(...h2Runs)],
        baselineRange: [Math.min(...h1Runs), Math.max(...h1Runs)],
      }));
    }
    return {
      name: 'sts-client',
      title: 'STS client alone: CPU per call over h2 (one multiplexed session) vs the HTTP/1.1 keep-alive pool',
      rows,
      notes: [
        `Each figure: median of ${REPEATS} runs of ${CALLS} GetCallerIdentity calls (min–max in brackets), h2 and HTTP/1.1 runs ` +
          'alternating; CPU of this process (process.cpuUsage, user + system) over the calls, after a warm-up; the stand-in ' +
          '(bench/go/sts-fast, -h2 or not) is a process of its own and not counted. Each run checks which protocol was negotiated.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
