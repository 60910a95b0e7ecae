/**
 * Writes the Kubernetes side of an access model as files for GitOps (`<outdir>/access.k8s.yaml`), the job
 * `npx cdk synth` does for the example app next to the CloudFormation templates.
 */
import { join } from 'node:path';
import { App, YamlOutputType } from 'cdk8s';
import type { AccessModel } from '../model';
import { AccessChart, AccessChartProps } from './access-chart';

/** Options of `writeAccessManifests`; the chart options are those of `AccessChart`. */
export type WriteAccessManifestsOptions = Omit<AccessChartProps, 'model'>;

/** Synthesizes the AccessChart of `model` into `<outdir>/access.k8s.yaml`; returns the file path. */
export function writeAccessManifests(model: AccessModel, outdir: string, options: WriteAccessManifestsOptions = {}): string {
  const app = new App({ outdir, outputFileExtension: '.k8s.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
  new AccessChart(app, 'access', { ...options, model });
  app.synth();
  return join(outdir, 'access.k8s.yaml');
}
