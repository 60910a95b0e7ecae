/**
 * Prometheus metrics of the webhook. Names of the reference (pkg/metrics, namespace `aws_iam_authenticator`, research
 * §5.4) are kept, including the label names and the reference's `uknown_user` (sic) result value, so existing
 * dashboards keep working. Metrics the reference lacks (cache, in-flight, retries) live under `eks_access_webhook_`.
 * Each server gets its own Registry so several servers (tests, Lambda warm starts) never clash.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

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
  readonly cacheEvictions: Counter;
  readonly cacheEntries: Gauge;
  readonly responses: Counter<'code'>;
  readonly rejectedRequests: Counter<'reason'>;

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
      name: 'eks_access_webhook_identity_cache_evictions_total', help: 'Entries evicted because the cache was full', registers,
    });
    this.cacheEntries = new Gauge({ name: 'eks_access_webhook_identity_cache_entries', help: 'Entries in the cache', registers });
    this.responses = new Counter({
      name: 'eks_access_webhook_responses_total', help: 'HTTP answers of /authenticate, by status code', labelNames: ['code'], registers,
    });
    this.rejectedRequests = new Counter({
      name: 'eks_access_webhook_rejected_requests_total',
      help: 'Requests refused before a review (body_too_large, bad_method, not_found, aborted)',
      labelNames: ['reason'], registers,
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
