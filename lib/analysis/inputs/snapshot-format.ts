/**
 * The snapshot folder `eks-access snapshot --out DIR` writes, a plain folder meant to be reviewed offline and attached
 * to a ticket, and read back by every analysis command (`--from DIR`) and by `diff`/`import`:
 *
 * - `cluster.json` — `kind: LiveSnapshot`: cluster name, region, authentication mode, the access entries with their
 *   associated policies and scopes (the same record shape the analysis reads from `AWS::EKS::AccessEntry`), the trust
 *   policies of the IAM roles that appear, and `problems`: every source that could not be read, and why.
 * - `kubernetes/aws-auth.yaml`, `kubernetes/rbac.json`, `kubernetes/iamidentitymappings.json` — the objects as
 *   the API returned them, minus server bookkeeping (managedFields, uid, resourceVersion, timestamps); see
 *   {@link SNAPSHOT_KUBE_FILES} for why which is JSON.
 */
import type { AccessEntryRecord } from '../access-entries';
import { RuleError } from '../../model/rule-error';

/** Rule id of a `cluster.json` whose fields are not of the types below. */
const SNAPSHOT_FORMAT_RULE = 'eks-access:snapshot-format';

export const SNAPSHOT_API_VERSION = 'cdk-eks-access.io/v1alpha1';
export const SNAPSHOT_KIND = 'LiveSnapshot';
export const SNAPSHOT_FILE = 'cluster.json';
export const KUBERNETES_DIR = 'kubernetes';
/**
 * The files under {@link KUBERNETES_DIR}. RBAC and IAMIdentityMappings are JSON `List`s (what `kubectl get -o json`
 * prints): at 2,000 RBAC objects the YAML parser took 0.5–1 s of every one-question command (`who-can`, `can-i`), and
 * JSON.parse takes milliseconds (bench/results/analysis-size.md). The aws-auth ConfigMap stays YAML: it is small, its
 * `mapRoles`/`mapUsers` are YAML text anyway, and it is the file people read. Snapshots of the earlier layout
 * (`rbac.yaml`, `iamidentitymappings.yaml`) are still read: `--from` takes any manifest file.
 */
export const SNAPSHOT_KUBE_FILES = { awsAuth: 'aws-auth.yaml', rbac: 'rbac.json', iamIdentityMappings: 'iamidentitymappings.json' } as const;
/** Files of earlier layouts a new snapshot removes from the folder it writes to, so that no object is read twice. */
export const SNAPSHOT_FORMER_KUBE_FILES = ['rbac.yaml', 'iamidentitymappings.yaml'] as const;

/** One source (an API call or a collection) that could not be read. */
export interface SnapshotProblem {
  /** e.g. `eks:ListAccessEntries`, `kubernetes:clusterroles`, `iam:GetRole arn:aws:iam::1:role/x`. */
  readonly source: string;
  /** The error name and message of the service, e.g. `AccessDeniedException: ...` or `HTTP 403: ...`. */
  readonly reason: string;
}

/** An IAM role that appears in the access configuration, with its trust policy (the decoded JSON document). */
export interface SnapshotIamRole {
  readonly arn: string;
  readonly trustPolicy: unknown;
}

/** An access entry as the snapshot records it (no `origin`: the loader adds `cluster.json#<principal ARN>`). */
export type SnapshotAccessEntry = Omit<AccessEntryRecord, 'origin' | 'clusterName' | 'stackEnvironment'>;

export interface LiveSnapshot {
  readonly apiVersion: typeof SNAPSHOT_API_VERSION;
  readonly kind: typeof SNAPSHOT_KIND;
  readonly cluster: {
    readonly name: string;
    readonly region?: string;
    /** `API`, `API_AND_CONFIG_MAP` or `CONFIG_MAP`; undefined when the cluster could not be described. */
    readonly authenticationMode?: string;
  };
  /** ISO time the snapshot was taken. */
  readonly takenAt: string;
  readonly accessEntries: SnapshotAccessEntry[];
  readonly iamRoles: SnapshotIamRole[];
  readonly problems: SnapshotProblem[];
}

export function isLiveSnapshot(doc: unknown): doc is LiveSnapshot {
  const d = doc as Partial<LiveSnapshot> | null;
  return typeof d === 'object' && d !== null && d.kind === SNAPSHOT_KIND && d.apiVersion === SNAPSHOT_API_VERSION;
}

/** What `v` must be when it is not that (problems inside it go to `out` with their full field path), else undefined. */
type Check = (v: unknown, field: string, out: string[]) => string | undefined;
const STRING = 'a string';
const str: Check = (v) => (typeof v === 'string' ? undefined : STRING);
const optional = (c: Check): Check => (v, f, out) => (v === undefined ? undefined : c(v, f, out));
function record(fields: Record<string, Check>): Check {
  return (v, field, out) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'an object';
    for (const [k, c] of Object.entries(fields)) {
      const own = Object.prototype.hasOwnProperty.call(v, k) ? (v as Record<string, unknown>)[k] : undefined;
      const p = c(own, `${field}.${k}`, out);
      if (p) out.push(`${field}.${k} must be ${p}`);
    }
    return undefined;
  };
}
function array(item: Check): Check {
  return (v, field, out) => {
    if (!Array.isArray(v)) return 'an array';
    v.forEach((x, i) => {
      const p = item(x, `${field}[${i}]`, out);
      if (p) out.push(`${field}[${i}] must be ${p}`);
    });
    return undefined;
  };
}
const oneOf = (...values: string[]): Check => (v) => (typeof v === 'string' && values.includes(v) ? undefined : `one of ${values.join(', ')}`);

/**
 * The documented shape of `cluster.json` (the interfaces above). Enum-like strings (`authenticationMode`, an entry's
 * `type`) are only checked to be strings here: a value this version does not know is the consumer's to report (import
 * writes a NOTE), not a malformed file. The access-policy scope type is structural (it decides which fields exist).
 */
const SNAPSHOT_SHAPE = record({
  cluster: record({ name: str, region: optional(str), authenticationMode: optional(str) }),
  takenAt: str,
  accessEntries: array(record({
    principalArn: str, type: str, username: optional(str), kubernetesGroups: array(str),
    accessPolicies: array(record({ policyArn: str, scope: record({ type: oneOf('cluster', 'namespace'), namespaces: array(str) }) })),
  })),
  iamRoles: array(record({ arn: str })),
  problems: array(record({ source: str, reason: str })),
});

/**
 * Refuses a `cluster.json` (already known to be a `LiveSnapshot` by kind and apiVersion) whose fields are not of the
 * documented types: a snapshot folder is input anyone may have edited, and every reader (import writes code from it)
 * relies on these types. The error names the file and each field, never the value (it may hold anything).
 */
export function assertLiveSnapshot(doc: LiveSnapshot, file: string): void {
  const problems: string[] = [];
  SNAPSHOT_SHAPE(doc, '', problems);
  if (!problems.length) return;
  const found = problems.map((p) => p.replace(/^\./, '')).slice(0, 10);
  const more = problems.length > found.length ? ` (and ${problems.length - found.length} more)` : '';
  throw new RuleError(SNAPSHOT_FORMAT_RULE, file, `not a snapshot of the documented format: ${found.join('; ')}${more}; write it with \`eks-access snapshot\``);
}

/** The snapshot's access entries as analysis records. */
export function snapshotAccessEntries(s: LiveSnapshot, file: string): AccessEntryRecord[] {
  return s.accessEntries.map((e) => ({ ...e, clusterName: s.cluster.name, origin: `${file}#${e.principalArn}` }));
}
