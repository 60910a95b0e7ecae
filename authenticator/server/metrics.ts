/**
 * Prometheus metrics of the webhook. Names of the reference (namespace `aws_iam_authenticator`,
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/metrics/metrics.go) are kept, including the
 * label names and the reference's `uknown_user` (sic) result value, so existing dashboards keep working. Metrics the
 * reference lacks (cache, in-flight, retries) live under `eks_access_webhook_`. Each server gets its own Registry so
 * several servers (tests, Lambda warm starts) never clash.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MapperHealth } from '../mapper/types';
import { packageVersion } from './build-info';

/** `result` label values of the latency histogram (the reference's set). */
export type ReviewResult = 'success' | 'malformed_request' | 'invalid_token' | 'sts_error' | 'sts_throttling' | 'uknown_user';

export class WebhookMetrics {
  readonly registry = new Registry();
  readonly latency: Histogram<'result'>;
  readonly stsConnectionFailures: Counter<'StsRegion'>;
  readonly stsResponses: Counter<'ResponseCode' | 'StsRegion'>;
  readonly stsThrottling: Counter<'StsRegion'>;
  readonly stsRetries: Counter<'reason'>;
  readonly stsInFlight: Gauge;
  readonly stsWaiting: Gauge;
  readonly reviewsInFlight: Gauge;
  readonly cacheHits: Counter<'kind'>;
  readonly cacheMisses: Counter;
  readonly cacheEvictions: Counter<'cache'>;
  readonly cacheEntries: Gauge<'cache'>;
  private cacheSizes?: () => Readonly<Record<'identity' | 'denial', number>>;
  readonly responses: Counter<'code'>;
  readonly rejectedRequests: Counter<'reason'>;
  readonly closedConnections: Counter<'reason'>;
  readonly connections: Counter<'protocol'>;

  constructor(opts: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
    this.latency = new Histogram({
      name: 'aws_iam_authenticator_authenticate_latency_seconds',
      help: 'Authenticate call latency, by result',
      labelNames: ['result'], registers,
    });
    this.stsConnectionFailures = new Counter({
      name: 'aws_iam_authenticator_sts_connection_failures_total',
      help: 'STS calls that failed before an HTTP answer (connection refused or reset, timeout)',
      labelNames: ['StsRegion'], registers,
    });
    this.stsResponses = new Counter({
      name: 'aws_iam_authenticator_sts_responses_total',
      help: 'STS answers, by HTTP status code',
      labelNames: ['ResponseCode', 'StsRegion'], registers,
    });
    this.stsThrottling = new Counter({
      name: 'aws_iam_authenticator_sts_throttling_total',
      help: 'STS answers that were throttling errors',
      labelNames: ['StsRegion'], registers,
    });
    this.stsRetries = new Counter({
      name: 'eks_access_webhook_sts_retries_total',
      help: 'STS attempts that were retried after a backoff, by cause (throttling, server_error, connection)',
      labelNames: ['reason'], registers,
    });
    this.stsInFlight = new Gauge({ name: 'eks_access_webhook_sts_in_flight', help: 'STS calls in progress', registers });
    this.stsWaiting = new Gauge({
      name: 'eks_access_webhook_sts_waiting', help: 'Reviews waiting for a free STS call slot (sts.maxConcurrent)', registers,
    });
    this.reviewsInFlight = new Gauge({ name: 'eks_access_webhook_reviews_in_flight', help: 'TokenReviews being answered', registers });
    this.cacheHits = new Counter({
      name: 'eks_access_webhook_identity_cache_hits_total',
      help: 'Reviews answered from the verified-identity cache, by kind (identity, denial)',
      labelNames: ['kind'], registers,
    });
    this.cacheMisses = new Counter({ name: 'eks_access_webhook_identity_cache_misses_total', help: 'Cache lookups that missed', registers });
    this.cacheEvictions = new Counter({
      name: 'eks_access_webhook_identity_cache_evictions_total',
      help: 'Entries evicted because a cache was full, by cache (identity: mapped identities; denial: denials and unmapped identities)',
      labelNames: ['cache'], registers,
    });
    const sizes = () => this.cacheSizes;
    // Read at scrape time: set on every change, it was a labelled gauge write (label hash and check) several times per
    // review, ~2% of the CPU of a unique-token review at c=64.
    this.cacheEntries = new Gauge({
      name: 'eks_access_webhook_identity_cache_entries', help: 'Entries in each cache (identity, denial)', labelNames: ['cache'], registers,
      collect() {
        for (const [cache, size] of Object.entries(sizes()?.() ?? {})) this.set({ cache }, size);
      },
    });
    this.responses = new Counter({
      name: 'eks_access_webhook_responses_total', help: 'HTTP answers of /authenticate, by status code', labelNames: ['code'], registers,
    });
    this.rejectedRequests = new Counter({
      name: 'eks_access_webhook_rejected_requests_total',
      help: 'Requests refused before a review (body_too_large, body_timeout, too_many_reviews, bad_method, not_found, aborted)',
      labelNames: ['reason'], registers,
    });
    this.closedConnections = new Counter({
      name: 'eks_access_webhook_closed_connections_total',
      help: 'Connections the server closed to bound them: silent_timeout (no request headers within '
        + 'server.headersTimeoutMs); at server.maxConnections, evicted (a silent one) or evicted_idle (an idle keep-alive '
        + 'one), whichever was inactive longest, or dropped (every one busy); at server.maxConnectionsPerPeer, '
        + 'peer_evicted (that peer\'s own silent or idle one) or peer_dropped (all of that peer\'s busy); with h2, '
        + 'h2_rapid_reset and h2_settings_flood (a session over its reset or SETTINGS rate, closed) and h2_stream_timeout '
        + '(a stream open longer than server.requestTimeoutMs, reset)',
      labelNames: ['reason'], registers,
    });
    this.connections = new Counter({
      name: 'eks_access_webhook_connections_total',
      help: 'TLS connections accepted on the webhook port, by the protocol ALPN negotiated (h2 or http/1.1; a client offering no ALPN is served http/1.1)',
      labelNames: ['protocol'], registers,
    });
    new Gauge({
      name: 'eks_access_webhook_build_info',
      help: 'Always 1; the labels say which eks-access version and Node.js runtime serve',
      labelNames: ['version', 'nodejs_version'], registers,
    }).set({ version: packageVersion(), nodejs_version: process.version }, 1);
  }

