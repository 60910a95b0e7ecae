/**
 * The `eks-access serve` configuration file (YAML or JSON): schema, defaults and validation. Every error names the
 * offending field (`server.port: must be an integer between 1 and 65535, got "x"`); unknown keys are errors.
 * The schema is documented in the README section "webhook" and exemplified by examples/authenticator-config.yaml.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError, ObjectReader } from './config-reader';
import { PARTITIONS } from './partitions';
import { STS_HTTP2_DEFAULT } from './token/sts-origin';
import { DEFAULT_IDENTITY_TTL_SECONDS } from './server/identity-resolver';
import { AWS_AUTH_NAME, AWS_AUTH_NAMESPACE } from './mapper/aws-auth';

export { ConfigError } from './config-reader';

/** Partitions the verifier knows STS hosts for. */
const PARTITION_IDS = PARTITIONS.map((p) => p.id);

export interface ServerSettings {
  /** Bind address. @default 127.0.0.1 */
  readonly address: string;
  /** @default 21362 (the reference's port) */
  readonly port: number;
  readonly tlsCertFile: string;
  readonly tlsKeyFile: string;
  /** Largest accepted request body. @default 65536 */
  readonly bodyLimitBytes: number;
  /**
   * Time allowed to receive the request headers. A connection that has not delivered its first request's headers
   * this long after its TLS handshake (a silent connection) is closed. @default 10000
   */
  readonly headersTimeoutMs: number;
  /** Time allowed for the TLS handshake, counted from the TCP accept; at most headersTimeoutMs. @default 5000 (or headersTimeoutMs if lower) */
  readonly tlsHandshakeTimeoutMs: number;
  /**
   * Open connections. At the cap, a new connection evicts the connection inactive longest among those that are silent
   * (no request yet) or idle (keep-alive between requests); it is dropped only when every open connection is busy
   * with a request. @default 512
   */
  readonly maxConnections: number;
  /**
   * Open connections from one peer address (an IPv4-mapped IPv6 address counts as its IPv4 address). At the cap, a
   * new connection from that peer evicts the peer's own silent or idle connection inactive longest, else it is
   * dropped. kube-apiserver's webhook client (client-go, HTTP/1.1 here) keeps at most 25 idle connections per host
   * (k8s.io/client-go transport/cache.go `idleConnsPerHost`) and opens more only for concurrent reviews, so 128 leaves
   * it ample room while one peer can take at most a quarter of the default `maxConnections`.
   * @default 128 (or maxConnections if lower)
   */
  readonly maxConnectionsPerPeer: number;
  /** Reviews being answered at once; more are answered 429 at once (`authenticated: false`). @default 256 */
  readonly maxInFlightReviews: number;
  /**
   * Port of a plain-HTTP listener serving only /metrics, /healthz and /readyz (for Prometheus and kubelet probes
   * where the TLS port is loopback-only). @default - none (no such listener; /metrics stays on the TLS port)
   */
  readonly metricsPort?: number;
  /** Bind address of the metrics listener. @default 127.0.0.1 */
  readonly metricsAddress: string;
  /** Time allowed to receive the whole request. @default 15000 */
  readonly requestTimeoutMs: number;
  /**
   * Time allowed to receive a TokenReview's body once its headers are in; a later body is answered 408 and its
   * connection closed. A review takes a `maxInFlightReviews` slot only once its body is read, so slow bodies cannot
   * hold those slots; this bounds how long they hold a connection. kube-apiserver sends its few-KiB body at once.
   * @default 5000 (or requestTimeoutMs if lower)
   */
  readonly bodyTimeoutMs: number;
  /** Idle keep-alive connections (and h2 sessions with no stream open) are closed after this. @default 30000 */
  readonly keepAliveTimeoutMs: number;
  /**
   * Offer h2 by ALPN besides HTTP/1.1 (clients offering only HTTP/1.1, or no ALPN, are served as before).
   * kube-apiserver's webhook client (client-go) then sends every review over one multiplexed connection, as it does
   * with the Go aws-iam-authenticator, whose Go server offers h2. @default true
   */
  readonly http2: boolean;
  /** Streams one h2 session may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS). @default 100 */
  readonly http2MaxConcurrentStreams: number;
  /** On SIGTERM, in-flight reviews get this long to finish before the process exits. @default 20000 */
  readonly shutdownGraceMs: number;
}

