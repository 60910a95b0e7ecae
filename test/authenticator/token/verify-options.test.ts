/** VerifyOptions knobs: injected clock, expiry boundary, future skew, token size, option validation. */
import { FormatError, TokenVerifier, VerifyOptions } from '../../../authenticator';
import { amzDate, toToken } from './local-sts-server';

const SIGNED = new Date('2026-01-01T00:00:00Z');
const tokenAt = (d: Date) =>
  toToken(`https://sts.amazonaws.com/?Action=GetCallerIdentity&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Date=${amzDate(d)}&X-Amz-Expires=60`);

function check(token: string, opts: Partial<VerifyOptions>) {
  const v = new TokenVerifier({ clusterId: 'c', ...opts });
  try {
    return v.check(token);
  } finally {
    v.close();
  }
}

test('a token is valid up to exactly 15 minutes after X-Amz-Date and expired one second later', () => {
  const at = (ms: number) => () => new Date(SIGNED.getTime() + ms);
  expect(check(tokenAt(SIGNED), { now: at(15 * 60_000) }).signedAt).toEqual(SIGNED);
  expect(() => check(tokenAt(SIGNED), { now: at(15 * 60_000 + 1000) })).toThrow('X-Amz-Date parameter is expired (15 minute expiration) 2026-01-01T00:00:00.000Z');
});

test('X-Amz-Date in the future is accepted within the skew (default 300 s) and refused beyond it', () => {
  const now = () => SIGNED;
  expect(check(tokenAt(new Date(SIGNED.getTime() + 300_000)), { now }).host).toBe('sts.amazonaws.com');
  expect(() => check(tokenAt(new Date(SIGNED.getTime() + 301_000)), { now })).toThrow('is more than 300 s in the future');
  expect(() => check(tokenAt(new Date(SIGNED.getTime() + 10_000)), { now, maxFutureSkewSeconds: 5 })).toThrow('more than 5 s in the future');
});

test('maxTokenBytes counts bytes, not characters, and is checked before anything else', () => {
  const token = tokenAt(new Date());
  expect(() => check(token, { maxTokenBytes: token.length - 1 })).toThrow(`token is too large (limit ${token.length - 1} bytes)`);
  expect(check(token, { maxTokenBytes: token.length }).host).toBe('sts.amazonaws.com');
  expect(() => check('é'.repeat(9000), {})).toThrow('token is too large');
  expect(() => check('é'.repeat(9000), {})).toThrow(FormatError);
});

test('a non-string token is a FormatError, not a TypeError', () => {
  expect(() => check(undefined as unknown as string, {})).toThrow('token must be a string');
});

test.each([
  [{ clusterId: '' }, 'VerifyOptions.clusterId is required'],
  [{ clusterId: 'a\nb' }, 'VerifyOptions.clusterId must not contain control characters'],
  [{ clusterId: 'c', maxTokenBytes: -1 }, 'VerifyOptions.maxTokenBytes must be a non-negative number'],
  [{ clusterId: 'c', timeoutMs: Number.NaN }, 'VerifyOptions.timeoutMs'],
  [{ clusterId: 'c', stsConnectTo: 'nope' }, 'stsConnectTo must be HOST:PORT'],
])('bad options %j are refused at construction: %s', (opts, message) => {
  expect(() => new TokenVerifier(opts as VerifyOptions)).toThrow(message);
});

test('the configured region extends the allow-list of its partition only', () => {
  const t = toToken(`https://sts.xx-new-1.amazonaws.com/?Action=GetCallerIdentity&X-Amz-SignedHeaders=x-k8s-aws-id&X-Amz-Date=${amzDate()}&X-Amz-Expires=60`);
  expect(() => check(t, {})).toThrow('unexpected hostname "sts.xx-new-1.amazonaws.com"');
  expect(check(t, { region: 'xx-new-1' }).host).toBe('sts.xx-new-1.amazonaws.com');
  expect(() => check(t, { region: 'xx-new-1', partition: 'aws-cn' })).toThrow(FormatError);
});
