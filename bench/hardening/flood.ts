/**
 * Floods of the webhook, each against a fresh `eks-access serve` with default limits:
 *
 * 1. Idle-connection flood: many TCP connections that never send a byte and TLS connections that complete the
 *    handshake and then stay silent. Every one must be closed by the server within the header timeout (measured from
 *    the moment the connection was accepted), while /healthz — on the TLS port and on the plain metrics listener — and
 *    real reviews keep being answered.
 * 2. Keep-alive holders (issue 22 item 7) and 3. slow bodies (item 8), with a legitimate client alongside whose
 *    reviews must all be answered (capacity-attacks.ts).
 *
 * `npm run flood [-- --tcp 500 --tls 500 --holders 512 --slow 256 --seconds 30]` writes bench/results/flood.{json,md};
 * short runs are jest tests (test/bench/flood.test.ts).
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { connect as tcpConnect, Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { parseArgs } from 'node:util';
import { CONNECTION_CLOSE_REASONS } from '../../authenticator/server/connection-guard';
import { generateToken } from '../../authenticator/token';
import { review } from './fuzz-cases';
import { copyTestAssets } from '../lib/test-assets';
import { keepAliveHolders, KeepAliveFigures, LegitFigures, slowBodies, SlowBodyFigures } from './capacity-attacks';
import { runMain, writeReport } from './report';
import { pool, ReviewClient } from './review-client';
import { CLUSTER, startTarget, Target } from './target';

export interface FloodOptions {
  readonly tcp: number;
  readonly tls: number;
  readonly child: boolean;
  /**
   * Source addresses the flood is spread over (127.0.0.2, 127.0.0.3, …; the probes and reviews come from 127.0.0.1,
   * another peer, as kube-apiserver and the kubelet would). @default 1
   */
  readonly peers?: number;
  /** Server settings (headersTimeoutMs, maxConnections, …); defaults otherwise. */
  readonly server?: Record<string, unknown>;
}

export interface FloodFigures {
  readonly peers: number;
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
      const localAddress = `127.0.0.${2 + (i % (opts.peers ?? 1))}`;
      const tcp = tcpConnect({ host: '127.0.0.1', port: target.port, localAddress }, i < opts.tcp ? resolve : undefined);
      // (tls.connect takes no localAddress: TLS runs over the TCP connection made from the chosen address.)
      const socket = i < opts.tcp ? tcp : tlsConnect({ socket: tcp, ca: target.caPem, servername: 'localhost' }, () => {
        t.handshake = true;
        resolve();
      });
      if (socket !== tcp) tcp.on('error', () => {}); // reported through the TLS socket
      // The connection exists once TCP has connected (the server may accept it a little later, never earlier).
      tcp.once('connect', () => (t.openedAt = performance.now()));
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
    peers: opts.peers ?? 1, tcp: opts.tcp, tls: opts.tls, tlsHandshakes: tracked.filter((t) => t.handshake).length,
    closedByServer: closed.length, stillOpen: tracked.length - closed.length,
    headersTimeoutMs: target.headersTimeoutMs, maxConnections,
    maxOpenMs: Math.round(Math.max(...tracked.map(open))),
    boundMs: target.headersTimeoutMs + 500,
    closedWithinHeaderTimeout: closed.filter((t) => open(t) <= target.headersTimeoutMs + 500).length,
    serverCloseReasons: Object.fromEntries(CONNECTION_CLOSE_REASONS.map((r) => [r, metricValue(metrics, 'eks_access_webhook_closed_connections_total', r)])),
    healthTls: health.tls, healthPlain: health.plain, reviews,
    rssBeforeMiB: mib(rssBefore), rssPeakMiB: mib(rssPeak), rssAfterMiB: mib(rssAfter), serverAlive,
  };
}

function legitLine(l: LegitFigures): string {
  const other = Object.entries(l.otherStatus).map(([k, v]) => `${v}× HTTP ${k}`).join(', ') || 'none';
  return `${l.accepted}/${l.sent} legitimate reviews accepted (other answers: ${other}; no answer: ${l.failed}`
    + `${l.failures.length ? ` — ${l.failures.join('; ')}` : ''}); latency p50 ${l.p50Ms} ms, p99 ${l.p99Ms} ms, max ${l.maxMs} ms`;
}

const legitOk = (l: LegitFigures) => l.sent > 0 && l.accepted === l.sent;

