/** IdentityCache's LRU against a plain reference model, over random gets, sets, deletes and clears. */
import { createHash } from 'node:crypto';
import { CachedOutcome, IdentityCache } from '../../../authenticator/server/identity-cache';
import { tokenHash } from '../../../authenticator/server/token-facts';
import type { Identity } from '../../../authenticator/identity';

const outcome = (n: number): CachedOutcome => ({ kind: 'identity', identity: { arn: `arn:${n}` } as Identity });

/** The same policy written the obvious way: an array, least recently used first. */
class ReferenceLru {
  readonly order: string[] = [];
  constructor(private readonly max: number) {}
  get(key: string): boolean {
    const i = this.order.indexOf(key);
    if (i < 0) return false;
    this.order.splice(i, 1);
    this.order.push(key);
    return true;
  }
  set(key: string): void {
    const i = this.order.indexOf(key);
    if (i >= 0) this.order.splice(i, 1);
    this.order.push(key);
    while (this.order.length > this.max) this.order.shift();
  }
  delete(key: string): void {
    const i = this.order.indexOf(key);
    if (i >= 0) this.order.splice(i, 1);
  }
}

test.each([1, 3, 17])('evicts exactly the least recently used entries (bound %i), whatever the sequence', (max) => {
  let seed = 42 + max;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const cache = new IdentityCache(max, () => 0);
  const model = new ReferenceLru(max);
  let evictions = 0;
  const counted = new IdentityCache(max, () => 0, { onEvict: () => evictions++ });
  for (let step = 0; step < 20_000; step++) {
    const key = `k${Math.floor(random() * max * 3)}`;
    const op = random();
    if (op < 0.4) {
      expect(cache.get(key) !== undefined).toBe(model.get(key));
    } else if (op < 0.9) {
      cache.set(key, outcome(step), 1);
      model.set(key);
    } else if (op < 0.95) {
      cache.delete(key);
      model.delete(key);
    } else if (op < 0.995) {
      const present = model.order.includes(key);
      expect(cache.take(key)?.expiresAt).toBe(present ? 1 : undefined);
      model.delete(key);
    } else {
      cache.clear();
      model.order.length = 0;
    }
    expect(cache.size).toBe(model.order.length);
  }
  for (const key of model.order) expect(cache.get(key)).toBeDefined();
  for (let i = 0; i < max + 5; i++) counted.set(`n${i}`, outcome(i), 1);
  expect([counted.size, evictions]).toEqual([max, 5]);
});

test('take returns an entry with its expiry and removes it; an expired one is removed and not returned', () => {
  let now = 0;
  const cache = new IdentityCache(10, () => now);
  cache.set('a', outcome(1), 100);
  cache.set('b', outcome(2), 50);
  expect(cache.take('a')).toEqual({ outcome: outcome(1), expiresAt: 100 });
  expect(cache.take('a')).toBeUndefined();
  now = 60;
  expect(cache.take('b')).toBeUndefined();
  expect(cache.size).toBe(0);
});

/**
 * Keys of every form the cache stores differently: token hashes (what the server uses), short and empty ones, keys too
 * long for a slot or with characters above U+00FF (stored as their digest), and the hex digest of such a key given as
 * a key itself, which must stay a different entry.
 */
function mixedKeys(n: number): string[] {
  const keys = new Set<string>(['']);
  for (let i = 0; keys.size < n; i++) {
    const long = `arn:aws:sts::111122223333:assumed-role/${'r'.repeat(40)}/session-${i}`;
    for (const key of [tokenHash(`k8s-aws-v1.token-${i}`), `k${i}`, long, `ключ-${i}`, createHash('sha256').update(long).digest('hex'), 'x'.repeat(64 + i)]) keys.add(key);
  }
  return [...keys].slice(0, n);
}

test.each([5, 64, 300])('keys of every form, %i entries at most, behave as the reference LRU (growth, probing and removal)', (max) => {
  const keys = mixedKeys(max * 3);
  let seed = 7 + max;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const cache = new IdentityCache(max, () => 0);
  const model = new ReferenceLru(max);
  const stored = new Map<string, number>();
  for (let step = 0; step < 30_000; step++) {
    const key = keys[Math.floor(random() * keys.length)];
    const op = random();
    if (op < 0.35) {
      const hit = cache.get(key);
      expect(hit !== undefined).toBe(model.get(key));
      if (hit) expect(hit).toEqual(outcome(stored.get(key)!));
    } else if (op < 0.85) {
      cache.set(key, outcome(step), 1);
      model.set(key);
      stored.set(key, step);
    } else if (op < 0.999) {
      cache.delete(key);
      model.delete(key);
    } else {
      cache.clear();
      model.order.length = 0;
    }
    expect(cache.size).toBe(model.order.length);
  }
  for (const key of model.order) expect(cache.get(key)).toEqual(outcome(stored.get(key)!));
});

test('a key too long for a slot and the hex digest of that key given as a key are two entries', () => {
  const long = 'a'.repeat(100);
  const digest = createHash('sha256').update(long).digest('hex');
  const cache = new IdentityCache(10, () => 0);
  cache.set(long, outcome(1), 1);
  expect(cache.get(digest)).toBeUndefined();
  cache.set(digest, outcome(2), 1);
  expect([cache.get(long), cache.get(digest), cache.size]).toEqual([outcome(1), outcome(2), 2]);
});

test('expired entries are swept on a later set, keeping every live one findable', () => {
  let now = 0;
  const cache = new IdentityCache(1000, () => now);
  const keys = mixedKeys(600);
  keys.forEach((key, i) => cache.set(key, outcome(i), i % 2 === 0 ? 5_000 : 60_000));
  now = 20_000; // past the sweep interval and the even keys' expiry
  cache.set('trigger', outcome(-1), 60_000);
  expect(cache.size).toBe(300 + 1);
  keys.forEach((key, i) => expect(cache.get(key)).toEqual(i % 2 === 0 ? undefined : outcome(i)));
});
