/**
 * Reads the `--from` paths: a `cdk.out` cloud assembly, a manifest file (YAML, multi-document YAML or JSON, `List`s
 * unwrapped), or a folder of either, recursively. CloudFormation templates contribute access entries and the manifests
 * of Kubernetes custom resources; a live snapshot's `cluster.json` (snapshot-format.ts) its access entries,
 * IAM trust policies and the sources it could not read (as warnings); everything else that looks like a Kubernetes
 * object is taken as is.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { AccessEntryRecord } from '../access-entries';
import { KubeObject } from '../normalize';
import { SourcedObject } from '../rbac-from-objects';
import { assertLiveSnapshot, isLiveSnapshot, LiveSnapshot, snapshotAccessEntries } from './snapshot-format';
import { TrustedRole } from '../role-trust';
import { isCfnTemplate, readTemplate } from './cfn-template';

export interface AccessSources {
  readonly objects: SourcedObject[];
  readonly accessEntries: AccessEntryRecord[];
  /** Non-fatal problems (unresolvable manifests, skipped files). */
  readonly warnings: string[];
  /** The files read, for the report header. */
  readonly files: string[];
  /** Live snapshots among the inputs (`eks-access snapshot`). */
  readonly snapshots?: LiveSnapshot[];
  /** IAM roles with trust policies (templates' `AWS::IAM::Role`, snapshots' `iamRoles`). */
  readonly trustedRoles?: TrustedRole[];
  /** IAM users the templates create (candidates for role assumption besides those trust policies name). */
  readonly iamUsers?: string[];
}

/** A `--from` path that cannot be read or parsed; the message names the file. */
export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

/** Folders never worth walking: dependencies and bundled Lambda assets of a cloud assembly. */
const SKIP_DIRS = new Set(['node_modules', '.git']);
const MANIFEST_EXT = /\.(ya?ml|json)$/i;

export interface LoadOptions {
  /** Account to assume for environment-agnostic stacks (otherwise ARNs keep `${AWS::AccountId}`). */
  readonly account?: string;
}

interface StackEnv { account?: string; region?: string }

/**
 * Stack environments from a cloud assembly's manifest.json, keyed by template file name, including those of nested
 * assemblies (a `Stage`'s stacks live in `assembly-<stage>/` with a manifest of their own: artifact type
 * `cdk:cloud-assembly`, `properties.directoryName`; aws-cdk-lib cloud-assembly-schema). `depth` bounds the nesting.
 */
async function assemblyEnvironments(dir: string, envs = new Map<string, StackEnv>(), depth = 0): Promise<Map<string, StackEnv>> {
  let manifest: { artifacts?: Record<string, { type?: string; environment?: string; properties?: { templateFile?: string; directoryName?: string } }> };
  try {
    manifest = JSON.parse(await fs.readFile(path.join(dir, 'manifest.json'), 'utf8'));
  } catch {
    return envs;
  }
  for (const a of Object.values(manifest.artifacts ?? {})) {
    const nested = a.properties?.directoryName;
    // Only a folder inside this one (the name is the manifest's, i.e. input).
    if (a.type === 'cdk:cloud-assembly' && typeof nested === 'string' && depth < 8 && !path.isAbsolute(nested) && !nested.split(/[\\/]/).includes('..')) {
      await assemblyEnvironments(path.join(dir, nested), envs, depth + 1);
      continue;
    }
    const file = a.properties?.templateFile;
    const m = /^aws:\/\/([^/]+)\/(.+)$/.exec(a.environment ?? '');
    if (!file || !m) continue;
    envs.set(path.resolve(dir, file), {
      ...(m[1] !== 'unknown-account' ? { account: m[1] } : {}),
      ...(m[2] !== 'unknown-region' ? { region: m[2] } : {}),
    });
  }
  return envs;
}

function kubeObjects(doc: unknown): KubeObject[] {
  if (typeof doc !== 'object' || doc === null) return [];
  const o = doc as KubeObject;
  if (Array.isArray(doc)) return doc.flatMap(kubeObjects);
  if (typeof o.kind === 'string' && o.kind.endsWith('List') && Array.isArray(o.items)) return (o.items as unknown[]).flatMap(kubeObjects);
  return typeof o.kind === 'string' && typeof o.apiVersion === 'string' ? [o] : [];
}

async function walk(p: string, files: string[], explicit: boolean): Promise<void> {
  let st;
  try {
    st = await fs.stat(p);
  } catch {
    throw new SourceError(`--from ${p}: no such file or directory (give a cdk.out folder, a manifest file or a folder of manifests)`);
  }
  if (st.isDirectory()) {
    const base = path.basename(p);
    if (!explicit && (SKIP_DIRS.has(base) || base.startsWith('asset.'))) return;
    for (const entry of (await fs.readdir(p)).sort()) await walk(path.join(p, entry), files, false);
  } else if (explicit || MANIFEST_EXT.test(p)) {
    files.push(p);
  }
}

