/**
 * Hub and spoke on moto's IAM, STS and CloudFormation with two account ids (issue 26): the fleet's identity stack of
 * the non-prod account is deployed there the way a pipeline does (a session in that account, got by AssumeRole), a
 * hub role of the hub account assumes the spoke role with the ExternalId, and the session it gets is the spoke role
 * that the access entry of the cluster names (through the identity stack's export).
 *
 * A stand-in where only AWS can answer: moto (5.2) does not evaluate trust policies, so it proves the accounts, the
 * deployed trust document and the ARNs line up, not that IAM would refuse someone else; the trust policy's content is
 * asserted exactly (fleet.test.ts) and IAM's evaluation of it is AWS's. Only the IAM resources and outputs of the
 * templates are deployed (moto implements no AWS::EKS::AccessEntry; the bootstrap-version rule needs the CDK
 * bootstrap's SSM parameter).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { canonicalizeArn } from '../../authenticator/arn';
import { AccessFleet, HubPrincipal } from '../../lib/aws';
import { AccessPolicy } from '../../lib/model';
import { Moto, SessionCredentials, startMoto } from './moto';

/** moto's default account: requests without a session act in it (moto.ts). */
const HUB = '123456789012';
const NONPROD = '111122223333';
const HUB_ROLE = `arn:aws:iam::${HUB}:role/platform-engineer`;
const SPOKE_ROLE = `arn:aws:iam::${NONPROD}:role/platform-admin`;

interface CfnTemplate {
  Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }>;
}

let moto: Moto;
let fleet: AccessFleet;

function stackTemplate(name: string): CfnTemplate {
  const stage = fleet.stageOf('dev');
  return stage.synth().getStackByName(`${stage.stageName}-${name}`).template as CfnTemplate;
}

async function assume(roleArn: string, session: string, as?: SessionCredentials, externalId?: string): Promise<SessionCredentials> {
  const args = ['sts', 'assume-role', '--role-arn', roleArn, '--role-session-name', session, ...(externalId ? ['--external-id', externalId] : [])];
  return ((await moto.aws(args, as)) as { Credentials: SessionCredentials }).Credentials;
}

beforeAll(async () => {
  fleet = new AccessFleet(new App(), 'Fleet');
  fleet.addCluster({ clusterName: 'dev', account: NONPROD, region: 'us-east-1' });
  fleet.addSpokeRole('platform-admin', {
    trustedPrincipals: [HubPrincipal.role(HUB_ROLE)], externalIds: ['fleet-dev'], accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()],
  });
  fleet.render();
  moto = await startMoto();
  await moto.aws(['iam', 'create-role', '--role-name', 'platform-engineer', '--assume-role-policy-document',
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${HUB}:root` }, Action: 'sts:AssumeRole' }] })]);
  // As CDK pipelines deploy: a session in the target account (its CDK deploy role), then CloudFormation there.
  const deployer = await assume(`arn:aws:iam::${NONPROD}:role/cdk-hnb659fds-deploy-role-${NONPROD}-us-east-1`, 'pipeline');
  const identities = stackTemplate('Identities');
  const iamOnly = { Resources: Object.fromEntries(Object.entries(identities.Resources).filter(([, r]) => r.Type.startsWith('AWS::IAM::'))), Outputs: identities.Outputs };
  const file = join(mkdtempSync(join(tmpdir(), 'fleet-moto-')), 'identities.json');
  writeFileSync(file, JSON.stringify(iamOnly));
  await moto.aws(['cloudformation', 'create-stack', '--stack-name', 'Identities', '--template-body', `file://${file}`, '--capabilities', 'CAPABILITY_NAMED_IAM'], deployer);
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

describe('hub and spoke on moto, two accounts', () => {
  it('creates the spoke role in the cluster account (not the hub), with the synthesized trust', async () => {
    const deployer = await assume(`arn:aws:iam::${NONPROD}:role/cdk-hnb659fds-deploy-role-${NONPROD}-us-east-1`, 'check');
    const role = await moto.aws(['iam', 'get-role', '--role-name', 'platform-admin'], deployer) as { Role: { Arn: string; AssumeRolePolicyDocument: unknown } };
    expect(role.Role.Arn).toBe(SPOKE_ROLE);
    const doc = role.Role.AssumeRolePolicyDocument;
    const trust = typeof doc === 'string' ? JSON.parse(decodeURIComponent(doc).replace(/'/g, '"')) : doc;
    expect(trust.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: HUB_ROLE }, Condition: { StringEquals: { 'sts:ExternalId': 'fleet-dev' } } }]);
    const hubRoles = await moto.aws(['iam', 'list-roles']) as { Roles: { Arn: string }[] };
    expect(hubRoles.Roles.map((r) => r.Arn)).toEqual([HUB_ROLE]);
  });

  it('lets a hub session assume the spoke role; that identity is the one the access entry names', async () => {
    const hub = await assume(HUB_ROLE, 'alice');
    expect((await moto.aws(['sts', 'get-caller-identity'], hub) as { Arn: string }).Arn).toBe(`arn:aws:sts::${HUB}:assumed-role/platform-engineer/alice`);
    const spoke = await assume(SPOKE_ROLE, 'alice', hub, 'fleet-dev');
    const who = await moto.aws(['sts', 'get-caller-identity'], spoke) as { Arn: string; Account: string };
    expect(who).toMatchObject({ Account: NONPROD, Arn: `arn:aws:sts::${NONPROD}:assumed-role/platform-admin/alice` });

    // The access entry names the spoke role through the identity stack's export; the deployed export's value is the
    // role ARN, which is what the authenticator canonicalizes the assumed-role session to.
    const entry = Object.values(stackTemplate('Access-dev').Resources).find((r) => r.Type === 'AWS::EKS::AccessEntry')!;
    const exportName = (entry.Properties.PrincipalArn as { 'Fn::ImportValue': string })['Fn::ImportValue'];
    const deployer = await assume(`arn:aws:iam::${NONPROD}:role/cdk-hnb659fds-deploy-role-${NONPROD}-us-east-1`, 'exports');
    const exports = await moto.aws(['cloudformation', 'list-exports'], deployer) as { Exports: { Name: string; Value: string }[] };
    expect(exports.Exports.find((e) => e.Name === exportName)?.Value).toBe(SPOKE_ROLE);
    expect(canonicalizeArn(who.Arn)).toBe(SPOKE_ROLE);
  });
});
