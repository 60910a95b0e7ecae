/**
 * Synthesizes a module written by `eks-access import` the way its header says to use it: `liveAccessModel()` in a
 * `ClusterAccess` of an aws-cdk-lib stack (→ cdk.out) and `liveKubernetes()` in a cdk8s app (→ manifests), so a
 * test can diff the result against the snapshot it came from. Also type-checks the module with the TypeScript
 * compiler (ts-jest only transpiles).
 */
import { join } from 'node:path';
import * as cdk from 'aws-cdk-lib';
import { App as Cdk8sApp } from 'cdk8s';
import * as ts from 'typescript';
import { ClusterAccess, ClusterTarget } from '../../lib';
import type { AccessModel, RbacChart } from '../../lib';

interface ImportedModule {
  CLUSTER_NAME: string;
  liveAccessModel(): AccessModel;
  liveKubernetes(scope: unknown): RbacChart;
}

/** Type errors of `file` compiled with the repository's compiler options (`paths` maps the API module). */
export function typeErrors(file: string, paths: Record<string, string[]> = {}): string[] {
  const program = ts.createProgram([file], {
    strict: true, noUnusedLocals: true, noEmit: true, skipLibCheck: true, esModuleInterop: true,
    target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10,
    experimentalDecorators: true, resolveJsonModule: true, types: ['node'], baseUrl: '/', paths,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Returns [cdk.out, manifests folder]. */
export function synthImported(file: string, outdir: string): string[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(file) as ImportedModule;
  const model = mod.liveAccessModel();
  const cdkOut = join(outdir, 'cdk.out');
  const app = new cdk.App({ outdir: cdkOut });
  const stack = new cdk.Stack(app, 'Imported', { env: { account: model.accountId, region: 'us-east-1' } });
  new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: mod.CLUSTER_NAME, authenticationMode: model.authenticationMode }), model });
  app.synth();
  const manifests = join(outdir, 'manifests');
  const k8sApp = new Cdk8sApp({ outdir: manifests });
  mod.liveKubernetes(k8sApp);
  k8sApp.synth();
  return [cdkOut, manifests];
}
