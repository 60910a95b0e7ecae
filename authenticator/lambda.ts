/**
 * The TokenReview webhook as a Lambda handler behind a Function URL (payload format 2.0). Same review logic as the
 * HTTPS server (handleTokenReview); kube-apiserver authenticates itself with `Authorization: Bearer <secret>` (the
 * `token` of the user in its webhook kubeconfig).
 *
 * Order of work per request, so that an unauthenticated caller costs no AWS call and learns nothing:
 * 1. method and a well-formed bearer header (no I/O at all);
 * 2. the secret (cached per container, apart from everything else; see lambda/bearer-secret.ts), constant-time compare;
 * 3. only then the rest of the configuration (mapping, verifier), once per container;
 * 4. the review.
 * A configuration or secret-read failure answers a generic 500; the reason goes to the log only.
 *
 * Configuration (environment, read once per cold start; see README "The Lambda handler"):
 * - `EKS_ACCESS_CLUSTER_ID` (required), `EKS_ACCESS_PARTITION` (aws), `EKS_ACCESS_REGION` (default AWS_REGION)
 * - `EKS_ACCESS_WEBHOOK_SECRET` or `EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER` (a SecureString or Secrets Manager reference)
 * - `EKS_ACCESS_MAPPING` (JSON), `EKS_ACCESS_MAPPING_FILE` or `EKS_ACCESS_MAPPING_SSM_PARAMETER`: see lambda/mapping.ts
 * - optional: `EKS_ACCESS_AUDIENCES` (comma-separated), `EKS_ACCESS_REVIEW_DEADLINE_MS` (9000),
 *   `EKS_ACCESS_CACHE_MAX_ENTRIES` (10000), `EKS_ACCESS_CACHE_TTL_SECONDS` (120: kube-apiserver's own webhook cache TTL, so a revoked key keeps access at most twice that), `EKS_ACCESS_LOG_LEVEL` (info)
 * - TEST ONLY: `EKS_ACCESS_STS_CONNECT_TO` (host:port), `EKS_ACCESS_STS_CA_FILE`
 */
import { readFileSync } from 'node:fs';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { Logger } from 'pino';
import { ConfigError } from './config-reader';
import { BearerSecret, presentedBearer } from './lambda/bearer-secret';
import { Env, envInt, readSsmParameter } from './lambda/env';
import { createLambdaLogger, LambdaLogger } from './lambda/json-logger';
import { loadMapper } from './lambda/mapping';
import { MapperChain } from './mapper/chain';
import { handleTokenReview, ReviewDeps } from './server/handle-token-review';
import { DEFAULT_IDENTITY_TTL_SECONDS, IdentityResolver } from './server/identity-resolver';
import { denialReview } from './server/token-review';
import { TokenVerifier } from './token/verifier';

const MAX_BODY_BYTES = 64 * 1024;
/** Time kept back from the Lambda's remaining time so the answer still gets out. */
const DEADLINE_RESERVE_MS = 300;
/** The only thing a caller learns about a broken configuration; the reason is logged. */
const UNAVAILABLE = 'the webhook is not available (its configuration could not be loaded; see the function log)';

interface ReviewState {
  readonly deps: Omit<ReviewDeps, 'deadlineMs'>;
  readonly deadlineMs: number;
}

function secretSource(env: Env): BearerSecret {
  return new BearerSecret({
    fetch: async () => {
      if (env.EKS_ACCESS_WEBHOOK_SECRET) return env.EKS_ACCESS_WEBHOOK_SECRET;
      const parameter = env.EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER;
      if (!parameter) throw new ConfigError('EKS_ACCESS_WEBHOOK_SECRET', 'set EKS_ACCESS_WEBHOOK_SECRET or EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER');
      return readSsmParameter(parameter, 'EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER');
    },
  });
}

