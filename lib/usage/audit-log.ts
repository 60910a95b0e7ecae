/**
 * Streaming reader of Kubernetes audit events, every line hostile. Two formats, told apart per line:
 * - kube-apiserver's log backend (`--audit-log-path`): one `audit.k8s.io/v1` `Event` as JSON per line;
 * - CloudWatch Logs, where EKS ships the same events (log group `/aws/eks/<cluster>/cluster`, streams
 *   `kube-apiserver-audit-*`): a JSON record whose `message` string is the event JSON (one `events[]` item of
 *   `aws logs filter-log-events`, e.g. after `jq -c '.events[]'`), an S3 export line `<ISO timestamp> <event JSON>`,
 *   or the CLI's own indented output of `FilterLogEvents` (`{"events": [...], "searchedLogStreams": [...],
 *   "nextToken": ...}`; AWS CLI `logs filter-log-events`): read line by line, without parsing the document whole, by
 *   taking each `"message": "<JSON string>"` line (the CLI's JSON writer puts each member on its own line, and a
 *   string literal cannot span lines) and skipping the document's other lines.
 * Files, folders (recursively, sorted) and gzip (`.gz`) are read as streams with bounded memory: lines longer than
 * `maxLineBytes` are dropped while being read (readline would buffer a newline-free line whole, so the splitter is
 * our own), and malformed lines are counted per reason, never fatal.
 *
 * Field names and meanings: k8s.io/apiserver `pkg/apis/audit/v1/types.go` (kubernetes v1.33, `Event`, `ObjectReference`,
 * `Stage`). A request gives one event per stage; it is counted once, at `ResponseComplete`, or at `ResponseStarted` for
 * a watch (a watch's `ResponseComplete` comes only when it ends, possibly outside the window). Stages `RequestReceived`
 * and `Panic` are not counted. The same `auditID` seen twice at its counting stage (overlapping exports) is counted
 * once within a bounded window of recent IDs.
 */
import { createReadStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { createGunzip } from 'node:zlib';

/** The parts of an audit `Event` (types.go `Event`) that usage needs, validated. */
export interface AuditRequest {
  readonly auditID: string;
  /** `requestReceivedTimestamp` (RFC 3339, microseconds), or `stageTimestamp` when absent. */
  readonly time: string;
  /** The authorizer's verb: get, list, watch, create, update, patch, delete, deletecollection, or an HTTP verb for non-resource URLs. */
  readonly verb: string;
  readonly user: AuditUser;
  /** `impersonatedUser.username` when the request impersonated someone. */
  readonly impersonatedUser?: string;
  /** `impersonatedUser.groups` (strings only) when the request impersonated someone. */
  readonly impersonatedGroups?: readonly string[];
  /** Absent for a non-resource request (`/healthz`, `/version`). */
  readonly objectRef?: { readonly apiGroup: string; readonly resource: string; readonly subresource: string; readonly namespace: string; readonly name: string };
  /** `requestURI` of a non-resource request (query stripped). */
  readonly nonResourceURL?: string;
  /** `responseStatus.code`, 0 when absent. */
  readonly code: number;
}

/** types.go `Event.user` (authentication/v1 `UserInfo`): `extra` carries the IAM authenticator's / EKS's keys. */
export interface AuditUser {
  readonly username: string;
  readonly groups: readonly string[];
  readonly extra: Readonly<Record<string, readonly string[]>>;
}

/** What was read from one CloudWatch Logs log group (lib/usage/cloudwatch.ts). */
export interface LogGroupRead {
  readonly logGroup: string;
  readonly logStreamPrefix: string;
  /** The window asked for, both ends included (FilterLogEvents `startTime`/`endTime`), RFC 3339. */
  readonly startTime: string;
  readonly endTime: string;
  /** Log events received (each one line for the counter), and FilterLogEvents pages. */
  events: number;
  pages: number;
}

export interface AuditReadStats {
  readonly files: string[];
  /** Log groups read live, in the order given. */
  readonly logGroups: LogGroupRead[];
  /** Lines of files plus log events of log groups. */
  lines: number;
  /** Events at their counting stage, counted once. */
  counted: number;
  /** Well-formed events at a stage that is not counted (RequestReceived, Panic, a non-watch ResponseStarted...). */
  otherStages: number;
  /** Events whose auditID was already counted. */
  duplicates: number;
  /**
   * Malformed lines by reason (`not JSON`, `line longer than N bytes`, `no user.username`...). Reasons quoting the
   * input (a wrong `kind`) are distinct per value, so at most {@link MAX_REASONS} are kept; the rest are counted under
   * {@link OTHER_REASON}.
   */
  readonly malformed: Record<string, number>;
  /** Where each reason was first seen (`file:line`), to find an example. */
  readonly malformedFirstAt: Record<string, string>;
}

export const MAX_REASONS = 100;
export const OTHER_REASON = 'other malformed lines (more distinct reasons than kept)';

export interface ReadAuditOptions {
  /** @default 1 MiB: an audit event at `Metadata` level is a few KiB. */
  readonly maxLineBytes?: number;
  /** Called every `progressEvery` lines and at the end of each file. */
  readonly onProgress?: (e: { phase: string; done: number; total?: number }) => void;
  /** @default 10000 */
  readonly progressEvery?: number;
  /** Recent auditIDs remembered to drop duplicates. @default 262144 */
  readonly dedupWindow?: number;
}

export const DEFAULT_MAX_LINE_BYTES = 1 << 20;
const AUDIT_API_VERSION = 'audit.k8s.io/v1';
/** An S3 export line: the CloudWatch timestamp, one space, the message. */
const EXPORT_LINE = /^\d{4}-\d{2}-\d{2}T[0-9:.]+Z /;
/** A member line of the AWS CLI's indented JSON output carrying a log event's message. */
const MESSAGE_MEMBER = /^\s*"message":\s*("(?:[^"\\]|\\.)*")\s*,?\s*$/;
/** Text a malformed-line reason quotes from input is cut to this. */
const MAX_REASON_VALUE = 40;

