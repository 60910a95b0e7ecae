/**
 * Audit events read live from CloudWatch Logs, where EKS ships them (log group `/aws/eks/<cluster>/cluster`, streams
 * `kube-apiserver-audit-*`; EKS user guide, "Send control plane logs to CloudWatch Logs"), through the SDK's
 * `FilterLogEvents` (CloudWatch Logs API Reference; botocore `data/logs/2014-03-28/service-2.json`).
 *
 * - **Window.** `startTime` and `endTime` are both inclusive (the API reference: events with a timestamp *before*
 *   startTime, or *later than* endTime, are not returned), so the window is cut into `concurrency` slices of whole
 *   milliseconds, `[s0, s1 - 1], [s1, s2 - 1], …`: every millisecond of the window is in exactly one slice.
 * - **Pages.** Each slice is paginated with `nextToken` until the service returns none (paginators-1.json: input and
 *   output token `nextToken`); a page may be empty while the search goes on, so only a missing token ends it.
 * - **Bounded memory.** The slices are read side by side, each with at most one page asked for ahead of the one
 *   being counted, and every message goes through the same {@link AuditEventCounter} as the lines of a file, one at a
 *   time: what is held is at most `concurrency + 1` pages (the service returns at most 1 MB or 10,000 events a page),
 *   never the log. A message longer than `maxLineBytes` is dropped and counted as a file's line would be.
 * - **Failures.** Throttling is retried by the SDK's adaptive mode ({@link AWS_BULK_READ_RETRY}, as `snapshot`); what
 *   remains (a missing log group, no permission, throttling past the attempts) ends the read with a {@link RuleError}
 *   `eks-access:audit-log-group` naming the log group and what to check: a gate never passes on input it could not read.
 * The SDK reads the environment as for any client: credentials, region, `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS` /
 * `AWS_ENDPOINT_URL` (tests point it at harness/logs-standin.ts).
 */
import { CloudWatchLogsClient, FilterLogEventsCommand, FilteredLogEvent } from '@aws-sdk/client-cloudwatch-logs';
import { RuleError } from '../model/rule-error';
import { bulkReadClientConfig } from '../live/aws-retry';
import { AuditEventCounter, AuditReadStats, AuditRequest, LogGroupRead, ReadAuditOptions } from './audit-log';

/** The rule id of a log group that could not be read. */
export const AUDIT_LOG_GROUP_RULE = 'eks-access:audit-log-group';
/** EKS names its audit streams `kube-apiserver-audit-<id>`. */
export const DEFAULT_LOG_STREAM_PREFIX = 'kube-apiserver-audit';
/** Time slices read at a time, when not told otherwise. */
export const DEFAULT_LOG_CONCURRENCY = 4;

export interface CloudWatchAuditSource {
  /** A log group name (`/aws/eks/prod/cluster`). */
  readonly logGroup: string;
  /** @default 'kube-apiserver-audit' */
  readonly logStreamPrefix?: string;
  /** First and last millisecond of the window, both included. */
  readonly startTime: number;
  readonly endTime: number;
  /** Slices of the window read side by side. @default 4 */
  readonly concurrency?: number;
  readonly region?: string;
  /** A client to use instead of the default one (which reads the environment and retries adaptively). */
  readonly client?: CloudWatchLogsClient;
}

/**
 * `[start, end]` (both included, whole ms) cut into at most `n` contiguous slices, each `[first, last]` included:
 * their union is the window and no two overlap.
 */
export function timeSlices(start: number, end: number, n: number): Array<[number, number]> {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) throw new RangeError(`no window from ${start} to ${end}`);
  const span = end - start + 1;
  const count = Math.max(1, Math.min(Math.floor(n), span));
  const out: Array<[number, number]> = [];
  for (let i = 0; i < count; i++) {
    const first = start + Math.floor((span * i) / count);
    const next = start + Math.floor((span * (i + 1)) / count);
    out.push([first, next - 1]);
  }
  return out;
}