async function initialise(env: Env, logger: LambdaLogger): Promise<ReviewState> {
  const clusterId = env.EKS_ACCESS_CLUSTER_ID;
  if (!clusterId) throw new ConfigError('EKS_ACCESS_CLUSTER_ID', 'is required (the cluster ID tokens are signed for)');
  const region = env.EKS_ACCESS_REGION || env.AWS_REGION || undefined;
  const caFile = env.EKS_ACCESS_STS_CA_FILE;
  // Built before the mapping loads, and dialling STS at once: the first TLS handshake (~40 ms of a fresh Node's cold
  // start, bench/results/RESULTS.md, lambda) overlaps the mapping's read and parse instead of delaying the first review.
  const verifier = new TokenVerifier({
    clusterId,
    partition: env.EKS_ACCESS_PARTITION || 'aws',
    region,
    timeoutMs: 3000,
    stsConnectTo: env.EKS_ACCESS_STS_CONNECT_TO || undefined,
    stsCaPem: caFile ? readFileSync(caFile, 'utf8') : undefined,
  });
  verifier.preconnect();
  let mapper;
  try {
    mapper = await loadMapper(env, logger.child({ component: 'mapper' }), region);
  } catch (e) {
    verifier.close();
    throw e;
  }
  const resolver = new IdentityResolver({
    verifier,
    attemptTimeoutMs: 3000,
    maxConcurrent: 32,
    maxRetries: 2,
    retryBaseMs: 100,
    retryMaxMs: 1000,
    cacheMaxEntries: envInt(env, 'EKS_ACCESS_CACHE_MAX_ENTRIES', 10000, 0, 1_000_000),
    cacheTtlSeconds: envInt(env, 'EKS_ACCESS_CACHE_TTL_SECONDS', DEFAULT_IDENTITY_TTL_SECONDS, 0, 900),
    denialTtlSeconds: 0,
  });
  const deadlineMs = envInt(env, 'EKS_ACCESS_REVIEW_DEADLINE_MS', 9000, 100, 900_000);
  logger.info({ clusterId, rows: mapper.health().rows }, 'lambda webhook initialised');
  return {
    deadlineMs,
    deps: {
      clusterId,
      resolve: (token, signal, key) => resolver.resolve(token, signal, key),
      cached: (key) => resolver.cached(key),
      confirm: (token, identity, key) => resolver.confirm(token, identity, key),
      mapper: new MapperChain([mapper]),
      audiences: (env.EKS_ACCESS_AUDIENCES ?? '').split(',').map((a) => a.trim()).filter(Boolean),
      // handleTokenReview only calls info/warn/child, which LambdaLogger has with pino's signatures.
      logger: logger as unknown as Logger,
    },
  };
}

function answer(statusCode: number, body: unknown): LambdaFunctionURLResult {
  return {
    statusCode,
    headers: { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'no-store' },
    body: JSON.stringify(body),
  };
}

function deny(statusCode: number, reason: string): LambdaFunctionURLResult {
  return answer(statusCode, denialReview('authentication.k8s.io/v1', reason));
}

/** Per-container state: each part is created on first need and kept while the container is warm. */
interface Container {
  readonly logger: LambdaLogger;
  readonly secret: BearerSecret;
  review?: Promise<ReviewState>;
}

let container: Container | undefined;

/** For tests: forget the cold-start state so the next invocation re-reads the environment. */
export function resetLambdaState(): void {
  container = undefined;
}

/** For tests: how often this container has read the bearer secret. */
export function secretReads(): number {
  return container?.secret.fetches ?? 0;
}

function coldStart(env: Env): Container {
  let logger: LambdaLogger;
  try {
    logger = createLambdaLogger(env.EKS_ACCESS_LOG_LEVEL || 'info');
  } catch (e) {
    logger = createLambdaLogger('info');
    logger.error({ error: (e as Error).message }, 'bad EKS_ACCESS_LOG_LEVEL; logging at info');
  }
  return { logger, secret: secretSource(env) };
}

export async function handler(event: LambdaFunctionURLEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<LambdaFunctionURLResult> {
  const c = (container ??= coldStart(process.env));
  const method = event?.requestContext?.http?.method;
  if (method !== 'POST') return deny(405, `expected POST, got ${String(method ?? 'no method')}`);
  const presented = presentedBearer(event.headers?.authorization);
  const unauthorized = () => {
    c.logger.warn({ result: 'unauthorized' }, 'caller presented no or a wrong bearer secret');
    return deny(401, 'the caller must present Authorization: Bearer <webhook secret>');
  };
  if (presented === undefined) return unauthorized();
  let s: ReviewState;
  try {
    if ((await c.secret.check(presented)) !== 'match') return unauthorized();
    c.review ??= initialise(process.env, c.logger);
    s = await c.review;
  } catch (e) {
    c.review = undefined; // a transient failure must not poison the warm container; authenticated callers retry it
    c.logger.error({ error: (e as Error).message }, 'webhook misconfigured');
    return deny(500, UNAVAILABLE);
  }
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (body.length > MAX_BODY_BYTES) return deny(413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
  const remaining = context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
  const deadlineMs = Math.max(100, Math.min(s.deadlineMs, remaining - DEADLINE_RESERVE_MS));
  const outcome = await handleTokenReview(body, { ...s.deps, deadlineMs });
  return answer(outcome.statusCode, outcome.body);
}
