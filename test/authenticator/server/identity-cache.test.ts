/** IdentityCache's LRU against a plain reference model, over random gets, sets, deletes and clears. */
import { CachedOutcome, IdentityCache } from '../../../authenticator/server/identity-cache';
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
