/**
 * The one outbound call of the verifier: GET the validated presigned GetCallerIdentity URL on an allow-listed STS host.
 *
 * - One origin per STS host (sts-origin.ts): with `http2` (off by default: STS_HTTP2_DEFAULT says why), h2 when the
 *   host offers it by ALPN, one multiplexed session; otherwise keep-alive HTTP/1.1 connections (sts-connection.ts: written by hand on a TLS socket, measured ~5× cheaper in CPU
 *   per call than node:https; the reference uses Go's default transport, 2 idle per host, h2 when offered).
 * - Redirects are never followed (a 3xx is an STSError).
 * - No proxy is picked up from the environment, system TLS roots are kept (plus an optional extra CA for tests).
 * - The presigned URL and the token never appear in errors: only the host's region and STS's sanitized reply do.
 * - `connectTo` is a test-only override of the address dialled; the TLS server name and Host header stay the
 *   validated STS host, so certificate checks still apply to that name. It comes from verifier options, never from
 *   the token.
 */
import { channel } from 'node:diagnostics_channel';
import * as tls from 'node:tls';
import { stsError, stsThrottling } from './messages';
import { CallerIdentity, parseCallerIdentity, parseErrorReply, sanitizeStsMessage } from './sts-reply';
import { regionOfStsHost } from './hosts';
import { CLUSTER_ID_HEADER, DEFAULT_STS_TIMEOUT_MS } from './constants';
import { StsOrigin, STS_HTTP2_DEFAULT } from './sts-origin';
import { ConfigError } from '../errors';

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
  /** HTTP/1.1 connections per STS host at most. @default 64 */
  readonly maxSockets?: number;
  /**
   * Offer h2 by ALPN and multiplex the calls to a host that accepts it; `false` offers http/1.1 only.
   * @default false (sts-origin.ts, STS_HTTP2_DEFAULT, says why)
   */
  readonly http2?: boolean;
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
  if (!m || port < 1 || port > 65535) throw ConfigError.argument(`stsConnectTo must be HOST:PORT, got ${JSON.stringify(value)}`);
  return { host: m[1].replace(/^\[|\]$/g, ''), port };
}

/**
 * Every STS request is announced here before it is sent, with its Host (`{ host }`): what Node's
 * `http.client.request.start` channel did while this client used node:https, so that a run can prove the verifier
 * calls no host outside the allow-list (bench/hardening/outbound.ts).
 */
export const STS_REQUEST_CHANNEL = 'cdk-eks-access.sts.request';
const requestChannel = channel(STS_REQUEST_CHANNEL);

/** A request target: `/` and a query of URL characters only (parseToken's strict query guarantees it). */
const REQUEST_PATH = /^\/\?[\x21-\x7e]*$/;
/** A header value without control characters (CR and LF above all). */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The HTTP/1.1 head of the GET to STS (no body), CRLF-terminated; `path` and `clusterId` checked by the caller
 * (REQUEST_PATH, HEADER_VALUE). The webhook benchmark's STS-call floor (bench/workers/https-floor.ts) sends the same.
 */
export function stsRequestHead(path: string, host: string, clusterId: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${CLUSTER_ID_HEADER}: ${clusterId}\r\n` +
    'Accept: application/json\r\nUser-Agent: cdk-eks-access\r\n\r\n';
}

export class StsClient {
  private readonly origins = new Map<string, StsOrigin>();
  private readonly secureContext?: tls.SecureContext;
  private readonly timeoutMs: number;
  private readonly dial?: { host: string; port: number };

  constructor(private readonly options: StsClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_STS_TIMEOUT_MS;
    if (!(this.timeoutMs > 0)) throw ConfigError.argument(`timeoutMs must be a positive number, got ${options.timeoutMs}`);
    this.dial = options.connectTo === undefined ? undefined : parseConnectTo(options.connectTo);
    // Built once: given as `ca`, Node would re-parse the whole list (~140 system roots + the extra CA) on every TLS
    // handshake, ~30 ms of CPU each (bench/results/RESULTS.md, webhook).
    this.secureContext =
      options.caPem === undefined ? undefined : tls.createSecureContext({ ca: [...tls.rootCertificates, options.caPem.toString()] });
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

  /** Opens a connection to `host` (an allow-listed STS host) before any call needs it; anything else is ignored. */
  preconnect(host: string): void {
    if (this.options.allowedHosts.has(host)) this.originFor(host).preconnect();
  }

  close(): void {
    for (const origin of this.origins.values()) origin.close();
    this.origins.clear();
  }

  /** The protocol `host` was last seen to negotiate (undefined before the first call to it). */
  negotiatedProtocol(host: string): 'h2' | 'http/1.1' | undefined {
    return this.origins.get(host)?.negotiated;
  }

  private classifyFailure(status: number, body: string, region: string): Error {
    const reply = parseErrorReply(body);
    const detail = reply ? `${reply.code}: ${sanitizeStsMessage(reply.message)}` : sanitizeStsMessage(body.slice(0, 200));
    const throttled = status === 429 || (reply ? THROTTLING_CODES.has(reply.code) : body.includes('Throttling'));
    if (throttled) return stsThrottling(`${detail} (HTTP ${status} from ${region} endpoint)`);
    return stsError(`error from AWS (expected 200, got ${status}) on ${region} endpoint: ${detail}`, status);
  }

  /** The connections to `host` (an allow-listed STS host). */
  private originFor(host: string): StsOrigin {
    let origin = this.origins.get(host);
    if (!origin) {
      const endpoint = { host: this.dial?.host ?? host, port: this.dial?.port ?? 443, servername: host, secureContext: this.secureContext };
      origin = new StsOrigin(endpoint, this.options.maxSockets ?? 64, this.options.http2 ?? STS_HTTP2_DEFAULT);
      this.origins.set(host, origin);
    }
    return origin;
  }

  private async get(call: StsCall, region: string): Promise<{ status: number; body: string }> {
    const fail = (reason: string) => stsError(`error during GET: ${reason} on ${region} endpoint`);
    if (call.signal?.aborted) throw fail('aborted before the request was sent');
    if (!REQUEST_PATH.test(call.path)) throw fail('Request path contains unescaped characters');
    if (!HEADER_VALUE.test(call.clusterId)) throw fail(`Invalid character in header content ["${CLUSTER_ID_HEADER}"]`);
    const request = stsRequestHead(call.path, call.host, call.clusterId);
    if (requestChannel.hasSubscribers) requestChannel.publish({ host: call.host });
    try {
      const h2Headers = {
        ':method': 'GET', ':scheme': 'https', ':authority': call.host, ':path': call.path,
        [CLUSTER_ID_HEADER]: call.clusterId, 'accept': 'application/json', 'user-agent': 'cdk-eks-access',
      };
      return await this.originFor(call.host).exchange({ request, h2Headers, maxBodyBytes: MAX_REPLY_BYTES, timeoutMs: this.timeoutMs, signal: call.signal });
    } catch (e) {
      // Node's messages for socket and TLS errors name the dialled address, never the request path.
      throw fail((e as Error).message);
    }
  }
}
