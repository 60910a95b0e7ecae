import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import YAML from 'yaml';
import { exampleAccessModel } from '../../examples/app/example-access';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import { parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import { run as runMerge } from '../../bin/commands/merge-aws-auth';
import { EksAccessManifests } from '../../lib/deploy';
import { AWS_AUTH_MANIFEST_FILE, writeAccessManifests } from '../../lib/k8s';
import { AuthenticationMode } from '../../lib/model';
import { captureCli } from '../helpers/cli-output';
import { validateAll } from './validate-manifest';

const ACCOUNT = '111122223333';

function clusterStack(mode: eks.AuthenticationMode) {
  const app = new App();
  const stack = new Stack(app, 'WithCluster', { env: { account: ACCOUNT, region: 'us-east-1' } });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_31,
    authenticationMode: mode,
    // An existing layer by ARN: the kubectl handler is not under test, only what is handed to it.
    kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'Kubectl', `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:kubectl:1`),
  });
  return { app, stack, cluster };
}

describe('applying the access manifests', () => {
  test('writeAccessManifests writes <outdir>/access.k8s.yaml, valid and re-readable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifests-'));
    try {
      const file = writeAccessManifests(exampleAccessModel(), dir);
      expect(file).toBe(join(dir, 'access.k8s.yaml'));
      const docs = YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
      validateAll(docs);
      expect(docs.map((d) => d.kind)).toEqual(expect.arrayContaining(['ClusterRole', 'ClusterRoleBinding', 'ServiceAccount']));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('CONFIG_MAP mode: aws-auth goes to its own file (the merge input), never into access.k8s.yaml', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifests-'));
    try {
      const file = writeAccessManifests(exampleAccessModel(AuthenticationMode.CONFIG_MAP), dir);
      const rbac = YAML.parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS());
      expect(rbac.filter((d) => d.kind === 'ConfigMap')).toEqual([]);
      expect(rbac.map((d) => d.kind)).toEqual(expect.arrayContaining(['ClusterRoleBinding', 'RoleBinding']));
      const awsAuthFile = join(dir, AWS_AUTH_MANIFEST_FILE);
      const [cm, ...rest] = YAML.parseAllDocuments(readFileSync(awsAuthFile, 'utf8')).map((d) => d.toJS());
      expect(rest).toEqual([]);
      expect(cm.metadata).toMatchObject({ name: 'aws-auth', namespace: 'kube-system' });
      validateAll([cm]);
      // The file is what `eks-access merge-aws-auth --ours` takes.
      const none = join(dir, 'no-live.yaml');
      writeFileSync(none, '');
      const r = await captureCli(runMerge, ['--live', none, '--ours', awsAuthFile]);
      expect(r.code).toBe(0);
      expect(parseAwsAuth(YAML.parse(r.stdout).data).users.map((u) => u.username)).toEqual(expect.arrayContaining(['pod-viewer-user', 'pod-admin-user']));
      // API mode writes the ownership file without rows (the merge then removes the rows it wrote before);
      // awsAuth: false writes none.
      const apiDir = join(dir, 'api');
      writeAccessManifests(exampleAccessModel(), apiDir);
      const [apiCm] = YAML.parseAllDocuments(readFileSync(join(apiDir, AWS_AUTH_MANIFEST_FILE), 'utf8')).map((d) => d.toJS());
      expect(parseAwsAuth(apiCm.data)).toMatchObject({ roles: [], users: [], accounts: [] });
      validateAll([apiCm]);
      const noneDir = join(dir, 'none');
      writeAccessManifests(exampleAccessModel(), noneDir, { awsAuth: false });
      expect(existsSync(join(noneDir, AWS_AUTH_MANIFEST_FILE))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('on an eks.Cluster: one KubernetesManifest ordered after the access entries', () => {
    const { stack, cluster } = clusterStack(eks.AuthenticationMode.API);
    const model = exampleAccessModel();
    const access = new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromCluster(cluster), model });
    new EksAccessManifests(stack, 'K8s', { cluster, model, after: [access] });
    const template = Template.fromStack(stack);
    const manifests = template.findResources('Custom::AWSCDK-EKS-KubernetesResource');
    const [[, manifest]] = Object.entries(manifests).filter(([id]) => id.startsWith('K8s'));
    const manifestText = JSON.stringify(manifest.Properties.Manifest);
    expect(manifestText).toContain('eks-access:pod-viewer');
    expect(manifestText).toContain('eks.amazonaws.com/role-arn');
    const entryIds = Object.keys(template.findResources('AWS::EKS::AccessEntry'));
    expect(entryIds.length).toBeGreaterThan(0);
    for (const id of entryIds) expect(manifest.DependsOn).toContain(id);
    expect(Object.keys(manifests).filter((id) => id.includes('AwsAuth'))).toEqual([]);
  });

  test('CONFIG_MAP mode on an eks.Cluster: rows go through the cluster\'s own AwsAuth (one aws-auth writer)', () => {
    const { stack, cluster } = clusterStack(eks.AuthenticationMode.CONFIG_MAP);
    const model = exampleAccessModel(AuthenticationMode.CONFIG_MAP);
    new EksAccessManifests(stack, 'K8s', { cluster, model });
    const template = Template.fromStack(stack);
    const resources = Object.entries(template.findResources('Custom::AWSCDK-EKS-KubernetesResource'));
    const awsAuth = resources.filter(([id]) => id.includes('AwsAuth'));
    expect(awsAuth).toHaveLength(1);
    // The manifest is a CloudFormation string with tokens; its ARNs are literal here (imported by ARN).
    const manifestText = JSON.stringify(awsAuth[0][1].Properties.Manifest);
    expect(manifestText).toContain('arn:aws:iam::111122223333:user/testuser');
    expect(manifestText).toContain('system:masters');
    const ours = resources.filter(([id]) => id.startsWith('K8s'));
    expect(JSON.stringify(ours)).not.toContain('aws-auth');
  });

  test('an imported cluster in a ConfigMap mode is refused with the merge path', () => {
    const app = new App();
    const stack = new Stack(app, 'Imported', { env: { account: ACCOUNT, region: 'us-east-1' } });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'C', { clusterName: 'demo', kubectlRoleArn: `arn:aws:iam::${ACCOUNT}:role/kubectl` });
    expect(() => new EksAccessManifests(stack, 'K8s', { cluster, model: exampleAccessModel(AuthenticationMode.CONFIG_MAP) }))
      .toThrow(/Imported\/K8s: the model needs aws-auth rows but the cluster is imported; .*merge-aws-auth/);
  });
});