/** What the SDK threw, as the CLI's error: the log group, the service's error and what to check. */
function readError(source: CloudWatchAuditSource, e: unknown): RuleError {
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number; attempts?: number } };
  const name = err.name ?? 'Error';
  const advice: Record<string, string> = {
    ResourceNotFoundException: 'no such log group in this account and region: check the name (EKS: /aws/eks/<cluster>/cluster, with audit logging enabled) and --region',
    AccessDeniedException: 'the credentials may not read it: they need logs:FilterLogEvents on the log group',
    ThrottlingException: `still throttled after ${err.$metadata?.attempts ?? 'every'} attempt(s) with adaptive retry: lower --concurrency or try again later`,
    LimitExceededException: 'a service quota was exceeded: lower --concurrency or try again later',
  };
  const text = (err.message ?? String(e)).split('\n')[0].slice(0, 300);
  return new RuleError(AUDIT_LOG_GROUP_RULE, `--log-group ${source.logGroup}`, `could not be read: ${name}: ${text}${advice[name] ? ` (${advice[name]})` : ''}; no usage is reported from input that was not read`);
}

/** The pages of one slice, one `FilterLogEvents` call each. */
async function* slicePages(client: CloudWatchLogsClient, source: CloudWatchAuditSource, prefix: string, [startTime, endTime]: [number, number], signal: AbortSignal): AsyncGenerator<FilteredLogEvent[]> {
  let nextToken: string | undefined;
  do {
    const sent = nextToken;
    const out = await client.send(new FilterLogEventsCommand({ logGroupName: source.logGroup, logStreamNamePrefix: prefix, startTime, endTime, nextToken }), { abortSignal: signal });
    nextToken = out.nextToken;
    // The same token back would ask for the same page forever; stopping there would report a partial window as whole.
    if (nextToken !== undefined && nextToken === sent) throw new Error('FilterLogEvents returned the nextToken it was given');
    yield out.events ?? [];
  } while (nextToken !== undefined);
}

type Next<T> = { i: number; r?: IteratorResult<T>; err?: unknown };

/**
 * The pages of every slice as they come, each slice with one page asked for ahead of the one handed out. Stops every
 * slice (and aborts its call) when the caller stops or one slice fails.
 */
async function* merged<T>(gens: Array<AsyncGenerator<T>>, abort: AbortController): AsyncGenerator<T> {
  const pending = new Map<number, Promise<Next<T>>>();
  const ask = (i: number) => pending.set(i, gens[i].next().then((r) => ({ i, r }), (err: unknown) => ({ i, err })));
  gens.forEach((_, i) => ask(i));
  try {
    while (pending.size) {
      const { i, r, err } = await Promise.race(pending.values());
      if (err !== undefined) throw err;
      if (r!.done) {
        pending.delete(i);
        continue;
      }
      ask(i);
      yield r!.value;
    }
  } finally {
    abort.abort();
  }
}

/**
 * Every counted request of the log group's audit streams in the window, streamed through `counter` (shared with the
 * run's other sources); `stats.logGroups` gets the group's line, filled as it goes.
 */
export async function* readCloudWatchRequests(source: CloudWatchAuditSource, stats: AuditReadStats, opts: ReadAuditOptions, counter: AuditEventCounter): AsyncGenerator<AuditRequest> {
  const prefix = source.logStreamPrefix ?? DEFAULT_LOG_STREAM_PREFIX;
  const read: LogGroupRead = {
    logGroup: source.logGroup, logStreamPrefix: prefix,
    startTime: new Date(source.startTime).toISOString(), endTime: new Date(source.endTime).toISOString(), events: 0, pages: 0,
  };
  stats.logGroups.push(read);
  const client = source.client ?? new CloudWatchLogsClient(bulkReadClientConfig(source.region));
  const abort = new AbortController();
  const slices = timeSlices(source.startTime, source.endTime, source.concurrency ?? DEFAULT_LOG_CONCURRENCY);
  const phase = `reading ${source.logGroup} (${slices.length} time slice(s))`;
  const max = counter.maxLineBytes;
  try {
    for await (const page of merged(slices.map((s) => slicePages(client, source, prefix, s, abort.signal)), abort)) {
      read.pages++;
      for (const event of page) {
        read.events++;
        const message = event.message ?? '';
        // Bounded like a file's line: a longer message is not parsed (UTF-16 length × 3 bounds its UTF-8 bytes cheaply).
        const line = message.length * 3 <= max || Buffer.byteLength(message, 'utf8') <= max ? message : undefined;
        const req = counter.take(line, false, () => `${source.logGroup} ${event.logStreamName ?? '?'} event ${event.eventId ?? '?'}`);
        if (req) yield req;
      }
      opts.onProgress?.({ phase, done: read.events });
    }
  } catch (e) {
    throw e instanceof RuleError ? e : readError(source, e);
  } finally {
    if (!source.client) client.destroy();
  }
}
