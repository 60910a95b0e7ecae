/**
 * Fuzzing the TokenReview webhook: N generated and mutated tokens and bodies (fuzz-cases.ts), the bulk through the
 * server's own review decision in-process (`WebhookServer.review`, the code behind POST /authenticate) and a share
 * over HTTPS keep-alive connections to the same running server. Counted: crashes (a throw, an unhandled rejection, a
 * dead server), false accepts (authenticated without a genuinely signed request of a mapped user, or as the wrong
 * user), outbound requests to hosts outside the STS allow-list, answers past the review deadline.
 *
 * `npm run fuzz [-- --cases N --https N --seed S]` writes bench/results/fuzz.{json,md}; a short run is a jest test.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { generateToken } from '../../authenticator/token';
import { TokenVerifier } from '../../authenticator/token/verifier';
import { allowedStsHosts } from '../../authenticator/token/hosts';
import { canonicalRequest, CaseKind, FuzzCase, FuzzCases, SignedToken } from './fuzz-cases';
import { prng } from '../lib/prng';
import { recordOutboundHosts } from './outbound';
import { copyTestAssets } from '../lib/test-assets';
import { examples, runMain, writeReport } from './report';
import { pool, ReviewClient } from './review-client';
import { CLUSTER, startTarget, Target } from './target';

export interface FuzzOptions {
  readonly cases: number;
  /** How many of `cases` go over HTTPS (the rest in-process). */
  readonly httpsCases: number;
  readonly seed: number;
  readonly inProcessParallel?: number;
  readonly httpsParallel?: number;
  readonly onProgress?: (done: number) => void;
  /** Verify over h2 (an h2-only front before the stand-in), the STS client's other protocol. @default false */
  readonly stsH2?: boolean;
}

export interface FuzzFigures {
  readonly cases: number;
  readonly inProcessCases: number;
  readonly httpsCases: number;
  readonly seed: number;
  readonly byKind: Record<string, number>;
  readonly accepted: number;
  readonly falseAccepts: number;
  readonly falseAcceptExamples: string[];
  readonly crashes: number;
  readonly crashExamples: string[];
  readonly unanswered: number;
  readonly pastDeadline: number;
  readonly pastDeadlineExamples: string[];
  /** Answers later than the deadline plus 1 s of scheduling slack on this loaded machine. */
  readonly pastDeadlinePlus1s: number;
  readonly deadlineMs: number;
  readonly maxAnswerMs: number;
  readonly byStatus: Record<string, number>;
  readonly outboundHosts: Record<string, number>;
  readonly nonAllowListedCalls: number;
  readonly stsCalls: number;
  /** With `stsH2`: the STS calls that went over h2, and the h2 connections they used. */
  readonly stsH2Calls?: number;
  readonly stsH2Connections?: number;
  readonly durationS: number;
  readonly casesPerSecond: number;
  /** Cases whose token passed the local checks (so they needed an STS round trip), and the share of them kept. */
  readonly stsBoundCases: number;
  readonly stsBoundKeep: number;
  /** Event-loop delay of the process (server and load generator) during the run, ms. */
  readonly eventLoopDelayP99Ms: number;
  readonly eventLoopDelayMaxMs: number;
}

/**
 * Well-formed forgeries pass every local check and cost a real STS round trip, which the stand-in (moto, Python)
 * answers a few dozen times a second on this machine; beyond that they would only queue. This share of them is kept.
 */
const STS_BOUND_KEEP = 0.1;

/** Presigned requests expire (X-Amz-Expires 60 s at the stand-in): valid tokens are re-signed this often. */
const RESIGN_EVERY_MS = 20_000;

