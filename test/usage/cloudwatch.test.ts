/**
 * `eks-access usage --log-group`: audit events read live from CloudWatch Logs through the AWS SDK's FilterLogEvents,
 * against harness/logs-standin.ts — a STAND-IN for CloudWatch Logs (only AWS answers for real), checked against
 * botocore's logs model (test/usage/cloudwatch-standin.test.ts, and every request and response at run time: its
 * `violations()`), with each request's SigV4 signature recomputed. The SDK finds it through
 * `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`, as it would find any endpoint override.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { runEksAccess } from '../analysis/run-cli';
import { auditEvent } from './audit-events';
import { DEV, writeFixture } from './fixture';
import { CLI } from '../../harness/eks-access-process';
import { LogsStandIn, startLogsStandIn, StandInLogEvent } from '../../harness/logs-standin';
import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AuditEventCounter, emptyStats } from '../../lib/usage/audit-log';
import { readCloudWatchRequests, timeSlices } from '../../lib/usage/cloudwatch';
import { auditUsage } from '../../lib/usage/usage';

const GROUP = '/aws/eks/prod/cluster';
const STREAM = 'kube-apiserver-audit-0123456789abcdef';
const CREDS = { accessKeyId: 'AKIAEXAMPLESTANDIN01', secretAccessKey: 'stand-in-secret-key-not-a-real-one' };
const DAY = ['--since', '2026-12-01T00:00:00Z', '--until', '2026-12-02T00:00:00Z'];
const ENV = {
  AWS_ACCESS_KEY_ID: CREDS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDS.secretAccessKey, AWS_SESSION_TOKEN: undefined, AWS_REGION: 'us-east-1',
  AWS_PROFILE: undefined, AWS_CONFIG_FILE: '/nonexistent/aws-config', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials', AWS_EC2_METADATA_DISABLED: 'true',
} as Record<string, string | undefined>;

const fx = writeFixture();
let logs: LogsStandIn;
const saved: Record<string, string | undefined> = {};

/** The fixture's audit log, one CloudWatch event per line, as EKS ships it (the event JSON is the message). */
function fixtureEvents(): StandInLogEvent[] {
  return readFileSync(fx.log, 'utf8').split('\n').filter(Boolean).map((message) => ({
    logStreamName: STREAM, timestamp: Date.parse((JSON.parse(message) as { requestReceivedTimestamp: string }).requestReceivedTimestamp), message,
  }));
}

