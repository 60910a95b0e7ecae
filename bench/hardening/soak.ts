/**
 * Soak: TokenReviews at a fixed rate over HTTPS keep-alive for a long time while the STS stand-in cycles through
 * faults (hang, 5xx, throttling, connection reset) — every review must be answered (by the deadline) and the server's
 * resident memory must not drift after warm-up.
 *
 * `npm run soak [-- --seconds 600 --rate 20]` writes bench/results/soak.{json,md}; a short run is a jest test.
 */
import { parseArgs } from 'node:util';
import { generateToken } from '../../authenticator/token';
import type { StsFault } from '../../harness/sts-standin';
import { review } from './fuzz-cases';
import { copyTestAssets } from '../lib/test-assets';
import { examples, runMain, writeReport } from './report';
import { ReviewClient } from './review-client';
import { CLUSTER, startTarget } from './target';

export interface SoakOptions {
  readonly seconds: number;
  /** Reviews per second. */
  readonly rate: number;
  /** Length of one fault cycle: the first half healthy, the second half split between the four faults. */
  readonly cycleSeconds: number;
  /** RSS before this is warm-up. */
  readonly warmupSeconds: number;
  /** Run the server as a child process (its own RSS). */
  readonly child: boolean;
  readonly onProgress?: (line: string) => void;
}

export interface SoakFigures {
  readonly seconds: number;
  readonly rate: number;
  readonly warmupSeconds: number;
  readonly sent: number;
  readonly answered: number;
  readonly unanswered: number;
  readonly unansweredExamples: string[];
  readonly byStatus: Record<string, number>;
  /** Answers by the fault active when the review was sent. */
  readonly byFault: Record<string, Record<string, number>>;
  readonly deadlineMs: number;
  readonly maxAnswerMs: number;
  readonly pastDeadline: number;
  readonly validAcceptedWhileHealthy: number;
  readonly validWhileHealthy: number;
  readonly rssSamplesMiB: Array<[number, number]>;
  readonly rssAfterWarmupMiB: number;
  readonly rssEndMiB: number;
  readonly rssDriftPercent: number;
  readonly serverAlive: boolean;
  readonly stsCalls: number;
}

const FAULTS: readonly StsFault[] = ['hang', '500', 'throttle', 'reset'];

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}

export async function runSoak(opts: SoakOptions): Promise<SoakFigures> {
  const target = await startTarget({ child: opts.child, users: 16, sts: { maxConcurrent: 4 } });
  // Enough sockets that the client never queues a review itself (20/s × a 9 s deadline = 180 in flight at worst).
  const client = new ReviewClient(target.url, target.caPem, 512, target.deadlineMs + 5000);
  const byStatus: Record<string, number> = {};
  const byFault: Record<string, Record<string, number>> = {};
  const unansweredExamples: string[] = [];
  const rss: Array<[number, number]> = [];
  let sent = 0;
  let answered = 0;
  let unanswered = 0;
  let maxAnswerMs = 0;
  let pastDeadline = 0;
  let validWhileHealthy = 0;
  let validAcceptedWhileHealthy = 0;
  let fault = 'none';
  const stsBefore = target.standIn.requests();
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;

  // Fault schedule.
  const faultTimer = setInterval(() => {
    const inCycle = elapsed() % opts.cycleSeconds;
    const half = opts.cycleSeconds / 2;
    const next = inCycle < half ? 'none' : String(FAULTS[Math.min(3, Math.floor((inCycle - half) / (half / 4)))]);
    if (next !== fault) {
      fault = next;
      target.standIn.setFault(next === 'none' ? undefined : (next as StsFault)).catch(() => {});
      opts.onProgress?.(`soak: ${Math.round(elapsed())} s, STS fault ${next}, sent ${sent}, unanswered ${unanswered}, RSS ${Math.round(target.rssBytes() / 2 ** 20)} MiB`);
    }
  }, 100);
  const rssTimer = setInterval(() => rss.push([Math.round(elapsed()), Math.round((target.rssBytes() / 2 ** 20) * 10) / 10]), 5000);

  // Fixed-rate sender: the mix is 60% a fresh valid token (STS call), 30% a repeated one (cache), 10% junk.
  const pending: Array<Promise<void>> = [];
  const send = async (i: number) => {
    const user = target.users[i % target.users.length];
    const kind = i % 10 < 6 ? 'fresh' : i % 10 < 9 ? 'repeated' : 'junk';
    const now = kind === 'repeated' ? new Date(Math.floor(Date.now() / 30_000) * 30_000) : new Date();
    const token = kind === 'junk' ? `k8s-aws-v1.${'x'.repeat(i % 300)}` : (await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: user, now })).token;
    const faultAtSend = fault;
    sent++;
    const a = await client.post(review(token));
    const tally = (byFault[faultAtSend] ??= {});
    tally[a.status] = (tally[a.status] ?? 0) + 1;
    byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
    if (a.status === 0) {
      unanswered++;
      if (unansweredExamples.length < 10) unansweredExamples.push(`${faultAtSend}: ${a.failure}`);
      return;
    }
    answered++;
    maxAnswerMs = Math.max(maxAnswerMs, a.ms);
    if (a.ms > target.deadlineMs) pastDeadline++;
    if (kind !== 'junk' && faultAtSend === 'none' && fault === 'none') {
      validWhileHealthy++;
      if (a.authenticated) validAcceptedWhileHealthy++;
    }
  };
  const intervalMs = 1000 / opts.rate;
  for (let i = 0; elapsed() < opts.seconds; i++) {
    pending.push(send(i));
    const due = started + (i + 1) * intervalMs;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
  }
  clearInterval(faultTimer);
  await Promise.all(pending);
  clearInterval(rssTimer);
  await target.standIn.setFault(undefined);
  const serverAlive = target.alive();
  const stsCalls = target.standIn.requests() - stsBefore;
  client.close();
  await target.stop();

  const afterWarmup = rss.filter(([t]) => t >= opts.warmupSeconds && t < opts.warmupSeconds + 60).map(([, m]) => m);
  const end = rss.filter(([t]) => t >= opts.seconds - 60).map(([, m]) => m);
  const rssAfterWarmupMiB = median(afterWarmup);
  const rssEndMiB = median(end);
  return {
    seconds: opts.seconds, rate: opts.rate, warmupSeconds: opts.warmupSeconds, sent, answered, unanswered, unansweredExamples, byStatus, byFault,
    deadlineMs: target.deadlineMs, maxAnswerMs: Math.round(maxAnswerMs), pastDeadline, validAcceptedWhileHealthy, validWhileHealthy,
    rssSamplesMiB: rss, rssAfterWarmupMiB, rssEndMiB,
    rssDriftPercent: Math.round(((rssEndMiB - rssAfterWarmupMiB) / rssAfterWarmupMiB) * 1000) / 10,
    serverAlive, stsCalls,
  };
}

