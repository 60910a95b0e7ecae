/**
 * The example CDK app (docs/walkthrough.md): the example access model (examples/app/example-access.ts) on an imported cluster, checked by cdk-nag's
 * AwsSolutions pack. `examples/app/app.ts` synthesizes it; the tests build it the same way.
 */
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ClusterAccess, ClusterTarget } from '../../lib/aws';
import { AccessModel } from '../../lib/model';
import {
  EXAMPLE_ACCOUNT, EXAMPLE_CLUSTER_NAME, EXAMPLE_OIDC_ISSUER, EXAMPLE_REGION, exampleAccessModel,
} from './example-access';
import { suppressExampleNagFindings } from './example-nag-suppressions';

export interface ExampleApp {
  readonly app: App;
  readonly stack: Stack;
  readonly access: ClusterAccess;
  /** The one model every output of the app derives from. */
  readonly model: AccessModel;
}

/** Options of `buildExampleApp`. */
export interface ExampleAppOptions {
  /**
   * Apply the justified cdk-nag acknowledgements (tests turn them off to prove the checks run).
   * @default true
   */
  readonly acknowledgeNagFindings?: boolean;
}

/** Builds the example app (without synthesizing it). */
export function buildExampleApp(app: App = new App(), options: ExampleAppOptions = {}): ExampleApp {
  // Built once: the CDK constructs here and the Kubernetes manifests (lib/k8s) must come from the same object.
  const model = exampleAccessModel();
  const stack = new Stack(app, 'EksAccessExample', {
    env: { account: EXAMPLE_ACCOUNT, region: EXAMPLE_REGION },
    description: 'cdk-eks-access example: IAM principals and EKS access entries for an existing cluster',
  });
  const access = new ClusterAccess(stack, 'Access', {
    cluster: ClusterTarget.fromClusterName({
      clusterName: EXAMPLE_CLUSTER_NAME,
      authenticationMode: model.authenticationMode,
      oidcIssuer: EXAMPLE_OIDC_ISSUER,
    }),
    model,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  if (options.acknowledgeNagFindings ?? true) suppressExampleNagFindings(access);
  return { app, stack, access, model };
}
