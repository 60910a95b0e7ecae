/** The CDK app `examples/fleet/cdk.json` runs: `cd examples/fleet && npx cdk synth` (no AWS credentials). */
import { buildExampleFleet } from './fleet-app';

buildExampleFleet().app.synth();
