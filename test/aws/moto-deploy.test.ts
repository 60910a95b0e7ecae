/**
 * The IAM part of the example app's template, deployed to moto's CloudFormation, then read back through the IAM API.
 * moto (5.2) implements neither the EKS resources (AWS::EKS::AccessEntry, AWS::EKS::PodIdentityAssociation) nor
 * AWS::SecretsManager::Secret in CloudFormation (the secret is accepted but never created): only AWS::IAM::* is
 * deployed; the rest is covered by the template assertions in cluster-access.test.ts / example-app.test.ts.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildExampleApp } from '../../examples/app/example-app';
import { EXAMPLE_ACCOUNT, EXAMPLE_CLUSTER_NAME, EXAMPLE_OIDC_ISSUER } from '../../examples/app/example-access';
import { Moto, startMoto } from './moto';

interface CfnTemplate { Resources: Record<string, { Type: string; DependsOn?: string[] }> }

/** Keeps the IAM resources (and the dependencies among them). */
function iamPart(template: CfnTemplate): CfnTemplate {
  const keep = Object.entries(template.Resources).filter(([, r]) => /^AWS::IAM::/.test(r.Type));
  const ids = new Set(keep.map(([id]) => id));
  return {
    Resources: Object.fromEntries(keep.map(([id, r]) => [id, r.DependsOn ? { ...r, DependsOn: r.DependsOn.filter((d) => ids.has(d)) } : r])),
  };
}

let moto: Moto;
/**
 * Policy documents as the IAM API returns them. moto 5.2 stores an inline role policy created by CloudFormation as
 * the Python repr of the dict (single quotes); our policies contain no quote characters, so swapping them is exact.
 */