function setEnv(values: Record<string, string | undefined>): void {
  for (const [k, v] of Object.entries(values)) {
    if (!(k in saved)) saved[k] = process.env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

beforeEach(async () => {
  logs = await startLogsStandIn({ credentials: CREDS });
  setEnv({ ...ENV, AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint });
  logs.put(GROUP, fixtureEvents());
  // Another stream of the group (the authenticator's): not audit events, never asked for.
  logs.put(GROUP, [{ logStreamName: 'authenticator-0123', timestamp: Date.parse('2026-12-01T10:30:00Z'), message: 'time="2026-12-01T10:30:00Z" level=info msg="access granted"' }]);
});

afterEach(async () => {
  await logs.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});

describe('usage --log-group (CloudWatch Logs, live)', () => {
  it('reports what the same events give from a file, through signed FilterLogEvents calls that match the model', async () => {
    const file = await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--no-bootstrap', '-o', 'json');
    const live = await runEksAccess('usage', '--from', fx.model, '--log-group', GROUP, ...DAY, '--no-bootstrap', '-o', 'json');
    expect(live.code).toBe(0);
    expect(live.stderr).not.toMatch(/eks-access usage/);
    const a = JSON.parse(file.stdout);
    const b = JSON.parse(live.stdout);
    expect(b.principals).toEqual(a.principals);
    expect(b.neverSeen).toEqual(a.neverSeen);
    expect(b.read).toEqual(expect.objectContaining({ files: [], counted: 9, duplicates: 0, malformed: {} }));
    expect(b.read.logGroups).toEqual([{ logGroup: GROUP, logStreamPrefix: 'kube-apiserver-audit', startTime: '2026-12-01T00:00:00.000Z', endTime: '2026-12-02T00:00:00.000Z', events: 9, pages: 4 }]);
    expect(logs.violations()).toEqual([]);
    // Four time slices (the default concurrency), each one signed call; every signature recomputed and matched.
    expect(logs.calls()).toHaveLength(4);
    expect(logs.verifiedSignatures()).toBe(4);
    const text = await runEksAccess('usage', '--from', fx.model, '--log-group', GROUP, ...DAY, '--no-bootstrap');
    expect(text.stdout).toContain(`CloudWatch Logs ${GROUP} (streams kube-apiserver-audit*) from 2026-12-01T00:00:00.000Z to 2026-12-02T00:00:00.000Z: 9 event(s) in 4 page(s)`);
    expect(text.stdout).toMatch(new RegExp(`${DEV}: 6 request\\(s\\), 2 denied`));
  });

  it('finds the endpoint through AWS_ENDPOINT_URL too, as the SDK does for every service', async () => {
    setEnv({ AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: undefined, AWS_ENDPOINT_URL: logs.endpoint });
    const r = await runEksAccess('usage', '--from', fx.model, '--log-group', GROUP, ...DAY, '--no-bootstrap', '-o', 'json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).read.counted).toBe(9);
    expect(logs.calls()).toHaveLength(4);
  });

  it('the stand-in\'s signature check can fail: a request signed with another secret is a violation', async () => {
    await logs.stop();
    logs = await startLogsStandIn({ credentials: { ...CREDS, secretAccessKey: 'another-secret' } });
    setEnv({ AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint });
    logs.put(GROUP, fixtureEvents());
    await runEksAccess('usage', '--from', fx.model, '--log-group', GROUP, ...DAY, '--concurrency', '1', '--no-bootstrap', '-o', 'json');
    expect(logs.verifiedSignatures()).toBe(0);
    expect(logs.violations()).toEqual([expect.stringMatching(/^SigV4 signature does not match/)]);
  });

  it('follows nextToken over several pages until the service returns none', async () => {
    logs.setPageSize(2);
    const r = await runEksAccess('usage', '--from', fx.model, '--log-group', GROUP, ...DAY, '--concurrency', '1', '--no-bootstrap', '-o', 'json');
    expect(r.code).toBe(0);
    const calls = logs.calls();
    // 9 events, 2 a page: 5 pages, the first without a token and each other with the token of the page before.
    expect(calls.map((c) => c.events)).toEqual([2, 2, 2, 2, 1]);
    expect(calls[0].nextToken).toBeUndefined();
    expect(calls.slice(1).every((c) => typeof c.nextToken === 'string')).toBe(true);
    expect(new Set(calls.map((c) => c.nextToken)).size).toBe(5);
    expect(JSON.parse(r.stdout).read).toEqual(expect.objectContaining({ counted: 9, duplicates: 0 }));
    expect(logs.violations()).toEqual([]);
  });

  it('cuts the window into time slices that cover it exactly once: every millisecond read once, none outside', async () => {
    const start = Date.parse('2026-12-03T00:00:00Z');
    const span = 1000;
    // One event at every millisecond of the window (both ends included), and one just outside each end.
    const every = Array.from({ length: span + 2 }, (_, i) => start - 1 + i).map((t) => ({
      logStreamName: STREAM, timestamp: t,
      message: JSON.stringify(auditEvent({ auditID: `t${t}`, verb: 'get', username: 'dev:alice', resource: 'pods', namespace: 'team-a', time: new Date(t).toISOString() })),
    }));
    logs.put(GROUP, every);
    const analysis = await AccessAnalysis.load([fx.model], { includeBootstrap: false });
    for (const concurrency of [1, 4, 7]) {
      logs.setPageSize(50);
      const report = await auditUsage(analysis, { logGroups: [{ logGroup: GROUP, startTime: start, endTime: start + span - 1, concurrency }] });
      expect({ concurrency, events: report.read.logGroups[0].events, counted: report.read.counted, duplicates: report.read.duplicates })
        .toEqual({ concurrency, events: span, counted: span, duplicates: 0 });
    }
    // The slices the calls asked for (first page of each): contiguous, inclusive, from the first ms to the last.
    const firsts = logs.calls().filter((c) => c.nextToken === undefined).slice(-7).map((c) => [c.startTime!, c.endTime!]).sort((a, b) => a[0] - b[0]);
    expect(firsts[0][0]).toBe(start);
    expect(firsts[firsts.length - 1][1]).toBe(start + span - 1);
    for (let i = 1; i < firsts.length; i++) expect(firsts[i][0]).toBe(firsts[i - 1][1] + 1);
    expect(logs.violations()).toEqual([]);
  });

  it('timeSlices: any window, any count, no gap and no overlap', () => {
    for (const [a, b, n] of [[0, 0, 4], [5, 7, 4], [0, 999, 7], [1767225600000, 1774915200000, 4], [10, 10 + 2 ** 40, 13]]) {
      const s = timeSlices(a, b, n);
      expect(s.length).toBe(Math.min(n, b - a + 1));
      expect(s[0][0]).toBe(a);
      expect(s[s.length - 1][1]).toBe(b);
      s.forEach(([first, last], i) => {
        expect(last).toBeGreaterThanOrEqual(first);
        if (i) expect(first).toBe(s[i - 1][1] + 1);
      });
    }
    expect(() => timeSlices(5, 4, 2)).toThrow(RangeError);
  });

  it('reads the slices side by side and reports progress per page', async () => {
    await logs.stop();
    logs = await startLogsStandIn({ credentials: CREDS, latencyMs: 50 });
    setEnv({ AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: logs.endpoint });
    logs.put(GROUP, fixtureEvents());
    const analysis = await AccessAnalysis.load([fx.model], { includeBootstrap: false });
    const progress: Array<{ phase: string; done: number }> = [];
    const report = await auditUsage(analysis, { logGroups: [{ logGroup: GROUP, startTime: Date.parse('2026-12-01T00:00:00Z'), endTime: Date.parse('2026-12-02T00:00:00Z'), concurrency: 4 }] }, { onProgress: (e) => progress.push(e) });
    expect(report.read.counted).toBe(9);
    expect(logs.maxInFlight()).toBe(4);
    expect(progress.filter((p) => p.phase === `reading ${GROUP} (4 time slice(s))`).map((p) => p.done).pop()).toBe(9);
  });

  it('draws progress on stderr only when it is a terminal (a real pty through script(1)), never in a pipe or with -q', async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
    // The stand-in answers in this process: the CLI runs asynchronously beside it.
    const run = (file: string, args: string[]) => new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn(file, args, { env: process.env });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      child.on('close', (code) => resolve({ code, out, err }));
    });
    const argv = [CLI, 'usage', '--from', fx.model, '--log-group', GROUP, ...DAY, '--no-bootstrap'];
    const command = (extra: string) => [process.execPath, ...argv, extra].filter(Boolean).map((a) => `'${a}'`).join(' ');
    const tty = await run('script', ['-qec', command(''), '/dev/null']);
    expect(tty.code).toBe(0);
    expect(tty.out).toContain('\r\u001b[2K');
    expect(tty.out).toMatch(/reading \/aws\/eks\/prod\/cluster \(4 time slice\(s\)\) \d+/);
    const quiet = await run('script', ['-qec', command('-q'), '/dev/null']);
    expect(quiet.code).toBe(0);
    expect(quiet.out).not.toMatch(/time slice/);
    const piped = await run(process.execPath, argv);
    expect(piped.code).toBe(0);
    expect(piped.err).not.toMatch(/time slice/);
  }, 60_000);

  it('holds at most one page per slice ahead of the one being counted, however slow the counting', async () => {
    // An in-memory client (not the stand-in): it answers at once, so only the reader's own design keeps it from running
    // ahead; the counting side waits many event-loop turns after each request to give it every chance.
    const t0 = Date.parse('2026-12-01T00:00:00Z');
    let calls = 0;
    const client = {
      send: async (cmd: FilterLogEventsCommand) => {
        calls++;
        const { startTime, nextToken } = cmd.input;
        const n = Number(nextToken ?? 0);
        const event = auditEvent({ auditID: `${startTime}-${n}`, verb: 'get', username: 'u', resource: 'pods', namespace: 'n', time: new Date(startTime!).toISOString() });
        return { events: [{ logStreamName: STREAM, timestamp: startTime, message: JSON.stringify(event), eventId: `${startTime}-${n}` }], ...(n < 9 ? { nextToken: String(n + 1) } : {}) };
      },
    } as unknown as CloudWatchLogsClient;
    const stats = emptyStats();
    const concurrency = 3;
    let ahead = 0;
    let counted = 0;
    for await (const req of readCloudWatchRequests({ logGroup: GROUP, startTime: t0, endTime: t0 + 2, concurrency, client }, stats, {}, new AuditEventCounter(stats))) {
      expect(req.verb).toBe('get');
      counted++;
      for (let i = 0; i < 50; i++) await new Promise((r) => setImmediate(r));
      ahead = Math.max(ahead, calls - stats.logGroups[0].pages);
    }
    // 3 slices × 10 pages of one event each; never more than one page per slice asked for beyond those counted.
    expect({ counted, calls, ahead }).toEqual({ counted: 30, calls: 30, ahead: concurrency });
  });

  it('retries throttling with the adaptive mode and still reads everything', async () => {
    logs.throttle(2);
    const r = await runEksAccess('usage', '--from', fx.model, '--log-group', GROUP, ...DAY, '--concurrency', '1', '--no-bootstrap', '-o', 'json');
    expect(r.code).toBe(0);
    expect(logs.throttled()).toBe(2);
    expect(JSON.parse(r.stdout).read.counted).toBe(9);
    expect(logs.violations()).toEqual([]);
  });

  it('fails with exit 2 and eks-access:audit-log-group when throttling outlasts the retries', async () => {
    logs.throttle(1000);
    const r = await runEksAccess('usage', '--from', fx.model, '--log-group', GROUP, ...DAY, '--concurrency', '1', '--no-bootstrap');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/--log-group \/aws\/eks\/prod\/cluster: could not be read: ThrottlingException: Rate exceeded \(still throttled after 6 attempt\(s\).*\[eks-access:audit-log-group\]/);
    // Six attempts (AWS_BULK_READ_RETRY), then no more.
    expect(logs.throttled()).toBe(6);
  }, 60_000);

  it('a missing log group or a denied read: exit 2, the log group, the service\'s error and what to check', async () => {
    const missing = await runEksAccess('usage', '--from', fx.model, '--log-group', '/aws/eks/nope/cluster', ...DAY, '--no-bootstrap');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--log-group /aws/eks/nope/cluster: could not be read: ResourceNotFoundException: The specified log group does not exist. (no such log group in this account and region');
    expect(missing.stderr).toContain('[eks-access:audit-log-group]');
    const json = await runEksAccess('usage', '--from', fx.model, '--log-group', '/aws/eks/nope/cluster', ...DAY, '--no-bootstrap', '-o', 'json');
    expect([json.code, JSON.parse(json.stdout).error.type]).toEqual([2, 'RuleError']);
    logs.deny(true);
    const denied = await runEksAccess('usage', '--from', fx.model, '--log-group', GROUP, ...DAY, '--no-bootstrap');
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/AccessDeniedException: User is not authorized.*they need logs:FilterLogEvents on the log group/);
    expect(logs.violations()).toEqual([]);
  });

  it('treats every message as hostile: control characters escaped, an over-long message dropped and counted', async () => {
    const t = Date.parse('2026-12-01T12:00:00Z');
    const hostile = auditEvent({ auditID: 'h1', verb: 'get', username: 'evil\u001b[2J\u202euser', resource: 'pods\u001b]8;;x', namespace: 'n\u2028s', time: new Date(t).toISOString() });
    const huge = auditEvent({ auditID: 'h2', verb: 'get', username: 'big', resource: 'pods', namespace: 'x'.repeat((1 << 20) + 10), time: new Date(t).toISOString() });
    logs.put(GROUP, [{ logStreamName: STREAM, timestamp: t, message: JSON.stringify(hostile) }, { logStreamName: `${STREAM}\u001b[31m`, timestamp: t + 1, message: JSON.stringify(huge) }]);
    const r = await runEksAccess('usage', '--from', fx.model, '--log-group', GROUP, ...DAY, '--no-bootstrap');
    expect(r.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u001b\u202e\u2028]/);
    expect(r.stdout).toContain('evil\\x1b[2J\\u202euser');
    expect(r.stdout).toMatch(/malformed: 1 × line longer than 1048576 bytes \(first at \/aws\/eks\/prod\/cluster kube-apiserver-audit-0123456789abcdef\\x1b\[31m event \S+\)/);
    expect(r.stdout).toContain('10 requests counted');
  });

  it('--audit-log and --log-group together: one count, an event in both counted once', async () => {
    const r = await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--log-group', GROUP, ...DAY, '--no-bootstrap', '-o', 'json');
    expect(r.code).toBe(0);
    const read = JSON.parse(r.stdout).read;
    expect(read).toEqual(expect.objectContaining({ files: [fx.log], lines: 18, counted: 9, duplicates: 9 }));
    expect(read.logGroups[0].events).toBe(9);
  });

  it.each([
    [['--log-group', GROUP], '--log-group needs --since WHEN'],
    [['--log-group', GROUP, '--since', 'yesterday'], "--since: 'yesterday' is neither a duration ago"],
    [['--log-group', GROUP, '--since', '2026-12-01T00:00:00'], "--since: '2026-12-01T00:00:00' is neither"],
    [['--log-group', GROUP, '--since', '1d', '--until', '2d'], 'is before --since'],
    [['--log-group', GROUP, '--since', '1d', '--concurrency', '0'], "--concurrency: '0' is not a whole number ≥ 1"],
    [['--audit-log', fx.log, '--since', '90d'], '--since goes with --log-group NAME'],
    [[], 'give --audit-log PATH'],
  ])('usage error %j: exit 2, %s', async (args, message) => {
    const r = await runEksAccess('usage', '--from', fx.model, ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(logs.calls()).toEqual([]);
  });

  it('--since 90d reads the last 90 days up to now', async () => {
    const before = Date.now();
    const r = await runEksAccess('usage', '--from', fx.model, '--log-group', GROUP, '--since', '90d', '--concurrency', '1', '--no-bootstrap', '-o', 'json');
    const after = Date.now();
    expect(r.code).toBe(0);
    const [call] = logs.calls();
    expect(call.endTime! - call.startTime!).toBe(90 * 86_400_000);
    expect(call.endTime).toBeGreaterThanOrEqual(before);
    expect(call.endTime).toBeLessThanOrEqual(after);
  });
});