/**
 * Cross-stack references (`Fn::ImportValue`). An `AccessFleet` access stack names its spoke roles through the identity
 * stack's exports, and templates are read one at a time in file order (the importer may come first), so an import is
 * first written as a marker naming the importer's account, region and export name, and replaced once every template
 * was read. Exports are per account and region (CloudFormation User Guide, "Exporting stack output values": "Exported
 * output names must be unique within your region"), so only an export of the importer's own environment answers; one
 * that no template of the inputs exports stays the placeholder `${Fn::ImportValue}`, as before.
 */
const IMPORT_MARKER = /\$\{Fn::ImportValue:([^}]*)\}/g;

class CrossStackImports {
  private readonly exports = new Map<string, string>();
  used = false;

  private static key(account: string | undefined, region: string | undefined, name: string): string {
    return [account ?? '', region ?? '', name].map(encodeURIComponent).join('|');
  }

  /** The marker of an import by a stack of this environment. */
  importer(env: StackEnv): (exportName: string) => string {
    return (name) => {
      this.used = true;
      return `\${Fn::ImportValue:${CrossStackImports.key(env.account, env.region, name)}}`;
    };
  }

  add(env: StackEnv, exports: ReadonlyArray<{ name: string; value: string }>): void {
    for (const e of exports) this.exports.set(CrossStackImports.key(env.account, env.region, e.name), e.value);
  }

  /** `v` with every marker replaced (the same object when it holds none). */
  resolve<T>(v: T): T {
    if (typeof v === 'string') {
      return (v.includes('${Fn::ImportValue:') ? v.replace(IMPORT_MARKER, (_m, key: string) => this.exports.get(key) ?? '${Fn::ImportValue}') : v) as T;
    }
    if (Array.isArray(v)) {
      const r = v.map((x) => this.resolve(x));
      return (r.some((x, i) => x !== v[i]) ? r : v) as T;
    }
    if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      const r = entries.map(([k, x]) => [k, this.resolve(x)] as const);
      return (r.some(([, x], i) => x !== entries[i][1]) ? Object.fromEntries(r) : v) as T;
    }
    return v;
  }
}

export async function loadSources(paths: readonly string[], opts: LoadOptions = {}): Promise<AccessSources> {
  const out: Required<AccessSources> = { objects: [], accessEntries: [], warnings: [], files: [], snapshots: [], trustedRoles: [], iamUsers: [] };
  const imports = new CrossStackImports();
  for (const root of paths) {
    const files: string[] = [];
    await walk(root, files, true);
    const envs = (await fs.stat(root)).isDirectory() ? await assemblyEnvironments(root) : new Map<string, StackEnv>();
    for (const file of files) {
      const base = path.basename(file);
      // Cloud-assembly bookkeeping, not inputs.
      if (base === 'manifest.json' || base === 'tree.json' || base.endsWith('.assets.json')) continue;
      const text = await fs.readFile(file, 'utf8');
      let docs: unknown[];
      try {
        docs = /\.json$/i.test(file) ? [JSON.parse(text)] : parseAllDocuments(text).map((d) => {
          if (d.errors.length) throw d.errors[0];
          return d.toJS();
        });
      } catch (e) {
        throw new SourceError(`${file}: not valid ${/\.json$/i.test(file) ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
      }
      let used = false;
      for (const doc of docs) {
        if (isLiveSnapshot(doc)) {
          assertLiveSnapshot(doc, file);
          out.snapshots.push(doc);
          out.accessEntries.push(...snapshotAccessEntries(doc, file));
          out.trustedRoles.push(...doc.iamRoles.map((r) => ({ roleArn: r.arn, trustPolicy: r.trustPolicy, origin: `${file}#${r.arn}` })));
          out.warnings.push(...doc.problems.map((p) => `${file}: the snapshot could not read ${p.source}: ${p.reason}`));
          used = true;
        } else if (isCfnTemplate(doc)) {
          const stackEnv = envs.get(path.resolve(file)) ?? {};
          const env = { account: stackEnv.account ?? opts.account, region: stackEnv.region };
          const t = readTemplate(doc, file, { ...env, importValue: imports.importer(env) });
          imports.add(env, t.exports);
          out.accessEntries.push(...t.accessEntries);
          out.objects.push(...t.objects);
          out.warnings.push(...t.warnings);
          out.trustedRoles.push(...t.trustedRoles);
          out.iamUsers.push(...t.iamUsers);
          used = true;
        } else {
          const objs = kubeObjects(doc);
          out.objects.push(...objs.map((object) => ({ object, origin: file })));
          used ||= objs.length > 0;
        }
      }
      if (used) out.files.push(file);
    }
  }
  if (imports.used) {
    // In place (no spread: a large assembly has more records than a call takes arguments).
    for (const list of [out.accessEntries, out.objects, out.trustedRoles, out.iamUsers] as unknown[][]) {
      for (let i = 0; i < list.length; i++) list[i] = imports.resolve(list[i]);
    }
  }
  return out;
}