async function main(): Promise<void> {
  copyTestAssets();
  const { values } = parseArgs({ options: { seconds: { type: 'string', default: '600' }, rate: { type: 'string', default: '20' } } });
  const f = await runSoak({
    seconds: Number(values.seconds), rate: Number(values.rate), cycleSeconds: 60, warmupSeconds: 180, child: true,
    onProgress: (line) => process.stderr.write(`${line}\n`),
  });
  const ok = f.unanswered === 0 && f.serverAlive && Math.abs(f.rssDriftPercent) < 10;
  writeReport('soak', f, [
    `# Soak: ${f.seconds / 60} min at ${f.rate} reviews/s with STS faults`,
    '',
    `Result: **${ok ? 'PASS' : 'FAIL'}** — ${f.sent} reviews sent, ${f.unanswered} unanswered; server RSS ${f.rssAfterWarmupMiB} MiB `
      + `after warm-up → ${f.rssEndMiB} MiB at the end (drift ${f.rssDriftPercent}%, bound ±10%); slowest answer ${f.maxAnswerMs} ms `
      + `(review deadline ${f.deadlineMs} ms, ${f.pastDeadline} answers later than it as seen by the client); `
      + `${f.validAcceptedWhileHealthy}/${f.validWhileHealthy} valid reviews sent and answered while STS was healthy were accepted.`,
    '',
    '## How it was measured',
    '- `npm run soak` (bench/hardening/soak.ts): `eks-access serve` (compiled CLI) in its own process with its defaults '
      + 'except `sts.maxConcurrent: 4` and a plain metrics port, verifying against the STS stand-in (moto + SigV4 check, '
      + 'Python, over TLS on 127.0.0.1; real STS cannot be used here).',
    `- ${f.rate} TokenReviews/s, open loop (sent on schedule whether or not earlier ones were answered), over up to 512 HTTPS `
      + 'keep-alive connections (the client never queues): 60% a freshly signed token of one of 16 mapped users (an STS call), 30% a token '
      + 're-signed every 30 s (the verified-identity cache), 10% junk.',
    '- Fault cycle of 60 s: 30 s healthy, then 7.5 s each of STS hanging, answering 500, throttling, resetting connections '
      + '(the stand-in\'s fault injection applies to every presigned request).',
    `- Unanswered = no HTTP answer within the deadline + 5 s (client timeout) or a transport error. RSS of the server `
      + `process from /proc every 5 s; drift = median of the last 60 s against the median of the 60 s after a `
      + `${f.warmupSeconds} s warm-up (the verified-identity cache fills within its 120 s TTL).`,
    `- STS calls made: ${f.stsCalls}. The machine is a 2-core VM shared with other helpers' builds and tests, so `
      + 'latencies are bounded by that load; the unanswered count and the memory drift are the figures that matter.',
    '',
    '| STS fault when sent | answers by HTTP status |',
    '|---|---|',
    ...Object.entries(f.byFault).map(([k, v]) => `| ${k} | ${Object.entries(v).map(([s, n]) => `${s}: ${n}`).join(', ')} |`),
    '',
    `RSS samples (s, MiB): ${f.rssSamplesMiB.map(([t, m]) => `${t}:${m}`).join(' ')}`,
    ...examples('Unanswered', f.unansweredExamples),
  ]);
  if (!ok) process.exitCode = 1;
}

runMain('soak', module, main);
