import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { exampleAccessModel } from '../../../examples/app/example-access';
import { AWS_AUTH_MANIFEST_FILE, writeAccessManifests, WriteAccessManifestsOptions } from '../../../lib/k8s/write-manifests';
import { AuthenticationMode, PrincipalJson } from '../../../lib/model';

/** One synthesized Kubernetes object (a parsed document of `access.k8s.yaml` or `aws-auth.k8s.yaml`). */
export type ExampleObject = Record<string, unknown> & { kind: string; metadata: { name: string; namespace?: string } };

/** Parses a multi-document manifest file into its objects. */
function readObjects(file: string): ExampleObject[] {
  const docs = parseAllDocuments(readFileSync(file, 'utf8'));
  const broken = docs.flatMap((d) => d.errors.map((e) => e.message));
  if (broken.length) throw new Error(`${file} does not parse: ${broken.join('; ')}`);
  return docs.map((d) => d.toJS()).filter((o): o is ExampleObject => !!o);
}

/**
 * The example app's Kubernetes manifests as the product writes them: `writeAccessManifests` (what `examples/app/app.ts`, i.e.
 * `npx cdk synth`, calls) into `outdir`, and the written files read back: `access.k8s.yaml` (`file`, the RBAC) and, in
 * the ConfigMap modes, `aws-auth.k8s.yaml` (`awsAuthFile`, the input of `eks-access merge-aws-auth`). `objects` holds
 * both. API mode is the app's own model; CONFIG_MAP is the same example for a cluster that authenticates from aws-auth
 * (ours, self-managed). `npx cdk synth` itself is not run: it adds CloudFormation and cdk-nag (tens of seconds on the
 * CI machine), always writes the API-mode file into the shared `dist/`, and the scenario needs the CONFIG_MAP variant.
 */
export function synthesizeExample(
  outdir: string,
  mode: AuthenticationMode = AuthenticationMode.API,
  options: WriteAccessManifestsOptions = {},
): { file: string; awsAuthFile?: string; objects: ExampleObject[] } {
  const file = writeAccessManifests(exampleAccessModel(mode), outdir, options);
  const awsAuthFile = join(outdir, AWS_AUTH_MANIFEST_FILE);
  // API mode writes an ownership file without rows (for merge-aws-auth after a mode switch): not part of the example.
  const hasAwsAuth = mode !== AuthenticationMode.API && existsSync(awsAuthFile);
  return {
    file,
    ...(hasAwsAuth ? { awsAuthFile } : {}),
    objects: [...readObjects(file), ...(hasAwsAuth ? readObjects(awsAuthFile) : [])],
  };
}

/** The example app's Kubernetes objects (`synthesizeExample` into a temporary directory, removed afterwards). */
export function exampleManifests(
  mode: AuthenticationMode = AuthenticationMode.API,
  options: WriteAccessManifestsOptions = {},
): ExampleObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'eks-access-e2e-synth-'));
  try {
    return synthesizeExample(dir, mode, options).objects;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The namespaces (other than kube-system) the objects live in, as Namespace objects to create first. */
export function namespacesOf(objects: readonly ExampleObject[]): object[] {
  const names = [...new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n && n !== 'kube-system'))];
  return names.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
}

/** A principal of the example model by its id (`testuser`, `read-only`, ...). */
export function examplePrincipal(id: string): PrincipalJson {
  const p = exampleAccessModel().principals.find((x) => x.id === id);
  if (!p) throw new Error(`the example model has no principal '${id}'`);
  return p;
}

/** IAM name and path of a principal's ARN (`arn:aws:iam::1:user/eks/read-only-user` → path `/eks/`). */
export function iamNameAndPath(arn: string): { name: string; path: string } {
  const resource = arn.split(':').slice(5).join(':').split('/').slice(1);
  const name = resource.pop() ?? '';
  return { name, path: resource.length ? `/${resource.join('/')}/` : '/' };
}
