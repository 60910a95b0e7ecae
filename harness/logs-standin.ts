/**
 * A loopback STAND-IN for CloudWatch Logs `FilterLogEvents`, the one call `eks-access usage --log-group` makes. Only
 * AWS answers it for real; moto implements the call, but the tests need what moto cannot be told to do on demand —
 * throttle the next N calls, deny, page in small pages, hold answers so concurrent calls overlap, recompute each
 * signature — so this server speaks the wire format as botocore's published model describes it
 * (`botocore/data/logs/2014-03-28/service-2.json`, `paginators-1.json`): the awsJson1_1 protocol (`POST /`,
 * `X-Amz-Target: <targetPrefix>.FilterLogEvents`, `Content-Type: application/x-amz-json-<jsonVersion>`), every request
 * and response checked against the operation's shapes (harness/eks-standin.ts `validateShape`, plus the request's
 * string patterns and bounds), the pagination token the paginator names, and errors as the model names their shapes
 * (`ResourceNotFoundException`, declared for the operation; `AccessDeniedException` and `ThrottlingException`, the
 * model's common errors) in the awsJson error form (`{"__type": shape, "message": ...}`, HTTP 400). Every request
 * must carry a SigV4 `Authorization` for service `logs` (the model's endpointPrefix/signing name), and, when the
 * stand-in is given the secret key, its signature is recomputed and compared. Any mismatch goes to `violations()`
 * and is answered with HTTP 500, so a test that ends with no violations spoke the model's wire format.
 * test/usage/cloudwatch-standin.test.ts compares {@link LOGS_WIRE} with the model.
 */
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { botocoreDir, readModelFile, validateShape } from './eks-standin';
import { InFlightCounter } from './net';

/** What the stand-in assumes of the wire format, as data: the test checks each item against the model. */
export const LOGS_WIRE = {
  modelDir: 'logs/2014-03-28',
  operation: 'FilterLogEvents',
  target: 'Logs_20140328.FilterLogEvents',
  contentType: 'application/x-amz-json-1.1',
  signingName: 'logs',
  /** Request members the stand-in reads, with the model's shape type. */
  request: { logGroupName: 'string', logStreamNamePrefix: 'string', startTime: 'long', endTime: 'long', nextToken: 'string', limit: 'integer' },
  /** Response members it writes. */
  response: { events: 'list', nextToken: 'string' },
  event: { logStreamName: 'string', timestamp: 'long', message: 'string', ingestionTime: 'long', eventId: 'string' },
  pagination: { input_token: 'nextToken', output_token: 'nextToken', limit_key: 'limit' },
  errors: { notFound: 'ResourceNotFoundException', denied: 'AccessDeniedException', throttled: 'ThrottlingException' },
} as const;

interface Shape { type: string; members?: Record<string, { shape: string }>; pattern?: string; min?: number; max?: number }
interface Model { metadata: { targetPrefix: string; jsonVersion: string; endpointPrefix: string; signingName?: string }; operations: Record<string, { input: { shape: string }; output: { shape: string }; errors: Array<{ shape: string }> }>; shapes: Record<string, Shape> }

export interface StandInLogEvent {
  readonly logStreamName: string;
  /** ms since the epoch */
  readonly timestamp: number;
  readonly message: string;
}

export interface FilterCall {
  readonly logGroupName?: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly nextToken?: string;
  /** Events answered (0 for an error). */
  events: number;
}

export interface LogsStandIn {
  /** `http://127.0.0.1:PORT`, for `AWS_ENDPOINT_URL_CLOUDWATCH_LOGS`. */
  readonly endpoint: string;
  violations(): string[];
  /** FilterLogEvents calls served, in order. */
  calls(): FilterCall[];
  /** Adds events to a log group (creating it). */
  put(logGroup: string, events: readonly StandInLogEvent[]): void;
  /** Events per page (the service: up to 10,000 or 1 MB). */
  setPageSize(n: number): void;
  /** Answers ThrottlingException to the next `times` calls. */
  throttle(times: number): void;
  throttled(): number;
  /** Answers AccessDeniedException from now on (false clears). */
  deny(on: boolean): void;
  /** Requests whose SigV4 signature was recomputed and matched. */
  verifiedSignatures(): number;
  /** The most calls in flight at once. */
  maxInFlight(): number;
  stop(): Promise<void>;
}

