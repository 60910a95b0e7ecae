/**
 * The system under test of the hardening runs (fuzz, soak, flood): the STS stand-in (moto + SigV4 check) with a few
 * IAM users, and `eks-access serve` verifying against it — in this process (short jest versions, in-process review
 * calls) or as the compiled CLI in a child process (long runs: its RSS and its survival are measured apart from the
 * load generator).
 */
import { spawn, ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseConfig } from '../../authenticator/config';
import { startWebhookServer, WebhookServer } from '../../authenticator/server';
import { createCertificateAuthority, issueServerCertificate } from '../../authenticator/certs';
import { startStsStandIn, StsStandIn, StandInUser } from '../../harness/sts-standin';

export const CLUSTER = 'hardening-bench';

export interface TargetOptions {
  /** Run `eks-access serve` as a child process (needs `npm run build`). @default false: in this process */
  readonly child?: boolean;
  readonly users?: number;
  /** Merged into the `server` section (port, timeouts, caps). */
  readonly server?: Record<string, unknown>;
  readonly sts?: Record<string, unknown>;
  /** STS over h2: an h2-only front before the moto stand-in (harness/sts-h2-front.ts). @default false: moto's HTTP/1.1 */
  readonly stsH2?: boolean;
  readonly cache?: Record<string, unknown>;
  readonly review?: Record<string, unknown>;
}

export interface Target {
  readonly standIn: StsStandIn;
  readonly users: readonly StandInUser[];
  /** Usernames the mapping gives each user (by ARN). */
  readonly usernames: ReadonlyMap<string, string>;
  readonly url: string;
  readonly port: number;
  readonly metricsUrl: string;
  readonly caPem: string;
  readonly deadlineMs: number;
  readonly headersTimeoutMs: number;
  /** In-process only: the review decision without HTTP. */
  readonly server?: WebhookServer;
  /** Resident set size of the server in bytes (the child's, or this process's). */
  rssBytes(): number;
  /** False once a child server exited (a crash). */
  alive(): boolean;
  stop(): Promise<void>;
}

const CLI = resolve(__dirname, '..', '..', 'bin', 'eks-access.js');

function childRss(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** Waits for the server's "webhook listening" log line and returns its fields. */
function listening(child: ChildProcess): Promise<{ port: number; metricsPort: number }> {
  return new Promise((resolvePromise, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error('eks-access serve did not start within 60 s')), 60_000);
    lines.on('line', (line) => {
      try {
        // (`url` fields are redacted in the logs: they could be presigned URLs.)
        const entry = JSON.parse(line) as { msg?: string; port?: number; metricsPort?: number };
        if (entry.msg === 'webhook listening') {
          clearTimeout(timer);
          resolvePromise({ port: entry.port!, metricsPort: entry.metricsPort! });
        }
      } catch {
        // not a log line
      }
    });
    child.once('exit', (code) => reject(new Error(`eks-access serve exited with ${code} before listening`)));
  });
}

export async function startTarget(opts: TargetOptions = {}): Promise<Target> {
  const standIn = await startStsStandIn({ h2: opts.stsH2 });
  const dir = mkdtempSync(join(tmpdir(), 'hardening-'));
  const users = await Promise.all(Array.from({ length: opts.users ?? 8 }, (_, i) => standIn.createUser(`bench-user-${i}`)));
  const usernames = new Map(users.map((u, i) => [u.arn, `bench-user-${i}`]));
  const ca = createCertificateAuthority('hardening bench CA');
  const leaf = issueServerCertificate(ca, { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] });
  writeFileSync(join(dir, 'cert.pem'), leaf.certPem);
  writeFileSync(join(dir, 'key.pem'), leaf.keyPem, { mode: 0o600 });
  writeFileSync(join(dir, 'mapping.json'), JSON.stringify({
    mapUsers: users.map((u) => ({ userarn: u.arn, username: usernames.get(u.arn), groups: ['bench'] })),
  }));
  const doc = {
    clusterId: CLUSTER,
    server: { port: 0, tlsCertFile: join(dir, 'cert.pem'), tlsKeyFile: join(dir, 'key.pem'), metricsPort: 0, ...opts.server },
    review: { ...opts.review },
    // With stsH2 the stand-in's front speaks h2 only: the client must offer it (sts.http2 is off by default).
    sts: { connectTo: standIn.connectTo, caFile: standIn.caFile, ...(opts.stsH2 ? { http2: true } : {}), ...opts.sts },
    cache: { ...opts.cache },
    mapping: { backends: [{ type: 'file', path: join(dir, 'mapping.json') }] },
    logLevel: opts.child ? 'info' : 'silent',
  };
  const config = parseConfig(doc);
  const common = {
    standIn, users, usernames, caPem: ca.certPem, deadlineMs: config.review.deadlineMs, headersTimeoutMs: config.server.headersTimeoutMs,
  };
  if (!opts.child) {
    const server = await startWebhookServer(config);
    return {
      ...common, server, url: server.url, port: server.port, metricsUrl: server.metricsUrl!,
      rssBytes: () => process.memoryUsage().rss,
      alive: () => true,
      async stop() {
        await server.close();
        await standIn.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  // Only the STS 'warn'-level lines and the start line are read; the rest is discarded.
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...doc, logLevel: 'info' }));
  const child = spawn(process.execPath, [CLI, 'serve', '--config', join(dir, 'config.json')], { stdio: ['ignore', 'pipe', 'inherit'] });
  let exited = false;
  child.once('exit', () => (exited = true));
  const { port, metricsPort } = await listening(child);
  // Keep draining stdout (denials are logged at warn) so the child never blocks on a full pipe.
  child.stdout!.resume();
  const url = `https://127.0.0.1:${port}`;
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  return {
    ...common, url, port, metricsUrl,
    rssBytes: () => (exited ? NaN : childRss(child.pid!)),
    alive: () => !exited,
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      await standIn.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
