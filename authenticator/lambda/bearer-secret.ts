/**
 * The bearer check that guards the Function URL (auth type NONE: kube-apiserver cannot SigV4-sign webhook calls).
 * It runs before anything else and is built so an unauthenticated caller costs no AWS call:
 * - a request without a well-formed `Authorization: Bearer <token68>` header (RFC 6750 §2.1) is refused on its own;
 * - the secret is fetched once per container and cached apart from the rest of the configuration; a presented secret
 *   that does not match re-reads it (to follow a manual rotation) at most once per `refreshAfterMs`, and a failed
 *   read is not retried for `retryAfterMs` — so wrong secrets, at any rate, cost at most one read per interval.
 * Comparison is constant-time over SHA-256 digests, so neither the content nor the length of the secret leaks.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { ConfigError } from '../config-reader';

/** RFC 6750 token68, 16 characters (the shortest secret accepted) up to a bound no real secret reaches. */
const BEARER = /^Bearer ([A-Za-z0-9._~+/-]{16,1024}=*)$/i;

/** The presented secret, or undefined when the header is missing or not a well-formed bearer credential. */
export function presentedBearer(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

export interface BearerSecretOptions {
  /** Reads the secret (an environment variable, an SSM/Secrets Manager read). */
  readonly fetch: () => Promise<string>;
  /** A mismatch re-reads a secret older than this (rotation). @default 60000 */
  readonly refreshAfterMs?: number;
  /** After a failed read, callers get the failure for this long without a new read. @default 5000 */
  readonly retryAfterMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

export type BearerVerdict = 'match' | 'mismatch';

export class BearerSecret {
  private digest: Promise<Buffer> | undefined;
  private fetchedAt = 0;
  private failedAt = Number.NEGATIVE_INFINITY;
  private failure: Error | undefined;
  /** Reads of the secret so far (a test and log figure: it must stay bounded whatever callers send). */
  fetches = 0;
  private readonly refreshAfterMs: number;
  private readonly retryAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly options: BearerSecretOptions) {
    this.refreshAfterMs = options.refreshAfterMs ?? 60_000;
    this.retryAfterMs = options.retryAfterMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  /** Compares a presented secret (from `presentedBearer`) with the secret; rejects when the secret cannot be read. */
  async check(presented: string): Promise<BearerVerdict> {
    const presentedDigest = digest(presented);
    const compared = this.current();
    if (timingSafeEqual(presentedDigest, await compared)) return 'match';
    // Another caller refreshed the secret meanwhile: compare with the new one rather than refresh again.
    const refreshed = this.digest !== compared;
    if (!refreshed && this.now() - this.fetchedAt < this.refreshAfterMs) return 'mismatch';
    if (!refreshed) this.digest = undefined; // stale: one re-read, shared by every concurrent caller
    return timingSafeEqual(presentedDigest, await this.current()) ? 'match' : 'mismatch';
  }

  private current(): Promise<Buffer> {
    if (this.failure && this.now() - this.failedAt < this.retryAfterMs) return Promise.reject(this.failure);
    this.digest ??= this.read();
    return this.digest;
  }

  private async read(): Promise<Buffer> {
    this.fetches++;
    this.fetchedAt = this.now();
    try {
      const secret = await this.options.fetch();
      if (presentedBearer(`Bearer ${secret}`) !== secret) {
        throw new ConfigError('EKS_ACCESS_WEBHOOK_SECRET', 'must be 16-1024 characters of A-Z a-z 0-9 . _ ~ + / - (a bearer token68)');
      }
      this.failure = undefined;
      return digest(secret);
    } catch (e) {
      this.failure = e as Error;
      this.failedAt = this.now();
      this.digest = undefined;
      throw e;
    }
  }
}
