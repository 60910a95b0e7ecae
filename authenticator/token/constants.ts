/** Wire constants shared by token generation and verification (reference: pkg/token/token.go). */

/** Every token starts with this; the rest is the base64url (no padding) presigned URL. */
export const TOKEN_PREFIX = 'k8s-aws-v1.';
/** Signed header carrying the cluster id: the replay protection between clusters. */
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
/** `X-Amz-Expires` the client signs. STS ignores it (a presigned GetCallerIdentity lives 15 min); old servers need ≤ 60. */
export const PRESIGN_EXPIRES_SECONDS = 60;
/** How long STS honours a presigned GetCallerIdentity after its `X-Amz-Date`. */
export const PRESIGNED_URL_LIFETIME_MS = 15 * 60 * 1000;
/** Client-side token lifetime: the 15 minutes less a minute of cushion for clock skew and transit. */
export const TOKEN_LIFETIME_MS = PRESIGNED_URL_LIFETIME_MS - 60 * 1000;
/** The reference's limit is 4096 bytes, too small for long session tokens (reference issue #1106). */
export const DEFAULT_MAX_TOKEN_BYTES = 16 * 1024;
/** How far in the future `X-Amz-Date` may lie (signer clock ahead of ours). The reference has no bound. */
export const DEFAULT_MAX_FUTURE_SKEW_SECONDS = 5 * 60;
export const DEFAULT_STS_TIMEOUT_MS = 10_000;
/** The only query parameters a presigned GetCallerIdentity URL may carry (lower-case). */
export const ALLOWED_QUERY_PARAMETERS: ReadonlySet<string> = new Set([
  'action',
  'version',
  'x-amz-algorithm',
  'x-amz-credential',
  'x-amz-date',
  'x-amz-expires',
  'x-amz-security-token',
  'x-amz-signature',
  'x-amz-signedheaders',
]);
export const STS_API_VERSION = '2011-06-15';
