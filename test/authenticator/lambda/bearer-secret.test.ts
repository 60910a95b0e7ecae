/**
 * The Lambda's bearer gate on its own: which headers are refused without any read, and how many reads of the secret
 * (each an SSM/Secrets Manager call in production) callers can cause, with a controlled clock.
 */
import { BearerSecret, presentedBearer } from '../../../authenticator/lambda/bearer-secret';

const SECRET = 'the-webhook-secret-0123456789abcdef';

function gate(secrets: string[] | (() => Promise<string>)) {
  let now = 1_000_000;
  const queue = Array.isArray(secrets) ? [...secrets] : undefined;
  const source = new BearerSecret({
    fetch: Array.isArray(secrets) ? async () => (queue!.length > 1 ? queue!.shift()! : queue![0]) : secrets,
    refreshAfterMs: 60_000,
    retryAfterMs: 5_000,
    now: () => now,
  });
  return { source, advance: (ms: number) => (now += ms) };
}

describe('presentedBearer', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    [`Bearer ${SECRET}`, SECRET],
    [`bearer ${SECRET}`, SECRET],
    [`Bearer  ${SECRET}`, undefined],
    [`Basic ${SECRET}`, undefined],
    [SECRET, undefined],
    ['Bearer short', undefined],
    [`Bearer ${SECRET} trailing`, undefined],
    [`Bearer ${'a'.repeat(1025)}`, undefined],
  ])('%j → %j', (header, expected) => {
    expect(presentedBearer(header)).toBe(expected);
  });
});

describe('BearerSecret', () => {
  it('reads the secret once, whatever number of wrong secrets arrive within the refresh interval', async () => {
    const { source, advance } = gate([SECRET]);
    expect(await source.check(SECRET)).toBe('match');
    for (let i = 0; i < 1000; i++) {
      expect(await source.check(`wrong-secret-number-${i}-xxxxxxxx`)).toBe('mismatch');
      advance(10);
    }
    expect(source.fetches).toBe(1);
  });

  it('follows a rotation: a mismatch re-reads a secret older than the refresh interval, once for a burst', async () => {
    const rotated = 'the-rotated-secret-0123456789abcdef';
    const { source, advance } = gate([SECRET, rotated]);
    expect(await source.check(SECRET)).toBe('match');
    advance(61_000);
    const burst = await Promise.all(Array.from({ length: 50 }, () => source.check(rotated)));
    expect(burst.every((v) => v === 'match')).toBe(true);
    expect(source.fetches).toBe(2);
    expect(await source.check(SECRET)).toBe('mismatch');
    expect(source.fetches).toBe(2);
  });

  it('a failed read is remembered for retryAfterMs (no read per request), then tried again', async () => {
    let fail = true;
    let reads = 0;
    const { source, advance } = gate(async () => {
      reads++;
      if (fail) throw new Error('AccessDeniedException');
      return SECRET;
    });
    for (let i = 0; i < 100; i++) await expect(source.check(SECRET)).rejects.toThrow(/AccessDeniedException/);
    expect(reads).toBe(1);
    advance(5_001);
    fail = false;
    expect(await source.check(SECRET)).toBe('match');
    expect(reads).toBe(2);
  });

  it('refuses a configured secret that kube-apiserver could not present as a bearer token', async () => {
    const { source } = gate(['too short']);
    await expect(source.check(SECRET)).rejects.toThrow(/EKS_ACCESS_WEBHOOK_SECRET: must be 16-1024 characters/);
  });
});
