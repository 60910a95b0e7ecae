/**
 * Idle-connection flood: many TCP connections that never send a byte and TLS connections that complete the handshake
 * and then stay silent. Every one must be closed by the server within the header timeout (measured from the moment
 * the connection was accepted), while /healthz — on the TLS port and on the plain metrics listener — and real
 * reviews keep being answered.
 *
 * `npm run flood [-- --tcp 500 --tls 500]` writes bench/results/flood.{json,md}; a short run is a jest test.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { parseArgs } from 'node:util';
import { generateToken } from '../../authenticator/token';
import { review } from './fuzz-cases';
import { copyTestAssets } from '../lib/test-assets';
import { runMain, writeReport } from './report';
import { pool, ReviewClient } from './review-client';
import { CLUSTER, startTarget, Target } from './target';

export interface FloodOptions {
  readonly tcp: number;
  readonly tls: number;
  readonly child: boolean;
  /** Server settings (headersTimeoutMs, maxConnections, …); defaults otherwise. */
  readonly server?: Record<string, unknown>;
}

export interface FloodFigures {
  readonly tcp: number;
  readonly tls: number;
  /** TLS connections whose handshake completed (the rest were evicted first). */
  readonly tlsHandshakes: number;
  /** Bound used for "closed within the header timeout": headersTimeoutMs + the server's sweep interval + scheduling. */
  readonly boundMs: number;
  readonly closedByServer: number;
  readonly stillOpen: number;
  readonly headersTimeoutMs: number;
  readonly maxConnections: number;
  /** Longest time a flood connection stayed open, ms. */
  readonly maxOpenMs: number;
  readonly closedWithinHeaderTimeout: number;
  readonly serverCloseReasons: Record<string, number>;
  readonly healthTls: { readonly ok: number; readonly failed: number; readonly maxMs: number };
  readonly healthPlain: { readonly ok: number; readonly failed: number; readonly maxMs: number };
  readonly reviews: { readonly accepted: number; readonly other: number; readonly maxMs: number };
  readonly rssBeforeMiB: number;
  readonly rssPeakMiB: number;
  readonly rssAfterMiB: number;
  readonly serverAlive: boolean;
}

interface Tracked {
  openedAt: number;
  closedAt?: number;
  handshake?: boolean;
}

function track(socket: Socket, t: Tracked): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      t.closedAt ??= performance.now();
      resolve();
    };
    socket.on('data', () => {});
    socket.on('end', done);
    socket.on('error', done);
    socket.on('close', done);
  });
}

function get(url: string, ca?: string): Promise<{ ok: boolean; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const finish = (ok: boolean) => resolve({ ok, ms: performance.now() - started });
    const req = (url.startsWith('https:') ? httpsRequest : httpRequest)(url, { agent: false, ca, timeout: 5000 }, (res) => {
      res.resume();
      res.on('end', () => finish(res.statusCode === 200));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => finish(false));
    req.end();
  });
}

