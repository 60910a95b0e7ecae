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

export interface IdentityCacheEvents {
  onEvict?(): void;
}

/** How often `set` drops expired entries, so memory follows the live entries rather than the size bound. */
const SWEEP_EVERY_MS = 10_000;

/** No slot: the end of the recency list. */
const NONE = -1;
/** Slots allocated at first; the slot arrays double from there up to the cache's bound. */
const INITIAL_SLOTS = 64;

/**
 * Each entry is a slot: its outcome in an array, its expiry and its recency links in typed arrays, and the Map takes a
 * key to its slot. So an entry costs the GC only its key string and its Map entry: at thousands of new tokens a second
 * every entry lives long enough to be promoted, and the per-entry objects of the earlier layout (an entry object, a
 * boxed expiry, links) made V8's major GC come round every few seconds (bench/benches/webhook.ts, unique tokens at
 * c=1). Outcomes of identities are shared (IdentityPool).
 *
 * Recency is a doubly linked list through the slots, so a hit only relinks two of them: re-inserting the key into the
 * Map on every hit (the usual Map-as-LRU idiom) cost ~6 µs per hit in a 10,000-entry cache, V8 compacting the table
 * over and over, and walking to the first key after many deletions ~18 µs per eviction.
 */
export class IdentityCache {
  private readonly slots = new Map<string, number>();
  private keys: Array<string | undefined> = [];
  private outcomes: Array<CachedOutcome | undefined> = [];
  private expiries = new Float64Array(0);
  /** Towards the least / the most recently used. */
  private olderOf = new Int32Array(0);
  private newerOf = new Int32Array(0);
  /** Slots given back (removed entries), reused before the arrays grow. */
  private readonly freeSlots: number[] = [];
  /** Slots handed out so far: the arrays' used length. */
  private highWater = 0;
  private oldest = NONE;
  private newest = NONE;
  private lastSweep: number;

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    private readonly events: IdentityCacheEvents = {},
  ) {
    this.lastSweep = now();
  }

  get size(): number {
    return this.slots.size;
  }

  get(key: string): CachedOutcome | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (this.expiries[slot] <= this.now()) {
      this.remove(slot);
      return undefined;
    }
    this.makeNewest(slot);
    return this.outcomes[slot];
  }

  /** Stores `outcome` until `expiresAt` (epoch ms); ignored when the cache is disabled or the time is past. */
  set(key: string, outcome: CachedOutcome, expiresAt: number): void {
    if (this.maxEntries <= 0 || expiresAt <= this.now()) return;
    this.sweepExpired();
    const existing = this.slots.get(key);
    if (existing !== undefined) {
      this.outcomes[existing] = outcome;
      this.expiries[existing] = expiresAt;
      this.makeNewest(existing);
      return;
    }
    while (this.slots.size >= this.maxEntries) {
      this.remove(this.oldest);
      this.events.onEvict?.();
    }
    const slot = this.freeSlots.pop() ?? this.newSlot();
    this.keys[slot] = key;
    this.outcomes[slot] = outcome;
    this.expiries[slot] = expiresAt;
    this.slots.set(key, slot);
    this.link(slot);
  }

  /**
   * Expired entries are otherwise only dropped when looked up or evicted: tokens seen once (most of them — kubectl
   * signs a new one every few minutes) would keep the cache at its size bound.
   */
  private sweepExpired(): void {
    const now = this.now();
    if (now - this.lastSweep < SWEEP_EVERY_MS) return;
    this.lastSweep = now;
    for (let slot = 0; slot < this.highWater; slot++) {
      if (this.keys[slot] !== undefined && this.expiries[slot] <= now) this.remove(slot);
    }
  }

  /** Removes the entry of `key` and returns it (outcome and expiry), unless it is absent or expired. */
  take(key: string): { readonly outcome: CachedOutcome; readonly expiresAt: number } | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    const outcome = this.outcomes[slot]!;
    const expiresAt = this.expiries[slot];
    this.remove(slot);
    return expiresAt > this.now() ? { outcome, expiresAt } : undefined;
  }

  delete(key: string): void {
    const slot = this.slots.get(key);
    if (slot !== undefined) this.remove(slot);
  }

  clear(): void {
    this.slots.clear();
    this.keys = [];
    this.outcomes = [];
    this.expiries = new Float64Array(0);
    this.olderOf = new Int32Array(0);
    this.newerOf = new Int32Array(0);
    this.freeSlots.length = 0;
    this.highWater = 0;
    this.oldest = this.newest = NONE;
  }

  /** A slot never used yet, growing the typed arrays (doubling, up to the bound) when they are full. */
  private newSlot(): number {
    const slot = this.highWater++;
    if (slot >= this.expiries.length) {
      const length = Math.min(Math.max(INITIAL_SLOTS, this.expiries.length * 2), this.maxEntries);
      this.expiries = grown(this.expiries, new Float64Array(length));
      this.olderOf = grown(this.olderOf, new Int32Array(length));
      this.newerOf = grown(this.newerOf, new Int32Array(length));
    }
    return slot;
  }

  private remove(slot: number): void {
    this.slots.delete(this.keys[slot]!);
    this.unlink(slot);
    this.keys[slot] = undefined;
    this.outcomes[slot] = undefined;
    this.freeSlots.push(slot);
  }

  private makeNewest(slot: number): void {
    if (slot === this.newest) return;
    this.unlink(slot);
    this.link(slot);
  }

  /** Links `slot` as the most recently used. */
  private link(slot: number): void {
    this.olderOf[slot] = this.newest;
    this.newerOf[slot] = NONE;
    if (this.newest !== NONE) this.newerOf[this.newest] = slot;
    else this.oldest = slot;
    this.newest = slot;
  }

  private unlink(slot: number): void {
    const older = this.olderOf[slot];
    const newer = this.newerOf[slot];
    if (older !== NONE) this.newerOf[older] = newer;
    else this.oldest = newer;
    if (newer !== NONE) this.olderOf[newer] = older;
    else this.newest = older;
  }
}

function grown<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
