/**
 * Writes the Kubernetes side of an access model as files for GitOps, the job `npx cdk synth` does for the example app
 * next to the CloudFormation templates:
 * - `<outdir>/access.k8s.yaml`: RBAC, service accounts, IAMIdentityMappings — safe for `kubectl apply` / a GitOps sync;
 * - `<outdir>/aws-auth.k8s.yaml` (every mode): our aws-auth rows, NOT for a plain apply. aws-auth's data keys are
 *   single strings, so applying this file would replace every row other writers own (node groups, eksctl); it is the
 *   `--ours` input of `eks-access merge-aws-auth`, which merges row by row (README "k8s", apply order). It is written
 *   even when the model has no rows (API mode, API_AND_CONFIG_MAP without accounts): after a mode switch the merge
 *   needs it to remove the rows it wrote in CONFIG_MAP, which would otherwise stay in aws-auth for good.
 */
import { join } from 'node:path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import type { AccessModel } from '../model';
import { AccessChart, AccessChartProps, awsAuthConfigMapOf, rendersAwsAuth } from './access-chart';
import { AwsAuthConfigMap } from './aws-auth-config-map';

/** Options of `writeAccessManifests`; the chart options are those of `AccessChart`. */
export type WriteAccessManifestsOptions = Omit<AccessChartProps, 'model'>;

/** File name of the RBAC manifests (safe to apply). */
export const ACCESS_MANIFEST_FILE = 'access.k8s.yaml';
/** File name of our aws-auth ConfigMap, the input of `eks-access merge-aws-auth` (never applied as is). */
export const AWS_AUTH_MANIFEST_FILE = 'aws-auth.k8s.yaml';

/**
 * Synthesizes the AccessChart of `model` into `<outdir>/access.k8s.yaml` and the aws-auth ConfigMap of its rows (none
 * in API mode) into `<outdir>/aws-auth.k8s.yaml` (a separate file, so an apply of the RBAC never replaces the live
 * aws-auth), unless `awsAuth` is false. Returns the path of access.k8s.yaml.
 */
export function writeAccessManifests(model: AccessModel, outdir: string, options: WriteAccessManifestsOptions = {}): string {
  const app = new App({ outdir, outputFileExtension: '.k8s.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
  new AccessChart(app, 'access', { ...options, model, awsAuth: false });
  if (rendersAwsAuth(model, options.awsAuth, 'access')) awsAuthConfigMapOf(new Chart(app, 'aws-auth'), model);
  else if (options.awsAuth !== false) new AwsAuthConfigMap(new Chart(app, 'aws-auth'), 'AwsAuth', { allowEmpty: true });
  app.synth();
  return join(outdir, ACCESS_MANIFEST_FILE);
}

/** `writeAccessManifests` for every jsii language (free functions are TypeScript-only). */
export class AccessManifests {
  /**
   * Writes `<outdir>/access.k8s.yaml` (and the ownership file `<outdir>/aws-auth.k8s.yaml`) for the model and
   * chart options of `props`; returns the path of access.k8s.yaml.
   */
  public static write(outdir: string, props: AccessChartProps): string {
    const { model, ...options } = props;
    return writeAccessManifests(model, outdir, options);
  }

  private constructor() {}
}
