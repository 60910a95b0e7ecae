/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates and manifests are untyped documents */
/**
 * The migration CONFIG_MAP → API_AND_CONFIG_MAP → API, step by step, on both kinds of cluster:
 * - on an `eks.Cluster` (aws-cdk-lib writes aws-auth through its `AwsAuth` manifest), the deploy that switches the
 *   model's mode must remove the model's rows from aws-auth only after the access entries replacing them exist: a
 *   CloudFormation dependency of the aws-auth manifest on every access entry, checked on the template;
 * - on an imported cluster (aws-auth merged with `eks-access merge-aws-auth`), every mode writes the ownership file
 *   `aws-auth.k8s.yaml`, so the merge removes the rows we wrote in CONFIG_MAP and keeps the rows of other writers.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as ts from 'typescript';
import YAML from 'yaml';
import * as library from '../../lib';
import { parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import { run as runMerge } from '../../bin/commands/merge-aws-auth';
import { ClusterAccess, ClusterTarget, ShardingMode } from '../../lib/aws';
import { EksAccessManifests } from '../../lib/deploy';
import { AWS_AUTH_MANIFEST_FILE, writeAccessManifests } from '../../lib/k8s';
import { AccessModel, AccessPolicy, AuthenticationMode } from '../../lib/model';
import { captureCli } from '../helpers/cli-output';

const ACCOUNT = '111122223333';
const NODE_ROLE = `arn:aws:iam::${ACCOUNT}:role/nodes`;

/** The same people in each mode: what the walkthrough in the README declares. */
function model(mode: AuthenticationMode): AccessModel {
  const m = new AccessModel({ accountId: ACCOUNT, authenticationMode: mode });
  const configMap = mode === AuthenticationMode.CONFIG_MAP;
  m.importRole('admins', `arn:aws:iam::${ACCOUNT}:role/team/Admin`, configMap
    ? { kubernetesGroups: ['system:masters'] }
    : { accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()] });
  m.importUser('alice', `arn:aws:iam::${ACCOUNT}:user/alice`, { kubernetesGroups: ['readers'], username: 'alice' });
  m.addGroupGrant({ group: 'readers', clusterRole: 'view' });
  return m;
}

