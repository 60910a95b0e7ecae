/**
 * Ours for the synth benchmark: N principals (IAM user + access entry with a namespaced view policy + a Kubernetes
 * group for RBAC) declared once in an `AccessModel` and rendered by `ClusterAccess`, which shards them into nested
 * stacks itself; synthesized to a cloud assembly. Same principals as synth-plain.ts plus the group grants.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import { AccessModel, AccessPolicy, AuthenticationMode } from '../../lib/model';
import { measureSelf } from '../lib/worker';

const count = Number(process.argv[2] ?? '500');
/** Optional shard count (default: ClusterAccess's own, 64), to measure what the number of nested stacks costs. */
const shardCount = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const NAMESPACES = 50;

const outdir = mkdtempSync(path.join(os.tmpdir(), 'bench-synth-ours-'));
void measureSelf(() => {
  const app = new App({ outdir });
  const stack = new Stack(app, 'Access', { env: { account: '111122223333', region: 'us-east-1' } });
  const model = new AccessModel({ accountId: '111122223333', authenticationMode: AuthenticationMode.API });
  for (let n = 0; n < NAMESPACES; n++) {
    model.addGroupGrant({ group: `team-${n}-viewers`, clusterRole: 'view', namespaces: [`team-${n}`] });
  }
  for (let i = 0; i < count; i++) {
    const ns = `team-${i % NAMESPACES}`;
    model.addUser(`user-${i}`, {
      userName: `user-${i}`,
      kubernetesGroups: [`${ns}-viewers`],
      accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.inNamespaces(ns)],
    });
  }
  new ClusterAccess(stack, 'Access', {
    cluster: ClusterTarget.fromClusterName({ clusterName: 'demo', authenticationMode: model.authenticationMode }),
    model,
    sharding: shardCount === undefined ? undefined : { shardCount },
  });
  app.synth();
});
process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