export interface LogsStandInOptions {
  /** The test's credentials: with them every signature is recomputed (SigV4) and must match. */
  readonly credentials?: { accessKeyId: string; secretAccessKey: string };
  /** Added before every answer, so concurrent calls overlap. @default 0 */
  readonly latencyMs?: number;
}

/** The most message bytes of one page. */
const PAGE_BYTES = 1_000_000;
const SIGV4 = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

export async function startLogsStandIn(opts: LogsStandInOptions = {}): Promise<LogsStandIn> {
  const dir = join(botocoreDir(), 'data', ...LOGS_WIRE.modelDir.split('/'));
  const model = readModelFile(dir, 'service-2.json') as Model;
  const op = model.operations[LOGS_WIRE.operation];
  const groups = new Map<string, StandInLogEvent[]>();
  const violations: string[] = [];
  const calls: FilterCall[] = [];
  let pageSize = 10000;
  let throttleLeft = 0;
  let throttledCount = 0;
  let denied = false;
  let verified = 0;
  const inFlight = new InFlightCounter();

  const checkSignature = async (req: IncomingMessage, raw: string, port: number): Promise<void> => {
    const m = SIGV4.exec(String(req.headers.authorization ?? ''));
    if (!m) {
      violations.push('request not SigV4-signed (no AWS4-HMAC-SHA256 Authorization)');
      return;
    }
    if (m[4] !== LOGS_WIRE.signingName) violations.push(`request signed for service ${m[4]}, not ${LOGS_WIRE.signingName}`);
    if (!opts.credentials) return;
    const signed = m[5].split(';');
    const headers: Record<string, string> = {};
    for (const h of signed) headers[h] = String(req.headers[h] ?? '');
    const date = String(req.headers['x-amz-date'] ?? '');
    const when = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
    const request = new HttpRequest({ method: req.method, protocol: 'http:', hostname: '127.0.0.1', port, path: req.url ?? '/', headers, body: raw });
    const signer = new SignatureV4({ service: m[4], region: m[3], credentials: opts.credentials, sha256: Sha256, applyChecksum: false });
    const again = await signer.sign(request, { signingDate: when, signableHeaders: new Set(signed) });
    if (again.headers.authorization === req.headers.authorization) verified++;
    else violations.push(`SigV4 signature does not match (signed headers ${m[5]})`);
  };

  const stringProblems = (input: Record<string, unknown>) => {
    const out: string[] = [];
    for (const [name, ref] of Object.entries(model.shapes[op.input.shape].members ?? {})) {
      const s = model.shapes[ref.shape];
      const v = input[name];
      if (typeof v !== 'string') continue;
      if (s.min !== undefined && v.length < s.min) out.push(`${name}: shorter than ${s.min}`);
      if (s.max !== undefined && v.length > s.max) out.push(`${name}: longer than ${s.max}`);
      if (s.pattern && !new RegExp(`^(?:${s.pattern})$`).test(v)) out.push(`${name}: does not match ${s.pattern}`);
    }
    return out;
  };

  const error = (res: ServerResponse, shape: string, message: string) => {
    if (!model.shapes[shape]) violations.push(`error ${shape} is not a shape of the model`);
    res.writeHead(400, { 'content-type': LOGS_WIRE.contentType, 'x-amzn-errortype': shape }).end(JSON.stringify({ __type: shape, message }));
  };

  const answer = (res: ServerResponse, input: Record<string, unknown>, call: FilterCall) => {
    if (denied) return error(res, LOGS_WIRE.errors.denied, `User is not authorized to perform: logs:FilterLogEvents on resource: ${String(input.logGroupName)}`);
    const events = groups.get(String(input.logGroupName));
    if (!events) return error(res, LOGS_WIRE.errors.notFound, 'The specified log group does not exist.');
    const prefix = input.logStreamNamePrefix as string | undefined;
    const start = (input.startTime as number | undefined) ?? 0;
    const end = (input.endTime as number | undefined) ?? Number.MAX_SAFE_INTEGER;
    // Both ends included (API reference: events before startTime or later than endTime are not returned).
    const matching = events.filter((e) => (!prefix || e.logStreamName.startsWith(prefix)) && e.timestamp >= start && e.timestamp <= end);
    const limit = Math.min(pageSize, (input[LOGS_WIRE.pagination.limit_key] as number | undefined) ?? 10000);
    const token = input[LOGS_WIRE.pagination.input_token] as string | undefined;
    const from = token === undefined ? 0 : Number(Buffer.from(token, 'base64url').toString('utf8').replace(/^offset:/, ''));
    if (token !== undefined && (!Number.isInteger(from) || from < 0 || from > matching.length)) return error(res, 'InvalidParameterException', 'The nextToken is invalid');
    // As many events as fit in 1 MB, up to the limit (API reference, FilterLogEvents: "as many matching log events as
    // can fit in 1 MB (up to 10,000 log events)"); one event at least, however large.
    const page: StandInLogEvent[] = [];
    let bytes = 0;
    for (let i = from; i < matching.length && page.length < limit; i++) {
      const size = Buffer.byteLength(matching[i].message, 'utf8');
      if (page.length && bytes + size > PAGE_BYTES) break;
      page.push(matching[i]);
      bytes += size;
    }
    const next = from + page.length;
    const body = {
      events: page.map((e, i) => ({ logStreamName: e.logStreamName, timestamp: e.timestamp, message: e.message, ingestionTime: e.timestamp + 1000, eventId: `${e.timestamp}-${from + i}` })),
      ...(next < matching.length ? { [LOGS_WIRE.pagination.output_token]: Buffer.from(`offset:${next}`).toString('base64url') } : {}),
    };
    violations.push(...validateShape(model as never, op.output.shape, body, 'FilterLogEvents response'));
    call.events = page.length;
    res.writeHead(200, { 'content-type': LOGS_WIRE.contentType }).end(JSON.stringify(body));
  };

  let port = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => void (async () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      inFlight.enter(res);
      const target = String(req.headers['x-amz-target'] ?? '');
      const type = String(req.headers['content-type'] ?? '');
      if (req.method !== 'POST' || req.url !== '/' || target !== `${model.metadata.targetPrefix}.${LOGS_WIRE.operation}` || type !== `application/x-amz-json-${model.metadata.jsonVersion}`) {
        violations.push(`${req.method} ${req.url} target '${target}' content-type '${type}': not the model's FilterLogEvents`);
        res.writeHead(500).end();
        return;
      }
      await checkSignature(req, raw, port);
      let input: Record<string, unknown>;
      try {
        input = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        violations.push('request body is not JSON');
        res.writeHead(500).end();
        return;
      }
      const problems = [...validateShape(model as never, op.input.shape, input, 'FilterLogEvents request'), ...stringProblems(input)];
      if ((input.logGroupName === undefined) === (input.logGroupIdentifier === undefined)) problems.push('FilterLogEvents request: give exactly one of logGroupName, logGroupIdentifier');
      if (problems.length) {
        violations.push(...problems);
        res.writeHead(500).end();
        return;
      }
      const call: FilterCall = { logGroupName: input.logGroupName as string, startTime: input.startTime as number | undefined, endTime: input.endTime as number | undefined, nextToken: input.nextToken as string | undefined, events: 0 };
      calls.push(call);
      const go = () => {
        if (throttleLeft > 0) {
          throttleLeft--;
          throttledCount++;
          error(res, LOGS_WIRE.errors.throttled, 'Rate exceeded');
          return;
        }
        answer(res, input, call);
      };
      if (opts.latencyMs) setTimeout(go, opts.latencyMs);
      else go();
    })());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    violations: () => [...violations],
    calls: () => calls.map((c) => ({ ...c })),
    put: (group, events) => {
      const list = groups.get(group) ?? [];
      for (const e of events) list.push(e);
      // The service returns events in timestamp order.
      list.sort((a, b) => a.timestamp - b.timestamp);
      groups.set(group, list);
    },
    setPageSize: (n) => (pageSize = n),
    throttle: (times) => (throttleLeft = times),
    throttled: () => throttledCount,
    deny: (on) => (denied = on),
    verifiedSignatures: () => verified,
    maxInFlight: () => inFlight.max,
    stop: () => new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
  };
}
