/**
 * `startWebhookServer(config)`: wires the configuration into a running webhook — TLS files, verifier, identity
 * resolver (cache, STS concurrency bound, retries), mapper chain, metrics, logs — and returns its URL and `close()`.
 */
import { readFileSync } from 'node:fs';
import type { DestinationStream, Logger } from 'pino';
import type { AuthenticatorConfig } from '../config';
import { ConfigError } from '../config';
import { ConfigMapMapper } from '../mapper/configmap-mapper';
import type { IdentityMapper } from '../mapper/types';
import { TokenVerifier } from '../token/verifier';
import { BuildMappersOptions, buildMappers } from './build-mappers';
import { handleTokenReview, ReviewDeps, ReviewOutcome } from './handle-token-review';
import { startHttpServer } from './http-server';
import { startMetricsListener, RunningMetricsListener } from './metrics-listener';
import { IdentityResolver, TokenVerifierLike } from './identity-resolver';
import { createWebhookLogger } from './logger';
import { WebhookMetrics } from './metrics';

export interface WebhookServerOptions {
  /** Where JSON logs go. @default stdout */
  readonly logDestination?: DestinationStream;
  /** Replaces the mappers built from `config.mapping` (embedding, tests). */
  readonly mappers?: readonly IdentityMapper[];
  /** Replaces the verifier built from the config (embedding). */
  readonly verifier?: TokenVerifierLike;
  /** EC2 client for `{{EC2PrivateDNSName}}`. @default the SDK default chain in mapping.ec2Region */
  readonly ec2Client?: BuildMappersOptions['ec2Client'];
}

export interface WebhookServer {
  /** `https://<address>:<port>`; the webhook is at `${url}/authenticate`. */
  readonly url: string;
  readonly port: number;
  /** `http://<metricsAddress>:<port>` of the plain metrics/health listener, when `server.metricsPort` is set. */
  readonly metricsUrl?: string;
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  /** The review decision the HTTPS endpoint makes, without HTTP (embedding, in-process fuzzing). */
  review(body: unknown): Promise<ReviewOutcome>;
  /** Graceful stop: no new connections, in-flight reviews finish (up to server.shutdownGraceMs), mappers stop. */
  close(): Promise<void>;
}

/** Reads a file the config names; a failure is the ConfigError of that field. */
export function readFile(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(field, `cannot read ${path}: ${(e as Error).message}`);
  }
}

/** The files the webhook reads at start (TLS, STS CA), read now: a `serve --workers` primary checks them before forking. */
export function readStartFiles(config: AuthenticatorConfig): { certPem: string; keyPem: string; stsCaPem?: string } {
  return {
    certPem: readFile(config.server.tlsCertFile, 'server.tlsCertFile'),
    keyPem: readFile(config.server.tlsKeyFile, 'server.tlsKeyFile'),
    stsCaPem: config.sts.caFile ? readFile(config.sts.caFile, 'sts.caFile') : undefined,
  };
}