function decode(doc: unknown): { Statement: Record<string, unknown>[] } {
  if (typeof doc !== 'string') return doc as { Statement: Record<string, unknown>[] };
  const text = decodeURIComponent(doc);
  return JSON.parse(text.startsWith("{'") ? text.replace(/'/g, '"') : text);
}

beforeAll(async () => {
  moto = await startMoto(EXAMPLE_ACCOUNT);
  const { stack } = buildExampleApp();
  const full = Template.fromStack(stack).toJSON() as CfnTemplate;
  const part = iamPart(full);
  expect(Object.values(full.Resources).some((r) => r.Type === 'AWS::EKS::AccessEntry')).toBe(true);
  const file = join(mkdtempSync(join(tmpdir(), 'iam-part-')), 'template.json');
  writeFileSync(file, JSON.stringify(part));
  await moto.aws(['cloudformation', 'create-stack', '--stack-name', 'eks-access-example', '--template-body', `file://${file}`, '--capabilities', 'CAPABILITY_NAMED_IAM']);
  const stacks = await moto.aws(['cloudformation', 'describe-stacks', '--stack-name', 'eks-access-example']) as { Stacks: { StackStatus: string }[] };
  expect(stacks.Stacks[0].StackStatus).toBe('CREATE_COMPLETE');
}, 120000);

afterAll(async () => {
  await moto?.stop();
});

describe('example IAM deployed to moto CloudFormation', () => {
  it('created the users with their paths', async () => {
    const users = await moto.aws(['iam', 'list-users']) as { Users: { UserName: string; Path: string; Arn: string }[] };
    expect(users.Users.map((u) => [u.UserName, u.Path, u.Arn]).sort()).toEqual([
      ['demo-pod-admin-user', '/', `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/demo-pod-admin-user`],
      ['demo-pod-viewer-user', '/', `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/demo-pod-viewer-user`],
      ['demo-read-only-user', '/eks/', `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/eks/demo-read-only-user`],
      ['testuser', '/', `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/testuser`],
    ]);
  });

  it('gave the read-only user sts:AssumeRole on the read-only role only', async () => {
    const names = await moto.aws(['iam', 'list-user-policies', '--user-name', 'demo-read-only-user']) as { PolicyNames: string[] };
    expect(names.PolicyNames).toHaveLength(1);
    const policy = await moto.aws(['iam', 'get-user-policy', '--user-name', 'demo-read-only-user', '--policy-name', names.PolicyNames[0]]) as { PolicyDocument: unknown };
    expect(decode(policy.PolicyDocument).Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Resource: `arn:aws:iam::${EXAMPLE_ACCOUNT}:role/demo-read-only` },
    ]);
  });

  it('gave testuser eks:DescribeCluster on the example cluster', async () => {
    const names = await moto.aws(['iam', 'list-user-policies', '--user-name', 'testuser']) as { PolicyNames: string[] };
    const policy = await moto.aws(['iam', 'get-user-policy', '--user-name', 'testuser', '--policy-name', names.PolicyNames[0]]) as { PolicyDocument: unknown };
    expect(decode(policy.PolicyDocument).Statement).toEqual([
      { Action: 'eks:DescribeCluster', Effect: 'Allow', Resource: `arn:aws:eks:us-east-1:${EXAMPLE_ACCOUNT}:cluster/${EXAMPLE_CLUSTER_NAME}` },
    ]);
  });

  it('created the read-only role trusting exactly the read-only user, with MFA', async () => {
    const role = await moto.aws(['iam', 'get-role', '--role-name', 'demo-read-only']) as { Role: { AssumeRolePolicyDocument: unknown; MaxSessionDuration: number } };
    expect(decode(role.Role.AssumeRolePolicyDocument).Statement).toEqual([{
      Action: 'sts:AssumeRole', Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/eks/demo-read-only-user` },
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    }]);
    const inline = await moto.aws(['iam', 'get-role-policy', '--role-name', 'demo-read-only', '--policy-name', 'ClusterAccess']) as { PolicyDocument: unknown };
    expect(decode(inline.PolicyDocument).Statement[0].Action).toBe('eks:DescribeCluster');
  });

  it('created the developer role with path, session duration, source identity and session tags', async () => {
    const role = await moto.aws(['iam', 'get-role', '--role-name', 'demo-developer']) as { Role: { Path: string; Arn: string; MaxSessionDuration: number; AssumeRolePolicyDocument: unknown } };
    expect(role.Role.Path).toBe('/eks/');
    expect(role.Role.Arn).toBe(`arn:aws:iam::${EXAMPLE_ACCOUNT}:role/eks/demo-developer`);
    expect(role.Role.MaxSessionDuration).toBe(14400);
    expect(decode(role.Role.AssumeRolePolicyDocument).Statement[0]).toMatchObject({
      Action: ['sts:AssumeRole', 'sts:SetSourceIdentity', 'sts:TagSession'],
      Principal: { AWS: `arn:aws:iam::${EXAMPLE_ACCOUNT}:root` },
    });
  });

  it('created the IRSA and Pod Identity roles with their trust', async () => {
    const irsa = await moto.aws(['iam', 'get-role', '--role-name', 'demo-dev-s3-reader']) as { Role: { AssumeRolePolicyDocument: unknown } };
    expect(decode(irsa.Role.AssumeRolePolicyDocument).Statement[0]).toMatchObject({
      Action: 'sts:AssumeRoleWithWebIdentity',
      Principal: { Federated: `arn:aws:iam::${EXAMPLE_ACCOUNT}:oidc-provider/${EXAMPLE_OIDC_ISSUER}` },
      Condition: { StringEquals: { [`${EXAMPLE_OIDC_ISSUER}:sub`]: 'system:serviceaccount:dev:s3-reader', [`${EXAMPLE_OIDC_ISSUER}:aud`]: 'sts.amazonaws.com' } },
    });
    const pod = await moto.aws(['iam', 'get-role', '--role-name', 'demo-dev-table-writer']) as { Role: { AssumeRolePolicyDocument: unknown } };
    expect(decode(pod.Role.AssumeRolePolicyDocument).Statement[0]).toMatchObject({
      Action: ['sts:AssumeRole', 'sts:TagSession'], Principal: { Service: 'pods.eks.amazonaws.com' },
    });
  });

  it('created one access key, for the pod-admin user only, and no stack outputs', async () => {
    const keys = await moto.aws(['iam', 'list-access-keys', '--user-name', 'demo-pod-admin-user']) as { AccessKeyMetadata: { AccessKeyId: string }[] };
    expect(keys.AccessKeyMetadata).toHaveLength(1);
    const others = await moto.aws(['iam', 'list-access-keys', '--user-name', 'testuser']) as { AccessKeyMetadata: unknown[] };
    expect(others.AccessKeyMetadata).toEqual([]);
    const outputs = await moto.aws(['cloudformation', 'describe-stacks', '--stack-name', 'eks-access-example']) as { Stacks: { Outputs?: unknown[] }[] };
    expect(outputs.Stacks[0].Outputs ?? []).toEqual([]);
  });
});
