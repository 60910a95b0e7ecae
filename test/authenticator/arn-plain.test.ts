/**
 * The plain-IAM-ARN fast path (authenticator/arn-plain.ts) never changes what `classifyArn` and `stripPath` return or
 * throw: on random ARNs built around the edges of its shape (partitions, region, account, resource type, path, `:`,
 * spaces, non-ASCII...), each answers exactly as the same function with the fast path switched off.
 */
import fc from 'fast-check';
import * as arn from '../../authenticator/arn';
import { plainIamPrincipalType } from '../../authenticator/arn-plain';

/** arn.ts loaded again with the fast path switched off: the full parse only. */
let full!: typeof arn;
jest.isolateModules(() => {
  jest.doMock('../../authenticator/arn-plain', () => ({ plainIamPrincipalType: () => undefined }));
  full = jest.requireActual<typeof arn>('../../authenticator/arn');
});

type Outcome = { ok: true; value: unknown } | { ok: false; error: string };
function outcome(f: () => unknown): Outcome {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, error: `${(e as Error).name}: ${(e as Error).message}` };
  }
}

const mostly = <T>(usual: fc.Arbitrary<T>, edges: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: usual }, { weight: 1, arbitrary: edges });
const segment = mostly(fc.stringMatching(/^[\w+=,.@-]{0,8}$/), fc.constantFrom('', ':', ' ', 'a b', 'é', 'x:y', '\t', '\n', '/', '//', '~', '!', '*'));
const candidate = fc
  .record({
    prefix: mostly(fc.constant('arn'), fc.constantFrom('ARN', 'arn ', '', 'arnx')),
    partition: mostly(fc.constantFrom('aws', 'aws-cn', 'aws-us-gov', 'aws-iso-b', 'aws-eusc'), fc.constantFrom('', 'AWS', 'aws-x', 'awscn', 'aws ', 'aws-iso-z')),
    service: mostly(fc.constant('iam'), fc.constantFrom('sts', 'IAM', 's3', '')),
    region: mostly(fc.constant(''), fc.constantFrom('us-east-1', ' ', 'x')),
    account: mostly(fc.constantFrom('111122223333', '012345678901'), fc.constantFrom('', '1', '1111222233334', 'abcdefghijkl', ' 111122223333', '11112222333a')),
    type: mostly(fc.constantFrom('role', 'user'), fc.constantFrom('root', 'Role', 'assumed-role', 'federated-user', 'group', 'roles', '')),
    path: fc.array(segment, { maxLength: 3 }),
    sep: mostly(fc.constant('/'), fc.constantFrom('', ':', '//')),
    trail: mostly(fc.constant(''), fc.constantFrom(' ', '\n', ':', '/', ':x', '\u00a0')),
  })
  .map((a) => `${a.prefix}:${a.partition}:${a.service}:${a.region}:${a.account}:${a.type}${a.sep}${a.path.join('/')}${a.trail}`);

test('classifyArn and stripPath answer as the full parse does, fast path or not', () => {
  let plain = 0;
  let other = 0;
  fc.assert(
    fc.property(candidate, (s) => {
      if (plainIamPrincipalType(s) !== undefined) plain++;
      else other++;
      expect(outcome(() => arn.classifyArn(s))).toStrictEqual(outcome(() => full.classifyArn(s)));
      expect(outcome(() => arn.stripPath(s))).toStrictEqual(outcome(() => full.stripPath(s)));
    }),
    { numRuns: 5000 },
  );
  // Both sides of the shape's edge were exercised.
  expect(plain).toBeGreaterThan(500);
  expect(other).toBeGreaterThan(500);
});

test('the shape: a known partition, iam, no region, a 12-digit account, user or role, no colon or space in the resource', () => {
  expect(plainIamPrincipalType('arn:aws:iam::111122223333:role/a/b/c')).toBe('role');
  expect(plainIamPrincipalType('arn:aws-cn:iam::111122223333:user/u')).toBe('user');
  expect(plainIamPrincipalType('arn:aws:iam::111122223333:user/role/x')).toBe('user');
  for (const s of [
    'arn:aws:sts::111122223333:assumed-role/r/s', 'arn:aws:iam::111122223333:root', 'arn:aws:iam:us-east-1:111122223333:role/r',
    'arn:aws:iam::1111222233:role/r', 'arn:aws:iam::111122223333:role/a:b', 'arn:aws:iam::111122223333:role/a b',
    'arn:aws:iam::111122223333:role/r ', 'arn:awsx:iam::111122223333:role/r', 'arn:aws:iam::111122223333:role',
  ]) {
    expect(plainIamPrincipalType(s)).toBeUndefined();
  }
});
