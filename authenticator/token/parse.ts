/**
 * The local checks of a token, in the reference's order (`tokenVerifier.Verify` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/token/token.go), plus stricter ones: an
 * explicit STS host allow-list, Go-exact query and base64url parsing. Everything here is synchronous and offline: the
 * signature itself is STS's to verify, as we never hold the secret.
 */
import { formatError, quoteForMessage } from './messages';
import { decodeBase64UrlStrict } from './base64url';
import { parseQueryStrict, QueryParameter } from './query';
import { splitUrl } from './url';
import { rejectHost } from './hosts';
import { ALLOWED_QUERY_PARAMETERS, CLUSTER_ID_HEADER, PRESIGNED_URL_LIFETIME_MS, TOKEN_PREFIX } from './constants';

/** A token that passed every local check: what to send to STS and what identity fields come from the token. */
export interface ParsedToken {
  /** The validated, allow-listed STS host (TLS server name and Host header). */
  readonly host: string;
  /** `/?<raw query>` exactly as validated. */
  readonly requestPath: string;
  /** Part of `X-Amz-Credential` before the first `/` (empty if absent, as in the reference). */
  readonly accessKeyId: string;
  readonly signedAt: Date;
}

export interface ParseLimits {
  readonly partition: string;
  readonly allowedHosts: ReadonlySet<string>;
  readonly maxTokenBytes: number;
  readonly maxFutureSkewSeconds: number;
  readonly now: Date;
}

const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;

/** Parses `yyyymmddThhmmssZ` strictly (Go `time.Parse` rejects out-of-range fields; so do we). */
export function parseAmzDate(value: string): Date | undefined {
  const m = AMZ_DATE.exec(value);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  const roundTrips =
    date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d &&
    date.getUTCHours() === h && date.getUTCMinutes() === mi && date.getUTCSeconds() === s;
  return roundTrips ? date : undefined;
}

function decodeUrl(token: string, maxTokenBytes: number): string {
  if (typeof token !== 'string') throw formatError('token must be a string');
  // 1. size, before any decoding work (a character is at least one byte, so the cheap test goes first)
  if (token.length > maxTokenBytes || Buffer.byteLength(token, 'utf8') > maxTokenBytes) {
    throw formatError(`token is too large (limit ${maxTokenBytes} bytes)`);
  }
  // 2. prefix
  if (!token.startsWith(TOKEN_PREFIX)) throw formatError(`token is missing expected "${TOKEN_PREFIX}" prefix`);
  // 3. strict base64url
  try {
    return decodeBase64UrlStrict(token.slice(TOKEN_PREFIX.length)).toString('latin1');
  } catch (e) {
    throw formatError((e as Error).message);
  }
}

/** Steps 10 and 11: case-insensitive duplicates, allow-listed keys, one value each. Returns lower-case key → value. */
function checkParameters(params: readonly QueryParameter[]): Map<string, string> {
  const rawKeysByLower = new Map<string, string>();
  for (const { key } of params) {
    const lower = key.toLowerCase();
    const seen = rawKeysByLower.get(lower);
    if (seen !== undefined && seen !== key) throw formatError(`duplicate query parameter found: ${quoteForMessage(key)}`);
    rawKeysByLower.set(lower, key);
  }
  const values = new Map<string, string>();
  for (const { key, value } of params) {
    const lower = key.toLowerCase();
    if (!ALLOWED_QUERY_PARAMETERS.has(lower)) throw formatError(`non-whitelisted query parameter ${quoteForMessage(key)}`);
    if (values.has(lower)) throw formatError('query parameter with multiple values not supported');
    values.set(lower, value);
  }
  return values;
}

/** Each allow-list's own strings, by value (see internedHost). */
const internedHosts = new WeakMap<ReadonlySet<string>, Map<string, string>>();

/**
 * The allow-list's own string for an allow-listed `host`. The host read from the token is a slice of the decoded URL,
 * and V8 keeps a slice (a SlicedString) pointing into its whole parent: a verified identity cached with it
 * (`Identity.stsEndpoint`) would keep the ~1 KB presigned URL alive for as long as the cache holds it.
 */
