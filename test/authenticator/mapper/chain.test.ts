import {
  IdentityMapper,
  MapperChain,
  MappingError,
  parseMappingDocument,
  StaticMapper,
} from '../../../authenticator/mapper';
import { identityFor } from './identity';

const ACCT = '111122223333';
const roleSession = (role: string, session = 'alice') => identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/${role}/${session}` });

describe('matching', () => {
  it('a role row with an IAM path matches the assumed-role session of that role (path stripped)', async () => {
    const m = StaticMapper.fromDocument({ mapRoles: [{ rolearn: 'arn:aws:iam::1:role/team/dev', username: 'dev:{{SessionName}}', groups: ['devs'] }] });
    const identity = identityFor({ arn: 'arn:aws:sts::1:assumed-role/dev/bob' });
    expect(identity.canonicalArn).toBe('arn:aws:iam::1:role/dev');
    expect(await m.map(identity)).toEqual({ username: 'dev:bob', groups: ['devs'] });
    expect(await m.map(identityFor({ arn: 'arn:aws:sts::1:assumed-role/ops/bob' }))).toBeUndefined();
    // Same role name in another account is another principal.
    expect(await m.map(identityFor({ arn: 'arn:aws:sts::2:assumed-role/dev/bob' }))).toBeUndefined();
  });

  it('user ARNs keep their path: user/ops/alice does not match user/alice', async () => {
    const m = StaticMapper.fromDocument({ mapUsers: [{ userarn: `arn:aws:iam::${ACCT}:user/ops/alice`, username: 'alice' }] });
    expect(await m.map(identityFor({ arn: `arn:aws:iam::${ACCT}:user/ops/alice` }))).toEqual({ username: 'alice', groups: [] });
    expect(await m.map(identityFor({ arn: `arn:aws:iam::${ACCT}:user/alice` }))).toBeUndefined();
  });

  it('an exact rolearn row beats an SSO row for the same role, regardless of order', async () => {
    const role = 'AWSReservedSSO_Dev_0123456789abcdef';
    const m = StaticMapper.fromDocument({
      mapRoles: [
        { sso: { permissionSetName: 'Dev', accountID: ACCT }, username: 'sso-dev' },
        { rolearn: `arn:aws:iam::${ACCT}:role/aws-reserved/sso.amazonaws.com/eu-west-1/${role}`, username: 'exact' },
      ],
    });
    expect((await m.map(roleSession(role)))?.username).toBe('exact');
    expect((await m.map(roleSession('AWSReservedSSO_Dev_fedcba9876543210')))?.username).toBe('sso-dev');
  });

  it('two rows for the same principal: the first wins and the second is reported', async () => {
    const m = StaticMapper.fromDocument({
      mapRoles: [
        { rolearn: `arn:aws:iam::${ACCT}:role/Admin`, username: 'first' },
        { rolearn: `arn:aws:iam::${ACCT}:role/team/admin`, username: 'second' },
      ],
    });
    expect((await m.map(roleSession('Admin')))?.username).toBe('first');
    expect(m.health().rowErrors.map(String)).toEqual([
      expect.stringContaining('mapRoles[1]: maps the same role (arn:aws:iam::111122223333:role/admin) as mapRoles[0]'),
    ]);
  });

  it('an unknown field is a warning and the row still applies; a wrong type is an error naming key, index and field', () => {
    const parsed = parseMappingDocument({
      mapRoles: [
        { rolearn: `arn:aws:iam::${ACCT}:role/a`, username: 'a', comment: 'ok' },
        { rolearn: `arn:aws:iam::${ACCT}:role/b`, username: ['not', 'a', 'string'] },
      ],
    });
    expect(parsed.roles.map((r) => r.username)).toEqual(['a']);
    expect(parsed.errors.map(String)).toEqual([
      'mapRoles[0].comment: unknown field (expected one of: rolearn, sso, username, groups, userid) (warning; row applied)',
      expect.stringMatching(/^mapRoles\[1\]\.username: must be a string .*got a list$/),
    ]);
  });

  it("accepts the reference DynamicFile format's extra top-level keys (Version, LastUpdatedDateTime)", () => {
    const parsed = parseMappingDocument({ Version: '1', LastUpdatedDateTime: '1700000000', mapRoles: [{ rolearn: `arn:aws:iam::${ACCT}:role/a`, username: 'a' }] });
    expect(parsed.errors).toEqual([]);
    expect(parsed.roles).toHaveLength(1);
  });

  it('a field given twice in different case is an error', () => {
    const parsed = parseMappingDocument({ mapRoles: [{ rolearn: `arn:aws:iam::${ACCT}:role/a`, roleARN: `arn:aws:iam::${ACCT}:role/b`, username: 'a' }] });
    expect(parsed.roles).toEqual([]);
    expect(parsed.errors.map((e) => e.location)).toEqual(['mapRoles[0].roleARN']);
  });

  it('a template that renders an empty username denies', async () => {
    const m = StaticMapper.fromDocument({ mapUsers: [{ userarn: `arn:aws:iam::${ACCT}:user/u`, username: '{{SessionName}}' }] });
    await expect(m.map(identityFor({ arn: `arn:aws:iam::${ACCT}:user/u` }))).rejects.toThrow(/renders empty/);
  });

  it('StaticMapper.fromDocument rejects bad rows, listing each location', () => {
    expect(() => StaticMapper.fromDocument({ mapRoles: [{ username: 'x' }], mapAccounts: ['12'] })).toThrow(
      /invalid mapping:\n {2}mapRoles\[0\]: one of 'rolearn' or 'sso' must be supplied\n {2}mapAccounts\[0\]: "12" is not a 12-digit account id/,
    );
  });
});

describe('MapperChain precedence', () => {
  const accounts = () => StaticMapper.fromDocument({ mapAccounts: [ACCT] }, { name: 'accounts' });
  const explicit = (name: string, username: string) =>
    StaticMapper.fromDocument({ mapRoles: [{ rolearn: `arn:aws:iam::${ACCT}:role/Admin`, username, groups: ['system:masters'] }] }, { name });

  it('an explicit row in a later backend beats an earlier backend\'s mapAccounts (reference: the account wins)', async () => {
    const chain = new MapperChain([accounts(), explicit('configmap', 'admin')]);
    expect(await chain.resolve(roleSession('Admin'))).toEqual({
      user: { username: 'admin', groups: ['system:masters'] },
      mapper: 'configmap',
      kind: 'role',
      row: 'mapRoles[0]',
    });
  });

  it('mapAccounts applies when no backend has an explicit row', async () => {
    const chain = new MapperChain([explicit('configmap', 'admin'), accounts()]);
    expect(await chain.resolve(roleSession('Other'))).toEqual({
      user: { username: `arn:aws:iam::${ACCT}:role/Other`, groups: [] },
      mapper: 'accounts',
      kind: 'account',
      row: `mapAccounts ${ACCT}`,
    });
  });

  it('between explicit rows, the earlier backend wins', async () => {
    expect((await new MapperChain([explicit('a', 'from-a'), explicit('b', 'from-b')]).map(roleSession('Admin')))?.username).toBe('from-a');
    expect((await new MapperChain([explicit('b', 'from-b'), explicit('a', 'from-a')]).map(roleSession('Admin')))?.username).toBe('from-b');
  });

  it('unmapped identities are undefined (not authenticated)', async () => {
    const chain = new MapperChain([explicit('a', 'x')]);
    expect(await chain.map(roleSession('Nobody'))).toBeUndefined();
    expect(await chain.map(identityFor({ arn: 'arn:aws:iam::999988887777:user/admin' }))).toBeUndefined();
  });

  it('a matched row that cannot render denies instead of falling through to a later backend', async () => {
    const node = StaticMapper.fromDocument(
      { mapRoles: [{ rolearn: `arn:aws:iam::${ACCT}:role/Admin`, username: 'system:node:{{EC2PrivateDNSName}}' }] },
      { name: 'nodes' },
    );
    const chain = new MapperChain([node, explicit('later', 'admin')]);
    await expect(chain.map(roleSession('Admin', 'not-an-instance'))).rejects.toThrow(MappingError);
    await expect(chain.map(roleSession('Admin', 'not-an-instance'))).rejects.toThrow(
      'mapper nodes mapRoles[0]: SessionName did not contain an instance id',
    );
  });

  it('custom mappers take part through map(), in order', async () => {
    const custom: IdentityMapper = { name: 'custom', map: async (i) => (i.sessionName === 'vip' ? { username: 'vip', groups: [] } : undefined) };
    const chain = new MapperChain([custom, explicit('b', 'admin')]);
    expect(await chain.resolve(roleSession('Admin', 'vip'))).toMatchObject({ mapper: 'custom', kind: 'custom', user: { username: 'vip' } });
    expect((await chain.map(roleSession('Admin', 'bob')))?.username).toBe('admin');
  });

  it('rejects an empty chain and duplicate names', () => {
    expect(() => new MapperChain([])).toThrow('at least one mapper');
    expect(() => new MapperChain([explicit('a', 'x'), explicit('a', 'y')])).toThrow("mapper name 'a' is used twice");
  });

  it('reports health of all backends', () => {
    const h = new MapperChain([explicit('a', 'x'), accounts()]).health();
    expect(h).toMatchObject({ name: 'chain', ready: true, rows: 2, lastError: undefined, failures: 0, rowErrors: [] });
  });
});