function metricValue(text: string, name: string, reason: string): number {
  const m = new RegExp(`^${name}\\{reason="${reason}"\\} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

export async function runFlood(opts: FloodOptions): Promise<FloodFigures> {
  const target: Target = await startTarget({ child: opts.child, users: 2, server: opts.server });
  const maxConnections = Number(opts.server?.maxConnections ?? 512);
  const user = target.users[0];
  const client = new ReviewClient(target.url, target.caPem, 2, target.deadlineMs + 5000);
  const rssBefore = target.rssBytes();
  let rssPeak = rssBefore;
  const tracked: Tracked[] = [];
  const closings: Array<Promise<void>> = [];
  const health = { tls: { ok: 0, failed: 0, maxMs: 0 }, plain: { ok: 0, failed: 0, maxMs: 0 } };
  const reviews = { accepted: 0, other: 0, maxMs: 0 };
  let flooding = true;

  // Probes and reviews throughout, until every flood connection is closed.
  const probe = (async () => {
    while (flooding) {
      const [tls, plain] = await Promise.all([get(`${target.url}/healthz`, target.caPem), get(`${target.metricsUrl}/healthz`)]);
      for (const [h, r] of [[health.tls, tls], [health.plain, plain]] as const) {
        if (r.ok) h.ok++; else h.failed++;
        h.maxMs = Math.max(h.maxMs, Math.round(r.ms));
      }
      rssPeak = Math.max(rssPeak, target.rssBytes());
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const reviewer = (async () => {
    while (flooding) {
      const token = (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: user })).token;
      const a = await client.post(review(token));
      if (a.authenticated) reviews.accepted++; else reviews.other++;
      reviews.maxMs = Math.max(reviews.maxMs, Math.round(a.ms));
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();

  // The flood: silent TCP connections and silent TLS connections, opened 50 at a time.
  await pool(opts.tcp + opts.tls, 50, async (i) => {
    const t: Tracked = { openedAt: performance.now() };
    tracked.push(t);
    await new Promise<void>((resolve) => {
      const socket = i < opts.tcp
        ? tcpConnect({ host: '127.0.0.1', port: target.port }, resolve)
        : tlsConnect({ host: '127.0.0.1', port: target.port, ca: target.caPem, servername: 'localhost' }, () => {
          t.handshake = true;
          resolve();
        });
      // The connection exists once TCP has connected (the server may accept it a little later, never earlier).
      socket.once('connect', () => (t.openedAt = performance.now()));
      closings.push(track(socket, t));
      socket.once('close', () => resolve());
    });
  });
  // Every connection closes on its own (the server's doing) or the run fails after 3 header timeouts.
  const allClosed = Promise.all(closings);
  let giveUp: NodeJS.Timeout | undefined;
  await Promise.race([allClosed, new Promise((r) => (giveUp = setTimeout(r, 3 * target.headersTimeoutMs)))]);
  clearTimeout(giveUp);
  flooding = false;
  await Promise.all([probe, reviewer]);
  const metrics = await new Promise<string>((resolve) => {
    httpRequest(`${target.metricsUrl}/metrics`, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    }).on('error', () => resolve('')).end();
  });
  const rssAfter = target.rssBytes();
  const serverAlive = target.alive();
  client.close();
  await target.stop();

  const open = (t: Tracked) => (t.closedAt ?? performance.now()) - t.openedAt;
  const closed = tracked.filter((t) => t.closedAt !== undefined);
  const mib = (b: number) => Math.round((b / 2 ** 20) * 10) / 10;
  return {
    tcp: opts.tcp, tls: opts.tls, tlsHandshakes: tracked.filter((t) => t.handshake).length,
    closedByServer: closed.length, stillOpen: tracked.length - closed.length,
    headersTimeoutMs: target.headersTimeoutMs, maxConnections,
    maxOpenMs: Math.round(Math.max(...tracked.map(open))),
    boundMs: target.headersTimeoutMs + 500,
    closedWithinHeaderTimeout: closed.filter((t) => open(t) <= target.headersTimeoutMs + 500).length,
    serverCloseReasons: Object.fromEntries(['silent_timeout', 'evicted', 'dropped'].map((r) => [r, metricValue(metrics, 'eks_access_webhook_closed_connections_total', r)])),
    healthTls: health.tls, healthPlain: health.plain, reviews,
    rssBeforeMiB: mib(rssBefore), rssPeakMiB: mib(rssPeak), rssAfterMiB: mib(rssAfter), serverAlive,
  };
}

async function main(): Promise<void> {
  copyTestAssets();
  const { values } = parseArgs({ options: { tcp: { type: 'string', default: '500' }, tls: { type: 'string', default: '500' } } });
  const f = await runFlood({ tcp: Number(values.tcp), tls: Number(values.tls), child: true });
  const ok = f.stillOpen === 0 && f.closedWithinHeaderTimeout === f.tcp + f.tls && f.healthTls.failed === 0 && f.healthPlain.failed === 0 && f.serverAlive;
  writeReport('flood', f, [
    `# Idle-connection flood: ${f.tcp} silent TCP + ${f.tls} silent TLS connections`,
    '',
    `Result: **${ok ? 'PASS' : 'FAIL'}** — ${f.closedByServer} of ${f.tcp + f.tls} connections closed by the server, `
      + `${f.closedWithinHeaderTimeout} within the header timeout (${f.headersTimeoutMs} ms, counted from the TCP connect, + 500 ms for the `
      + `server's 250 ms sweep interval and scheduling: ${f.boundMs} ms); the longest stayed `
      + `open ${f.maxOpenMs} ms. /healthz answered ${f.healthTls.ok}/${f.healthTls.ok + f.healthTls.failed} times on the TLS port and `
      + `${f.healthPlain.ok}/${f.healthPlain.ok + f.healthPlain.failed} on the plain metrics listener during the flood; `
      + `${f.reviews.accepted}/${f.reviews.accepted + f.reviews.other} real reviews accepted meanwhile.`,
    '',
    '## How it was measured',
    '- `npm run flood` (bench/hardening/flood.ts): `eks-access serve` (compiled CLI) in its own process with default '
      + `limits (server.headersTimeoutMs ${f.headersTimeoutMs}, server.tlsHandshakeTimeoutMs 5000, server.maxConnections `
      + `${f.maxConnections}) and a plain metrics listener; STS is the stand-in (moto, Python).`,
    `- ${f.tcp} TCP connections that never send a byte, then ${f.tls} TLS connections that complete the handshake (or are `
      + `evicted before: ${f.tlsHandshakes} completed it) and send nothing; opened 50 at a time from one client process; `
      + 'a connection counts as closed by the server when the client sees its end or reset (the client never closes one).',
    `- Server-side reasons: ${JSON.stringify(f.serverCloseReasons)} (evicted = at the ${f.maxConnections}-connection cap, `
      + 'a new connection closed the oldest one that had not sent a request).',
    '- Every 250 ms a fresh connection asked GET /healthz on the TLS port and on the metrics listener (5 s client '
      + `timeout); slowest answers ${f.healthTls.maxMs} ms / ${f.healthPlain.maxMs} ms. Once a second a real review `
      + `(fresh token, STS call) was sent on a keep-alive connection; slowest ${f.reviews.maxMs} ms.`,
    `- Server RSS ${f.rssBeforeMiB} MiB before, ${f.rssPeakMiB} MiB peak, ${f.rssAfterMiB} MiB after.`,
    '- The machine is a 2-core VM shared with other helpers\' builds and tests: latencies are bounded by that load.',
  ]);
  if (!ok) process.exitCode = 1;
}

runMain('flood', module, main);