export interface ReviewSettings {
  /** Every review is answered within this time, retries included. @default 9000 */
  readonly deadlineMs: number;
  /**
   * Audience identifiers this webhook answers for besides the cluster ID. When non-empty, a TokenReview whose
   * `spec.audiences` shares none of them (nor the cluster ID) is denied; the matching ones go into
   * `status.audiences`. Empty (the default): audience-unaware like the reference, except that the cluster ID is
   * echoed in `status.audiences` when the apiserver asks for it.
   */
  readonly audiences: readonly string[];
}

export interface StsSettings {
  /** Per-attempt timeout of one GetCallerIdentity call. @default 3000 */
  readonly attemptTimeoutMs: number;
  /** Bound on concurrent STS calls; reviews beyond it wait (within their deadline). @default 32 */
  readonly maxConcurrent: number;
  /** Retries after throttling, 5xx or connection failures (within the review deadline). @default 2 */
  readonly maxRetries: number;
  /** Backoff base; the n-th retry waits a random time in [0, min(retryMaxMs, base·2^n)]. @default 100 */
  readonly retryBaseMs: number;
  /** @default 2000 */
  readonly retryMaxMs: number;
  /** TEST ONLY: dial this host:port instead of the STS host (TLS name and Host header stay the STS host). */
  readonly connectTo?: string;
  /** TEST ONLY: extra CA (PEM file) trusted for the STS TLS connection. */
  readonly caFile?: string;
  /** Offer h2 to STS by ALPN and multiplex the calls when the endpoint accepts; false: HTTP/1.1 only. @default false (STS_HTTP2_DEFAULT: why) */
  readonly http2: boolean;
}

export interface CacheSettings {
  /** Bound of the verified-identity LRU cache; 0 disables it. @default 10000 */
  readonly maxEntries: number;
  /**
   * Upper bound of an entry's life; an entry never outlives its token (X-Amz-Date + 15 min). The default equals
   * kube-apiserver's own webhook cache (`--authentication-token-webhook-cache-ttl`, 2 min). @default 120
   */
  readonly ttlSeconds: number;
  /** Life of a cached denial (STS refused the signature); 0 = denials are not cached. @default 0 */
  readonly denialTtlSeconds: number;
  /**
   * Bound of the second, small LRU holding denials and verified identities no backend mapped (any AWS principal can
   * sign a valid token), so neither can evict a mapped identity from the main cache; 0 disables it. @default 1000
   */
  readonly denialMaxEntries: number;
}

/**
 * Settings every backend has. `reservedPrefixes`: a username rendered from one of this backend's explicit rows that
 * begins with one of these is refused (the review is denied), as the reference's `server.reservedPrefixConfig`
 * (aws-iam-authenticator pkg/server/server.go `doMapping` → `reservedPrefixExists`; plain case-sensitive prefix of
 * the username; groups and the `mapAccounts` automap are not checked). @default none
 */
interface CommonBackendConfig {
  readonly reservedPrefixes?: readonly string[];
}

/** A mapping backend; the order of `mapping.backends` is the precedence (first match wins). */
export type BackendConfig = CommonBackendConfig & (
  | { readonly type: 'file'; readonly path: string }
  | { readonly type: 'configMap'; readonly kubeconfig?: string; readonly namespace: string; readonly name: string }
  | { readonly type: 'crd'; readonly kubeconfig?: string }
  | { readonly type: 'accessEntries'; readonly path?: string; readonly entries: readonly unknown[] }
  | {
    readonly type: 'static';
    readonly mapRoles: readonly unknown[];
    readonly mapUsers: readonly unknown[];
    readonly mapAccounts: readonly unknown[];
  });

export const BACKEND_TYPES = ['file', 'configMap', 'crd', 'accessEntries', 'static'] as const;

export interface MappingSettings {
  readonly backends: readonly BackendConfig[];
  /** Region of EC2 DescribeInstances for `{{EC2PrivateDNSName}}`. @default the verifier's region, else us-east-1 */
  readonly ec2Region?: string;
  /** @default 15 (the reference's qps) */
  readonly ec2Qps: number;
  /** @default 5 */
  readonly ec2Burst: number;
}

export interface AuthenticatorConfig {
  readonly clusterId: string;
  /** @default aws */
  readonly partition: string;
  /** Region for regional STS hosts in error hints and EC2 lookups. */
  readonly region?: string;
  readonly server: ServerSettings;
  readonly review: ReviewSettings;
  readonly sts: StsSettings;
  readonly cache: CacheSettings;
  readonly mapping: MappingSettings;
  /** pino level. @default info */
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
}

const CLUSTER_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,254}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;
const MAX_MS = 10 * 60 * 1000;

/** Reads and validates a config file; relative file paths inside are resolved against the file's folder. */
export function loadConfigFile(path: string): AuthenticatorConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError('(file)', `cannot read ${path}: ${(e as Error).message}`);
  }
  return parseConfig(parseDocument(text, path), dirname(resolve(path)));
}

