/** Property: whatever valid rows we encode as aws-auth ConfigMap data parse back to the same rows, without errors. */
import fc from 'fast-check';
import { encodeAwsAuth, parseAwsAuth, RoleMapping, UserMapping } from '../../../authenticator/mapper';

const account = fc.stringMatching(/^[0-9]{12}$/);
const name = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,40}$/);
// Usernames and groups: printable text that may look like YAML (numbers, booleans, colons, #, quotes, templates).
const text = fc.oneof(
  fc.stringMatching(/^[ -~]{1,30}$/).filter((s) => s.trim() === s && s.length > 0),
  fc.constantFrom('true', 'null', '012', '1e3', 'system:node:{{EC2PrivateDNSName}}', 'a: b', '- x', '#c', "it's", '"q"', '{{SessionName}}'),
);
const role: fc.Arbitrary<RoleMapping> = fc.oneof(
  fc.record({ roleArn: fc.tuple(account, name).map(([a, n]) => `arn:aws:iam::${a}:role/${n}`), username: text, groups: fc.array(text, { maxLength: 3 }) }),
  fc.record({
    sso: fc.record({ permissionSetName: fc.stringMatching(/^[\w+=,.@-]{1,32}$/), accountId: account, partition: fc.constantFrom('aws', 'aws-cn', 'aws-us-gov') }),
    username: text,
    groups: fc.array(text, { maxLength: 3 }),
  }),
);
const user: fc.Arbitrary<UserMapping> = fc.record({
  userArn: fc.tuple(account, name).map(([a, n]) => `arn:aws:iam::${a}:user/${n}`),
  username: text,
  groups: fc.array(text, { maxLength: 3 }),
});

it('encodeAwsAuth → parseAwsAuth round-trips', () => {
  fc.assert(
    fc.property(fc.array(role, { maxLength: 4 }), fc.array(user, { maxLength: 4 }), fc.array(account, { maxLength: 3 }), (roles, users, accounts) => {
      const parsed = parseAwsAuth(encodeAwsAuth({ roles, users, accounts }));
      expect(parsed.errors).toEqual([]);
      const strip = <T extends { source?: string }>(rows: readonly T[]) => rows.map(({ source: _s, ...rest }) => rest);
      expect(strip(parsed.roles)).toEqual(roles.map((r) => ({ ...r, userId: undefined, ...(r.sso ? { roleArn: undefined } : { sso: undefined }) })));
      expect(strip(parsed.users)).toEqual(users.map((u) => ({ ...u, userId: undefined })));
      expect(parsed.accounts).toEqual(accounts);
    }),
    { numRuns: 200 },
  );
});
