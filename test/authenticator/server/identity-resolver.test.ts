/**
 * Unit tests of the resolver's bookkeeping (cache expiry, LRU bound, single-flight, retry policy) with a scripted
 * verifier, because exact clocks and failure sequences cannot be forced on real STS. The same behaviour against the
 * real verifier and the STS stand-in is covered by webhook-server.test.ts.
 */
import { FormatError, STSError, STSThrottling } from '../../../authenticator/errors';
import type { Identity } from '../../../authenticator/identity';
import { IdentityPool } from '../../../authenticator/server/identity-pool';
import { IdentityResolver, IdentityResolverOptions } from '../../../authenticator/server/identity-resolver';
import { WebhookMetrics } from '../../../authenticator/server/metrics';
import { tokenHash } from '../../../authenticator/server/token-facts';
import { waitUntil } from '../../../harness/net';

const identity: Identity = {
  arn: 'arn:aws:iam::111122223333:user/alice', canonicalArn: 'arn:aws:iam::111122223333:user/alice',
  accountId: '111122223333', userId: 'AIDAEXAMPLE', sessionName: '', accessKeyId: 'AKIAEXAMPLE',
  stsEndpoint: 'sts.us-east-1.amazonaws.com',
};

function tokenSignedAt(date: Date, salt = ''): string {
  const amz = date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const url = `https://sts.us-east-1.amazonaws.com/?Action=GetCallerIdentity&X-Amz-Date=${amz}&X-Amz-Signature=${salt}`;
  return `k8s-aws-v1.${Buffer.from(url).toString('base64url')}`;
}

function scripted(outcomes: Array<Identity | Error>) {
  const calls: string[] = [];
  return {
    calls,
    verifier: {
      async verify(token: string) {
        calls.push(token);
        const next = outcomes.length > 1 ? outcomes.shift()! : outcomes[0];
        if (next instanceof Error) throw next;
        return next;
      },
    },
  };
}

function resolver(verifier: IdentityResolverOptions['verifier'], extra: Partial<IdentityResolverOptions> = {}) {
  return new IdentityResolver({
    verifier, attemptTimeoutMs: 1000, maxConcurrent: 4, maxRetries: 2, retryBaseMs: 1, retryMaxMs: 5,
    cacheMaxEntries: 100, cacheTtlSeconds: 300, denialTtlSeconds: 0, ...extra,
  });
}

const never = new AbortController().signal;

