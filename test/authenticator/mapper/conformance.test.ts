/** Mapping vectors transcribed from aws-iam-authenticator (test/conformance/mapping-*.json, see NOTICE). */
import rowsVectors from '../../conformance/mapping-rows.json';
import awsAuthVectors from '../../conformance/mapping-aws-auth.json';
import templateVectors from '../../conformance/mapping-templates.json';
import {
  encodeAwsAuth,
  MappingError,
  parseAwsAuth,
  parseMappingDocument,
  StaticMapper,
  TemplateRenderer,
} from '../../../authenticator/mapper';
import { identityFor } from './identity';

const stubEc2 = (names: Record<string, string> | undefined) =>
  // An in-process stand-in for EC2 (AWS itself cannot run here); the real SDK path is tested in ec2-private-dns.test.ts.
  new TemplateRenderer({
    ec2: { privateDnsName: async (id: string) => names?.[id] ?? Promise.reject(new Error(`failed to find node ${id}`)) },
  });

describe('mapping-rows.json', () => {
  it.each(rowsVectors.cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const parsed = parseMappingDocument(c.document);
    const locations = parsed.errors.filter((e) => e.severity === 'error').map((e) => e.location);
    expect(locations).toEqual(c.rowErrors ?? []);
    if ('identity' in c && c.identity) {
      const mapper = new StaticMapper(parsed);
      expect(await mapper.map(identityFor(c.identity))).toEqual(c.expected ?? undefined);
    }
  });
});

describe('mapping-aws-auth.json', () => {
  it.each(awsAuthVectors.parse.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const parsed = parseAwsAuth(c.data as unknown as Record<string, string>);
    expect(parsed.roles).toHaveLength(c.roles);
    expect(parsed.users).toHaveLength(c.users);
    expect(parsed.accounts).toEqual(c.accounts);
    expect(parsed.broken).toBe(c.broken ?? false);
    expect(parsed.errors.filter((e) => e.severity === 'error').map((e) => e.location)).toEqual(c.rowErrors ?? []);
    if (c.groupsOfFirstRole) expect(parsed.roles[0].groups).toEqual(c.groupsOfFirstRole);
    if (c.encoded) expect(encodeAwsAuth(parsed)).toEqual(c.encoded);
  });

  it(awsAuthVectors.roundTrip.name, () => {
    const parsed = parseAwsAuth(awsAuthVectors.roundTrip.data);
    expect(parsed.errors).toEqual([]);
    expect(parsed.accounts).toEqual(awsAuthVectors.roundTrip.accounts);
    expect(parsed.roles[1].sso).toEqual({ permissionSetName: 'ViewOnlyAccess', accountId: '012345678912', partition: 'aws-cn' });
    expect(encodeAwsAuth(parsed)).toEqual(awsAuthVectors.roundTrip.data);
  });
});

describe('mapping-templates.json', () => {
  it.each(templateVectors.render.map((c) => [`${c.template} (${c.sessionName ?? ''})`, c] as const))('render %s', async (_n, c) => {
    const identity = {
      ...identityFor({ arn: 'arn:aws:sts::111122223333:assumed-role/r/s' }),
      accountId: c.accountId ?? '111122223333',
      accessKeyId: c.accessKeyId ?? 'AKID',
      sessionName: c.sessionName ?? '',
    };
    const rendered = stubEc2(c.ec2 as Record<string, string> | undefined).renderUser(c.template, [c.template], identity);
    if (c.error) {
      await expect(rendered).rejects.toThrow(MappingError);
      await expect(rendered).rejects.toThrow(c.error);
    } else {
      await expect(rendered).resolves.toEqual({ username: c.expected, groups: [c.expected] });
    }
  });

  it.each(templateVectors.reservedPrefixes.cases.map((c) => [c.username, c] as const))('reserved prefix %s', async (_n, c) => {
    const mapper = StaticMapper.fromDocument(
      { mapUsers: [{ userarn: 'arn:aws:iam::111122223333:user/u', username: c.username }] },
      { reservedUsernamePrefixes: templateVectors.reservedPrefixes.prefixes },
    );
    const result = mapper.map(identityFor({ arn: 'arn:aws:iam::111122223333:user/u' }));
    if (c.reserved) await expect(result).rejects.toThrow(/must not begin with the reserved prefix/);
    else await expect(result).resolves.toEqual({ username: c.username, groups: [] });
  });

  it.each(templateVectors.server.map((c) => [c.name, c] as const))('server: %s', async (_n, c) => {
    const mapper = StaticMapper.fromDocument(c.document, { renderer: stubEc2(c.ec2 as Record<string, string> | undefined) });
    expect(await mapper.map(identityFor(c.identity))).toEqual(c.expected ?? undefined);
  });
});
