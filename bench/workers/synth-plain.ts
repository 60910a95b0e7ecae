/**
 * Baseline for the synth benchmark: N principals (IAM user + EKS access entry with a namespaced view policy; the
 * aws-cdk-lib L2 AccessEntry has no kubernetesGroups prop, so the baseline carries none) written directly with aws-cdk-lib L2 constructs and split by hand into stacks that stay under
 * CloudFormation's 500-resource limit, then synthesized to a cloud assembly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import { measureSelf } from '../lib/worker';

const count = Number(process.argv[2] ?? '500');
/** Two resources per principal (user + access entry), 240 principals = 480 resources per stack. */
const PRINCIPALS_PER_STACK = 240;

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
