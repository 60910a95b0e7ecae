/**
 * The TokenReview decision shared by the HTTPS server and the Lambda handler: body → verified identity → mapped
 * user → answer. Never throws and always settles by the review deadline: every failure becomes
 * `authenticated: false` with a reason.
 *
 * HTTP codes as the reference
 * (https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/server/server.go): 200 success, 403
 * denial, 429 STS throttling; 400 for a body that is not a TokenReview (the reference's "expected a request body to be
 * a TokenReview").
 */
import type { Logger } from 'pino';
import { FormatError, STSThrottling, TokenError } from '../errors';
import type { Identity, MappedUser } from '../identity';
import { Deadline } from './abortable';
import { logInfo } from './log-line';
import type { ReviewResult, WebhookMetrics } from './metrics';
import { tokenHash } from './token-facts';
import {
  denialReview, MalformedReview, parseTokenReview, successReview, TokenReviewResponse, TokenReviewVersion,
} from './token-review';

/** What a review needs; the server and the Lambda build it from their configuration. */
export interface ReviewDeps {
  readonly clusterId: string;
  /**
   * Token → verified identity (an IdentityResolver, or a bare verifier). Receives the review deadline and the token's
   * key, tokenHash(token).
   */
  readonly resolve: (token: string, signal: AbortSignal, key: string) => Promise<Identity>;
  /**
   * The cached identity for a token's key, or `undefined` (then `resolve` is called); throws a cached denial.
   * IdentityResolver.cached fits. A review answered here makes no AbortSignal. @default none
   */
  readonly cached?: (key: string) => Identity | undefined;
  /**
   * Called when `identity` (verified for `token`) was mapped: IdentityResolver.confirm moves it to the cache of mapped
   * identities (unmapped ones stay in the small LRU). @default none
   */
  readonly confirm?: (token: string, identity: Identity, key: string) => void;
  /** Identity → Kubernetes user; `undefined` = not mapped (denied). MAPPER's MapperChain fits. */
  readonly mapper: { map(identity: Identity): Promise<MappedUser | undefined> };
  /** Every review is answered within this many ms. */
  readonly deadlineMs: number;
  /** See ReviewSettings.audiences in config.ts. */
  readonly audiences?: readonly string[];
  readonly metrics?: WebhookMetrics;
  readonly logger?: Logger;
}

export interface ReviewOutcome {
  readonly statusCode: 200 | 400 | 403 | 429;
  readonly body: TokenReviewResponse;
  readonly result: ReviewResult;
}

/** Strips anything that could carry a credential (a token, a presigned URL) from a reason before it is logged/sent. */
export function redact(text: string): string {
  return text
    .replace(/k8s-aws-v1\.[A-Za-z0-9_=-]+/g, 'k8s-aws-v1.<redacted>')
    .replace(/https?:\/\/[^\s"'<>]+/g, (url) => url.replace(/\?.*$/, '?<redacted>'));
}

function resultOf(error: TokenError): ReviewResult {
  if (error instanceof STSThrottling) return 'sts_throttling';
  if (error instanceof FormatError) return 'invalid_token';
  return 'sts_error';
}

/**
 * `spec.audiences` handling (the reference ignores it). The token is bound to the cluster ID (x-k8s-aws-id), so the
 * cluster ID and the configured audiences are the audiences we can vouch for. `undefined` = deny.
 */
function answerAudiences(requested: readonly string[], clusterId: string, configured: readonly string[]): string[] | undefined {
  if (requested.length === 0) return [];
  const ours = new Set([clusterId, ...configured]);
  const matching = requested.filter((a) => ours.has(a));
  if (matching.length > 0) return matching;
  // Audience-unaware mode: an empty status.audiences tells kube-apiserver the token is valid for its own audiences.
  return configured.length === 0 ? [] : undefined;
}

export async function handleTokenReview(body: unknown, deps: ReviewDeps): Promise<ReviewOutcome> {
  const started = process.hrtime.bigint();
  deps.metrics?.reviewsInFlight.inc();
  try {
    const outcome = await review(body, deps);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    deps.metrics?.latency.observe({ result: outcome.result }, seconds);
    return outcome;
  } finally {
    deps.metrics?.reviewsInFlight.dec();
  }
}

async function review(body: unknown, deps: ReviewDeps): Promise<ReviewOutcome> {
  let request;
  try {
    request = parseTokenReview(body);
  } catch (e) {
    const m = e instanceof MalformedReview ? e : new MalformedReview('expected a request body to be a TokenReview');
    deps.logger?.warn({ result: 'malformed_request', reason: m.message }, 'access denied');
    return { statusCode: 400, body: denialReview(m.apiVersion, m.message), result: 'malformed_request' };
  }
  const { apiVersion, token } = request;
  // One hash per review: the cache key, and (its prefix) how every line of this review names the token — as fields
  // rather than a pino child (a child per review, bindings serialized each time, was measurable on the request path).
  const key = tokenHash(token);
  const tokenSha256 = key.slice(0, 16);
  const log = deps.logger;
  const deny = (statusCode: 403 | 429, result: ReviewResult, reason: string): ReviewOutcome => {
    const safe = redact(reason);
    log?.warn({ tokenSha256, result, reason: safe }, 'access denied');
    return { statusCode, body: denialReview(apiVersion, safe), result };
  };

  const audiences = answerAudiences(request.audiences, deps.clusterId, deps.audiences ?? []);
  if (!audiences) {
    return deny(403, 'invalid_token', `the token is for cluster ${deps.clusterId}, which is none of the requested audiences`);
  }

  const deadline = new Deadline(deps.deadlineMs);
  try {
    let identity: Identity;
    try {
      identity = deps.cached?.(key) ?? await deadline.race(deps.resolve(token, deadline.signal, key));
    } catch (e) {
      const error = e instanceof TokenError ? e : undefined;
      if (!error) return deny(403, 'sts_error', `token verification failed: ${e instanceof Error ? e.message : String(e)}`);
      return deny(error instanceof STSThrottling ? 429 : 403, resultOf(error), error.message);
    }
    logInfo(log, { tokenSha256, arn: identity.arn, accountId: identity.accountId, userId: identity.userId,
      accessKeyId: identity.accessKeyId, sessionName: identity.sessionName, stsEndpoint: identity.stsEndpoint }, 'STS response');

    let user: MappedUser | undefined;
    try {
      user = await deadline.race(deps.mapper.map(identity));
    } catch (e) {
      return deny(403, 'uknown_user', `mapping ${identity.arn} failed: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!user) return deny(403, 'uknown_user', `${identity.arn} is not mapped to a Kubernetes user`);
    deps.confirm?.(token, identity, key);
    const answer = successReview(apiVersion, identity, user, audiences);
    logInfo(log, { tokenSha256, username: user.username, uid: answer.status.user?.uid, groups: user.groups }, 'access granted');
    return { statusCode: 200, body: answer, result: 'success' };
  } finally {
    deadline.dispose();
  }
}

export type { TokenReviewVersion };
