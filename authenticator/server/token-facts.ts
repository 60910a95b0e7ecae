/**
 * Best-effort facts read from a token WITHOUT validating it (the verifier does that): the STS host, for the metrics'
 * StsRegion label, and X-Amz-Date, which bounds how long a verified identity may be cached. Never throws.
 */
import * as crypto from 'node:crypto';
import { PRESIGNED_URL_LIFETIME_MS, TOKEN_PREFIX } from '../token/constants';

export interface TokenFacts {
  readonly host?: string;
  /** X-Amz-Date + 15 min, epoch ms. */
  readonly expiresAt?: number;
}

export function readTokenFacts(token: string): TokenFacts {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 65536) return {};
  const url = Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8');
  const host = /^https:\/\/([a-z0-9.-]+)\//i.exec(url)?.[1]?.toLowerCase();
  const date = /[?&]X-Amz-Date=(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z(?:&|$)/.exec(url);
  const signedAt = date ? Date.UTC(+date[1], +date[2] - 1, +date[3], +date[4], +date[5], +date[6]) : NaN;
  return { host, expiresAt: Number.isFinite(signedAt) ? signedAt + PRESIGNED_URL_LIFETIME_MS : undefined };
}

/**
 * The facts of a token the verifier's local checks passed (TokenVerifier.check returns the parsed token: its
 * allow-listed host and its X-Amz-Date), without decoding the token again; any other `checked` (a verifier without
 * `check`) falls back to reading the token.
 */
export function checkedTokenFacts(token: string, checked: unknown): TokenFacts {
  const parsed = checked as { host?: unknown; signedAt?: unknown } | undefined;
  if (typeof parsed?.host === 'string' && parsed.signedAt instanceof Date) {
    return { host: parsed.host, expiresAt: parsed.signedAt.getTime() + PRESIGNED_URL_LIFETIME_MS };
  }
  return readTokenFacts(token);
}

/** One-shot `crypto.hash` (Node 20.12+): no Hash object per call, ~half the CPU of createHash for a token. */
const oneShotHash = (crypto as { hash?: (algorithm: string, data: string) => string }).hash;

/** The key under which a token's outcome is cached, and (shortened) how logs refer to a token. */
export function tokenHash(token: string): string {
  return oneShotHash ? oneShotHash('sha256', token) : crypto.createHash('sha256').update(token).digest('hex');
}
