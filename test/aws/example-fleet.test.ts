/**
 * The example fleet (examples/fleet): three clusters in two accounts, hub-and-spoke roles, a pipeline with a wave per
 * environment. Synthesized in-process (assertions) and by the real `cdk` CLI from examples/fleet/cdk.json with no AWS
 * credentials; cfn-lint runs on every template of the CLI's cloud assembly, the fleet stages' nested assemblies
 * included.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import {
  HUB_BREAK_GLASS_ROLE, HUB_DEVELOPER_SSO_ROLE, HUB_PLATFORM_SSO_ROLE, NONPROD_ACCOUNT, PROD_ACCOUNT, buildExampleFleet,
} from '../../examples/fleet/fleet-app';
import { assemblyTemplates, cfnLint } from '../helpers/cfn-lint';

const ROOT = join(__dirname, '..', '..');
const example = buildExampleFleet();

function stackTemplate(clusterOrIdentities: string, account: string): Template {
  const stage = example.fleet.stages.find((s) => s.account === account)!;
  return Template.fromJSON(stage.synth().getStackByName(`${stage.stageName}-${clusterOrIdentities}`).template as Record<string, unknown>);
}

describe('the example fleet', () => {
  it('has two stages (one per account) holding an identity stack each and one access stack per cluster', () => {
    expect(example.fleet.stages.map((s) => s.synth().stacks.map((x) => x.stackName.replace(`${s.stageName}-`, '')).sort())).toEqual([
      ['Access-dev', 'Access-staging', 'Identities'],
      ['Access-prod', 'Identities'],
    ]);
  });

  it('creates the three spoke roles once per account, trusting the hub principals (MFA only where a session can carry it)', () => {
    for (const account of [NONPROD_ACCOUNT, PROD_ACCOUNT]) {
      const identities = stackTemplate('Identities', account);
      identities.resourceCountIs('AWS::IAM::Role', 3);
      identities.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'platform-admin',
        AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: HUB_PLATFORM_SSO_ROLE } }] },
      });
      identities.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'break-glass',
        AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: HUB_BREAK_GLASS_ROLE }, Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] },
      });
      identities.hasResourceProperties('AWS::IAM::Role', {
        RoleName: 'developer',
        AssumeRolePolicyDocument: { Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: HUB_DEVELOPER_SSO_ROLE } },
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg1' } } },
        ] },
      });
    }
  });

  it('gives developers edit on dev and staging, view on prod (the override), and auditors prod only', () => {
    const policiesOf = (cluster: string, account: string) => Object.values(stackTemplate(`Access-${cluster}`, account).findResources('AWS::EKS::AccessEntry'))
      .map((r) => ((r as { Properties: { AccessPolicies: Array<{ PolicyArn: string }> } }).Properties.AccessPolicies.map((p) => p.PolicyArn.split('/').pop())).join())
      .sort();
    expect(policiesOf('dev', NONPROD_ACCOUNT)).toEqual(['AmazonEKSClusterAdminPolicy', 'AmazonEKSClusterAdminPolicy', 'AmazonEKSEditPolicy']);
    expect(policiesOf('staging', NONPROD_ACCOUNT)).toEqual(['AmazonEKSClusterAdminPolicy', 'AmazonEKSClusterAdminPolicy', 'AmazonEKSEditPolicy']);
    expect(policiesOf('prod', PROD_ACCOUNT)).toEqual(['AmazonEKSAdminViewPolicy', 'AmazonEKSClusterAdminPolicy', 'AmazonEKSClusterAdminPolicy', 'AmazonEKSViewPolicy']);
  });
});

describe('npx cdk synth in examples/fleet', () => {
  const dir = mkdtempSync(join(tmpdir(), 'example-fleet-'));
  let synth: { code: number; stderr: string };

  beforeAll(async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_VERSION_CHECK: '1' };
    synth = await new Promise((resolve) => {
      execFile(join(ROOT, 'node_modules', '.bin', 'cdk'), ['synth', '--quiet', '--no-notices', '--output', join(dir, 'cdk.out')],
        { cwd: join(ROOT, 'examples', 'fleet'), env }, (error, _stdout, stderr) => {
          resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stderr });
        });
    });
  }, 180_000);

  it('synthesizes without AWS credentials: the pipeline and both stages\' assemblies', () => {
    expect(synth).toMatchObject({ code: 0 });
    const out = join(dir, 'cdk.out');
    expect(readdirSync(out).filter((f) => f.startsWith('assembly-')).sort()).toEqual([
      `assembly-Fleet-Account-${NONPROD_ACCOUNT}-us-east-1`, `assembly-Fleet-Account-${PROD_ACCOUNT}-eu-west-1`,
    ]);
    expect(JSON.parse(readFileSync(join(out, 'FleetPipeline.template.json'), 'utf8')).Resources).toBeDefined();
  });

  it('passes cfn-lint on every template (the pipeline\'s own aws-cdk-lib findings aside)', async () => {
    const out = join(dir, 'cdk.out');
    const stageDirs = readdirSync(out).filter((f) => f.startsWith('assembly-')).map((f) => join(out, f));
    const fleetTemplates = stageDirs.flatMap((d) => assemblyTemplates(d));
    const pipelineTemplates = assemblyTemplates(out);
    expect(fleetTemplates).toHaveLength(5);
    const findings = await cfnLint([...fleetTemplates, ...pipelineTemplates]);
    // aws-cdk-lib's CodePipeline template: W3005 (a DependsOn its GetAtt already implies) is aws-cdk-lib's, not ours.
    const ours = findings.filter((f) => !(pipelineTemplates.includes(f.Filename) && f.Rule.Id === 'W3005'));
    expect(ours.map((f) => `${f.Filename}: ${f.Level} ${f.Rule.Id} ${f.Message}`)).toEqual([]);
  }, 120_000);
});
