/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../bin/commands/migrate';
import { captureCli } from '../helpers/cli-output';

const WALKTHROUGH = join(__dirname, '../k8s/fixtures/aws-auth-walkthrough.yaml');
const ACCT = '111122223333';
let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'migrate-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const p = join(dir, name);
  writeFileSync(p, content);
  return p;
}

describe('eks-access migrate', () => {
  test('the walkthrough ConfigMap: node row → EC2_LINUX, testuser (system:masters) → cluster admin policy, developer → STANDARD', async () => {
    const r = await captureCli(run, ['--aws-auth', WALKTHROUGH, '--output', 'json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.entries.map((e: any) => [e.source, e.type, e.principalArn.split(':').pop()])).toEqual([
      ['mapRoles[0]', 'EC2_LINUX', 'role/eksctl-my-cluster-nodegroup-ng-1-NodeInstanceRole-1R2S3T4U5V6W'],
      ['mapUsers[0]', 'STANDARD', 'user/testuser'],
      ['mapUsers[1]', 'STANDARD', 'user/developer'],
    ]);
    expect(plan.entries[0].username).toBeUndefined();
    expect(plan.entries[0].kubernetesGroups).toBeUndefined();
    expect(plan.entries[1]).toMatchObject({
      username: 'testuser',
      accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy', accessScope: { type: 'cluster' } }],
    });
    expect(plan.entries[1].kubernetesGroups).toBeUndefined();
    expect(plan.entries[2]).toMatchObject({ username: 'developer', kubernetesGroups: ['eks-console-dashboard-restricted-access-group'] });
    expect(plan.entries[2].accessPolicies).toBeUndefined();
    expect(plan.blockers).toEqual([]);
    expect(plan.canSwitchToApi).toBe(true);
  });

  test('text output names each row and the verdict', async () => {
    const r = await captureCli(run, ['--aws-auth', WALKTHROUGH]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mapUsers\[0\] +STANDARD +arn:aws:iam::111122223333:user\/testuser +username=testuser policy=AmazonEKSClusterAdminPolicy@cluster/);
    expect(r.stdout).toMatch(/authentication mode API is safe/);
  });

  test('blockers: mapAccounts, other system: groups, service-linked roles; windows nodes, Fargate, gov partition, duplicates', async () => {
    const p = file('blockers.yaml', `apiVersion: v1
kind: ConfigMap
metadata: { name: aws-auth, namespace: kube-system }
data:
  mapRoles: |
    - rolearn: arn:aws:iam::${ACCT}:role/win-nodes
      username: system:node:{{EC2PrivateDNSName}}
      groups: [system:bootstrappers, system:nodes, eks:kube-proxy-windows]
    - rolearn: arn:aws:iam::${ACCT}:role/AWSServiceRoleForAmazonEMRContainers
      username: emr-containers
    - rolearn: arn:aws:iam::${ACCT}:role/fargate
      username: system:node:{{SessionName}}
      groups: [system:bootstrappers, system:nodes, system:node-proxier]
    - rolearn: arn:aws:iam::${ACCT}:role/monitoring
      username: prom
      groups: [system:monitoring]
    - rolearn: arn:aws-us-gov:iam::${ACCT}:role/gov-admin
      username: gov-admin
      groups: [system:masters]
    - rolearn: arn:aws:iam::${ACCT}:role/win-nodes
      username: other
  mapAccounts: |
    - "444455556666"
`);
    const r = await captureCli(run, ['--aws-auth', p, '-o', 'json']);
    expect(r.code).toBe(0);
    const plan = JSON.parse(r.stdout);
    expect(plan.entries.map((e: any) => e.type)).toEqual(['EC2_WINDOWS', 'STANDARD']);
    expect(plan.entries[1].accessPolicies[0].policyArn).toBe('arn:aws-us-gov:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy');
    expect(plan.blockers.map((b: any) => [b.source, b.reason.split(' ').slice(0, 3).join(' ')])).toEqual([
      ['mapRoles[1]', 'service-linked roles cannot'],
      ['mapRoles[3]', 'groups system:monitoring cannot'],
      ['mapAccounts[0]', 'account-wide mappings have'],
    ]);
    expect(plan.skipped.map((s: any) => s.source)).toEqual(['mapRoles[2]', 'mapRoles[5]']);
    expect(plan.canSwitchToApi).toBe(false);
  });

  test('role paths: a row written with the path never matched (it is named, not said to carry no path); a path-less row may hide one', async () => {
    const p = file('paths.yaml', `apiVersion: v1
kind: ConfigMap
metadata: { name: aws-auth, namespace: kube-system }
data:
  mapRoles: |
    - rolearn: arn:aws:iam::${ACCT}:role/team/Admin
      username: admin
      groups: [admins]
    - rolearn: arn:aws:iam::${ACCT}:role/Ops
      username: ops
      groups: [ops]
`);
    const r = await captureCli(run, ['--aws-auth', p, '-o', 'json']);
    expect(r.code).toBe(0);
    const [pathed, plain] = JSON.parse(r.stdout).entries;
    // The access entry keeps the path: EKS accepts role paths in principalArn.
    expect(pathed.principalArn).toBe(`arn:aws:iam::${ACCT}:role/team/Admin`);
    expect(pathed.notes.join(' ')).not.toMatch(/carry no path/);
    expect(pathed.notes.join(' ')).toMatch(/written with the IAM path \/team\/.*never matched.*arn:aws:iam::111122223333:role\/Admin.*grants access for the first time/);
    expect(plain.notes.join(' ')).toMatch(/if role Ops has an IAM path.*aws iam get-role --role-name Ops/);
    const text = await captureCli(run, ['--aws-auth', p]);
    expect(text.stdout).toMatch(/note: .*never matched/);
  });

  test('text output escapes control characters read from the ConfigMap', async () => {
    const p = file('hostile.json', JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system' },
      data: { mapUsers: JSON.stringify([{ userarn: `arn:aws:iam::${ACCT}:user/eve`, username: 'eve\u001b[2J\nfake: line', groups: ['g\u202e'] }]) } }));
    const r = await captureCli(run, ['--aws-auth', p]);
    expect(r.code).toBe(0);
    expect(r.stdout.includes('\u001b') || r.stdout.includes('\u202e')).toBe(false);
    expect(r.stdout).toContain('username=eve\\x1b[2J\\x0afake: line');
    expect(r.stdout.split('\n').some((l) => l.startsWith('fake'))).toBe(false);
  });

  test('errors: missing flag, unreadable file, not YAML — one line, JSON on stdout with --output json', async () => {
    let r = await captureCli(run, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^eks-access migrate: --aws-auth FILE is required\n/);
    r = await captureCli(run, ['--aws-auth', join(dir, 'missing.yaml'), '--output', 'json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout)).toEqual({ error: { type: 'InputError', message: expect.stringMatching(/cannot read .*missing.yaml: ENOENT/) } });
    r = await captureCli(run, ['--aws-auth', file('bad.yaml', 'data: [unclosed'), '--output', 'json']);
    expect(JSON.parse(r.stdout).error.message).toMatch(/is not YAML\/JSON/);
    r = await captureCli(run, ['--aws-auth', WALKTHROUGH, '--bogus', '--output', 'json']);
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stdout).error.message).toMatch(/bogus/);
  });
});