/** Every file under `paths` (files as given, folders walked recursively in name order). */
export async function auditFiles(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string, explicit: boolean): Promise<void> => {
    let st;
    try {
      st = await fs.stat(p);
    } catch {
      throw new AuditLogError(`--audit-log ${p}: no such file or directory (give audit log files, .gz files or folders of them)`);
    }
    if (st.isDirectory()) {
      for (const e of (await fs.readdir(p)).sort()) await walk(path.join(p, e), false);
    } else if (st.isFile() && (explicit || !path.basename(p).startsWith('.'))) {
      out.push(p);
    }
  };
  for (const p of paths) await walk(p, true);
  return out;
}

export class AuditLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AuditLogError';
  }
}

/**
 * Lines of a byte stream, split on `\n` (a `\r` before it dropped), each at most `max` bytes: a longer line is
 * reported as `undefined` and its bytes are discarded as they arrive, so memory stays bounded by `max` plus a chunk.
 */
async function* boundedLines(stream: AsyncIterable<Buffer>, max: number): AsyncGenerator<string | undefined> {
  let parts: Buffer[] = [];
  let size = 0;
  let overlong = false;
  for await (const chunk of stream) {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(10, start);
      const end = nl < 0 ? chunk.length : nl;
      if (!overlong) {
        if (size + (end - start) > max) {
          overlong = true;
          parts = [];
          size = 0;
        } else if (end > start) {
          parts.push(chunk.subarray(start, end));
          size += end - start;
        }
      }
      if (nl < 0) break;
      if (overlong) yield undefined;
      else {
        let line = Buffer.concat(parts, size).toString('utf8');
        if (line.endsWith('\r')) line = line.slice(0, -1);
        yield line;
      }
      parts = [];
      size = 0;
      overlong = false;
      start = nl + 1;
    }
  }
  if (overlong) yield undefined;
  else if (size > 0) yield Buffer.concat(parts, size).toString('utf8');
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function short(v: string): string {
  return JSON.stringify(v.length > MAX_REASON_VALUE ? `${v.slice(0, MAX_REASON_VALUE)}…` : v);
}

/** `user.extra`: only string-list values are kept (types.go `ExtraValue` is `[]string`). */
function extraOf(v: unknown): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return out;
  for (const [k, vals] of Object.entries(v)) {
    if (Array.isArray(vals)) out[k] = vals.filter((x): x is string => typeof x === 'string');
  }
  return out;
}

