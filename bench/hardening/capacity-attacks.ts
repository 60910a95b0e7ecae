/**
 * The two attacks on the webhook's capacity from issue 22 (items 7 and 8), each with a legitimate client alongside
 * that must have every review answered:
 *
 * - keep-alive holders: many TLS connections, each sending `GET /healthz` every `refreshMs` (under the keep-alive
 *   timeout) and reconnecting when cut — they used to hold `server.maxConnections`, and the legitimate client's new
 *   connections were reset;
 * - slow bodies: POST /authenticate headers declaring `Content-Length: 60000`, then a byte every `trickleMs`,
 *   reconnecting when cut — they used to hold every `server.maxInFlightReviews` slot (legitimate reviews got 429).
 *
 * Attackers bind 127.0.0.2… (other peers than the legitimate client on 127.0.0.1); every loop ends at `durationMs`.
 * Used by `npm run flood` (bench/hardening/flood.ts) and, short, by test/bench/flood.test.ts.
 */
import { generateToken } from '../../authenticator/token';
import { percentile } from '../lib/stats';
import { AttackTarget, finalStatus, healthzOnce, openRaw, RawConnection, slowBodyHeaders, trickle } from './attackers';
import { review } from './fuzz-cases';
import { pool, ReviewClient } from './review-client';
import { CLUSTER, Target } from './target';

export interface LegitFigures {
  readonly sent: number;
  /** 200 with `authenticated: true`. */
  readonly accepted: number;
  /** HTTP answers other than an accepted review, by status (429 = no review slot). */
  readonly otherStatus: Record<string, number>;
  /** No answer at all (connection reset, timeout), with the first few messages. */
  readonly failed: number;
  readonly failures: readonly string[];
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export interface LegitOptions {
  /** Pause between one answer and the next review. */
  readonly pauseMs: number;
  /** Keep connections alive (kube-apiserver does), or open one per review (each must win a connection slot). */
  readonly keepAlive: boolean;
}

/**
 * Reviews from 127.0.0.1, one after another, each with a token of its own (a different X-Amz-Date: no identity-cache
 * hit, so each is an STS call to the stand-in; at most 600 distinct dates, well within the tokens' 15 minutes), until
 * `running()` is false.
 */
export async function legitimateClient(target: Target, running: () => boolean, o: LegitOptions): Promise<LegitFigures> {
  const client = new ReviewClient(target.url, target.caPem, 2, target.deadlineMs + 5000, o.keepAlive);
  const latencies: number[] = [];
  const otherStatus: Record<string, number> = {};
  const failures: string[] = [];
  let accepted = 0;
  let failed = 0;
  try {
    while (running()) {
      const now = new Date(Date.now() - (latencies.length % 600) * 1000);
      const token = (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: target.users[0], now })).token;
      const a = await client.post(review(token));
      latencies.push(a.ms);
      if (a.status === 200 && a.authenticated) accepted++;
      else if (a.status !== 0) otherStatus[a.status] = (otherStatus[a.status] ?? 0) + 1;
      else {
        failed++;
        if (failures.length < 5) failures.push(a.failure ?? 'no answer');
      }
      await new Promise((r) => setTimeout(r, o.pauseMs));
    }
  } finally {
    client.close();
  }
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    sent: latencies.length, accepted, otherStatus, failed, failures,
    p50Ms: latencies.length ? r(percentile(latencies, 50)) : NaN,
    p99Ms: latencies.length ? r(percentile(latencies, 99)) : NaN,
    maxMs: latencies.length ? r(Math.max(...latencies)) : NaN,
  };
}

