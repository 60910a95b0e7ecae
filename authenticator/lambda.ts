/**
 * The TokenReview webhook as a Lambda handler behind a Function URL (payload format 2.0). Same review logic as the
 * HTTPS server (handleTokenReview); kube-apiserver authenticates itself with `Authorization: Bearer <secret>` (the
 * `token` of the user in its webhook kubeconfig), compared in constant time.
 *
 * Configuration (environment, read once per cold start; SSM parameters are fetched once and cached):
 * - `EKS_ACCESS_CLUSTER_ID` (required), `EKS_ACCESS_PARTITION` (aws), `EKS_ACCESS_REGION` (default AWS_REGION)
 * - `EKS_ACCESS_WEBHOOK_SECRET` or `EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER` (a SecureString name)
 * - `EKS_ACCESS_MAPPING` (JSON or YAML) or `EKS_ACCESS_MAPPING_SSM_PARAMETER`: either the `mapping` section of the
 *   server config (backends of type static / accessEntries) or a bare aws-auth document (mapRoles/mapUsers/mapAccounts)
 * - optional: `EKS_ACCESS_AUDIENCES` (comma-separated), `EKS_ACCESS_REVIEW_DEADLINE_MS` (9000),
 *   `EKS_ACCESS_CACHE_MAX_ENTRIES` (10000), `EKS_ACCESS_CACHE_TTL_SECONDS` (300), `EKS_ACCESS_LOG_LEVEL` (info)
 * - TEST ONLY: `EKS_ACCESS_STS_CONNECT_TO` (host:port), `EKS_ACCESS_STS_CA_FILE`
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Context, LambdaFunctionURLEvent, LambdaFunctionURLResult } from 'aws-lambda';
import type { Logger } from 'pino';
import { ConfigError, parseDocument, parseMappingSettings } from './config';
import { ObjectReader } from './config-reader';
import { buildMappers } from './server/build-mappers';
import { handleTokenReview, ReviewDeps } from './server/handle-token-review';
import { IdentityResolver } from './server/identity-resolver';
import { denialReview } from './server/token-review';
import { createWebhookLogger } from './server/logger';
import { TokenVerifier } from './token/verifier';

const MAX_BODY_BYTES = 64 * 1024;
/** Time kept back from the Lambda's remaining time so the answer still gets out. */
const DEADLINE_RESERVE_MS = 300;

interface LambdaState {
  readonly secretDigest: Buffer;
  readonly deps: Omit<ReviewDeps, 'deadlineMs'>;
  readonly deadlineMs: number;
  readonly logger: Logger;
}

type Env = Record<string, string | undefined>;

function envInt(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(name, `must be an integer between ${min} and ${max}, got "${raw}"`);
  return n;
}

/** Reads `NAME` or, failing that, the SSM parameter named by `NAME_SSM_PARAMETER` (decrypted). */
async function envOrSsm(env: Env, name: string): Promise<string> {
  const direct = env[name];
  if (direct) return direct;
  const parameter = env[`${name}_SSM_PARAMETER`];
  if (!parameter) throw new ConfigError(name, `set ${name} or ${name}_SSM_PARAMETER`);
  // Loaded lazily: cold starts without SSM don't pay for the SDK.
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const ssm = new SSMClient({});
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: parameter, WithDecryption: true }));
    const value = out.Parameter?.Value;
    if (!value) throw new ConfigError(`${name}_SSM_PARAMETER`, `SSM parameter ${parameter} is empty`);
    return value;
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(`${name}_SSM_PARAMETER`, `cannot read SSM parameter ${parameter}: ${(e as Error).message}`);
  } finally {
    ssm.destroy();
  }
}

/** The mapping document: a `mapping` section, or a bare aws-auth document taken as one static backend. */
function mappingDocument(text: string): unknown {
  const doc = parseDocument(text, 'EKS_ACCESS_MAPPING');
  const obj = doc && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : undefined;
  if (obj && !('backends' in obj) && ('mapRoles' in obj || 'mapUsers' in obj || 'mapAccounts' in obj)) {
    return { backends: [{ type: 'static', ...obj }] };
  }
  return doc;
}

