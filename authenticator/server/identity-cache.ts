/**
 * Bounded LRU cache of verification outcomes keyed by sha256(token). A verified identity never outlives its token
 * (the caller passes X-Amz-Date + 15 min as the hard expiry); denials are cached only when configured, briefly.
 * IdentityResolver keeps two: mapped identities, and a small one for denials and not-yet-mapped identities.
 *
 * Deliberate difference from aws-iam-authenticator, which has no result cache and calls STS for every review
 * (https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/server/server.go): a positive cache cuts
 * STS traffic and throttling risk; mappings are re-evaluated on every review.
 */
import { createHash, randomInt } from 'node:crypto';
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
/** Key characters stored per slot, one byte each: a token's key (tokenHash, 64 hex digits) fits. */
const KEY_WIDTH = 64;
/**
 * The tag of a slot whose key did not fit (longer than KEY_WIDTH, or a character above U+00FF): its bytes are the hex
 * SHA-256 of the key. Any other tag is the key's length + 1 (0: a free slot), so a digested key never equals a stored
 * one.
 */
const DIGESTED = 255;

/**
 * FNV-1a over the key's characters (32 bits) from a basis mixed with the cache's random seed: where the key's search
 * starts in the index. Seeded because keys are hashes of tokens anyone can make (a junk signature passes the local
 * checks and its denial may be cached): with a known function, tokens could be ground offline until their keys share
 * one run of the index, and every lookup would walk it.
 */
function hashOf(key: string, seed: number): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h | 0; // as an Int32Array stores it (the offset basis alone, for '', is above 2^31)
}

/** A key as stored (itself when it fits a slot, else its digest, tagged DIGESTED) and its hash, computed once. */
interface StoredKey {
  readonly text: string;
  readonly tag: number;
  readonly hash: number;
}

function storedForm(key: string, seed: number): StoredKey {
  let fits = key.length <= KEY_WIDTH;
  for (let i = 0; fits && i < key.length; i++) fits = key.charCodeAt(i) <= 0xff;
  const text = fits ? key : createHash('sha256').update(key).digest('hex');
  return { text, tag: fits ? key.length + 1 : DIGESTED, hash: hashOf(text, seed) };
}

/**
 * Each entry is a slot: its key's characters, tag and hash, its expiry and its recency links in typed arrays, its
 * outcome in an array; an open-addressing index (linear probing, an Int32Array) takes a key to its slot. So an entry is
 * no object the GC traces: at thousands of new tokens a second every entry lives long enough to be promoted, and each
 * promoted entry is old-generation garbage once evicted. With per-entry objects (an entry object, a boxed expiry,
 * links) V8's major GC came round every few seconds (bench/benches/webhook.ts, unique tokens at c=1); with the key
 * strings in a Map, which were most of what a scavenge promoted at one review at a time (~100 bytes per review,
 * `--trace-gc-nvp`), every ~10 s. Outcomes of identities are shared (IdentityPool).
 *
 * Recency is a doubly linked list through the slots, so a hit only relinks two of them (the Map-as-LRU idiom,
 * re-inserting the key on every hit, cost ~6 µs per hit in a 10,000-entry cache, V8 compacting the table over and
 * over).
 */
