/**
 * Baseline for the fleet synth benchmark: the same grants as fleet-synth.ts written as one separate CDK app per
 * cluster (what a team without a fleet writes: an app, a stack and a `ClusterAccess` per cluster); this worker is one
 * such app, cluster number C, and the driver runs it once per cluster, each in a fresh process as `cdk synth` would.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import { AccessModel, AuthenticationMode } from '../../lib/model';
import { measureSelf } from '../lib/worker';
import { FLEET_NAMESPACES, fleetCluster, hubRoleArn, viewIn } from './fleet-synth-shape';

const cluster = fleetCluster(Number(process.argv[2] ?? '0'));
const principals = Number(process.argv[3] ?? '3000');

const outdir = mkdtempSync(path.join(os.tmpdir(), 'bench-fleet-synth-app-'));
void measureSelf(() => {
  const app = new App({ outdir });
  const stack = new Stack(app, `Access-${cluster.clusterName}`, { env: { account: cluster.account, region: cluster.region } });
  const model = new AccessModel({ accountId: cluster.account, authenticationMode: AuthenticationMode.API, clusterName: cluster.clusterName });
  for (let i = 0; i < principals; i++) model.importRole(`role-${i}`, hubRoleArn(i), { accessPolicies: [viewIn(i % FLEET_NAMESPACES)] });
  new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: cluster.clusterName, authenticationMode: AuthenticationMode.API }), model });
  app.synth();
});
process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