function clusterStack(mode: eks.AuthenticationMode) {
  const app = new App();
  const stack = new Stack(app, 'WithCluster', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_31,
    authenticationMode: mode,
    defaultCapacity: 0,
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:kubectl:1`),
  });
  // Another aws-auth writer (a self-managed node group's role): aws-auth stays after our rows leave it.
  cluster.awsAuth.addRoleMapping(iam.Role.fromRoleArn(stack, 'Nodes', NODE_ROLE), { username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] });
  return { app, stack, cluster };
}

function awsAuthManifest(template: Template): [string, any] {
  const found = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).filter(([id]) => id.includes('AwsAuth'));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('the mode switch on an eks.Cluster', () => {
  test.each([
    ['inline', ShardingMode.NEVER],
    ['sharded into nested stacks', ShardingMode.ALWAYS],
  ])('API_AND_CONFIG_MAP (%s): the aws-auth manifest that drops our rows waits for every access entry', (_, shardMode) => {
    const { stack, cluster } = clusterStack(eks.AuthenticationMode.API_AND_CONFIG_MAP);
    const m = model(AuthenticationMode.API_AND_CONFIG_MAP);
    const access = new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromCluster(cluster), model: m, sharding: { mode: shardMode } });
    new EksAccessManifests(stack, 'K8s', { cluster, model: m, after: [access] });
    const template = Template.fromStack(stack);
    const [, manifest] = awsAuthManifest(template);
    // Our rows are gone from the manifest (access entries replace them), the other writer's row stays.
    const text = JSON.stringify(manifest.Properties.Manifest);
    expect(text).toContain(NODE_ROLE);
    expect(text).not.toContain('user/alice');
    expect(text).not.toContain('role/Admin');
    const dependsOn: string[] = manifest.DependsOn ?? [];
    if (shardMode === ShardingMode.NEVER) {
      const entries = Object.keys(template.findResources('AWS::EKS::AccessEntry'));
      expect(entries).toHaveLength(2);
      for (const id of entries) expect(dependsOn).toContain(id);
    } else {
      const shards = Object.keys(template.findResources('AWS::CloudFormation::Stack')).filter((id) => id.startsWith('AccessShard'));
      expect(shards.length).toBeGreaterThan(0);
      for (const id of shards) expect(dependsOn).toContain(id);
    }
  });

  test('the order holds without EksAccessManifests too (aws-auth touched by aws-cdk-lib alone)', () => {
    const { stack, cluster } = clusterStack(eks.AuthenticationMode.API_AND_CONFIG_MAP);
    const access = new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromCluster(cluster), model: model(AuthenticationMode.API_AND_CONFIG_MAP) });
    const template = Template.fromStack(stack);
    const [, manifest] = awsAuthManifest(template);
    for (const p of ['admins', 'alice']) expect(manifest.DependsOn).toContain(stack.getLogicalId(access.accessEntry(p)));
  });

  test('ClusterAccess in another stack than the cluster: no cross-stack cycle, a warning names the window', () => {
    const { app, stack, cluster } = clusterStack(eks.AuthenticationMode.API_AND_CONFIG_MAP);
    const other = new Stack(app, 'AccessStack', { env: { account: ACCOUNT, region: 'us-east-1' } });
    new ClusterAccess(other, 'Access', { cluster: ClusterTarget.fromCluster(cluster), model: model(AuthenticationMode.API_AND_CONFIG_MAP) });
    app.synth();
    Annotations.fromStack(other).hasWarning('/AccessStack/Access', Match.stringLikeRegexp('^AccessStack/Access: the aws-auth manifest of WithCluster/Cluster .*cannot wait for the access entries'));
    expect(awsAuthManifest(Template.fromStack(stack))[1].DependsOn ?? []).not.toContain(expect.stringMatching(/AccessStack/));
  });
});

describe('the mode switch on an imported cluster (merge-aws-auth)', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'mode-switch-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function merge(live: string, mode: AuthenticationMode): Promise<string> {
    const out = join(dir, mode);
    writeAccessManifests(model(mode), out);
    const liveFile = join(dir, `live-before-${mode}.yaml`);
    writeFileSync(liveFile, live);
    const r = await captureCli(runMerge, ['--live', liveFile, '--ours', join(out, AWS_AUTH_MANIFEST_FILE)]);
    expect(r.stderr).not.toMatch(/found 0/);
    expect(r.code).toBe(0);
    return r.stdout;
  }

  test('each mode writes aws-auth.k8s.yaml; the merge removes our CONFIG_MAP rows and keeps the node row', async () => {
    const nodes = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'aws-auth', namespace: 'kube-system', resourceVersion: '7' },
      data: { mapRoles: YAML.stringify([{ rolearn: NODE_ROLE, username: 'system:node:{{EC2PrivateDNSName}}', groups: ['system:bootstrappers', 'system:nodes'] }]) } };
    const step1 = await merge(YAML.stringify(nodes), AuthenticationMode.CONFIG_MAP);
    const rows1 = parseAwsAuth(YAML.parse(step1).data);
    // aws-auth rolearn without the IAM path: the authenticator matches the path-less assumed-role ARN.
    expect(rows1.roles.map((r) => r.roleArn)).toEqual([NODE_ROLE, `arn:aws:iam::${ACCOUNT}:role/Admin`]);
    expect(rows1.users.map((u) => u.userArn)).toEqual([`arn:aws:iam::${ACCOUNT}:user/alice`]);

    const step2 = await merge(step1, AuthenticationMode.API_AND_CONFIG_MAP);
    const rows2 = parseAwsAuth(YAML.parse(step2).data);
    expect(rows2.roles.map((r) => r.roleArn)).toEqual([NODE_ROLE]);
    expect(rows2.users).toEqual([]);

    const step3 = await merge(step2, AuthenticationMode.API);
    expect(parseAwsAuth(YAML.parse(step3).data).roles.map((r) => r.roleArn)).toEqual([NODE_ROLE]);
    const ownership = readFileSync(join(dir, AuthenticationMode.API, AWS_AUTH_MANIFEST_FILE), 'utf8');
    expect(ownership).toContain('cdk-eks-access.io/owned-aws-auth-rows');
  });
});

describe('the README walkthrough, as written', () => {
  /** The ```ts blocks of the README's migration section: the model, the eks.Cluster stack, the imported-cluster stack. */
  function walkthrough(): string[] {
    const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf('### Migrating CONFIG_MAP → API_AND_CONFIG_MAP → API');
    expect(start).toBeGreaterThan(0);
    const section = readme.slice(start, readme.indexOf('\n#', start + 4));
    return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
  }

  /** Runs the model block with `mode` and then `block` inside a new stack (`this`), with the package's names in scope. */
  function runIn(mode: AuthenticationMode, block: string, extra: (stack: Stack) => Record<string, unknown>): Stack {
    const [modelBlock] = walkthrough();
    const source = modelBlock.replace(/const mode = AuthenticationMode\.[A-Z_]+;/, `const mode = AuthenticationMode.${mode};`) + block;
    const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const stack = new Stack(new App(), 'Walkthrough', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const scope = { ...(library as Record<string, unknown>), ...extra(stack) };
    new Function(...Object.keys(scope), js).call(stack, ...Object.values(scope));
    return stack;
  }

  test('three code blocks: the model, the eks.Cluster, the imported cluster', () => {
    expect(walkthrough()).toHaveLength(3);
  });

  test.each([AuthenticationMode.CONFIG_MAP, AuthenticationMode.API_AND_CONFIG_MAP, AuthenticationMode.API])('on an eks.Cluster, %s', (mode) => {
    const stack = runIn(mode, walkthrough()[1], (s) => ({
      eks, kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(s, 'KubectlLayer', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:kubectl:1`),
    }));
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EKS::AccessEntry', mode === AuthenticationMode.CONFIG_MAP ? 0 : 2);
    const awsAuth = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource')).filter(([id]) => id.includes('AwsAuth'));
    if (mode === AuthenticationMode.CONFIG_MAP) {
      // aws-auth rolearn without the path; the model keeps it for access entries.
      expect(JSON.stringify(awsAuth)).toContain(`arn:aws:iam::${ACCOUNT}:role/Admin`);
      expect(JSON.stringify(awsAuth)).not.toContain('role/team/Admin');
    } else {
      expect(JSON.stringify(awsAuth)).not.toContain('user/alice');
    }
  });

  test.each([AuthenticationMode.CONFIG_MAP, AuthenticationMode.API_AND_CONFIG_MAP, AuthenticationMode.API])('on an imported cluster, %s: the ownership file is written', (mode) => {
    const out = mkdtempSync(join(tmpdir(), 'walkthrough-'));
    try {
      const block = walkthrough()[2].replace(`writeAccessManifests(model, 'dist')`, `writeAccessManifests(model, ${JSON.stringify(out)})`);
      const stack = runIn(mode, block, () => ({}));
      Template.fromStack(stack).resourceCountIs('AWS::EKS::AccessEntry', mode === AuthenticationMode.CONFIG_MAP ? 0 : 2);
      const rows = parseAwsAuth(YAML.parse(readFileSync(join(out, AWS_AUTH_MANIFEST_FILE), 'utf8')).data);
      expect(rows.users.map((u) => u.userArn)).toEqual(mode === AuthenticationMode.CONFIG_MAP ? [`arn:aws:iam::${ACCOUNT}:user/alice`] : []);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