function internedHost(host: string, allowed: ReadonlySet<string>): string {
  let byValue = internedHosts.get(allowed);
  if (!byValue) {
    byValue = new Map([...allowed].map((h) => [h, h]));
    internedHosts.set(allowed, byValue);
  }
  return byValue.get(host) ?? host;
}

/** Runs every local check; throws `FormatError` naming the first one that fails. */
export function parseToken(token: string, limits: ParseLimits): ParsedToken {
  const text = decodeUrl(token, limits.maxTokenBytes);
  // 4. URL syntax
  let url;
  try {
    url = splitUrl(text);
  } catch (e) {
    throw formatError(`pre-signed URL does not parse: ${(e as Error).message}`);
  }
  // 5. scheme
  if (url.scheme !== 'https') throw formatError(`unexpected scheme ${quoteForMessage(url.scheme)} in pre-signed URL`);
  // 6. host: no userinfo, no port (stricter: the reference lets userinfo through), then the allow-list
  if (url.authority.includes('@')) throw formatError('userinfo is not allowed in pre-signed URL');
  if (url.authority.includes(':')) throw formatError('a port is not allowed in pre-signed URL');
  const hostProblem = rejectHost(url.authority, limits.partition, limits.allowedHosts);
  if (hostProblem) throw formatError(hostProblem);
  // 8. path (raw, so `%2F` is not `/`), and no fragment (stricter)
  if (url.path !== '/') throw formatError('unexpected path in pre-signed URL');
  if (url.hasFragment) throw formatError('a fragment is not allowed in pre-signed URL');
  // 9. query syntax
  let params: QueryParameter[];
  try {
    params = parseQueryStrict(url.rawQuery);
  } catch {
    throw formatError('malformed query parameter');
  }
  // 10, 11
  const query = checkParameters(params);
  // 12
  if (query.get('action') !== 'GetCallerIdentity') throw formatError('unexpected action parameter in pre-signed URL');
  // 13
  const signed = (query.get('x-amz-signedheaders') ?? '').split(';').map((h) => h.toLowerCase());
  if (!signed.includes(CLUSTER_ID_HEADER)) {
    throw formatError(`client did not sign the ${CLUSTER_ID_HEADER} header in the pre-signed URL`);
  }
  // 14. X-Amz-Expires: required, 0..900 (digits only; Go's Atoi would also take a sign)
  const expires = query.get('x-amz-expires') ?? '';
  const expiresValue = /^\d{1,3}$/.test(expires) ? Number(expires) : 0;
  if (!/^\d{1,3}$/.test(expires) || expiresValue > 900) {
    throw formatError(`invalid X-Amz-Expires parameter in pre-signed URL: ${expiresValue}`);
  }
  // 15
  const amzDate = query.get('x-amz-date') ?? '';
  if (amzDate === '') throw formatError('X-Amz-Date parameter must be present in pre-signed URL');
  // 16
  const accessKeyId = (query.get('x-amz-credential') ?? '').split('/')[0];
  // 17
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) {
    throw formatError(`error parsing X-Amz-Date parameter ${quoteForMessage(amzDate)} into format 20060102T150405Z`);
  }
  // 18. expiry; then a bound on dates in the future (stricter: the reference accepts any future date)
  const now = limits.now.getTime();
  if (now > signedAt.getTime() + PRESIGNED_URL_LIFETIME_MS) {
    throw formatError(`X-Amz-Date parameter is expired (15 minute expiration) ${signedAt.toISOString()}`);
  }
  if (signedAt.getTime() - now > limits.maxFutureSkewSeconds * 1000) {
    throw formatError(
      `X-Amz-Date parameter ${signedAt.toISOString()} is more than ${limits.maxFutureSkewSeconds} s in the future`,
    );
  }
  return { host: internedHost(url.authority, limits.allowedHosts), requestPath: `/?${url.rawQuery}`, accessKeyId, signedAt };
}
