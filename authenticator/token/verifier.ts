/** `TokenVerifier` / `verifyToken`: local checks, then the STS call, then the identity. */
import type { Identity } from '../identity';
import { findPartition, PARTITIONS, REGION_SYNTAX } from '../partitions';
import { StsClient } from './sts';
import { allowedStsHosts, stsHostForRegion } from './hosts';
import { parseToken, ParsedToken } from './parse';
import { identityFromSts } from './identity-from-sts';
import { DEFAULT_MAX_FUTURE_SKEW_SECONDS, DEFAULT_MAX_TOKEN_BYTES } from './constants';
import { ConfigError } from '../errors';

export interface VerifyOptions {
  /** The cluster id tokens must be signed for (sent to STS as the signed `x-k8s-aws-id` header). */
  readonly clusterId: string;
  /** Partition whose STS hosts are accepted. @default 'aws' */
  readonly partition?: string;
  /** The verifier's own region: its STS hosts are accepted even if the region is newer than our list. */
  readonly region?: string;
  /** @default 10000 */
  readonly timeoutMs?: number;
  /** @default 16384 */
  readonly maxTokenBytes?: number;
  /** How far `X-Amz-Date` may lie in the future. @default 300 */
  readonly maxFutureSkewSeconds?: number;
  /** Clock, for tests. @default () => new Date() */
  readonly now?: () => Date;
  /** Test only: `host:port` to dial instead of the STS host; TLS server name and Host header stay the STS host. */
  readonly stsConnectTo?: string;
  /** Extra CA trusted for the STS TLS connection. */
  readonly stsCaPem?: string | Buffer;
  /** Offer h2 to STS by ALPN and multiplex when it accepts (sts-origin.ts); `false`: HTTP/1.1 only. @default false (STS_HTTP2_DEFAULT) */
  readonly stsHttp2?: boolean;
}

export interface VerifyCallOptions {
  readonly signal?: AbortSignal;
}

function checkOptions(opts: VerifyOptions): void {
  if (typeof opts.clusterId !== 'string' || opts.clusterId.trim() === '') {
    throw ConfigError.argument('VerifyOptions.clusterId is required (the cluster id tokens are signed for)');
  }
  if ([...opts.clusterId].some((c) => c < ' ' || c === '\x7f')) {
    throw ConfigError.argument('VerifyOptions.clusterId must not contain control characters (it is sent as an HTTP header value)');
  }
  const partition = opts.partition ?? 'aws';
  if (!findPartition(partition)) {
    throw ConfigError.argument(`VerifyOptions.partition ${JSON.stringify(partition)} is unknown; valid: ${PARTITIONS.map((p) => p.id).join(', ')}`);
  }
  if (opts.region !== undefined && opts.region !== '' && !REGION_SYNTAX.test(opts.region)) {
    throw ConfigError.argument(`VerifyOptions.region ${JSON.stringify(opts.region)} is not a valid region identifier`);
  }
  for (const key of ['maxTokenBytes', 'maxFutureSkewSeconds', 'timeoutMs'] as const) {
    const value = opts[key];
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw ConfigError.argument(`VerifyOptions.${key} must be a non-negative number, got ${value}`);
    }
  }
}

/** Reusable verifier holding the allow-list and the keep-alive connection pool to STS. Call `close()` when done. */
export class TokenVerifier {
  private readonly partition: string;
  private readonly allowedHosts: ReadonlySet<string>;
  private readonly sts: StsClient;

  constructor(private readonly opts: VerifyOptions) {
    checkOptions(opts);
    this.partition = opts.partition ?? 'aws';
    this.allowedHosts = allowedStsHosts(this.partition, opts.region || undefined);
    this.sts = new StsClient({
      allowedHosts: this.allowedHosts,
      timeoutMs: opts.timeoutMs,
      connectTo: opts.stsConnectTo,
      caPem: opts.stsCaPem,
      http2: opts.stsHttp2,
    });
  }

  /** Local checks only (no STS call): throws `FormatError` or returns what would be sent to STS. */
  check(token: string): ParsedToken {
    return parseToken(token, {
      partition: this.partition,
      allowedHosts: this.allowedHosts,
      maxTokenBytes: this.opts.maxTokenBytes ?? DEFAULT_MAX_TOKEN_BYTES,
      maxFutureSkewSeconds: this.opts.maxFutureSkewSeconds ?? DEFAULT_MAX_FUTURE_SKEW_SECONDS,
      now: (this.opts.now ?? (() => new Date()))(),
    });
  }

  /** Verifies `token`; resolves to the identity or rejects with `FormatError`, `STSError` or `STSThrottling`. */
  async verify(token: string, call: VerifyCallOptions = {}): Promise<Identity> {
    return this.verifyChecked(this.check(token), call);
  }

  /** `verify` of a token that `check` passed, given its result (the STS host is allow-listed again before the call). */
  async verifyChecked(parsed: ParsedToken, call: VerifyCallOptions = {}): Promise<Identity> {
    const reply = await this.sts.getCallerIdentity({
      host: parsed.host,
      path: parsed.requestPath,
      clusterId: this.opts.clusterId,
      signal: call.signal,
    });
    return identityFromSts(reply, parsed.accessKeyId, parsed.host);
  }

  /**
   * Opens the STS connection for `region`'s regional endpoint (default: the verifier's region) before the first
   * verification needs it — tokens from `aws eks get-token` and `eks-access token` are signed for the regional
   * endpoint of the caller's region. Nothing happens for a host outside the allow-list or without a region.
   */
  preconnect(region = this.opts.region): void {
    if (!region) return;
    try {
      this.sts.preconnect(stsHostForRegion(region));
    } catch {
      // a region of no known partition: nothing to dial
    }
  }

  close(): void {
    this.sts.close();
  }
}

/** One-shot verification. For many tokens, reuse a `TokenVerifier` to keep STS connections alive. */
export async function verifyToken(token: string, opts: VerifyOptions): Promise<Identity> {
  const verifier = new TokenVerifier(opts);
  try {
    return await verifier.verify(token);
  } finally {
    verifier.close();
  }
}
