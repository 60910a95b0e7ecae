/**
 * Ours for the fleet synth benchmark (bench/benches/fleet-synth.ts): one app, one `AccessFleet` of C clusters (spread
 * over C/5 accounts, 5 clusters per account and region, labelled env=prod for every fifth) and P principals declared
 * once — IAM roles of a hub account (identities shared: nothing is created per cluster but the access entry and its
 * eks:DescribeCluster grant) granted on every cluster with a namespaced view policy — synthesized to one cloud assembly
 * (one nested assembly per stage). The same grants as fleet-synth-app.ts writes cluster by cluster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { AccessFleet } from '../../lib/aws';
import { measureSelf } from '../lib/worker';
import { FLEET_NAMESPACES, fleetCluster, hubRoleArn, viewIn } from './fleet-synth-shape';

const clusters = Number(process.argv[2] ?? '50');
const principals = Number(process.argv[3] ?? '3000');

const outdir = mkdtempSync(path.join(os.tmpdir(), 'bench-fleet-synth-'));
void measureSelf(() => {
  const app = new App({ outdir });
  const fleet = new AccessFleet(app, 'Fleet');
  for (let c = 0; c < clusters; c++) fleet.addCluster(fleetCluster(c));
  for (let i = 0; i < principals; i++) fleet.importRole(`role-${i}`, hubRoleArn(i), { accessPolicies: [viewIn(i % FLEET_NAMESPACES)] });
  fleet.render();
  app.synth();
});
process.on('exit', () => rmSync(outdir, { recursive: true, force: true }));