export async function startWebhookServer(config: AuthenticatorConfig, options: WebhookServerOptions = {}): Promise<WebhookServer> {
  const logger = createWebhookLogger(config.logLevel, options.logDestination);
  const { certPem, keyPem, stsCaPem } = readStartFiles(config);
  if (config.sts.connectTo) logger.warn({ connectTo: config.sts.connectTo }, 'TEST ONLY: STS calls are redirected (sts.connectTo)');

  const metrics = new WebhookMetrics();
  const verifier = options.verifier ?? new TokenVerifier({
    clusterId: config.clusterId,
    partition: config.partition,
    region: config.region,
    timeoutMs: config.sts.attemptTimeoutMs,
    stsConnectTo: config.sts.connectTo,
    stsCaPem,
    stsHttp2: config.sts.http2,
  });
  const resolver = new IdentityResolver({
    verifier,
    attemptTimeoutMs: config.sts.attemptTimeoutMs,
    maxConcurrent: config.sts.maxConcurrent,
    maxRetries: config.sts.maxRetries,
    retryBaseMs: config.sts.retryBaseMs,
    retryMaxMs: config.sts.retryMaxMs,
    cacheMaxEntries: config.cache.maxEntries,
    cacheTtlSeconds: config.cache.ttlSeconds,
    denialTtlSeconds: config.cache.denialTtlSeconds,
    denialMaxEntries: config.cache.denialMaxEntries,
    metrics,
  });
  let mappers;
  try {
    mappers = buildMappers(config, { mappers: options.mappers, logger, metrics, ec2Client: options.ec2Client });
  } catch (e) {
    await resolver.close();
    throw e;
  }
  const chain = mappers.chain;
  metrics.watchMappers(() => chain.healthOfMappers(), chain.mappers.filter((m) => m instanceof ConfigMapMapper).map((m) => m.name));

  const reviewDeps: ReviewDeps = {
    clusterId: config.clusterId,
    resolve: (token, signal, key) => resolver.resolve(token, signal, key),
    cached: (key) => resolver.cached(key),
    confirm: (token, identity, key) => resolver.confirm(token, identity, key),
    mapper: chain,
    deadlineMs: config.review.deadlineMs,
    audiences: config.review.audiences,
    metrics,
    logger,
  };
  let ready = false;
  // Ready once every mapper has loaded a configuration (a broken mapping file keeps the pod out of service).
  const isReady = () => ready && chain.health().ready;
  const http = await startHttpServer({
    address: config.server.address,
    port: config.server.port,
    certPem,
    keyPem,
    bodyLimitBytes: config.server.bodyLimitBytes,
    headersTimeoutMs: config.server.headersTimeoutMs,
    tlsHandshakeTimeoutMs: config.server.tlsHandshakeTimeoutMs,
    maxConnections: config.server.maxConnections,
    maxConnectionsPerPeer: config.server.maxConnectionsPerPeer,
    maxInFlightReviews: config.server.maxInFlightReviews,
    requestTimeoutMs: config.server.requestTimeoutMs,
    bodyTimeoutMs: config.server.bodyTimeoutMs,
    keepAliveTimeoutMs: config.server.keepAliveTimeoutMs,
    http2: config.server.http2,
    http2MaxConcurrentStreams: config.server.http2MaxConcurrentStreams,
    review: reviewDeps,
    metrics,
    logger,
    isReady,
  });
  let metricsListener: RunningMetricsListener | undefined;
  try {
    if (config.server.metricsPort !== undefined) {
      metricsListener = await startMetricsListener({
        address: config.server.metricsAddress, port: config.server.metricsPort,
        headersTimeoutMs: config.server.headersTimeoutMs, metrics, isReady,
      });
    }
    await chain.start();
  } catch (e) {
    await metricsListener?.close();
    await http.close(0);
    await mappers.stop();
    await resolver.close();
    throw e;
  }
  ready = true;
  // `listenUrl`, not `url`: the logger redacts every `url` field (a presigned STS URL is a credential), and the address
  // served is what an operator needs to read here.
  logger.info({ listenUrl: http.url, port: http.port, metricsPort: metricsListener?.port, clusterId: config.clusterId, backends: config.mapping.backends.map((b) => b.type) }, 'webhook listening');

  let closed: Promise<void> | undefined;
  return {
    url: http.url,
    port: http.port,
    metricsUrl: metricsListener?.url,
    metrics,
    logger,
    review: (body) => handleTokenReview(body, reviewDeps),
    close() {
      closed ??= (async () => {
        ready = false;
        logger.info('shutting down: waiting for in-flight reviews');
        await http.close(config.server.shutdownGraceMs);
        await metricsListener?.close();
        await mappers.stop();
        await resolver.close();
        logger.info('stopped');
      })();
      return closed;
    },
  };
}
