/**
 * `startWebhookServer(config)`: wires the configuration into a running webhook — TLS files, verifier, identity
 * resolver (cache, STS concurrency bound, retries), mapper chain, metrics, logs — and returns its URL and `close()`.
 */
import { readFileSync } from 'node:fs';
import type { DestinationStream, Logger } from 'pino';
import type { AuthenticatorConfig } from '../config';
import { ConfigError } from '../config';
import type { IdentityMapper } from '../mapper/types';
import { TokenVerifier } from '../token/verifier';
import { BuildMappersOptions, buildMappers } from './build-mappers';
import { startHttpServer } from './http-server';
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
  readonly metrics: WebhookMetrics;
  readonly logger: Logger;
  /** Graceful stop: no new connections, in-flight reviews finish (up to server.shutdownGraceMs), mappers stop. */
  close(): Promise<void>;
}

function readFile(path: string, field: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new ConfigError(field, `cannot read ${path}: ${(e as Error).message}`);
  }
}

export async function startWebhookServer(config: AuthenticatorConfig, options: WebhookServerOptions = {}): Promise<WebhookServer> {
  const logger = createWebhookLogger(config.logLevel, options.logDestination);
  const certPem = readFile(config.server.tlsCertFile, 'server.tlsCertFile');
  const keyPem = readFile(config.server.tlsKeyFile, 'server.tlsKeyFile');
  const stsCaPem = config.sts.caFile ? readFile(config.sts.caFile, 'sts.caFile') : undefined;
  if (config.sts.connectTo) logger.warn({ connectTo: config.sts.connectTo }, 'TEST ONLY: STS calls are redirected (sts.connectTo)');

  const metrics = new WebhookMetrics();
  const verifier = options.verifier ?? new TokenVerifier({
    clusterId: config.clusterId,
    partition: config.partition,
    region: config.region,
    timeoutMs: config.sts.attemptTimeoutMs,
    stsConnectTo: config.sts.connectTo,
    stsCaPem,
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

  let ready = false;
  const http = await startHttpServer({
    address: config.server.address,
    port: config.server.port,
    certPem,
    keyPem,
    bodyLimitBytes: config.server.bodyLimitBytes,
    headersTimeoutMs: config.server.headersTimeoutMs,
    requestTimeoutMs: config.server.requestTimeoutMs,
    keepAliveTimeoutMs: config.server.keepAliveTimeoutMs,
    review: {
      clusterId: config.clusterId,
      resolve: (token, signal) => resolver.resolve(token, signal),
      mapper: chain,
      deadlineMs: config.review.deadlineMs,
      audiences: config.review.audiences,
      metrics,
      logger,
    },
    metrics,
    logger,
    // Ready once every mapper has loaded a configuration (a broken mapping file keeps the pod out of service).
    isReady: () => ready && chain.health().ready,
  });
  try {
    await chain.start();
  } catch (e) {
    await http.close(0);
    await mappers.stop();
    await resolver.close();
    throw e;
  }
  ready = true;
  logger.info({ url: http.url, clusterId: config.clusterId, backends: config.mapping.backends.map((b) => b.type) }, 'webhook listening');

  let closed: Promise<void> | undefined;
  return {
    url: http.url,
    port: http.port,
    metrics,
    logger,
    close() {
      closed ??= (async () => {
        ready = false;
        logger.info('shutting down: waiting for in-flight reviews');
        await http.close(config.server.shutdownGraceMs);
        await mappers.stop();
        await resolver.close();
        logger.info('stopped');
      })();
      return closed;
    },
  };
}
