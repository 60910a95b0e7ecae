/**
 * The snapshot folder `eks-access snapshot --out DIR` writes, a plain folder meant to be reviewed offline and attached
 * to a ticket, and read back by every analysis command (`--from DIR`) and by `diff`/`import`:
 *
 * - `cluster.json` — `kind: LiveSnapshot`: cluster name, region, authentication mode, the access entries with their
 *   associated policies and scopes (the same record shape the analysis reads from `AWS::EKS::AccessEntry`), the trust
 *   policies of the IAM roles that appear, and `problems`: every source that could not be read, and why.
 * - `kubernetes/aws-auth.yaml`, `kubernetes/rbac.yaml`, `kubernetes/iamidentitymappings.yaml` — the objects as
 *   the API returned them, minus server bookkeeping (managedFields, uid, resourceVersion, timestamps).
 */
import type { AccessEntryRecord } from '../access-entries';

export const SNAPSHOT_API_VERSION = 'cdk-eks-access.io/v1alpha1';
export const SNAPSHOT_KIND = 'LiveSnapshot';
export const SNAPSHOT_FILE = 'cluster.json';
export const KUBERNETES_DIR = 'kubernetes';

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
export type SnapshotAccessEntry = Omit<AccessEntryRecord, 'origin' | 'clusterName'>;

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

/** The snapshot's access entries as analysis records. */
export function snapshotAccessEntries(s: LiveSnapshot, file: string): AccessEntryRecord[] {
  return s.accessEntries.map((e) => ({ ...e, clusterName: s.cluster.name, origin: `${file}#${e.principalArn}` }));
}