/** 127.0.0.2, 127.0.0.3, … : attacker `i` of `peers`. */
function attackerAddress(i: number, peers: number): string {
  return `127.0.0.${2 + (i % peers)}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface KeepAliveOptions {
  readonly holders: number;
  /** Source addresses the holders are spread over. */
  readonly peers: number;
  readonly refreshMs: number;
  readonly reconnectMs: number;
  readonly durationMs: number;
  readonly legit: LegitOptions;
}

export interface KeepAliveFigures extends Omit<KeepAliveOptions, 'legit'> {
  readonly legitOptions: LegitOptions;
  /** Holders connected and idle when the legitimate client started (the cap was full). */
  readonly establishedBeforeLegit: number;
  /** Holder connections cut by the server (and reopened) during the run. */
  readonly holderCuts: number;
  readonly holderRequests: number;
  readonly legit: LegitFigures;
}

/** Issue 22 item 7: connections that keep the cap full with a cheap request now and then. */
export async function keepAliveHolders(target: Target, o: KeepAliveOptions): Promise<KeepAliveFigures> {
  const at: AttackTarget = { port: target.port, caPem: target.caPem };
  const conns: Array<RawConnection | undefined> = Array.from({ length: o.holders });
  let holderRequests = 0;
  let holderCuts = 0;
  const connect = async (i: number) => {
    try {
      const c = await openRaw(at, attackerAddress(i, o.peers));
      conns[i] = c;
      if (await healthzOnce(c)) holderRequests++;
    } catch {
      conns[i] = undefined; // refused at a cap: retried by the holder's loop
    }
  };
  await pool(o.holders, 50, connect);
  const establishedBeforeLegit = conns.filter((c) => c && !c.isClosed()).length;

  const until = Date.now() + o.durationMs;
  const running = () => Date.now() < until;
  // Each holder: re-send GET /healthz every refreshMs (staggered), reconnect reconnectMs after being cut.
  const holder = async (i: number) => {
    await sleep((i * o.refreshMs) / o.holders);
    while (running()) {
      const c = conns[i];
      if (c && !c.isClosed()) {
        if (await healthzOnce(c, 5000)) holderRequests++;
        await Promise.race([sleep(o.refreshMs), c.closed]);
      } else {
        if (c) holderCuts++;
        await sleep(o.reconnectMs);
        if (running()) await connect(i);
      }
    }
  };
  const [legit] = await Promise.all([
    legitimateClient(target, running, o.legit),
    Promise.all(Array.from({ length: o.holders }, (_, i) => holder(i))),
  ]);
  for (const c of conns) c?.socket.destroy();
  return { ...o, legitOptions: o.legit, establishedBeforeLegit, holderCuts, holderRequests, legit };
}

export interface SlowBodyOptions {
  readonly connections: number;
  readonly peers: number;
  readonly contentLength: number;
  readonly trickleMs: number;
  readonly reconnectMs: number;
  readonly durationMs: number;
  readonly legit: LegitOptions;
}

export interface SlowBodyFigures extends Omit<SlowBodyOptions, 'legit'> {
  readonly legitOptions: LegitOptions;
  /** Slow bodies whose headers the server had parsed when the legitimate client started. */
  readonly startedBeforeLegit: number;
  /** Slow-body connections the server ended, by the status it answered (0 = closed without an answer). */
  readonly endedByStatus: Record<string, number>;
  /** Slow-body connections opened in all (initial + reconnects). */
  readonly opened: number;
  readonly legit: LegitFigures;
}

/** Issue 22 item 8: request bodies trickled a byte at a time, each holding its request open as long as allowed. */
export async function slowBodies(target: Target, o: SlowBodyOptions): Promise<SlowBodyFigures> {
  const at: AttackTarget = { port: target.port, caPem: target.caPem };
  const endedByStatus: Record<string, number> = {};
  let opened = 0;
  let startedBeforeLegit = 0;
  let legitStarted = false;
  let until = Infinity;
  const running = () => Date.now() < until;
  const open = new Set<RawConnection>();
  /** One slow body: headers, then a byte every trickleMs until the server ends it or the run ends. */
  const attempt = async (i: number): Promise<RawConnection | undefined> => {
    try {
      const c = await openRaw(at, attackerAddress(i, o.peers));
      opened++;
      open.add(c);
      if (await slowBodyHeaders(c, o.contentLength) && !legitStarted) startedBeforeLegit++;
      return c;
    } catch {
      return undefined;
    }
  };
  const run = async (c: RawConnection | undefined, i: number) => {
    while (running()) {
      if (c) {
        await trickle(c, o.trickleMs, Math.max(0, until - Date.now()));
        if (c.isClosed()) {
          const s = String(finalStatus(c));
          endedByStatus[s] = (endedByStatus[s] ?? 0) + 1;
        }
        open.delete(c);
        c.socket.destroy();
      }
      if (!running()) break;
      await sleep(o.reconnectMs);
      c = await attempt(i);
    }
  };
  const first: Array<RawConnection | undefined> = [];
  await pool(o.connections, 50, async (i) => {
    first[i] = await attempt(i);
  });
  legitStarted = true;
  until = Date.now() + o.durationMs;
  const [legit] = await Promise.all([
    legitimateClient(target, running, o.legit),
    Promise.all(first.map((c, i) => run(c, i))),
  ]);
  for (const c of open) c.socket.destroy();
  return { ...o, legitOptions: o.legit, startedBeforeLegit, endedByStatus, opened, legit };
}
