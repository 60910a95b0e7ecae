/**
 * Baseline for the synth benchmark: N principals written directly with aws-cdk-lib L2 constructs — IAM user, its
 * `eks:DescribeCluster` policy (what `aws eks update-kubeconfig` needs; ClusterAccess creates the same), and an EKS
 * access entry with a namespaced view policy (the L2 AccessEntry has no kubernetesGroups prop, so the baseline carries
 * none) — split by hand into stacks that stay under CloudFormation's 500-resource limit, then synthesized to a cloud
 * assembly. Same resources per principal as ours, so the ratio measures the library, not a different output.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { measureSelf } from '../lib/worker';

const count = Number(process.argv[2] ?? '500');
/** Three resources per principal (user + policy + access entry), 160 principals = 480 resources per stack. */
const PRINCIPALS_PER_STACK = 160;

const outdir = mkdtempSync(path.join(os.tmpdir(), 'bench-synth-plain-'));
void measureSelf(() => {
  const app = new App({ outdir });
  const env = { account: '111122223333', region: 'us-east-1' };
  let stack: Stack | undefined;
  let cluster: eks.ICluster | undefined;
  for (let i = 0; i < count; i++) {
    if (i % PRINCIPALS_PER_STACK === 0) {
      stack = new Stack(app, `Access${i / PRINCIPALS_PER_STACK}`, { env });
      cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'demo' });
    }
    const user = new iam.User(stack!, `User${i}`, { userName: `user-${i}` });
    new iam.Policy(stack!, `ClusterAccessPolicy${i}`, {
      users: [user],
      statements: [new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [stack!.formatArn({ service: 'eks', resource: 'cluster', resourceName: 'demo' })] })],
    });
    new eks.AccessEntry(stack!, `Entry${i}`, {
      cluster: cluster!,
      principal: user.userArn,
      accessPolicies: [
        eks.AccessPolicy.fromAccessPolicyName('AmazonEKSViewPolicy', {
          accessScopeType: eks.AccessScopeType.NAMESPACE,
          namespaces: [`team-${i % 50}`],
        }),
      ],
    });
  }
  app.synth();
});
process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