async function initialise(env: Env): Promise<LambdaState> {
  const logger = createWebhookLogger(env.EKS_ACCESS_LOG_LEVEL || 'info');
  const clusterId = env.EKS_ACCESS_CLUSTER_ID;
  if (!clusterId) throw new ConfigError('EKS_ACCESS_CLUSTER_ID', 'is required (the cluster ID tokens are signed for)');
  const [secret, mappingText] = await Promise.all([
    envOrSsm(env, 'EKS_ACCESS_WEBHOOK_SECRET'),
    envOrSsm(env, 'EKS_ACCESS_MAPPING'),
  ]);
  if (secret.length < 16) throw new ConfigError('EKS_ACCESS_WEBHOOK_SECRET', 'must be at least 16 characters');
  const mapping = parseMappingSettings(ObjectReader.of(mappingDocument(mappingText), 'EKS_ACCESS_MAPPING'), process.cwd(), ['static', 'accessEntries']);
  const region = env.EKS_ACCESS_REGION || env.AWS_REGION || undefined;
  const caFile = env.EKS_ACCESS_STS_CA_FILE;
  const verifier = new TokenVerifier({
    clusterId,
    partition: env.EKS_ACCESS_PARTITION || 'aws',
    region,
    timeoutMs: 3000,
    stsConnectTo: env.EKS_ACCESS_STS_CONNECT_TO || undefined,
    stsCaPem: caFile ? readFileSync(caFile, 'utf8') : undefined,
  });
  const resolver = new IdentityResolver({
    verifier,
    attemptTimeoutMs: 3000,
    maxConcurrent: 32,
    maxRetries: 2,
    retryBaseMs: 100,
    retryMaxMs: 1000,
    cacheMaxEntries: envInt(env, 'EKS_ACCESS_CACHE_MAX_ENTRIES', 10000, 0, 1_000_000),
    cacheTtlSeconds: envInt(env, 'EKS_ACCESS_CACHE_TTL_SECONDS', 300, 0, 900),
    denialTtlSeconds: 0,
  });
  const { chain } = buildMappers({ region, mapping }, { logger });
  await chain.start();
  logger.info({ clusterId, backends: mapping.backends.map((b) => b.type) }, 'lambda webhook initialised');
  return {
    secretDigest: createHash('sha256').update(secret).digest(),
    deadlineMs: envInt(env, 'EKS_ACCESS_REVIEW_DEADLINE_MS', 9000, 100, 900_000),
    logger,
    deps: {
      clusterId,
      resolve: (token, signal) => resolver.resolve(token, signal),
      mapper: chain,
      audiences: (env.EKS_ACCESS_AUDIENCES ?? '').split(',').map((a) => a.trim()).filter(Boolean),
      logger,
    },
  };
}

/** Constant-time check of `Authorization: Bearer <secret>`; digests first so the secret's length doesn't leak. */
export function bearerMatches(header: string | undefined, secretDigest: Buffer): boolean {
  const presented = /^Bearer (.+)$/i.exec(header ?? '')?.[1] ?? '';
  return timingSafeEqual(createHash('sha256').update(presented).digest(), secretDigest);
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

let state: Promise<LambdaState> | undefined;

/** For tests: forget the cold-start state so the next invocation re-reads the environment. */
export function resetLambdaState(): void {
  state = undefined;
}

export async function handler(event: LambdaFunctionURLEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>): Promise<LambdaFunctionURLResult> {
  let s: LambdaState;
  try {
    state ??= initialise(process.env);
    s = await state;
  } catch (e) {
    state = undefined; // a transient SSM failure must not poison the warm container
    const reason = `webhook misconfigured: ${(e as Error).message}`;
    process.stderr.write(`${JSON.stringify({ level: 'error', msg: reason })}\n`);
    return deny(500, reason);
  }
  const method = event?.requestContext?.http?.method;
  if (method !== 'POST') return deny(405, `expected POST, got ${String(method ?? 'no method')}`);
  if (!bearerMatches(event.headers?.authorization, s.secretDigest)) {
    s.logger.warn({ result: 'unauthorized' }, 'caller presented no or a wrong bearer secret');
    return deny(401, 'the caller must present Authorization: Bearer <webhook secret>');
  }
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (body.length > MAX_BODY_BYTES) return deny(413, `request body exceeds ${MAX_BODY_BYTES} bytes`);
  const remaining = context?.getRemainingTimeInMillis?.() ?? Number.POSITIVE_INFINITY;
  const deadlineMs = Math.max(100, Math.min(s.deadlineMs, remaining - DEADLINE_RESERVE_MS));
  const outcome = await handleTokenReview(body, { ...s.deps, deadlineMs });
  return answer(outcome.statusCode, outcome.body);
}