/** One parsed line → the event object, or a malformed-line reason (`document`: inside a CLI JSON document). */
function eventObject(line: string, document: boolean): { event: Record<string, unknown> } | { reason: string } | { skip: true } {
  let text = line.trim();
  if (document) {
    const m = MESSAGE_MEMBER.exec(line);
    if (!m) return { skip: true };
    try {
      text = JSON.parse(m[1]) as string;
    } catch {
      return { reason: 'CloudWatch record whose message is not a JSON string' };
    }
  }
  if (EXPORT_LINE.test(text)) text = text.slice(text.indexOf(' ') + 1);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { reason: 'not JSON' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { reason: 'not a JSON object' };
  const o = doc as Record<string, unknown>;
  if (o.kind === undefined && typeof o.message === 'string') {
    // A CloudWatch Logs record (FilterLogEvents `FilteredLogEvent`: eventId, timestamp, message, logStreamName).
    try {
      doc = JSON.parse(o.message);
    } catch {
      return { reason: 'CloudWatch record whose message is not JSON' };
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { reason: 'CloudWatch record whose message is not a JSON object' };
  }
  const e = doc as Record<string, unknown>;
  if (e.kind !== 'Event' || e.apiVersion !== AUDIT_API_VERSION) {
    return { reason: `not an ${AUDIT_API_VERSION} Event (kind ${short(String(e.kind ?? ''))}, apiVersion ${short(String(e.apiVersion ?? ''))})` };
  }
  return { event: e };
}

/** The validated request of an event, or the reason it is malformed. */
export function auditRequestOf(e: Record<string, unknown>): AuditRequest | { reason: string } {
  const auditID = str(e.auditID);
  if (!auditID) return { reason: 'no auditID' };
  const verb = str(e.verb);
  if (!verb) return { reason: 'no verb' };
  const u = e.user as Record<string, unknown> | undefined;
  const username = str(u?.username);
  if (!username) return { reason: 'no user.username' };
  const groups = Array.isArray(u?.groups) ? (u!.groups as unknown[]).filter((g): g is string => typeof g === 'string') : [];
  const time = str(e.requestReceivedTimestamp) ?? str(e.stageTimestamp);
  if (!time || Number.isNaN(Date.parse(time))) return { reason: 'no valid requestReceivedTimestamp' };
  const ref = e.objectRef as Record<string, unknown> | undefined;
  let objectRef: AuditRequest['objectRef'];
  let nonResourceURL: string | undefined;
  if (ref && typeof ref === 'object') {
    const resource = str(ref.resource);
    if (!resource) return { reason: 'objectRef without resource' };
    objectRef = { apiGroup: str(ref.apiGroup) ?? '', resource, subresource: str(ref.subresource) ?? '', namespace: str(ref.namespace) ?? '', name: str(ref.name) ?? '' };
  } else {
    nonResourceURL = (str(e.requestURI) ?? '').split('?')[0] || undefined;
  }
  const status = e.responseStatus as Record<string, unknown> | undefined;
  const code = typeof status?.code === 'number' ? status.code : 0;
  const impersonated = e.impersonatedUser as Record<string, unknown> | undefined;
  const imp = str(impersonated?.username);
  const impGroups = Array.isArray(impersonated?.groups) ? (impersonated!.groups as unknown[]).filter((g): g is string => typeof g === 'string') : [];
  return {
    auditID, time, verb, code,
    user: { username, groups, extra: extraOf(u?.extra) },
    ...(imp ? { impersonatedUser: imp, impersonatedGroups: impGroups } : {}),
    ...(objectRef ? { objectRef } : {}),
    ...(nonResourceURL ? { nonResourceURL } : {}),
  };
}

/** Whether an event at `stage` is the one its request is counted at (see the file comment). */
function countingStage(stage: unknown, verb: string): boolean | undefined {
  if (stage === 'ResponseComplete') return verb !== 'watch';
  if (stage === 'ResponseStarted') return verb === 'watch';
  if (stage === 'RequestReceived' || stage === 'Panic') return false;
  return undefined;
}

/** A set of the most recent IDs: two generations, the older dropped when the newer fills. */
class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();
  constructor(private readonly half: number) {}
  /** True when `id` was already there. */
  seen(id: string): boolean {
    if (this.current.has(id) || this.previous.has(id)) return true;
    if (this.current.size >= this.half) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(id);
    return false;
  }
}

/**
 * The one path every line of a file and every CloudWatch Logs message takes: parsed, validated, counted once at its
 * counting stage, a repeated auditID dropped. One counter serves every source of a run, so an event exported to a
 * file and also read live from its log group is counted once.
 */
export class AuditEventCounter {
  private readonly recent: RecentIds;
  readonly maxLineBytes: number;
  private readonly every: number;

  constructor(private readonly stats: AuditReadStats, private readonly opts: ReadAuditOptions = {}) {
    this.maxLineBytes = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    this.every = opts.progressEvery ?? 10000;
    this.recent = new RecentIds(Math.max(1, Math.floor((opts.dedupWindow ?? 262144) / 2)));
  }

  /** A malformed line: counted under its reason; `where` (called only for a new reason) says where it was first seen. */
  bad(why: string, where: () => string): void {
    const { stats } = this;
    const reason = why in stats.malformed || Object.keys(stats.malformed).length < MAX_REASONS ? why : OTHER_REASON;
    if (!(reason in stats.malformed)) stats.malformedFirstAt[reason] = where();
    stats.malformed[reason] = (stats.malformed[reason] ?? 0) + 1;
  }

  /**
   * One line (`undefined`: longer than `maxLineBytes`, already dropped) → the request it counts, or nothing (a blank
   * line, a malformed one, another stage, a duplicate; each counted in the stats). `document`: inside the AWS CLI's
   * JSON output, where only `"message"` member lines carry events.
   */
  take(line: string | undefined, document: boolean, where: () => string): AuditRequest | undefined {
    const { stats } = this;
    stats.lines++;
    if (this.opts.onProgress && stats.lines % this.every === 0) this.opts.onProgress({ phase: 'reading audit events', done: stats.lines });
    if (line === undefined) {
      this.bad(`line longer than ${this.maxLineBytes} bytes`, where);
      return undefined;
    }
    if (line.trim() === '') return undefined;
    const parsed = eventObject(line, document);
    if ('skip' in parsed) return undefined;
    if ('reason' in parsed) {
      this.bad(parsed.reason, where);
      return undefined;
    }
    const req = auditRequestOf(parsed.event);
    if ('reason' in req) {
      this.bad(req.reason, where);
      return undefined;
    }
    const counts = countingStage(parsed.event.stage, req.verb);
    if (counts === undefined) {
      this.bad(`unknown stage ${short(String(parsed.event.stage ?? ''))}`, where);
      return undefined;
    }
    if (!counts) {
      stats.otherStages++;
      return undefined;
    }
    if (this.recent.seen(req.auditID)) {
      stats.duplicates++;
      return undefined;
    }
    stats.counted++;
    return req;
  }
}

/**
 * Every counted request of the audit logs at `paths`, streamed; `stats` is filled as it goes (complete when the
 * iteration ends). `counter`: shared with the other sources of the same run (see {@link AuditEventCounter}).
 */
export async function* readAuditRequests(paths: readonly string[], stats: AuditReadStats, opts: ReadAuditOptions = {}, counter = new AuditEventCounter(stats, opts)): AsyncGenerator<AuditRequest> {
  const max = counter.maxLineBytes;
  const files = await auditFiles(paths);
  for (const file of files) {
    stats.files.push(file);
    const fileStart = stats.lines;
    const where = () => `${file}:${stats.lines - fileStart}`;
    const raw = createReadStream(file);
    const gz = /\.gz$/i.test(file);
    // The AWS CLI's indented output of FilterLogEvents starts with a line holding only `{`; a JSON-lines log never does.
    let document: boolean | undefined;
    const stream = gz ? raw.pipe(createGunzip()) : raw;
    if (gz) raw.on('error', (err) => stream.destroy(err));
    try {
      for await (const line of boundedLines(stream as AsyncIterable<Buffer>, max)) {
        if (line !== undefined && line.trim() !== '') document ??= line.trim() === '{';
        const req = counter.take(line, document ?? false, where);
        if (req) yield req;
      }
    } catch (e) {
      // A truncated or corrupt gzip member, or a read error: the rest of this file is lost, the others still count.
      counter.bad(`${gz ? 'gzip stream' : 'file'} unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message.split('\n')[0].slice(0, MAX_REASON_VALUE)})`, where);
    }
    opts.onProgress?.({ phase: 'reading audit events', done: stats.lines });
  }
}

export function emptyStats(): AuditReadStats {
  return { files: [], logGroups: [], lines: 0, counted: 0, otherStages: 0, duplicates: 0, malformed: {}, malformedFirstAt: {} };
}
