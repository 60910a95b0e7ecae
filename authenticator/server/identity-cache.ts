/**
 * Bounded LRU cache of verification outcomes keyed by sha256(token). A verified identity never outlives its token
 * (the caller passes X-Amz-Date + 15 min as the hard expiry); denials are cached only when configured, briefly.
 * IdentityResolver keeps two: mapped identities, and a small one for denials and not-yet-mapped identities.
 *
 * Deliberate difference from aws-iam-authenticator, which has no result cache and calls STS for every review
 * (https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/server/server.go): a positive cache cuts
 * STS traffic and throttling risk; mappings are re-evaluated on every review.
 */
import type { Identity } from '../identity';
import type { TokenError } from '../errors';

export type CachedOutcome =
  | { readonly kind: 'identity'; readonly identity: Identity }
  | { readonly kind: 'denial'; readonly error: TokenError };

interface Entry {
  readonly outcome: CachedOutcome;
  readonly expiresAt: number;
}

export interface IdentityCacheEvents {
  onEvict?(): void;
  onSizeChange?(size: number): void;
}

/** How often `set` drops expired entries, so memory follows the live entries rather than the size bound. */
const SWEEP_EVERY_MS = 10_000;

export class IdentityCache {
  /** A Map iterates in insertion order: re-inserting on access makes the first key the least recently used. */
  private readonly entries = new Map<string, Entry>();
  /**
   * A live iterator at the least recently used entry. Every entry before it has been evicted or moved to the end, so
   * eviction continues from it: `entries.keys().next()` from the start would walk over every slot deleted since
   * V8 last compacted the table (~18 µs per eviction in a full 10,000-entry cache, once per new token under load).
   */
  private oldest: IterableIterator<string> = this.entries.keys();
  private lastSweep: number;

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    private readonly events: IdentityCacheEvents = {},
  ) {
    this.lastSweep = now();
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: string): CachedOutcome | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= this.now()) {
      this.events.onSizeChange?.(this.entries.size);
      return undefined;
    }
    this.entries.set(key, entry);
    return entry.outcome;
  }

  /** Stores `outcome` until `expiresAt` (epoch ms); ignored when the cache is disabled or the time is past. */
  set(key: string, outcome: CachedOutcome, expiresAt: number): void {
    if (this.maxEntries <= 0 || expiresAt <= this.now()) return;
    this.sweepExpired();
    this.entries.delete(key);
    this.entries.set(key, { outcome, expiresAt });
    while (this.entries.size > this.maxEntries) {
      this.entries.delete(this.leastRecentlyUsed());
      this.events.onEvict?.();
    }
    this.events.onSizeChange?.(this.entries.size);
  }

  private leastRecentlyUsed(): string {
    let next = this.oldest.next();
    if (next.done) {
      // An exhausted iterator stays exhausted, even when entries are added later.
      this.oldest = this.entries.keys();
      next = this.oldest.next();
    }
    return next.value as string;
  }

  /**
   * Expired entries are otherwise only dropped when looked up or evicted: tokens seen once (most of them — kubectl
   * signs a new one every few minutes) would keep the cache at its size bound.
   */
  private sweepExpired(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    let dropped = false;
    for (const [key, entry] of this.entries) {
      if (entry.expiresAt <= now) {
        this.entries.delete(key);
        dropped = true;
      }
    }
    if (dropped) this.events.onSizeChange?.(this.entries.size);
  }

  delete(key: string): void {
    if (this.entries.delete(key)) this.events.onSizeChange?.(this.entries.size);
  }

  clear(): void {
    this.entries.clear();
    this.oldest = this.entries.keys();
    this.events.onSizeChange?.(0);
  }
}
