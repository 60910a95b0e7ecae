/**
 * TokenReview wire format (authentication.k8s.io/v1 and v1beta1, identical JSON): parsing a request body defensively
 * and building answers in the request's version.
 *
 * Deliberate difference from aws-iam-authenticator: the reference decodes any JSON into v1beta1 without checking
 * apiVersion/kind and answers without apiVersion/kind and without a reason. We check both, answer in the request's
 * version, and put a reason into `status.error` of every denial.
 */
import type { Identity, MappedUser } from '../identity';

export const TOKEN_REVIEW_VERSIONS = ['authentication.k8s.io/v1', 'authentication.k8s.io/v1beta1'] as const;
export type TokenReviewVersion = (typeof TOKEN_REVIEW_VERSIONS)[number];

export interface TokenReviewRequest {
  readonly apiVersion: TokenReviewVersion;
  readonly token: string;
  /** `spec.audiences`, empty when absent. */
  readonly audiences: readonly string[];
}

export interface TokenReviewUser {
  readonly username: string;
  readonly uid: string;
  readonly groups?: string[];
  readonly extra?: Record<string, string[]>;
}

export interface TokenReviewResponse {
  readonly apiVersion: TokenReviewVersion;
  readonly kind: 'TokenReview';
  readonly metadata: { creationTimestamp: null };
  readonly spec: Record<string, never>;
  readonly status: {
    readonly authenticated: boolean;
    readonly user?: TokenReviewUser;
    readonly audiences?: string[];
    readonly error?: string;
  };
}

/** A body that is not a usable TokenReview; `apiVersion` is the request's when it was recognisable. */
export class MalformedReview extends Error {
  constructor(message: string, readonly apiVersion: TokenReviewVersion = 'authentication.k8s.io/v1') {
    super(message);
    this.name = 'MalformedReview';
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses a request body (raw bytes, text or already-parsed JSON). Throws MalformedReview with a reason. */
export function parseTokenReview(body: unknown): TokenReviewRequest {
  let doc = body;
  if (Buffer.isBuffer(body)) doc = body.toString('utf8');
  if (typeof doc === 'string') {
    if (doc.trim() === '') throw new MalformedReview('expected a request body to be a TokenReview, got an empty body');
    try {
      doc = JSON.parse(doc);
    } catch {
      throw new MalformedReview('expected a request body to be a TokenReview, got something that is not JSON');
    }
  }
  if (!isObject(doc)) throw new MalformedReview('expected a request body to be a TokenReview object');
  const apiVersion = doc.apiVersion;
  if (typeof apiVersion !== 'string' || !(TOKEN_REVIEW_VERSIONS as readonly string[]).includes(apiVersion)) {
    throw new MalformedReview(`apiVersion must be one of ${TOKEN_REVIEW_VERSIONS.join(', ')}, got ${JSON.stringify(apiVersion ?? null).slice(0, 80)}`);
  }
  const version = apiVersion as TokenReviewVersion;
  if (doc.kind !== 'TokenReview') {
    throw new MalformedReview(`kind must be TokenReview, got ${JSON.stringify(doc.kind ?? null).slice(0, 80)}`, version);
  }
  const spec = doc.spec;
  if (!isObject(spec)) throw new MalformedReview('spec must be an object holding the token', version);
  if (typeof spec.token !== 'string' || spec.token.length === 0) {
    throw new MalformedReview('spec.token must be a non-empty string', version);
  }
  let audiences: string[] = [];
  if (spec.audiences !== undefined && spec.audiences !== null) {
    if (!Array.isArray(spec.audiences) || spec.audiences.some((a) => typeof a !== 'string')) {
      throw new MalformedReview('spec.audiences must be a list of strings', version);
    }
    audiences = spec.audiences as string[];
  }
  return { apiVersion: version, token: spec.token, audiences };
}

function envelope(apiVersion: TokenReviewVersion, status: TokenReviewResponse['status']): TokenReviewResponse {
  return { apiVersion, kind: 'TokenReview', metadata: { creationTimestamp: null }, spec: {}, status };
}

export function denialReview(apiVersion: TokenReviewVersion, reason: string): TokenReviewResponse {
  return envelope(apiVersion, { authenticated: false, error: reason });
}

/**
 * The `user.extra` keys of a successful review (the reference's `/authenticate`, link below). Kubernetes copies them
 * into every audit event of the user (`user.extra`), which is how `eks-access usage` (lib/usage) tells IAM principals apart.
 */
export const USER_EXTRA_KEYS = {
  arn: 'arn',
  canonicalArn: 'canonicalArn',
  sessionName: 'sessionName',
  accessKeyId: 'accessKeyId',
  principalId: 'principalId',
  principalIdQualified: 'sigs.k8s.io/aws-iam-authenticator/principalId',
} as const;

/**
 * uid and extra exactly as the reference (`/authenticate` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/server/server.go).
 */
export function successReview(
  apiVersion: TokenReviewVersion,
  identity: Identity,
  user: MappedUser,
  audiences: readonly string[],
): TokenReviewResponse {
  const reviewUser: TokenReviewUser = {
    username: user.username,
    uid: `aws-iam-authenticator:${identity.accountId}:${identity.userId}`,
    // The reference omits empty groups (omitempty); so do we.
    ...(user.groups.length > 0 ? { groups: [...user.groups] } : {}),
    extra: {
      [USER_EXTRA_KEYS.arn]: [identity.arn],
      [USER_EXTRA_KEYS.canonicalArn]: [identity.canonicalArn],
      [USER_EXTRA_KEYS.sessionName]: [identity.sessionName],
      [USER_EXTRA_KEYS.accessKeyId]: [identity.accessKeyId],
      [USER_EXTRA_KEYS.principalId]: [identity.userId],
      [USER_EXTRA_KEYS.principalIdQualified]: [identity.userId],
    },
  };
  return envelope(apiVersion, {
    authenticated: true,
    user: reviewUser,
    ...(audiences.length > 0 ? { audiences: [...audiences] } : {}),
  });
}
