/**
 * Token → verified Identity with the protections the reference lacks: local format checks before anything else (junk
 * never waits for, nor takes, an STS call slot), a verified-identity cache, single-flight (concurrent reviews of one
 * token share one STS call), a bound on concurrent STS calls, and retries with jittered backoff on throttling, 5xx
 * and connection failures, all within the review's deadline (the caller's AbortSignal).
 *
 * Two LRUs: any AWS principal anywhere can sign a token STS accepts, so a freshly verified identity first goes to a
 * small LRU (`denialMaxEntries`, shared with cached denials) and moves to the main one only when the review
 * `confirm`s it (a backend mapped it). Junk, forged and valid-but-unmapped tokens therefore cannot evict the
 * identities of mapped users.
 */
import { FormatError, STSError, STSThrottling, TokenError } from '../errors';
import type { Identity } from '../identity';
import { raceAbort, raceAbortWithin, sleep } from './abortable';
import { IdentityCache } from './identity-cache';
import { IdentityPool } from './identity-pool';
import type { WebhookMetrics } from './metrics';
import { stsRegionLabel } from './sts-region-label';
import { Semaphore } from './semaphore';
import { checkedTokenFacts, readTokenFacts, TokenFacts, tokenHash } from './token-facts';

/**
 * Default life of a verified identity: kube-apiserver's own webhook cache (`--authentication-token-webhook-cache-ttl`,
 * 2 min, https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/), so a revoked key keeps
 * access at most twice that unless an operator raises it.
 */
export const DEFAULT_IDENTITY_TTL_SECONDS = 120;

/** What the resolver needs from the verifier: TOKEN's TokenVerifier fits. */
export interface TokenVerifierLike {
  verify(token: string, options?: { signal?: AbortSignal }): Promise<Identity>;
  /** Local checks only (no STS call); throws FormatError. TOKEN's TokenVerifier.check. */
  check?(token: string): unknown;
  /** `verify` of a token `check` already passed, given what `check` returned (spares a second parse per STS call). */
  verifyChecked?(checked: unknown, options?: { signal?: AbortSignal }): Promise<Identity>;
  close?(): void | Promise<void>;
}

export interface IdentityResolverOptions {
  readonly verifier: TokenVerifierLike;
  readonly attemptTimeoutMs: number;
  readonly maxConcurrent: number;
  readonly maxRetries: number;
  readonly retryBaseMs: number;
  readonly retryMaxMs: number;
  readonly cacheMaxEntries: number;
  readonly cacheTtlSeconds: number;
  readonly denialTtlSeconds: number;
  /** Bound of the small LRU of denials and not-yet-mapped identities; 0 = neither is cached. @default 1000 */
  readonly denialMaxEntries?: number;
  readonly metrics?: WebhookMetrics;
  readonly now?: () => number;
  /** Random source for the jitter, injectable for tests. @default Math.random */
  readonly random?: () => number;
}

type RetryReason = 'throttling' | 'server_error' | 'connection';

/** Which failures are worth another attempt; local format errors and STS 4xx (bad signature, expired) are not. */
function retryReason(error: unknown): RetryReason | undefined {
  if (error instanceof STSThrottling) return 'throttling';
  if (error instanceof STSError) {
    if (error.statusCode === undefined) return 'connection';
    if (error.statusCode >= 500) return 'server_error';
  }
  return undefined;
}

/** Errors that are not TokenErrors (a verifier bug, an abort) become STSError so callers see one hierarchy. */
function asTokenError(error: unknown, signal: AbortSignal): TokenError {
  if (error instanceof TokenError) return error;
  if (signal.aborted) return new STSError(`no answer from STS before the review deadline (${reasonText(signal.reason)})`);
  return new STSError(error instanceof Error ? error.message : String(error));
}

function reasonText(reason: unknown): string {
  return reason instanceof Error ? reason.message : String(reason);
}

