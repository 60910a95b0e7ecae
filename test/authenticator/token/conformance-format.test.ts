/**
 * The reference's pre-STS verifier table (test/conformance/token-verifier-format.json) plus our stricter rows. Rows
 * that must succeed reach a local HTTPS server standing in for STS (it answers "user Alice" like the upstream mock).
 */
import vectors from '../../conformance/token-verifier-format.json';
import { FormatError, verifyToken, VerifyOptions } from '../../../authenticator';
import { amzDate, LocalSts, startLocalSts, toToken } from './local-sts-server';

interface FormatCase {
  name: string;
  reference?: boolean;
  partition?: string;
  url?: string;
  token?: string | { repeat: string; count: number };
  options?: Partial<VerifyOptions>;
  error?: string;
  ok?: boolean;
}

function tokenOf(c: FormatCase, now: string): string {
  if (typeof c.token === 'string') return c.token;
  if (c.token) return c.token.repeat.repeat(c.token.count);
  return toToken(c.url!.split('{{NOW}}').join(now));
}

let sts: LocalSts;
beforeAll(async () => {
  sts = await startLocalSts();
  sts.setReply({
    status: 200,
    body: { GetCallerIdentityResponse: { GetCallerIdentityResult: { Arn: 'arn:aws:iam::123456789012:user/Alice', Account: '123456789012', UserId: 'Alice' } } },
  });
});
afterAll(() => sts.close());

const cases = vectors.cases as FormatCase[];

test('the table holds the upstream rows and our stricter ones', () => {
  expect(cases.filter((c) => c.reference !== false).length).toBe(22);
  expect(cases.filter((c) => c.reference === false).length).toBeGreaterThan(15);
});

test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
  const options: VerifyOptions = {
    clusterId: 'test-cluster',
    partition: c.partition,
    stsConnectTo: sts.connectTo,
    stsCaPem: sts.caPem,
    ...c.options,
  };
  const result = verifyToken(tokenOf(c, amzDate()), options);
  if (c.ok) {
    await expect(result).resolves.toMatchObject({ arn: 'arn:aws:iam::123456789012:user/Alice', userId: 'Alice' });
  } else {
    await expect(result).rejects.toBeInstanceOf(FormatError);
    await expect(result).rejects.toThrow(c.error!);
  }
});

test('format errors never reach STS', async () => {
  const before = sts.requests.length;
  await Promise.allSettled(cases.filter((c) => !c.ok).map((c) => verifyToken(tokenOf(c, amzDate()), { clusterId: 'c', stsConnectTo: sts.connectTo, stsCaPem: sts.caPem })));
  expect(sts.requests.length).toBe(before);
});