  /** The identity caches' sizes, read when `eks_access_webhook_identity_cache_entries` is scraped. */
  watchCacheSizes(sizes: () => Readonly<Record<'identity' | 'denial', number>>): void {
    this.cacheSizes = sizes;
  }

  /**
   * Per-backend health, read at scrape time, so operators see a failing mapping source (unreadable file, lost
   * ConfigMap/CRD watch) before users do: the last good mapping stays in effect meanwhile, silently aging. Also the
   * reference's `aws_iam_authenticator_configmap_watch_failures_total` (pkg/metrics/metrics.go) for the backends
   * named in `configMapBackends`.
   */
  watchMappers(health: () => readonly MapperHealth[], configMapBackends: readonly string[] = []): void {
    const registers = [this.registry];
    const perMapper = (set: (h: MapperHealth) => void) => () => health().forEach(set);
    new Gauge({
      name: 'eks_access_webhook_mapper_ready', help: '1 once the backend has loaded a mapping, else 0',
      labelNames: ['mapper'], registers,
      collect() { perMapper((h) => this.set({ mapper: h.name }, h.ready ? 1 : 0))(); },
    });
    new Gauge({
      name: 'eks_access_webhook_mapper_healthy',
      help: '0 while the last load or watch of the backend failed (the last good mapping stays in effect), else 1',
      labelNames: ['mapper'], registers,
      collect() { perMapper((h) => this.set({ mapper: h.name }, h.lastError === undefined ? 1 : 0))(); },
    });
    new Gauge({
      name: 'eks_access_webhook_mapper_rows', help: 'Role, user and account rows in effect', labelNames: ['mapper'], registers,
      collect() { perMapper((h) => this.set({ mapper: h.name }, h.rows))(); },
    });
    new Gauge({
      name: 'eks_access_webhook_mapper_row_errors', help: 'Rows of the mapping in effect that have problems', labelNames: ['mapper'], registers,
      collect() { perMapper((h) => this.set({ mapper: h.name }, h.rowErrors.length))(); },
    });
    new Gauge({
      name: 'eks_access_webhook_mapper_last_load_timestamp_seconds', help: 'When the mapping in effect was loaded (0: never)',
      labelNames: ['mapper'], registers,
      collect() { perMapper((h) => this.set({ mapper: h.name }, (h.loadedAt?.getTime() ?? 0) / 1000))(); },
    });
    const counted = new Map<string, number>();
    new Counter({
      name: 'eks_access_webhook_mapper_load_failures_total', help: 'Load or watch failures of the backend since start',
      labelNames: ['mapper'], registers,
      collect() {
        for (const h of health()) {
          this.inc({ mapper: h.name }, h.failures - (counted.get(h.name) ?? 0));
          counted.set(h.name, h.failures);
        }
      },
    });
    let watchFailures = 0;
    new Counter({
      name: 'aws_iam_authenticator_configmap_watch_failures_total', help: 'Failed watches of the aws-auth ConfigMap',
      registers,
      collect() {
        const total = health().filter((h) => configMapBackends.includes(h.name)).reduce((n, h) => n + h.failures, 0);
        this.inc(total - watchFailures);
        watchFailures = total;
      },
    });
  }

  /**
   * Exposes `calls()` (a running total kept by the EC2 private-DNS resolver) as the reference's
   * `aws_iam_authenticator_ec2_describe_instances_calls_total`, read at scrape time.
   */
  countEc2Calls(calls: () => number): void {
    let counted = 0;
    new Counter({
      name: 'aws_iam_authenticator_ec2_describe_instances_calls_total',
      help: 'EC2 DescribeInstances calls made for {{EC2PrivateDNSName}}',
      registers: [this.registry],
      collect() {
        const total = calls();
        this.inc(total - counted);
        counted = total;
      },
    });
  }
}
