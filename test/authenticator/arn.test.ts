/** ARN canonicalization, stripPath and ArnLike against the reference's tables (test/conformance/arn-*.json). */
import canon from '../conformance/arn-canonicalize.json';
import like from '../conformance/arn-like.json';
import { arnLike, canonicalizeArn, classifyArn, InvalidArnError, isAccountId, parseArn, PrincipalKind, stripPath } from '../../authenticator/arn';

interface Row {
  arn: string;
  expected?: string;
  error?: boolean | string;
}

describe('canonicalizeArn', () => {
  test.each((canon.canonicalize as Row[]).map((r) => [r.arn, r] as const))('%s', (_arn, r) => {
    if (r.error) {
      expect(() => canonicalizeArn(r.arn)).toThrow(InvalidArnError);
      if (typeof r.error === 'string') expect(() => canonicalizeArn(r.arn)).toThrow(r.error);
    } else {
      expect(canonicalizeArn(r.arn)).toBe(r.expected);
    }
  });

  test('classifies principals', () => {
    expect(classifyArn('arn:aws:sts::1:assumed-role/A/s').type).toBe(PrincipalKind.ASSUMED_ROLE);
    expect(classifyArn('arn:aws:iam::1:role/A').type).toBe(PrincipalKind.ROLE);
    expect(classifyArn('arn:aws:iam::1:user/A').type).toBe(PrincipalKind.USER);
    expect(classifyArn('arn:aws:iam::1:root').type).toBe(PrincipalKind.ACCOUNT);
    expect(classifyArn('arn:aws:sts::1:federated-user/A').type).toBe(PrincipalKind.FEDERATED_USER);
  });

  test('the invalid-ARN message quotes the input as the reference does', () => {
    expect(() => canonicalizeArn('arn')).toThrow("arn 'arn' is invalid: arn: invalid prefix");
    expect(() => canonicalizeArn('arn:aws:iam')).toThrow('not enough sections');
  });
});

describe('stripPath', () => {
  test.each((canon.stripPath as Row[]).map((r) => [r.arn, r] as const))('%s', (_arn, r) => {
    if (r.error) expect(() => stripPath(r.arn)).toThrow(InvalidArnError);
    else expect(stripPath(r.arn)).toBe(r.expected);
  });
});

describe('parseArn', () => {
  test('keeps colons in the resource', () => {
    expect(parseArn('arn:aws:testservice::000000000000:some/wacky:resource')).toEqual({
      partition: 'aws',
      service: 'testservice',
      region: '',
      accountId: '000000000000',
      resource: 'some/wacky:resource',
    });
  });
});

describe('arnLike', () => {
  interface LikeRow {
    arn: string;
    pattern: string;
    match?: boolean;
    error?: string;
  }
  test.each((like.cases as LikeRow[]).map((r) => [r.arn, r.pattern, r] as const))('%s ~ %s', (_a, _p, r) => {
    if (r.error) {
      expect(() => arnLike(r.arn, r.pattern)).toThrow(InvalidArnError);
      // upstream compares case-insensitively ("Could not parse ArnLike string")
      expect(() => arnLike(r.arn, r.pattern)).toThrow(new RegExp(r.error.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i'));
    } else {
      expect(arnLike(r.arn, r.pattern)).toBe(r.match);
    }
  });
});

describe('isAccountId (the one account-id rule: aws-auth rows, the model, the analysis, --account)', () => {
  it.each([
    ['012345678901', true],
    ['111122223333', true],
    ['12345678901', false],
    ['1234567890123', false],
    [' 111122223333', false],
    ['11112222333a', false],
    ['١١١١٢٢٢٢٣٣٣٣', false], // Arabic-Indic digits are not account ids
    ['', false],
  ])('%j → %s', (value, expected) => {
    expect(isAccountId(value)).toBe(expected);
  });
});
