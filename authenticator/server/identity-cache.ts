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

/** An entry, linked in recency order (`newer` towards the most recently used). */
interface Entry {
  readonly key: string;
  outcome: CachedOutcome;
  expiresAt: number;
  older?: Entry;
  newer?: Entry;
}

export interface IdentityCacheEvents {
  onEvict?(): void;
}

/** How often `set` drops expired entries, so memory follows the live entries rather than the size bound. */
const SWEEP_EVERY_MS = 10_000;

/**
 * Recency is a linked list beside the Map, so a hit only relinks two entries: re-inserting the key into the Map on
 * every hit (the usual Map-as-LRU idiom) cost ~6 µs per hit in a 10,000-entry cache, V8 compacting the table over and
 * over, and walking to the first key after many deletions ~18 µs per eviction.
 */
export class IdentityCache {
  private readonly entries = new Map<string, Entry>();
  /** Least and most recently used. */
  private oldest?: Entry;
  private newest?: Entry;
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
    if (entry.expiresAt <= this.now()) {
      this.remove(entry);
      return undefined;
    }
    this.makeNewest(entry);
    return entry.outcome;
  }

  /** Stores `outcome` until `expiresAt` (epoch ms); ignored when the cache is disabled or the time is past. */
  set(key: string, outcome: CachedOutcome, expiresAt: number): void {
    if (this.maxEntries <= 0 || expiresAt <= this.now()) return;
    this.sweepExpired();
    const existing = this.entries.get(key);
    if (existing) {
      existing.outcome = outcome;
      existing.expiresAt = expiresAt;
      this.makeNewest(existing);
    } else {
      const entry: Entry = { key, outcome, expiresAt };
      this.entries.set(key, entry);
      this.link(entry);
    }
    while (this.entries.size > this.maxEntries) {
      this.remove(this.oldest!);
      this.events.onEvict?.();
    }
  }

  /**
   * Expired entries are otherwise only dropped when looked up or evicted: tokens seen once (most of them — kubectl
   * signs a new one every few minutes) would keep the cache at its size bound.
   */
  private sweepExpired(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (const entry of this.entries.values()) {
      if (entry.expiresAt <= now) this.remove(entry);
    }
  }

  /** Removes the entry of `key` and returns it (outcome and expiry), unless it is absent or expired. */
  take(key: string): { readonly outcome: CachedOutcome; readonly expiresAt: number } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.remove(entry);
    return entry.expiresAt > this.now() ? { outcome: entry.outcome, expiresAt: entry.expiresAt } : undefined;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.remove(entry);
  }

  clear(): void {
    this.entries.clear();
    this.oldest = this.newest = undefined;
  }

  private remove(entry: Entry): void {
    this.entries.delete(entry.key);
    this.unlink(entry);
  }

  private makeNewest(entry: Entry): void {
    if (entry === this.newest) return;
    this.unlink(entry);
    this.link(entry);
  }

  /** Links `entry` as the most recently used. */
  private link(entry: Entry): void {
    entry.older = this.newest;
    entry.newer = undefined;
    if (this.newest) this.newest.newer = entry;
    else this.oldest = entry;
    this.newest = entry;
  }

  private unlink(entry: Entry): void {
    if (entry.older) entry.older.newer = entry.newer;
    else this.oldest = entry.newer;
    if (entry.newer) entry.newer.older = entry.older;
    else this.newest = entry.older;
    entry.older = entry.newer = undefined;
  }
}
