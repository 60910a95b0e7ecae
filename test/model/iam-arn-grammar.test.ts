/**
 * The one IAM principal-ARN grammar (authenticator/arn.ts): partition, 12-digit account, IAM name character set and
 * length, path rules (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). A malformed
 * principal ARN is a synth error naming the principal and the field, never a `PrincipalArn` written verbatim.
 */
import { checkIamPrincipalArn, isServiceLinkedRole, parseIamArn, ssoPermissionSetOf } from '../../authenticator/arn';
import { AccessModel, AccessPolicy, validateModel } from '../../lib/model';
import { accessOn, newStack } from '../aws/fixtures';

const VIEW = AccessPolicy.AMAZON_EKS_VIEW_POLICY;
const MALFORMED: Array<[string, string, RegExp]> = [
  ['short account', 'arn:aws:iam::1111:role/X', /account '1111', which is not a 12-digit AWS account id/],
  ['letter in account', 'arn:aws:iam::11112222333a:role/X', /account '11112222333a', which is not a 12-digit AWS account id/],
  ['trailing space', 'arn:aws:iam::111122223333:role/Admin ', /IAM role name 'Admin ' is invalid: 1-64 characters/],
  ['space in name', 'arn:aws:iam::111122223333:role/a b', /IAM role name 'a b' is invalid/],
  ['trailing newline', 'arn:aws:iam::111122223333:role/Admin\n', /IAM role name 'Admin\n' is invalid/],
  ['65-character name', `arn:aws:iam::111122223333:role/${'r'.repeat(65)}`, /is invalid: 1-64 characters/],
  ['empty name', 'arn:aws:iam::111122223333:role/', /IAM role name '' is invalid/],
  ['empty path segment', 'arn:aws:iam::111122223333:role/a//b', /IAM path '\/a\/\/' is invalid/],
  ['unknown partition', 'arn:aws-moon:iam::111122223333:role/X', /partition 'aws-moon', which is not an AWS partition/],
];

describe('the IAM principal ARN grammar', () => {
  it.each(MALFORMED)('refuses a %s', (_what, arn, problem) => {
    expect(parseIamArn(arn)).toBeUndefined();
    expect(checkIamPrincipalArn(arn)).toMatch(problem);
  });

  it('accepts names at the limits and paths', () => {
    expect(parseIamArn(`arn:aws:iam::011122223333:role/team/a.b/${'r'.repeat(64)}`)).toEqual({
      partition: 'aws', accountId: '011122223333', resourceType: 'role', path: '/team/a.b/', name: 'r'.repeat(64),
    });
    expect(parseIamArn('arn:aws-cn:iam::111122223333:user/a+b=c,d.e@f_g-h')?.name).toBe('a+b=c,d.e@f_g-h');
    expect(parseIamArn('arn:aws:iam::111122223333:user/alice', 'role')).toBeUndefined();
  });

  it('knows service-linked roles by path, and by name where the path is gone', () => {
    expect(isServiceLinkedRole('arn:aws:iam::111122223333:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS')).toBe(true);
    expect(isServiceLinkedRole('arn:aws:iam::111122223333:role/AWSServiceRoleForAmazonEKS')).toBe(true);
    expect(isServiceLinkedRole('arn:aws:iam::111122223333:role/ops')).toBe(false);
    expect(isServiceLinkedRole('arn:aws:iam::111122223333:user/AWSServiceRoleForX')).toBe(false);
  });

  it('reads the permission set of an SSO role: everything before the last `_`', () => {
    const sso = (name: string) => ssoPermissionSetOf(parseIamArn(`arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/${name}`)!);
    expect(sso('AWSReservedSSO_Admin_ReadOnly_0123456789abcdef')).toBe('Admin_ReadOnly');
    expect(sso('AWSReservedSSO_Admin_abcdefg')).toBe('Admin');
    expect(sso('AWSReservedSSO_Admin_')).toBeUndefined();
    expect(ssoPermissionSetOf(parseIamArn('arn:aws:iam::111122223333:role/AWSReservedSSO_Admin_abc')!)).toBeUndefined();
  });
});

describe('a malformed imported principal ARN', () => {
  it.each(MALFORMED.slice(0, 5))('(%s) is a validation issue of the principal naming the ARN field', (_what, arn, problem) => {
    const m = new AccessModel({ accountId: '111122223333' });
    m.importRole('ops', arn, { accessPolicies: [VIEW.atClusterScope()] });
    const issues = validateModel(m);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ subject: 'ops', ruleId: 'eks-access:principal-arn' });
    expect(issues[0].message).toMatch(/^principal ARN /);
    expect(issues[0].message).toMatch(problem);
  });

  it.each(MALFORMED.slice(0, 5))('(%s) fails synth instead of reaching PrincipalArn', (_what, arn) => {
    const m = new AccessModel({ accountId: '111122223333' });
    m.importUser('alice', arn.replace(':role/', ':user/'), { accessPolicies: [VIEW.atClusterScope()] });
    expect(() => accessOn(newStack(), m)).toThrow(/Access\/alice: principal ARN '.*' .*\[eks-access:principal-arn\]/s);
  });
});