async function signAll(target: Target): Promise<SignedToken[]> {
  return Promise.all(target.users.map(async (u) => ({
    token: (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: u })).token,
    username: target.usernames.get(u.arn)!,
  })));
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzFigures> {
  // The stand-in is single-threaded Python: more concurrent STS calls only make each one slower.
  const target = await startTarget({ users: 8, sts: { maxConcurrent: 4 }, stsH2: opts.stsH2 });
  const outbound = recordOutboundHosts();
  const crashes: string[] = [];
  const onUnhandled = (e: unknown) => crashes.push(`unhandled rejection: ${String(e)}`.slice(0, 300));
  process.on('unhandledRejection', onUnhandled);
  const legit = new Map<string, string>(); // canonical request → username
  const cases = new FuzzCases(opts.seed, CLUSTER);
  const resign = async () => {
    const tokens = await signAll(target);
    for (const t of tokens) legit.set(canonicalRequest(t.token)!, t.username);
    cases.useTokens(tokens);
  };
  await resign();
  let lastSigned = Date.now();
  const localCheck = new TokenVerifier({ clusterId: CLUSTER });
  const keepRand = prng(opts.seed ^ 0x5bd1e995);
  let stsBound = 0;
  const nextCase = (): FuzzCase => {
    for (;;) {
      const c = cases.next();
      const token = tokenOf(c.body);
      if (token === undefined || c.kind === 'valid') return c;
      try {
        localCheck.check(token);
      } catch {
        return c; // refused locally
      }
      if (keepRand() < STS_BOUND_KEEP) {
        stsBound++;
        return c;
      }
    }
  };
  const lag = monitorEventLoopDelay({ resolution: 20 });
  lag.enable();

  const byKind: Record<string, number> = {};
  const byStatus: Record<string, number> = {};
  const falseAccepts: string[] = [];
  let accepted = 0;
  let unanswered = 0;
  let pastDeadline = 0;
  let pastDeadlinePlus1s = 0;
  let maxAnswerMs = 0;
  let done = 0;
  const stsBefore = target.standIn.requests();
  const started = Date.now();

  const slow: string[] = [];
  const judge = (kind: CaseKind, mutation: string, body: string | Buffer, status: number, authenticated: boolean | undefined, username: string | undefined, ms: number, where = 'in-process', reason = '') => {
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    maxAnswerMs = Math.max(maxAnswerMs, ms);
    if (ms > target.deadlineMs) {
      pastDeadline++;
      if (ms > target.deadlineMs + 1000) pastDeadlinePlus1s++;
      if (slow.length < 10) slow.push(`${where} ${kind}/${mutation}: ${status} after ${Math.round(ms)} ms (${reason.slice(0, 120)})`);
    }
    if (authenticated) {
      accepted++;
      const token = tokenOf(body);
      const expected = token === undefined ? undefined : legit.get(canonicalRequest(token) ?? '');
      if (expected === undefined || expected !== username) falseAccepts.push(`${kind}/${mutation}: accepted as ${username}`);
    }
    if (++done % 10_000 === 0) opts.onProgress?.(done);
  };

  // Batches: re-sign between batches; in-process and HTTPS shares interleaved so both see every phase.
  const client = new ReviewClient(target.url, target.caPem, opts.httpsParallel ?? 32, target.deadlineMs + 10_000);
  const inProcess = opts.cases - opts.httpsCases;
  const batch = 20_000;
  const httpsPerBatch = Math.ceil(opts.httpsCases / Math.max(1, Math.ceil(opts.cases / batch)));
  let sentHttps = 0;
  let sentInProcess = 0;
  while (sentHttps + sentInProcess < opts.cases) {
    if (Date.now() - lastSigned > RESIGN_EVERY_MS) {
      await resign();
      lastSigned = Date.now();
    }
    const nHttps = Math.min(httpsPerBatch, opts.httpsCases - sentHttps);
    const nLocal = Math.min(batch - nHttps, inProcess - sentInProcess);
    const reviewOne = async (c: FuzzCase) => {
      const t0 = performance.now();
      try {
        const outcome = await target.server!.review(c.body);
        judge(c.kind, c.mutation, c.body, outcome.statusCode, outcome.body.status.authenticated, outcome.body.status.user?.username, performance.now() - t0, 'in-process', outcome.body.status.error);
      } catch (e) {
        crashes.push(`${c.kind}/${c.mutation}: ${(e as Error).stack ?? String(e)}`.slice(0, 300));
      }
    };
    // Up to 512 reviews in flight (those waiting for STS hold their place), but only a few new ones started per
    // event-loop turn, as requests arriving as I/O would: starting hundreds per turn would delay the server's own
    // deadline timers by the generator's work, which is not the server's behaviour.
    const local = async () => {
      const inFlight = new Set<Promise<void>>();
      for (let i = 0; i < nLocal; i++) {
        const c = nextCase();
        byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
        const p = reviewOne(c).finally(() => inFlight.delete(p));
        inFlight.add(p);
        if (inFlight.size >= (opts.inProcessParallel ?? 512)) await Promise.race(inFlight);
        if (i % 16 === 15) await new Promise((res) => setImmediate(res));
      }
      await Promise.all(inFlight);
    };
    const remote = () => pool(nHttps, opts.httpsParallel ?? 32, async () => {
      const c = nextCase();
      byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
      const a = await client.post(c.body);
      if (a.status === 0) unanswered++;
      judge(c.kind, c.mutation, c.body, a.status, a.authenticated, a.username, a.ms, 'https', a.reason ?? a.failure);
    });
    // One after the other: sharing this process's event loop with thousands of in-process reviews would make the
    // HTTPS clients' own timings meaningless.
    await local();
    await remote();
    sentHttps += nHttps;
    sentInProcess += nLocal;
  }
  const health = await client.post('{}'); // the server still answers after everything
  if (health.status !== 400) crashes.push(`server did not answer a final review (status ${health.status} ${health.failure ?? ''})`);
  client.close();
  lag.disable();
  localCheck.close();
  const durationS = (Date.now() - started) / 1000;
  outbound.stop();
  process.off('unhandledRejection', onUnhandled);
  const stsCalls = target.standIn.requests() - stsBefore;
  const [stsH2Calls, stsH2Connections] = [target.standIn.h2?.requests(), target.standIn.h2?.connections()];
  await target.stop();

  const allowed = allowedStsHosts('aws', undefined);
  const ours = new URL(target.url).host;
  const outboundHosts = Object.fromEntries(outbound.hosts);
  const nonAllowListedCalls = [...outbound.hosts].filter(([h]) => h !== ours && !allowed.has(h)).reduce((n, [, c]) => n + c, 0);
  return {
    cases: done, inProcessCases: sentInProcess, httpsCases: sentHttps, seed: opts.seed, byKind, accepted,
    falseAccepts: falseAccepts.length, falseAcceptExamples: falseAccepts.slice(0, 10),
    crashes: crashes.length, crashExamples: crashes.slice(0, 10), unanswered, pastDeadline, pastDeadlineExamples: slow, pastDeadlinePlus1s, deadlineMs: target.deadlineMs,
    maxAnswerMs: Math.round(maxAnswerMs), byStatus, outboundHosts, nonAllowListedCalls, stsCalls, stsH2Calls, stsH2Connections,
    durationS: Math.round(durationS), casesPerSecond: Math.round(done / durationS),
    stsBoundCases: stsBound, stsBoundKeep: STS_BOUND_KEEP,
    eventLoopDelayP99Ms: Math.round(lag.percentile(99) / 1e6), eventLoopDelayMaxMs: Math.round(lag.max / 1e6),
  };
}

