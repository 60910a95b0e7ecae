/**
 * The one outbound call of the verifier: GET the validated presigned GetCallerIdentity URL on an allow-listed STS host.
 *
 * - A keep-alive `https.Agent` pools connections (the reference uses Go's default of 2 idle per host).
 * - Redirects are never followed (Node's https never follows them; a 3xx is an STSError).
 * - No proxy is picked up from the environment, system TLS roots are kept (plus an optional extra CA for tests).
 * - The presigned URL and the token never appear in errors: only the host's region and STS's sanitized reply do.
 * - `connectTo` is a test-only override of the address dialled; the TLS server name and Host header stay the
 *   validated STS host, so certificate checks still apply to that name. It comes from verifier options, never from
 *   the token.
 */
import * as https from 'node:https';
import * as tls from 'node:tls';
import type { IncomingMessage } from 'node:http';
import { stsError, stsThrottling } from './messages';
import { CallerIdentity, parseCallerIdentity, parseErrorReply, sanitizeStsMessage } from './sts-reply';
import { regionOfStsHost } from './hosts';
import { CLUSTER_ID_HEADER, DEFAULT_STS_TIMEOUT_MS } from './constants';

export type { CallerIdentity } from './sts-reply';

export interface StsClientOptions {
  /** Hosts the client may call; anything else is refused before a socket is opened (defence in depth). */
  readonly allowedHosts: ReadonlySet<string>;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** Test-only `host:port` to dial instead of the STS host. */
  readonly connectTo?: string;
  /** Extra CA (PEM) trusted for the STS TLS connection, in addition to the system roots. */
  readonly caPem?: string | Buffer;
  /** @default 64 */
  readonly maxSockets?: number;
}

export interface StsCall {
  /** Validated STS host. */
  readonly host: string;
  /** `/?<query>` of the validated presigned URL. */
  readonly path: string;
  /** The verifier's own cluster id, sent as the signed `x-k8s-aws-id` header. */
  readonly clusterId: string;
  readonly signal?: AbortSignal;
}

/** STS replies bigger than this are not GetCallerIdentity answers; refusing them bounds memory per request. */
const MAX_REPLY_BYTES = 64 * 1024;
const THROTTLING_CODES = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException']);

function parseConnectTo(value: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(value);
  const port = m ? Number(m[2]) : 0;
  if (!m || port < 1 || port > 65535) throw new Error(`stsConnectTo must be HOST:PORT, got ${JSON.stringify(value)}`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

export class StsClient {
  private readonly agent: https.Agent;
  private readonly timeoutMs: number;
  private readonly dial?: { host: string; port: number };

  constructor(private readonly options: StsClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_STS_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw new Error(`timeoutMs must be a positive number, got ${options.timeoutMs}`);
    this.dial = options.connectTo === undefined ? undefined : parseConnectTo(options.connectTo);
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: options.maxSockets ?? 64,
      // Built once: given as `ca`, Node would re-parse the whole list (~140 system roots + the extra CA) on every TLS
      // handshake, ~30 ms of CPU each (bench/results/RESULTS.md, webhook).
      secureContext:
        options.caPem === undefined ? undefined : tls.createSecureContext({ ca: [...tls.rootCertificates, options.caPem.toString()] }),
    });
  }

  /** GETs the presigned URL and returns the caller identity, or throws STSError / STSThrottling. */
  async getCallerIdentity(call: StsCall): Promise<CallerIdentity> {
    if (!this.options.allowedHosts.has(call.host)) throw stsError('refusing to call a host outside the STS allow-list');
    const region = regionOfStsHost(call.host);
    const { status, body } = await this.get(call, region);
    if (status !== 200) throw this.classifyFailure(status, body, region);
    try {
      return parseCallerIdentity(body);
    } catch (e) {
      throw stsError((e as Error).message, status);
    }
  }

  close(): void {
    this.agent.destroy();
  }

  private classifyFailure(status: number, body: string, region: string): Error {
    const reply = parseErrorReply(body);
    const detail = reply ? `${reply.code}: ${sanitizeStsMessage(reply.message)}` : sanitizeStsMessage(body.slice(0, 200));
    const throttled = status === 429 || (reply ? THROTTLING_CODES.has(reply.code) : body.includes('Throttling'));
    if (throttled) return stsThrottling(`${detail} (HTTP ${status} from ${region} endpoint)`);
    return stsError(`error from AWS (expected 200, got ${status}) on ${region} endpoint: ${detail}`, status);
  }

  private request(call: StsCall) {
    return https.request({
      agent: this.agent,
      host: this.dial?.host ?? call.host,
      port: this.dial?.port ?? 443,
      servername: call.host,
      method: 'GET',
      path: call.path,
      headers: {
        host: call.host,
        [CLUSTER_ID_HEADER]: call.clusterId,
        accept: 'application/json',
        'user-agent': 'cdk-eks-access',
      },
    });
  }

  private get(call: StsCall, region: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      // Settles once; every later event is a no-op that builds nothing (an STSError carries a stack trace: building one
      // after each successful reply, as a catch-all 'close' handler would, cost ~2.5% of a loaded server's CPU).
      let settled = false;
      let timer: NodeJS.Timeout | undefined = undefined;
      let req: ReturnType<typeof https.request> | undefined;
      const onAbort = () => req?.destroy(new Error('aborted'));
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        call.signal?.removeEventListener('abort', onAbort);
      };
      const fail = (reason: string) => {
        if (settled) return;
        settle();
        reject(stsError(`error during GET: ${reason} on ${region} endpoint`));
      };
      if (call.signal?.aborted) return fail('aborted before the request was sent');
      let request: ReturnType<typeof https.request>;
      try {
        request = req = this.request(call);
      } catch (e) {
        // e.g. a header value Node refuses; never let a TypeError escape as a non-STSError
        return fail((e as Error).message);
      }
      // One timer per call, cleared when it settles (no AbortSignal.timeout / AbortSignal.any per call).
      timer = setTimeout(() => request.destroy(new Error(`timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
      call.signal?.addEventListener('abort', onAbort, { once: true });
      // Node's messages for socket and TLS errors name the dialled address, never the request path.
      request.on('error', (err: NodeJS.ErrnoException) => fail(err.message));
      // Catch-all so that no path leaves the promise pending; a no-op once it has settled.
      request.on('close', () => fail('connection closed before a complete reply'));
      request.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_REPLY_BYTES) request.destroy(new Error(`reply larger than ${MAX_REPLY_BYTES} bytes`));
          else chunks.push(chunk);
        });
        res.on('end', () => {
          if (settled) return;
          settle();
          resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', (err) => {
          if (settled) return;
          settle();
          reject(stsError(`error reading HTTP result: ${err.message}`));
        });
      });
      request.end();
    });
  }
}
