/**
 * The IAM hop of who-can / can-i on the example app's own output (real aws-cdk-lib synth): the read-only role is
 * assumable by one IAM user with MFA, the developer role by the account with MFA and SourceIdentity; chains read
 * `user → role [conditions] → user/groups → grant`. The same from a live snapshot's trust policies is in
 * test/live/snapshot.test.ts (moto IAM) and below with a hand-written snapshot.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildExampleApp } from '../../examples/app/example-app';
import { EXAMPLE_ACCOUNT } from '../../examples/app/example-access';
import { assumptionBy, TrustKind } from '../../lib/analysis/role-trust';
import { runEksAccess } from './run-cli';

let dir: string;
let from: string[];
const readOnlyUser = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/eks/demo-read-only-user`;
const readOnlyRole = `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/demo-read-only`;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'analysis-assume-'));
  buildExampleApp(new App({ outdir: path.join(dir, 'cdk.out') })).app.synth();
  from = ['--from', path.join(dir, 'cdk.out')];
}, 120000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Chain { principal: string; role: string; trust: string; conditions: string[]; user: string; path: string }

it('who-can lists the user that may assume the mapped read-only role, with the MFA condition and the whole path', async () => {
  const r = await runEksAccess('who-can', 'list', 'pods', '-A', ...from, '--output', 'json');
  expect(r.code).toBe(0);
  const chains = (JSON.parse(r.stdout) as { assumeChains: Chain[] }).assumeChains;
  const viaReadOnly = chains.find((c) => c.principal === readOnlyUser && c.role === readOnlyRole);
  expect(viaReadOnly).toMatchObject({ trust: TrustKind.PRINCIPAL, conditions: ['MFA required'] });
  expect(viaReadOnly?.path).toMatch(new RegExp(`^${readOnlyUser} → ${readOnlyRole} \\(principal \\[MFA required\\]\\) → user "arn:aws:sts::${EXAMPLE_ACCOUNT}:assumed-role/demo-read-only/eks-access-offline" groups \\[system:authenticated\\] → EKS access policy AmazonEKSViewPolicy`));
  // The developer role trusts the whole account with MFA and lets callers set a SourceIdentity.
  const dev = chains.find((c) => c.principal === `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`);
  expect(dev).toBeUndefined(); // list pods -A is cluster-wide; the developer's policy is namespace-scoped
  const inDev = JSON.parse((await runEksAccess('who-can', 'create', 'deployments', '-n', 'dev', ...from, '--output', 'json')).stdout) as { assumeChains: Chain[] };
  const account = inDev.assumeChains.find((c) => c.principal === `arn:aws:iam::${EXAMPLE_ACCOUNT}:root`);
  expect(account).toMatchObject({ role: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/eks/demo-developer`, trust: TrustKind.ACCOUNT });
  expect(account?.conditions).toEqual(expect.arrayContaining(['MFA required', 'may set SourceIdentity']));
  const text = await runEksAccess('who-can', 'list', 'pods', '-A', ...from);
  expect(text.stdout).toMatch(/VIA ROLE ASSUMPTION[\s\S]*demo-read-only-user\s+arn:aws:iam::111122223333:role\/demo-read-only\s+principal\s+MFA required/);
});

it('can-i --as-arn USER: no by itself; --explain shows the chain; --assume-roles answers yes through it', async () => {
  const own = await runEksAccess('can-i', 'list', 'pods', '-A', '--as-arn', readOnlyUser, ...from, '--explain');
  expect(own.code).toBe(1);
  expect(own.stdout).toContain(`via role assumption: ${readOnlyUser} → ${readOnlyRole} (principal [MFA required])`);
  const hop = await runEksAccess('can-i', 'list', 'pods', '-A', '--as-arn', readOnlyUser, '--assume-roles', ...from);
  expect(hop.stdout).toBe('yes\n');
  expect(hop.code).toBe(0);
  const other = await runEksAccess('can-i', 'delete', 'pods', '-A', '--as-arn', readOnlyUser, '--assume-roles', ...from);
  expect(other.code).toBe(1);
});

it('reads trust from a snapshot: ExternalId and organization conditions', async () => {
  const snap = path.join(dir, 'snap');
  mkdirSync(snap, { recursive: true });
  const role = `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/vendor`;
  writeFileSync(path.join(snap, 'cluster.json'), JSON.stringify({
    apiVersion: 'cdk-eks-access.io/v1alpha1', kind: 'LiveSnapshot', takenAt: '2026-11-29T00:00:00Z', cluster: { name: 'prod', authenticationMode: 'API' }, problems: [],
    accessEntries: [{ principalArn: role, type: 'STANDARD', username: 'vendor', kubernetesGroups: [], accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSAdminViewPolicy', scope: { type: 'cluster', namespaces: [] } }] }],
    iamRoles: [{ arn: role, trustPolicy: { Version: '2012-10-17', Statement: [
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::999988887777:user/vendor-bot' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'sts:ExternalId': 'abc-123' } } },
      { Effect: 'Allow', Principal: { AWS: '*' }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } },
    ] } }],
  }));
  const r = JSON.parse((await runEksAccess('who-can', 'get', 'nodes', '--from', snap, '--output', 'json', '--no-bootstrap')).stdout) as { assumeChains: Chain[] };
  expect(r.assumeChains.map((c) => [c.principal, c.trust, c.conditions.join('; ')])).toEqual([
    ['arn:aws:iam::999988887777:user/vendor-bot', 'principal', 'ExternalId abc-123'],
  ]);
  // Organization trust applies to any principal of the organization: shown for a principal of another account.
  expect(assumptionBy({ roleArn: role, origin: 'x', trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-abcdefghij' } } }] } }, 'arn:aws:iam::555566667777:user/x'))
    .toEqual({ roleArn: role, kind: TrustKind.ORGANIZATION, conditions: ['organization o-abcdefghij'], origin: 'x' });
});

it('a trust demanding MFA is no way in for an IAM Identity Center permission-set role (its sessions never carry MFA)', () => {
  const role = 'arn:aws:iam::444455556666:role/eks-spoke';
  const sso = 'arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_Admin_0123456789abcdef';
  const hubRole = 'arn:aws:iam::111122223333:role/hub-admin';
  const trust = (condition: Record<string, Record<string, string>>) => ({
    roleArn: role, origin: 'x',
    trustPolicy: { Statement: [{ Effect: 'Allow', Principal: { AWS: [sso, hubRole] }, Action: 'sts:AssumeRole', Condition: condition }] },
  });
  const mfa = trust({ Bool: { 'aws:MultiFactorAuthPresent': 'true' } });
  expect(assumptionBy(mfa, sso)).toBeUndefined();
  expect(assumptionBy(mfa, hubRole)).toMatchObject({ kind: TrustKind.PRINCIPAL, conditions: ['MFA required'] });
  expect(assumptionBy(trust({ NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } }), sso)).toBeUndefined();
  // With IfExists a missing key passes: the permission-set session gets in.
  expect(assumptionBy(trust({ BoolIfExists: { 'aws:MultiFactorAuthPresent': 'true' } }), sso)).toMatchObject({ kind: TrustKind.PRINCIPAL });
  expect(assumptionBy(trust({ NumericLessThanIfExists: { 'aws:MultiFactorAuthAge': '3600' } }), sso)).toMatchObject({ kind: TrustKind.PRINCIPAL });
});