export class IdentityResolver {
  /** Identities a backend mapped. */
  readonly cache: IdentityCache;
  /** Denials and verified identities not (yet) mapped. */
  readonly denials: IdentityCache;
  /** One shared outcome per distinct mapped identity, for the entries of `cache`. */
  private readonly pool: IdentityPool;
  private readonly semaphore: Semaphore;
  private readonly pending = new Map<string, Promise<Identity>>();
  /** Keys (token hashes) whose STS call is queued for a slot of the concurrency bound. */
  private readonly waitingForSlot = new Set<string>();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly opts: IdentityResolverOptions) {
    this.now = opts.now ?? Date.now;
    this.random = opts.random ?? Math.random;
    this.semaphore = new Semaphore(opts.maxConcurrent);
    const events = (cache: 'identity' | 'denial') => ({ onEvict: () => opts.metrics?.cacheEvictions.inc({ cache }) });
    this.cache = new IdentityCache(opts.cacheMaxEntries, this.now, events('identity'));
    this.denials = new IdentityCache(opts.denialMaxEntries ?? 1000, this.now, events('denial'));
    this.pool = new IdentityPool(opts.cacheMaxEntries);
    opts.metrics?.watchCacheSizes(() => ({ identity: this.cache.size, denial: this.denials.size }));
  }

  /**
   * The cached outcome for a token, by its key (tokenHash(token)), without any check or STS call: the identity, or
   * `undefined` when nothing is cached; a cached denial is thrown. A token is cached only after it passed every local
   * check, and no entry outlives its token's expiry, so a hit needs no re-check.
   */
  cached(key: string): Identity | undefined {
    const cached = this.cache.get(key) ?? this.denials.get(key);
    if (!cached) return undefined;
    this.opts.metrics?.cacheHits.inc({ kind: cached.kind });
    if (cached.kind === 'identity') return cached.identity;
    throw cached.error;
  }

  /** The verified identity of `token`, or a TokenError. `signal` carries the review deadline; `key` is tokenHash(token). */
  async resolve(token: string, signal: AbortSignal, key = tokenHash(token)): Promise<Identity> {
    // Cheap local checks first: a malformed token is refused before it can touch a cache or queue for STS.
    const checked = this.opts.verifier.check?.(token);
    const hit = this.cached(key);
    if (hit) return hit;
    this.opts.metrics?.cacheMisses.inc();
    let shared = this.pending.get(key);
    if (!shared) {
      shared = this.verifyWithRetries(token, checked, key, signal).finally(() => {
        this.pending.delete(key);
        this.waitingForSlot.delete(key);
      });
      this.pending.set(key, shared);
    }
    return raceAbort(shared, signal).catch((e) => {
      // Out of time while still queued for a slot: STS capacity, not STS, is the problem; 429 makes callers back off.
      if (!(e instanceof TokenError) && this.waitingForSlot.has(key)) throw this.noSlot();
      throw asTokenError(e, signal);
    });
  }

  /**
   * A backend mapped `identity` (verified for `token`): it moves to the main cache, as the pool's shared outcome for
   * that identity (an entry then holds only its key).
   */
  confirm(token: string, identity: Identity, key = tokenHash(token)): void {
    if (this.cache.get(key)) return;
    // Verified moments ago, it waits in `denials` with its expiry (identityExpiry at verification): moved as it is.
    const verified = this.denials.take(key);
    this.cache.set(key, this.pool.outcomeOf(identity), verified?.expiresAt ?? this.identityExpiry(readTokenFacts(token)));
  }

  async close(): Promise<void> {
    this.cache.clear();
    this.denials.clear();
    this.pool.clear();
    await this.opts.verifier.close?.();
  }

  private noSlot(): STSThrottling {
    return new STSThrottling(`no free STS call slot before the review deadline (sts.maxConcurrent=${this.opts.maxConcurrent})`);
  }

  private async verifyWithRetries(token: string, checked: unknown, key: string, signal: AbortSignal): Promise<Identity> {
    const facts = checkedTokenFacts(token, checked);
    const region = stsRegionLabel(facts.host);
    for (let attempt = 0; ; attempt++) {
      try {
        const identity = await this.attempt(token, checked, key, signal, region);
        this.denials.set(key, { kind: 'identity', identity }, this.identityExpiry(facts));
        return identity;
      } catch (raw) {
        const error = asTokenError(raw, signal);
        const reason = retryReason(error);
        if (!reason) {
          this.rememberDenial(key, error, facts.expiresAt);
          throw error;
        }
        const backoff = this.random() * Math.min(this.opts.retryMaxMs, this.opts.retryBaseMs * 2 ** attempt);
        if (attempt >= this.opts.maxRetries || signal.aborted) throw error;
        this.opts.metrics?.stsRetries.inc({ reason });
        try {
          await sleep(backoff, signal);
        } catch {
          throw error; // the deadline passed while backing off: the last STS error is the best reason
        }
      }
    }
  }

  /** One STS call: waits for a slot, bounded by the per-attempt timeout and the review deadline. */
  private async attempt(token: string, checked: unknown, key: string, deadline: AbortSignal, region: string): Promise<Identity> {
    const m = this.opts.metrics;
    m?.stsWaiting.inc();
    this.waitingForSlot.add(key);
    let release: () => void;
    try {
      release = await this.semaphore.acquire(deadline);
      this.waitingForSlot.delete(key); // on failure the key stays until the shared promise settles (see resolve)
    } catch {
      throw this.noSlot();
    } finally {
      m?.stsWaiting.dec();
    }
    m?.stsInFlight.inc();
    try {
      // The verifier gets the review deadline; the attempt's own timeout is one timer here (see raceAbortWithin).
      const { verifier } = this.opts;
      const call = checked !== undefined && verifier.verifyChecked
        ? verifier.verifyChecked(checked, { signal: deadline })
        : verifier.verify(token, { signal: deadline });
      const identity = await raceAbortWithin(call, deadline, this.opts.attemptTimeoutMs,
        () => new STSError(`STS did not answer within ${this.opts.attemptTimeoutMs} ms`));
      m?.stsResponses.inc({ ResponseCode: '200', StsRegion: region });
      return identity;
    } catch (raw) {
      const error = asTokenError(raw, deadline);
      this.countFailure(error, region);
      throw error;
    } finally {
      m?.stsInFlight.dec();
      release();
    }
  }

  /** How long a verified identity may be cached: `cacheTtlSeconds`, never beyond the token's own expiry. */
  private identityExpiry(token: TokenFacts): number {
    return Math.min(this.now() + this.opts.cacheTtlSeconds * 1000, token.expiresAt ?? 0);
  }

  private countFailure(error: TokenError, region: string): void {
    const m = this.opts.metrics;
    if (!m || error instanceof FormatError) return;
    if (error instanceof STSThrottling) {
      m.stsThrottling.inc({ StsRegion: region });
      m.stsResponses.inc({ ResponseCode: '429', StsRegion: region });
    } else if (error instanceof STSError && error.statusCode !== undefined) {
      m.stsResponses.inc({ ResponseCode: String(error.statusCode), StsRegion: region });
    } else {
      m.stsConnectionFailures.inc({ StsRegion: region });
    }
  }

  /** Caches definitive denials (bad format, STS 4xx) when `cache.denialTtlSeconds` > 0; never transient ones. */
  private rememberDenial(key: string, error: TokenError, tokenExpiresAt: number | undefined): void {
    if (this.opts.denialTtlSeconds <= 0) return;
    const ttlEnd = this.now() + this.opts.denialTtlSeconds * 1000;
    this.denials.set(key, { kind: 'denial', error }, Math.min(ttlEnd, tokenExpiresAt ?? ttlEnd));
  }
}