/** Parses YAML (a superset of JSON), turning syntax errors into a ConfigError. */
export function parseDocument(text: string, origin: string): unknown {
  try {
    return parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  } catch (e) {
    throw new ConfigError('(file)', `${origin} is not valid YAML/JSON: ${(e as Error).message}`);
  }
}

/** Validates a parsed config document and fills in defaults. `baseDir` resolves relative paths. */
export function parseConfig(doc: unknown, baseDir = process.cwd()): AuthenticatorConfig {
  const root = ObjectReader.of(doc, '');
  const clusterId = root.string('clusterId', {
    required: true, pattern: CLUSTER_ID, hint: 'the cluster ID tokens are signed for (x-k8s-aws-id), e.g. my-cluster',
  });
  const partition = root.oneOf('partition', PARTITION_IDS, 'aws');
  const region = root.string('region', { pattern: REGION, hint: 'an AWS region such as us-east-1' });
  const file = (r: ObjectReader, key: string, required: boolean): string | undefined => {
    const v = r.string(key, { required });
    return v === undefined ? undefined : resolve(baseDir, v);
  };

  const s = root.object('server');
  const server: ServerSettings = {
    address: s.string('address', { pattern: /^[0-9a-fA-F.:]+$|^localhost$/, hint: 'an IP address to bind' }) ?? '127.0.0.1',
    port: s.integer('port', 21362, 0, 65535),
    tlsCertFile: file(s, 'tlsCertFile', true)!,
    tlsKeyFile: file(s, 'tlsKeyFile', true)!,
    bodyLimitBytes: s.integer('bodyLimitBytes', 65536, 1024, 16 * 1024 * 1024),
    headersTimeoutMs: s.integer('headersTimeoutMs', 10000, 100, MAX_MS),
    tlsHandshakeTimeoutMs: s.integer('tlsHandshakeTimeoutMs', Math.min(5000, s.integer('headersTimeoutMs', 10000, 100, MAX_MS)), 100, MAX_MS),
    maxConnections: s.integer('maxConnections', 512, 1, 100_000),
    maxConnectionsPerPeer: s.integer('maxConnectionsPerPeer', Math.min(128, s.integer('maxConnections', 512, 1, 100_000)), 1, 100_000),
    maxInFlightReviews: s.integer('maxInFlightReviews', 256, 1, 100_000),
    metricsPort: s.has('metricsPort') ? s.integer('metricsPort', 0, 0, 65535) : undefined,
    metricsAddress: s.string('metricsAddress', { pattern: /^[0-9a-fA-F.:]+$|^localhost$/, hint: 'an IP address to bind' }) ?? '127.0.0.1',
    requestTimeoutMs: s.integer('requestTimeoutMs', 15000, 100, MAX_MS),
    bodyTimeoutMs: s.integer('bodyTimeoutMs', Math.min(5000, s.integer('requestTimeoutMs', 15000, 100, MAX_MS)), 100, MAX_MS),
    keepAliveTimeoutMs: s.integer('keepAliveTimeoutMs', 30000, 100, MAX_MS),
    http2: s.boolean('http2', true),
    http2MaxConcurrentStreams: s.integer('http2MaxConcurrentStreams', 100, 1, 10_000),
    shutdownGraceMs: s.integer('shutdownGraceMs', 20000, 0, MAX_MS),
  };
  s.rejectUnknown();

  const rv = root.object('review');
  const review: ReviewSettings = {
    deadlineMs: rv.integer('deadlineMs', 9000, 100, MAX_MS),
    audiences: rv.stringList('audiences'),
  };
  rv.rejectUnknown();

  const st = root.object('sts');
  const sts: StsSettings = {
    attemptTimeoutMs: st.integer('attemptTimeoutMs', 3000, 50, MAX_MS),
    maxConcurrent: st.integer('maxConcurrent', 32, 1, 10000),
    maxRetries: st.integer('maxRetries', 2, 0, 10),
    retryBaseMs: st.integer('retryBaseMs', 100, 1, 60000),
    retryMaxMs: st.integer('retryMaxMs', 2000, 1, 60000),
    connectTo: st.string('connectTo', { pattern: HOST_PORT, hint: 'host:port' }),
    caFile: file(st, 'caFile', false),
    http2: st.boolean('http2', STS_HTTP2_DEFAULT),
  };
  st.rejectUnknown();
  if (server.tlsHandshakeTimeoutMs > server.headersTimeoutMs) {
    throw new ConfigError('server.tlsHandshakeTimeoutMs', `must not exceed server.headersTimeoutMs (${server.headersTimeoutMs})`);
  }
  if (server.bodyTimeoutMs > server.requestTimeoutMs) {
    throw new ConfigError('server.bodyTimeoutMs', `must not exceed server.requestTimeoutMs (${server.requestTimeoutMs}), which bounds the whole request`);
  }
  if (server.maxConnectionsPerPeer > server.maxConnections) {
    throw new ConfigError('server.maxConnectionsPerPeer', `must not exceed server.maxConnections (${server.maxConnections})`);
  }
  if (server.headersTimeoutMs > server.requestTimeoutMs) {
    throw new ConfigError('server.headersTimeoutMs', `must not exceed server.requestTimeoutMs (${server.requestTimeoutMs})`);
  }

  const c = root.object('cache');
  const cache: CacheSettings = {
    maxEntries: c.integer('maxEntries', 10000, 0, 10_000_000),
    ttlSeconds: c.integer('ttlSeconds', DEFAULT_IDENTITY_TTL_SECONDS, 0, 900),
    denialTtlSeconds: c.integer('denialTtlSeconds', 0, 0, 60),
    denialMaxEntries: c.integer('denialMaxEntries', 1000, 0, 1_000_000),
  };
  c.rejectUnknown();

  const mapping = parseMappingSettings(root.object('mapping'), baseDir, BACKEND_TYPES);
  const logLevel = root.oneOf('logLevel', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info');
  root.rejectUnknown();
  return { clusterId, partition, region, server, review, sts, cache, mapping, logLevel };
}

/**
 * Validates the `mapping` section (also the document the Lambda reads from its environment or SSM, where only the
 * self-contained backend types are allowed).
 */
export function parseMappingSettings(
  m: ObjectReader,
  baseDir: string,
  allowedTypes: readonly (typeof BACKEND_TYPES)[number][],
): MappingSettings {
  const rawBackends = m.list('backends');
  if (rawBackends.length === 0) {
    throw new ConfigError(m.field('backends'), `must list at least one backend (types: ${allowedTypes.join(', ')}); without one nobody is authenticated`);
  }
  const seenTypes = new Set<string>();
  const backends = rawBackends.map((raw, i) => {
    const b = ObjectReader.of(raw, `${m.field('backends')}[${i}]`);
    const type = b.oneOf('type', allowedTypes);
    if (seenTypes.has(type) && (type === 'configMap' || type === 'crd')) {
      throw new ConfigError(b.field('type'), `backend ${type} is listed twice`);
    }
    seenTypes.add(type);
    const backend = parseBackend(type, b, baseDir);
    const reservedPrefixes = b.stringList('reservedPrefixes'); // empty strings are refused: they would match everyone
    b.rejectUnknown();
    return reservedPrefixes.length > 0 ? { ...backend, reservedPrefixes } : backend;
  });
  const settings: MappingSettings = {
    backends,
    ec2Region: m.string('ec2Region', { pattern: REGION, hint: 'an AWS region such as us-east-1' }),
    ec2Qps: m.integer('ec2Qps', 15, 1, 1000),
    ec2Burst: m.integer('ec2Burst', 5, 1, 1000),
  };
  m.rejectUnknown();
  return settings;
}

function parseBackend(type: BackendConfig['type'], b: ObjectReader, baseDir: string): BackendConfig {
  const path = (key: string, required: boolean) => {
    const v = b.string(key, { required });
    return v === undefined ? undefined : resolve(baseDir, v);
  };
  switch (type) {
    case 'file':
      return { type, path: path('path', true)! };
    case 'configMap':
      return {
        type, kubeconfig: path('kubeconfig', false),
        namespace: b.string('namespace') ?? AWS_AUTH_NAMESPACE, name: b.string('name') ?? AWS_AUTH_NAME,
      };
    case 'crd':
      return { type, kubeconfig: path('kubeconfig', false) };
    case 'accessEntries': {
      const entries = b.list('entries');
      const p = path('path', false);
      if (!p && entries.length === 0) throw new ConfigError(b.field('entries'), 'give entries or path (a YAML/JSON list of access entries)');
      return { type, path: p, entries };
    }
    case 'static': {
      const backend = { type, mapRoles: b.list('mapRoles'), mapUsers: b.list('mapUsers'), mapAccounts: b.list('mapAccounts') };
      if (backend.mapRoles.length + backend.mapUsers.length + backend.mapAccounts.length === 0) {
        throw new ConfigError(b.path, 'a static backend needs at least one of mapRoles, mapUsers, mapAccounts');
      }
      return backend;
    }
  }
}