describe('IdentityResolver', () => {
  it('bounds an STS attempt with one timer, not AbortSignal.timeout + AbortSignal.any per attempt', async () => {
    // Seen in a CPU profile of the loaded server: the per-attempt composite signals (weak references, GC) cost ~4%.
    const any = jest.spyOn(AbortSignal, 'any');
    const timeout = jest.spyOn(AbortSignal, 'timeout');
    try {
      const r = resolver(scripted([identity]).verifier);
      await expect(r.resolve(tokenSignedAt(new Date(), 'one-timer'), never)).resolves.toBe(identity);
      const slow = resolver({ verify: () => new Promise<Identity>(() => {}) }, { attemptTimeoutMs: 20, maxRetries: 0 });
      await expect(slow.resolve(tokenSignedAt(new Date(), 'slow'), never)).rejects.toThrow('STS did not answer within 20 ms');
      expect(any).not.toHaveBeenCalled();
      expect(timeout).not.toHaveBeenCalled();
    } finally {
      any.mockRestore();
      timeout.mockRestore();
    }
  });

  it('caches an identity no longer than X-Amz-Date + 15 min, even with a longer ttl', async () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const s = scripted([identity]);
    const r = resolver(s.verifier, { now: () => now, cacheTtlSeconds: 900 });
    const token = tokenSignedAt(new Date(now - 10 * 60 * 1000)); // signed 10 min ago: 5 min left
    await r.resolve(token, never);
    now += 4 * 60 * 1000;
    await r.resolve(token, never);
    expect(s.calls).toHaveLength(1);
    now += 2 * 60 * 1000; // past X-Amz-Date + 15 min
    await r.resolve(token, never);
    expect(s.calls).toHaveLength(2);
  });

  it('bounds the cache (LRU) and counts hits, misses and evictions', async () => {
    const metrics = new WebhookMetrics({ defaultMetrics: false });
    const s = scripted([identity]);
    const r = resolver(s.verifier, { cacheMaxEntries: 2, metrics });
    const [a, b, c] = ['a', 'b', 'c'].map((salt) => tokenSignedAt(new Date(), salt));
    // As the review does: every identity is mapped (confirmed).
    for (const t of [a, b, a, c, a, b]) r.confirm(t, await r.resolve(t, never));
    // a miss, b miss, a hit, c miss (evicts b), a hit, b miss (evicts c)
    expect(s.calls).toEqual([a, b, c, b]);
    expect(r.cache.size).toBe(2);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/eks_access_webhook_identity_cache_hits_total\{kind="identity"\} 2/);
    expect(text).toMatch(/eks_access_webhook_identity_cache_misses_total 4/);
    expect(text).toMatch(/eks_access_webhook_identity_cache_evictions_total\{cache="identity"\} 2/);
    // Sizes are read when scraped.
    expect(text).toMatch(/eks_access_webhook_identity_cache_entries\{cache="identity"\} 2/);
    expect(text).toMatch(/eks_access_webhook_identity_cache_entries\{cache="denial"\} 0/);
    r.cache.clear();
    expect(await metrics.registry.metrics()).toMatch(/eks_access_webhook_identity_cache_entries\{cache="identity"\} 0/);
  });

  it('keeps unmapped identities and denials in their own small LRU: they never evict mapped identities', async () => {
    const metrics = new WebhookMetrics({ defaultMetrics: false });
    let calls = 0;
    const forged = new STSError('denied', 403);
    const r = resolver({
      async verify(token: string) {
        calls++;
        if (Buffer.from(token.slice('k8s-aws-v1.'.length), 'base64url').toString().endsWith('forged')) throw forged;
        return identity;
      },
    }, { cacheMaxEntries: 2, denialMaxEntries: 3, denialTtlSeconds: 30, metrics });
    const [a, b] = ['a', 'b'].map((salt) => tokenSignedAt(new Date(), salt));
    for (const t of [a, b]) r.confirm(t, await r.resolve(t, never));
    // A flood of valid-but-unmapped tokens (never confirmed) and of forged ones.
    for (let i = 0; i < 20; i++) {
      await r.resolve(tokenSignedAt(new Date(), `unmapped${i}`), never);
      await expect(r.resolve(tokenSignedAt(new Date(), `${i}forged`), never)).rejects.toBe(forged);
    }
    const before = calls;
    await r.resolve(a, never);
    await r.resolve(b, never);
    expect(calls).toBe(before); // both still cached
    expect(r.cache.size).toBe(2);
    expect(r.denials.size).toBe(3);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/eks_access_webhook_identity_cache_evictions_total\{cache="denial"\} 37/);
    expect(text).not.toMatch(/eks_access_webhook_identity_cache_evictions_total\{cache="identity"\}/);
  });

  it('an unmapped identity is cached in the small LRU (no STS call on repeat) and moves up once mapped', async () => {
    const s = scripted([identity]);
    const r = resolver(s.verifier);
    const token = tokenSignedAt(new Date(), 'later-mapped');
    await r.resolve(token, never);
    await r.resolve(token, never);
    expect(s.calls).toHaveLength(1);
    expect([r.cache.size, r.denials.size]).toEqual([0, 1]);
    r.confirm(token, await r.resolve(token, never));
    expect([r.cache.size, r.denials.size]).toEqual([1, 0]);
  });

  it('checks a token once per STS call (verifyChecked gets what check returned) and answers a hit from cached()', async () => {
    const checks: string[] = [];
    const checked: unknown[] = [];
    const r = resolver({
      verify: async () => { throw new Error('verify is not used when verifyChecked exists'); },
      check: (token: string) => { checks.push(token); return { parsedFrom: token }; },
      verifyChecked: async (parsed: unknown) => { checked.push(parsed); return identity; },
    });
    const token = tokenSignedAt(new Date(), 'once');
    expect(r.cached(tokenHash(token))).toBeUndefined();
    const got = await r.resolve(token, never);
    expect([checks, checked]).toEqual([[token], [{ parsedFrom: token }]]);
    r.confirm(token, got);
    expect(r.cached(tokenHash(token))).toEqual(identity);
    expect(checks).toHaveLength(1);
  });

  it('runs the format check before any slot: with STS hanging and every slot taken, junk is refused at once', async () => {
    const hang = new Promise<Identity>(() => {});
    const verify = jest.fn(() => hang);
    const r = resolver({
      verify,
      check(token: string) {
        if (!token.startsWith('k8s-aws-v1.')) throw new FormatError('input token was not properly formatted');
      },
    }, { maxConcurrent: 1 });
    void r.resolve(tokenSignedAt(new Date(), 'holds-the-slot'), never).catch(() => {});
    await new Promise((res) => setImmediate(res));
    expect(verify).toHaveBeenCalledTimes(1);
    // No deadline (`never`): before the fix this waited for the slot for ever.
    const junk = await Promise.allSettled(Array.from({ length: 300 }, (_, i) => r.resolve(`junk-${i}`, never)));
    expect(junk.every((j) => j.status === 'rejected' && j.reason instanceof FormatError)).toBe(true);
    expect(verify).toHaveBeenCalledTimes(1);
  });

  it('drops expired entries on its own, so memory follows the live entries, not the size bound', async () => {
    let now = Date.UTC(2026, 0, 1, 12, 0, 0);
    const r = resolver(scripted([identity]).verifier, { now: () => now, cacheTtlSeconds: 120 });
    for (let i = 0; i < 50; i++) {
      const t = tokenSignedAt(new Date(now), `once${i}`);
      r.confirm(t, await r.resolve(t, never)); // tokens seen once, as kubectl's
    }
    expect(r.cache.size).toBe(50);
    now += 121_000;
    const t = tokenSignedAt(new Date(now), 'later');
    r.confirm(t, await r.resolve(t, never));
    expect(r.cache.size).toBe(1);
  });

  it('shares one STS call between concurrent reviews of the same token', async () => {
    let release!: () => void;
    const gate = new Promise<void>((res) => (release = res));
    let calls = 0;
    const r = resolver({ verify: async () => { calls++; await gate; return identity; } });
    const token = tokenSignedAt(new Date());
    const all = Promise.all(Array.from({ length: 20 }, () => r.resolve(token, never)));
    release();
    expect(await all).toHaveLength(20);
    expect(calls).toBe(1);
  });

  it('retries throttling, 5xx and connection failures but not format errors or 4xx', async () => {
    const s = scripted([new STSThrottling('slow down'), new STSError('boom', 503), new STSError('reset'), identity]);
    const metrics = new WebhookMetrics({ defaultMetrics: false });
    await expect(resolver(s.verifier, { maxRetries: 3, metrics }).resolve(tokenSignedAt(new Date()), never)).resolves.toBe(identity);
    expect(s.calls).toHaveLength(4);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/eks_access_webhook_sts_retries_total\{reason="throttling"\} 1/);
    expect(text).toMatch(/eks_access_webhook_sts_retries_total\{reason="server_error"\} 1/);
    expect(text).toMatch(/eks_access_webhook_sts_retries_total\{reason="connection"\} 1/);
    expect(text).toMatch(/aws_iam_authenticator_sts_throttling_total\{StsRegion="us-east-1"\} 1/);
    expect(text).toMatch(/aws_iam_authenticator_sts_connection_failures_total\{StsRegion="us-east-1"\} 1/);

    for (const error of [new FormatError('bad'), new STSError('denied', 403)]) {
      const once = scripted([error, identity]);
      await expect(resolver(once.verifier).resolve(tokenSignedAt(new Date()), never)).rejects.toBe(error);
      expect(once.calls).toHaveLength(1);
    }
  });

  it('caches denials only when configured', async () => {
    const token = tokenSignedAt(new Date());
    const off = scripted([new STSError('denied', 403)]);
    const r1 = resolver(off.verifier);
    await expect(r1.resolve(token, never)).rejects.toThrow('denied');
    await expect(r1.resolve(token, never)).rejects.toThrow('denied');
    expect(off.calls).toHaveLength(2);
    const on = scripted([new STSError('denied', 403)]);
    const r2 = resolver(on.verifier, { denialTtlSeconds: 5 });
    await expect(r2.resolve(token, never)).rejects.toThrow('denied');
    await expect(r2.resolve(token, never)).rejects.toThrow('denied');
    expect(on.calls).toHaveLength(1);
  });

  it('bounds concurrent STS calls: a review that gets no slot before its deadline is throttled (429)', async () => {
    let active = 0;
    let peak = 0;
    // Each STS call is held until the test releases it (no guessed latency): the slots fill, and each release lets
    // exactly one waiting call in.
    const held: Array<() => void> = [];
    const r = resolver({
      verify: async () => {
        peak = Math.max(peak, ++active);
        await new Promise<void>((res) => held.push(res));
        active--;
        return identity;
      },
    }, { maxConcurrent: 2 });
    const tokens = ['a', 'b', 'c', 'd', 'e', 'f'].map((salt) => tokenSignedAt(new Date(), salt));
    const all = Promise.all(tokens.map((t) => r.resolve(t, AbortSignal.timeout(5000))));
    await waitUntil('both slots to be taken', () => active === 2);
    for (let released = 0; released < tokens.length; released++) {
      await waitUntil(`call ${released + 1} to hold a slot`, () => held.length > 0);
      expect(active).toBeLessThanOrEqual(2);
      held.shift()!();
    }
    await all;
    expect(peak).toBe(2);
    const blocked = resolver({ verify: () => new Promise<Identity>(() => {}) }, { maxConcurrent: 1, attemptTimeoutMs: 10000, maxRetries: 0 });
    void blocked.resolve(tokenSignedAt(new Date(), 'x'), AbortSignal.timeout(2000)).catch(() => {});
    await expect(blocked.resolve(tokenSignedAt(new Date(), 'y'), AbortSignal.timeout(150))).rejects.toBeInstanceOf(STSThrottling);
  });

  it('gives up at the deadline even if the verifier never answers', async () => {
    const r = resolver({ verify: () => new Promise<Identity>(() => {}) }, { attemptTimeoutMs: 10000 });
    const started = Date.now();
    await expect(r.resolve(tokenSignedAt(new Date()), AbortSignal.timeout(200))).rejects.toBeInstanceOf(STSError);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

test('the facts of a checked token are those read from the token itself (host, X-Amz-Date + 15 min)', async () => {
  const { checkedTokenFacts, readTokenFacts } = await import('../../../authenticator/server/token-facts');
  const { generateToken, TokenVerifier } = await import('../../../authenticator/token');
  const now = new Date(Date.UTC(2026, 11, 7, 1, 2, 3));
  const verifier = new TokenVerifier({ clusterId: 'facts', region: 'eu-west-1', now: () => new Date(now.getTime() + 1000) });
  for (const region of ['us-east-1', 'eu-west-1']) {
    const { token } = await generateToken({ clusterId: 'facts', region, credentials: { accessKeyId: 'AKIAFACTS', secretAccessKey: 's' }, now });
    const checked = verifier.check(token);
    expect(checkedTokenFacts(token, checked)).toEqual(readTokenFacts(token));
    expect(checkedTokenFacts(token, checked).expiresAt).toBe(now.getTime() + 15 * 60_000);
  }
  expect(checkedTokenFacts('k8s-aws-v1.x', undefined)).toEqual(readTokenFacts('k8s-aws-v1.x'));
  await verifier.close?.();
});

describe('IdentityPool (one cached outcome per mapped identity)', () => {
  it('entries of tokens of one identity share one frozen identity, equal to what was verified', async () => {
    const r = resolver(scripted([{ ...identity }]).verifier);
    const [a, b] = ['pool-a', 'pool-b'].map((salt) => tokenSignedAt(new Date(), salt));
    for (const t of [a, b]) r.confirm(t, await r.resolve(t, never));
    const [first, second] = [r.cached(tokenHash(a)), r.cached(tokenHash(b))];
    expect(first).toEqual(identity);
    expect(second).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  it('never shares between identities that differ in any field, even when the key separators are in the values', () => {
    const pool = new IdentityPool(10);
    const one = pool.outcomeOf(identity);
    expect(pool.outcomeOf({ ...identity })).toBe(one);
    for (const field of Object.keys(identity) as Array<keyof Identity>) {
      expect(pool.outcomeOf({ ...identity, [field]: `${identity[field]}x` }).identity[field]).toBe(`${identity[field]}x`);
    }
    // Same key string, other fields: `a\nb` + `c` against `a` + `b\nc`.
    const left = pool.outcomeOf({ ...identity, arn: 'arn:a\nb', userId: 'c' });
    const right = pool.outcomeOf({ ...identity, arn: 'arn:a', userId: 'b\nc' });
    expect([left.identity.arn, right.identity.arn]).toEqual(['arn:a\nb', 'arn:a']);
  });

  it('holds at most its bound (starting afresh when full), and nothing when the cache is off', () => {
    const pool = new IdentityPool(3);
    for (let i = 0; i < 10; i++) pool.outcomeOf({ ...identity, accessKeyId: `AKIA${i}` });
    expect(pool.size).toBeLessThanOrEqual(3);
    const off = new IdentityPool(0);
    off.outcomeOf(identity);
    expect(off.size).toBe(0);
  });
});
