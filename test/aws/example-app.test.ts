/**
 * The example app (examples/app/app.ts): docs/walkthrough.md on an imported cluster. Asserted on the template, snapshotted,
 * checked by cdk-nag AwsSolutions (zero unacknowledged findings) and cfn-lint, and synthesized by the real `cdk` CLI
 * with no AWS credentials.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildExampleApp } from '../../examples/app/example-app';
import { EXAMPLE_ACCOUNT, EXAMPLE_CLUSTER_NAME } from '../../examples/app/example-access';
import { CfnLintBatch } from '../helpers/cfn-lint';

const ROOT = join(__dirname, '..', '..');
const policyArn = (name: string) => `arn:aws:eks::aws:cluster-access-policy/${name}`;

interface ValidationReport { pluginReports: { pluginName: string; conclusion: string; violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[] }[] }

function outdir(): string {
  return mkdtempSync(join(tmpdir(), 'example-app-'));
}

const lint = new CfnLintBatch();
const example = buildExampleApp(new App({ outdir: outdir() }));
const assembly = example.app.synth();
lint.add(assembly);
const template = Template.fromStack(example.stack);

describe('example app template', () => {
  it('has a read-only role assumable by exactly one IAM user, with AmazonEKSViewPolicy', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      RoleName: 'demo-read-only',
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { AWS: `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/eks/demo-read-only-user` } })] },
    });
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessreadonlyRole'), 'Arn'] },
      AccessPolicies: [{ PolicyArn: policyArn('AmazonEKSViewPolicy'), AccessScope: { Type: 'cluster' } }],
    });
  });

  it('gives testuser AmazonEKSClusterAdminPolicy at cluster scope', () => {
    template.hasResourceProperties('AWS::IAM::User', { UserName: 'testuser' });
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      ClusterName: EXAMPLE_CLUSTER_NAME,
      PrincipalArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccesstestuserUser'), 'Arn'] },
      AccessPolicies: [{ PolicyArn: policyArn('AmazonEKSClusterAdminPolicy'), AccessScope: { Type: 'cluster' } }],
    });
  });

  it.each(['pod-viewer', 'pod-admin'])('puts a user in the %s group', (group) => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', { Username: `${group}-user`, KubernetesGroups: [group], AccessPolicies: Match.absent() });
    expect(example.model.groupGrants.map((g) => g.group)).toContain(group);
  });

  it('limits the developer role to one namespace', () => {
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      Username: 'developer:{{SessionName}}',
      AccessPolicies: [{ PolicyArn: policyArn('AmazonEKSEditPolicy'), AccessScope: { Type: 'namespace', Namespaces: ['dev'] } }],
    });
  });

  it('has an IRSA and a Pod Identity service account', () => {
    template.hasResourceProperties('AWS::IAM::Role', { RoleName: 'demo-dev-s3-reader', AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Action: 'sts:AssumeRoleWithWebIdentity' })] } });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'dev', ServiceAccount: 'table-writer' });
  });

  it('has one access entry per principal that reaches the cluster, and no outputs', () => {
    template.resourceCountIs('AWS::EKS::AccessEntry', 5);
    expect(template.toJSON().Outputs ?? {}).toEqual({});
  });

  it('matches the snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding', () => {
    const report = JSON.parse(readFileSync(join(assembly.directory, 'validation-report.json'), 'utf8')) as ValidationReport;
    expect(report.pluginReports.flatMap((r) => r.violations)).toEqual([]);
  });

  it('runs: without the acknowledgements synthesis fails on exactly the two justified findings', () => {
    const dir = outdir();
    const { app } = buildExampleApp(new App({ outdir: dir }), { acknowledgeNagFindings: false });
    const log = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(() => app.synth()).toThrow(/AwsSolutions-SMG4/);
    } finally {
      log.mockRestore();
    }
    const report = JSON.parse(readFileSync(join(dir, 'validation-report.json'), 'utf8')) as ValidationReport;
    expect(report.pluginReports.flatMap((r) => r.violations.map((v) => [v.ruleName, v.violatingConstructs.map((c) => c.constructPath)]))).toEqual([
      ['AwsSolutions-SMG4', ['EksAccessExample/Access/pod-admin-user/AccessKeySecret/Resource']],
      ['AwsSolutions-IAM5[Resource::arn:aws:s3:::demo-bucket/*]', ['EksAccessExample/Access/ServiceAccount-s3-reader/Role/Resource']],
    ]);
  });
});

describe('npx cdk synth', () => {
  it('synthesizes examples/app/app.ts through cdk.json without AWS credentials', async () => {
    const dir = outdir();
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_VERSION_CHECK: '1' };
    const result = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices', '--output', dir], { cwd: ROOT, env }, (error, _stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr });
      });
    });
    expect(result).toMatchObject({ code: 0 });
    const synthesized = JSON.parse(readFileSync(join(dir, 'EksAccessExample.template.json'), 'utf8'));
    // The CLI adds path metadata and the CDKMetadata resource; everything else is the same template.
    const withoutMetadata = (resources: Record<string, { Type: string; Metadata?: unknown }>) => Object.fromEntries(Object.entries(resources)
      .filter(([, r]) => r.Type !== 'AWS::CDK::Metadata')
      .map(([id, { Metadata: _metadata, ...r }]) => [id, r]));
    expect(withoutMetadata(synthesized.Resources)).toEqual(withoutMetadata(template.toJSON().Resources));
  }, 120000);
});

describe('cfn-lint', () => {
  it('passes the example templates with zero findings', async () => {
    expect(lint.size).toBe(1);
    expect(await lint.run()).toEqual([]);
  });
});