export class IdentityCache {
  private count = 0;
  private outcomes: Array<CachedOutcome | undefined> = [];
  private keyChars = new Uint8Array(0);
  /** Per slot: 0 free, else the key's length + 1, or DIGESTED. */
  private tags = new Uint8Array(0);
  private hashes = new Int32Array(0);
  private expiries = new Float64Array(0);
  /** Towards the least / the most recently used. */
  private olderOf = new Int32Array(0);
  private newerOf = new Int32Array(0);
  /** Open addressing: slot + 1 per bucket (0: empty); a power of two, at least twice the slots. */
  private index = new Int32Array(0);
  /** Slots given back (removed entries), reused before the arrays grow. */
  private readonly freeSlots: number[] = [];
  /** Slots handed out so far: the arrays' used length. */
  private highWater = 0;
  private oldest = NONE;
  private newest = NONE;
  private lastSweep: number;
  private readonly seed = randomInt(2 ** 31);

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
    private readonly events: IdentityCacheEvents = {},
  ) {
    this.lastSweep = now();
  }

  get size(): number {
    return this.count;
  }

  get(key: string): CachedOutcome | undefined {
    const slot = this.find(storedForm(key, this.seed));
    if (slot === NONE) return undefined;
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
    const stored = storedForm(key, this.seed);
    const existing = this.find(stored);
    if (existing !== NONE) {
      this.outcomes[existing] = outcome;
      this.expiries[existing] = expiresAt;
      this.makeNewest(existing);
      return;
    }
    while (this.count >= this.maxEntries) {
      this.remove(this.oldest);
      this.events.onEvict?.();
    }
    const slot = this.freeSlots.pop() ?? this.newSlot();
    const { text, tag } = stored;
    const at = slot * KEY_WIDTH;
    for (let i = 0; i < text.length; i++) this.keyChars[at + i] = text.charCodeAt(i);
    this.tags[slot] = tag;
    this.hashes[slot] = stored.hash;
    this.outcomes[slot] = outcome;
    this.expiries[slot] = expiresAt;
    this.insert(slot);
    this.count++;
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
      if (this.tags[slot] !== 0 && this.expiries[slot] <= now) this.remove(slot);
    }
  }

  /** Removes the entry of `key` and returns it (outcome and expiry), unless it is absent or expired. */
  take(key: string): { readonly outcome: CachedOutcome; readonly expiresAt: number } | undefined {
    const slot = this.find(storedForm(key, this.seed));
    if (slot === NONE) return undefined;
    const outcome = this.outcomes[slot]!;
    const expiresAt = this.expiries[slot];
    this.remove(slot);
    return expiresAt > this.now() ? { outcome, expiresAt } : undefined;
  }

  delete(key: string): void {
    const slot = this.find(storedForm(key, this.seed));
    if (slot !== NONE) this.remove(slot);
  }

  clear(): void {
    this.count = 0;
    this.outcomes = [];
    this.keyChars = new Uint8Array(0);
    this.tags = new Uint8Array(0);
    this.hashes = new Int32Array(0);
    this.expiries = new Float64Array(0);
    this.olderOf = new Int32Array(0);
    this.newerOf = new Int32Array(0);
    this.index = new Int32Array(0);
    this.freeSlots.length = 0;
    this.highWater = 0;
    this.oldest = this.newest = NONE;
  }

  /** The slot holding `stored`, or NONE. */
  private find(stored: StoredKey): number {
    const index = this.index;
    if (index.length === 0) return NONE;
    const { text, tag, hash } = stored;
    const mask = index.length - 1;
    for (let b = hash & mask; ; b = (b + 1) & mask) {
      const slot = index[b] - 1;
      if (slot < 0) return NONE;
      if (this.hashes[slot] === hash && this.tags[slot] === tag && this.keyIs(slot, text)) return slot;
    }
  }

  private keyIs(slot: number, text: string): boolean {
    const at = slot * KEY_WIDTH;
    for (let i = 0; i < text.length; i++) if (this.keyChars[at + i] !== text.charCodeAt(i)) return false;
    return true;
  }

  /** Puts `slot` (its hash set) into the index. */
  private insert(slot: number): void {
    const mask = this.index.length - 1;
    let b = this.hashes[slot] & mask;
    while (this.index[b] !== 0) b = (b + 1) & mask;
    this.index[b] = slot + 1;
  }

  /** Takes `slot` out of the index, moving back the entries after it that may no longer be found (linear probing). */
  private unindex(slot: number): void {
    const index = this.index;
    const mask = index.length - 1;
    let hole = this.hashes[slot] & mask;
    while (index[hole] !== slot + 1) hole = (hole + 1) & mask;
    for (let b = (hole + 1) & mask; index[b] !== 0; b = (b + 1) & mask) {
      const home = this.hashes[index[b] - 1] & mask;
      // The entry at b stays if its home lies cyclically in (hole, b]: its search starts after the hole.
      if (hole <= b ? hole < home && home <= b : hole < home || home <= b) continue;
      index[hole] = index[b];
      hole = b;
    }
    index[hole] = 0;
  }

  /** A slot never used yet, growing the arrays (doubling, up to the bound) and the index when they are full. */
  private newSlot(): number {
    const slot = this.highWater++;
    if (slot >= this.expiries.length) {
      const length = Math.min(Math.max(INITIAL_SLOTS, this.expiries.length * 2), this.maxEntries);
      this.keyChars = grown(this.keyChars, new Uint8Array(length * KEY_WIDTH));
      this.tags = grown(this.tags, new Uint8Array(length));
      this.hashes = grown(this.hashes, new Int32Array(length));
      this.expiries = grown(this.expiries, new Float64Array(length));
      this.olderOf = grown(this.olderOf, new Int32Array(length));
      this.newerOf = grown(this.newerOf, new Int32Array(length));
      let buckets = 1;
      while (buckets < length * 2) buckets *= 2;
      if (buckets !== this.index.length) {
        this.index = new Int32Array(buckets);
        for (let s = 0; s < slot; s++) if (this.tags[s] !== 0) this.insert(s);
      }
    }
    return slot;
  }

  private remove(slot: number): void {
    this.unindex(slot);
    this.unlink(slot);
    this.tags[slot] = 0;
    this.outcomes[slot] = undefined;
    this.count--;
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

function grown<T extends Float64Array | Int32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