function silentSection(f: FloodFigures, ok: boolean): string[] {
  return [
    `## 1. Idle-connection flood: ${f.tcp} silent TCP + ${f.tls} silent TLS connections`,
    '',
    `Result: **${ok ? 'PASS' : 'FAIL'}** — ${f.closedByServer} of ${f.tcp + f.tls} connections closed by the server, `
      + `${f.closedWithinHeaderTimeout} within the header timeout (${f.headersTimeoutMs} ms, counted from the TCP connect, + 500 ms for the `
      + `server's 250 ms sweep interval and scheduling: ${f.boundMs} ms); the longest stayed `
      + `open ${f.maxOpenMs} ms. /healthz answered ${f.healthTls.ok}/${f.healthTls.ok + f.healthTls.failed} times on the TLS port and `
      + `${f.healthPlain.ok}/${f.healthPlain.ok + f.healthPlain.failed} on the plain metrics listener during the flood; `
      + `${f.reviews.accepted}/${f.reviews.accepted + f.reviews.other} real reviews accepted meanwhile.`,
    '',
    `- ${f.tcp} TCP connections that never send a byte, then ${f.tls} TLS connections that complete the handshake (or are `
      + `evicted before: ${f.tlsHandshakes} completed it) and send nothing; opened 50 at a time from one client process, `
      + `spread over ${f.peers} source addresses (127.0.0.2…, under the per-peer cap, so that the 512-connection cap is `
      + 'what is exercised); a connection counts as closed by the server when the client sees its end or reset (the '
      + 'client never closes one).',
    `- Server-side reasons: ${JSON.stringify(f.serverCloseReasons)} (evicted = at the ${f.maxConnections}-connection cap, `
      + 'a new connection closed the silent or idle one inactive longest; peer_evicted = the same at the per-peer cap).',
    '- From 127.0.0.1, every 250 ms a fresh connection asked GET /healthz on the TLS port and on the metrics listener (5 s client '
      + `timeout); slowest answers ${f.healthTls.maxMs} ms / ${f.healthPlain.maxMs} ms. Once a second a real review `
      + `(fresh token, STS call) was sent on a keep-alive connection; slowest ${f.reviews.maxMs} ms.`,
    `- Server RSS ${f.rssBeforeMiB} MiB before, ${f.rssPeakMiB} MiB peak, ${f.rssAfterMiB} MiB after.`,
  ];
}

function keepAliveSection(f: KeepAliveFigures, reasons: Record<string, number>): string[] {
  return [
    `## 2. Keep-alive holders: ${f.holders} TLS connections re-sending GET /healthz every ${f.refreshMs / 1000} s (issue 22 item 7)`,
    '',
    `Result: **${legitOk(f.legit) ? 'PASS' : 'FAIL'}** — ${legitLine(f.legit)}.`,
    '',
    `- ${f.holders} holders spread over ${f.peers} source addresses (127.0.0.2–127.0.0.${1 + f.peers}, ${f.holders / f.peers} each, under `
      + 'the per-peer cap) each open a TLS connection, send GET /healthz, and repeat it every '
      + `${f.refreshMs} ms (under the 30 s keep-alive timeout); a holder that is cut reconnects after ${f.reconnectMs} ms. `
      + `${f.establishedBeforeLegit} were connected and idle when the legitimate client started (server.maxConnections 512).`,
    `- The legitimate client (127.0.0.1) sent one review after another with ${f.legitOptions.pauseMs} ms pauses for `
      + `${f.durationMs / 1000} s, ${f.legitOptions.keepAlive ? 'on keep-alive connections' : 'each on a new connection (the '
        + 'hardest case: every review must win a connection slot at the full cap)'}, each with a token of its own (an STS call `
      + 'to the stand-in, no identity-cache hit).',
    `- During the run the server cut ${f.holderCuts} holder connections (the holders sent ${f.holderRequests} GET /healthz); `
      + `server-side reasons ${JSON.stringify(reasons)}.`,
    '- Before the fix (issue 22): an idle keep-alive connection could not be evicted, and the legitimate client\'s new '
      + 'connections were reset (ECONNRESET) for as long as the holders ran.',
  ];
}

function slowBodySection(f: SlowBodyFigures, reasons: Record<string, number>): string[] {
  return [
    `## 3. Slow bodies: ${f.connections} POSTs declaring Content-Length ${f.contentLength}, a byte every ${f.trickleMs} ms (issue 22 item 8)`,
    '',
    `Result: **${legitOk(f.legit) ? 'PASS' : 'FAIL'}** — ${legitLine(f.legit)}.`,
    '',
    `- ${f.connections} connections over ${f.peers} source addresses send POST /authenticate headers (Content-Length `
      + `${f.contentLength}), then one body byte every ${f.trickleMs} ms; a connection that is cut reconnects after `
      + `${f.reconnectMs} ms. ${f.startedBeforeLegit} had their headers parsed by the server before the legitimate client `
      + `started (server.maxInFlightReviews 256, server.bodyTimeoutMs 5000).`,
    `- The legitimate client (127.0.0.1) sent one review after another with ${f.legitOptions.pauseMs} ms pauses for `
      + `${f.durationMs / 1000} s on ${f.legitOptions.keepAlive ? 'keep-alive connections (as kube-apiserver)' : 'new connections'}, `
      + 'each with a token of its own (an STS call to the stand-in, no identity-cache hit).',
    `- Slow-body connections opened ${f.opened}; ended by the server with ${JSON.stringify(f.endedByStatus)} (status: `
      + `count; 408 = body not received within server.bodyTimeoutMs); rejected-request reasons ${JSON.stringify(reasons)}.`,
    '- Before the fix (issue 22): a review slot was taken before the body was read, and every legitimate review was '
      + 'answered 429 "too many reviews in flight" for the whole run.',
  ];
}