function tokenOf(body: string | Buffer): string | undefined {
  try {
    const doc = JSON.parse(Buffer.isBuffer(body) ? body.toString('utf8') : body) as { spec?: { token?: unknown } };
    return typeof doc?.spec?.token === 'string' ? doc.spec.token : undefined;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  copyTestAssets();
  const { values } = parseArgs({ options: { cases: { type: 'string', default: '1000000' }, https: { type: 'string', default: '100000' }, seed: { type: 'string', default: '20261129' },
    // --sts-h2: verify over h2 (an h2-only front before the stand-in); the report goes to bench/results/fuzz-h2.{md,json}.
    'sts-h2': { type: 'boolean', default: false } } });
  const figures = await runFuzz({
    cases: Number(values.cases), httpsCases: Number(values.https), seed: Number(values.seed), stsH2: values['sts-h2'],
    onProgress: (n) => process.stderr.write(`fuzz: ${n} cases\n`),
  });
  const ok = figures.crashes === 0 && figures.falseAccepts === 0 && figures.nonAllowListedCalls === 0 && figures.pastDeadline === 0 && figures.unanswered === 0;
  writeReport(values['sts-h2'] ? 'fuzz-h2' : 'fuzz', figures, [
    `# Fuzz run: ${figures.cases.toLocaleString('en')} generated and mutated TokenReviews${values['sts-h2'] ? ', STS over h2' : ''}`,
    '',
    `Result: **${ok ? 'PASS' : 'FAIL'}** — ${figures.crashes} crashes, ${figures.falseAccepts} false accepts, `
      + `${figures.nonAllowListedCalls} requests to hosts outside the STS allow-list, ${figures.pastDeadline} answers past the `
      + `${figures.deadlineMs} ms review deadline (slowest ${figures.maxAnswerMs} ms; ${figures.pastDeadlinePlus1s} later than 1 s past it), `
      + `${figures.unanswered} unanswered HTTPS reviews.`,
    '',
    '## How it was measured',
    ...(values['sts-h2'] ? [`- STS over h2: an h2-only TLS front (harness/sts-h2-front.ts) before the stand-in; ${figures.stsH2Calls} `
      + `calls over ${figures.stsH2Connections} h2 connection(s).`] : []),
    `- \`npm run fuzz\` (bench/hardening/fuzz.ts, cases from bench/hardening/fuzz-cases.ts, seed ${figures.seed}).`,
    `- ${figures.inProcessCases.toLocaleString('en')} cases through the server's own review decision in-process `
      + '(`WebhookServer.review`, the code behind POST /authenticate; up to 512 in flight, 16 started per event-loop turn) and '
      + `${figures.httpsCases.toLocaleString('en')} over HTTPS keep-alive connections (32 sockets) to the same running server: `
      + 'pushing all 1,000,000 through HTTPS on this shared, loaded 2-core machine would take well over the ~25 min budget, '
      + 'so HTTP parsing, the body limit and TLS are fuzzed by the HTTPS share only. The two shares alternate in batches of '
      + '20,000 (valid tokens are re-signed between batches: presigned requests expire), never concurrently.',
    '- The server runs in the load generator\'s process with its defaults (review deadline 9 s, STS attempts of 3 s, 2 retries) '
      + 'except `sts.maxConcurrent: 4` (the single-threaded stand-in only gets slower with more).',
    '- Verification against the STS stand-in (moto + SigV4 check over TLS on 127.0.0.1; real STS cannot be used here); '
      + `${figures.stsCalls.toLocaleString('en')} STS calls were made. A case whose token passes every local check (a `
      + `well-formed forgery — broken signature, date, key, dropped or altered parameter — or a mutated body carrying a `
      + `valid token) may cost a real round trip to the stand-in, which manages a few dozen a second here, so only `
      + `${figures.stsBoundKeep * 100}% of the generated ones were kept (${figures.stsBoundCases.toLocaleString('en')} cases; `
      + 'many of them were then answered from the cache or refused for their body); the rest were replaced by the next '
      + 'generated case.',
    '- False accept: `authenticated: true` for a token whose presigned request (host, path, every parameter) is not one '
      + 'genuinely signed by a mapped user, or as another username.',
    '- Outbound hosts: the Host of every HTTP(S) request the process made (Node diagnostics channel '
      + '`http.client.request.start`), compared with the allow-list of the aws partition.',
    `- Duration ${figures.durationS} s (${figures.casesPerSecond} cases/s), on a 2-core machine shared with other builds and test runs: `
      + 'throughput and latency figures are bounded by that load, the pass/fail counts are not. Event-loop delay of the '
      + `process (server and load generator share it) p99 ${figures.eventLoopDelayP99Ms} ms, max ${figures.eventLoopDelayMaxMs} ms.`,
    '',
    '## Cases',
    '| kind | count |',
    '|---|---|',
    ...Object.entries(figures.byKind).map(([k, n]) => `| ${k} | ${n} |`),
    '',
    '| HTTP status | count |',
    '|---|---|',
    ...Object.entries(figures.byStatus).map(([k, n]) => `| ${k} | ${n} |`),
    '',
    `Accepted: ${figures.accepted} (all genuinely signed requests of mapped users). Outbound hosts: ${JSON.stringify(figures.outboundHosts)}.`,
    ...examples('Past the deadline', figures.pastDeadlineExamples),
    ...examples('Crashes', figures.crashExamples),
    ...examples('False accepts', figures.falseAcceptExamples),
  ]);
  if (!ok) process.exitCode = 1;
}

runMain('fuzz', module, main);