async function serverMetrics(metricsUrl: string): Promise<string> {
  return new Promise<string>((resolve) => {
    httpRequest(`${metricsUrl}/metrics`, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => resolve(text));
    }).on('error', () => resolve('')).end();
  });
}

async function main(): Promise<void> {
  copyTestAssets();
  const { values } = parseArgs({
    options: {
      tcp: { type: 'string', default: '500' }, tls: { type: 'string', default: '500' },
      holders: { type: 'string', default: '512' }, slow: { type: 'string', default: '256' }, seconds: { type: 'string', default: '30' },
    },
  });
  const durationMs = Number(values.seconds) * 1000;
  const silent = await runFlood({ tcp: Number(values.tcp), tls: Number(values.tls), child: true, peers: 8 });
  const silentOk = silent.stillOpen === 0 && silent.closedWithinHeaderTimeout === silent.tcp + silent.tls
    && silent.healthTls.failed === 0 && silent.healthPlain.failed === 0 && silent.serverAlive;

  let target = await startTarget({ child: true, users: 1 });
  const keepAlive = await keepAliveHolders(target, {
    holders: Number(values.holders), peers: 8, refreshMs: 20_000, reconnectMs: 1000, durationMs,
    legit: { pauseMs: 100, keepAlive: false },
  });
  const keepAliveText = await serverMetrics(target.metricsUrl);
  const keepAliveReasons = Object.fromEntries(['evicted', 'evicted_idle', 'dropped', 'peer_evicted', 'peer_dropped']
    .map((r) => [r, metricValue(keepAliveText, 'eks_access_webhook_closed_connections_total', r)]));
  const keepAliveAlive = target.alive();
  await target.stop();

  target = await startTarget({ child: true, users: 1 });
  const slow = await slowBodies(target, {
    connections: Number(values.slow), peers: 4, contentLength: 60000, trickleMs: 250, reconnectMs: 100, durationMs,
    legit: { pauseMs: 100, keepAlive: true },
  });
  const slowText = await serverMetrics(target.metricsUrl);
  const slowReasons = Object.fromEntries(['body_timeout', 'too_many_reviews', 'aborted']
    .map((r) => [r, metricValue(slowText, 'eks_access_webhook_rejected_requests_total', r)]));
  const slowAlive = target.alive();
  await target.stop();

  const ok = silentOk && legitOk(keepAlive.legit) && legitOk(slow.legit) && keepAliveAlive && slowAlive;
  writeReport('flood', { silent, keepAlive: { ...keepAlive, serverCloseReasons: keepAliveReasons }, slowBodies: { ...slow, rejectedReasons: slowReasons } }, [
    '# Webhook floods: silent connections, keep-alive holders, slow bodies',
    '',
    `Result: **${ok ? 'PASS' : 'FAIL'}** (1. ${silentOk ? 'pass' : 'FAIL'}, 2. ${legitOk(keepAlive.legit) ? 'pass' : 'FAIL'}, `
      + `3. ${legitOk(slow.legit) ? 'pass' : 'FAIL'}).`,
    '',
    '## How it was measured',
    '- `npm run flood` (bench/hardening/flood.ts, capacity-attacks.ts): for each flood a fresh `eks-access serve` '
      + '(compiled CLI) in its own process with default limits (server.headersTimeoutMs 10000, '
      + 'server.tlsHandshakeTimeoutMs 5000, server.maxConnections 512, server.maxConnectionsPerPeer 128, '
      + 'server.maxInFlightReviews 256, server.bodyTimeoutMs 5000, server.keepAliveTimeoutMs 30000) and a plain metrics '
      + 'listener; STS is the stand-in (moto, Python). Attackers and clients run in one Node process on the same machine, '
      + 'on loopback only (attackers bind 127.0.0.2… as other peers than the legitimate client on 127.0.0.1).',
    '- The machine is a 2-core VM shared with other helpers\' builds and tests (load averages below): latencies are '
      + 'bounded by that load, not by the server.',
    '',
    ...silentSection(silent, silentOk),
    '',
    ...keepAliveSection(keepAlive, keepAliveReasons),
    '',
    ...slowBodySection(slow, slowReasons),
  ]);
  if (!ok) process.exitCode = 1;
}

runMain('flood', module, main);
