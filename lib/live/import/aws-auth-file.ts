/**
 * `eks-access import --aws-auth FILE`: an aws-auth ConfigMap alone (a manifest, or `kubectl get configmap aws-auth -o
 * yaml|json`) → model code with one access entry per row, through the same emitter as a snapshot import
 * (generate.ts, code-literal.ts): role and user rows become `importRole`/`importUser` with the row's username and
 * groups (a `system:masters` row becomes `AmazonEKSClusterAdminPolicy` at cluster scope, other `system:` groups are
 * left out, as for access entries read from a cluster), node rows become `addNodeRole` with the entry type of their
 * identity. What access entries cannot hold is a NOTE: SSO selector rows, `mapAccounts`, rows the authenticator cannot
 * read, a second row for the same ARN.
 */
import { isAwsAuthConfigMap, parseMappingDocument } from '../../../authenticator/mapper/aws-auth';
import { parseIamArn } from '../../../authenticator/arn';
import { nodeTypeOfRow } from '../../../authenticator/mapper/eks-rules';
import { rolePathNote } from '../../k8s/migration-plan';
import { AccessSources } from '../../analysis/inputs/load-sources';
import { AccessEntryType, AuthenticationMode } from '../../model';
import { LiveSnapshot, SNAPSHOT_API_VERSION, SNAPSHOT_KIND, SnapshotAccessEntry, snapshotAccessEntries } from '../snapshot/format';
import { enumValues } from './code-literal';
import { GeneratedImport, generateImport, ImportOptions } from './generate';

export interface AwsAuthImportOptions extends ImportOptions {
  /** Authentication mode of the generated model; API or API_AND_CONFIG_MAP (access entries). @default API_AND_CONFIG_MAP */
  readonly authenticationMode?: string;
  /** Cluster name written as `CLUSTER_NAME`. @default 'my-cluster' */
  readonly clusterName?: string;
}

/** Access-entry modes: the ones in which the model writes access entries for the rows. */
const ENTRY_MODES: string[] = [AuthenticationMode.API_AND_CONFIG_MAP, AuthenticationMode.API];

/** The ConfigMap among `doc` (a ConfigMap, a `List` of objects, or a rows document `{mapRoles, mapUsers, mapAccounts}`). */
function awsAuthDocument(doc: unknown): unknown {
  const d = doc as { kind?: unknown; items?: unknown } | null;
  if (d && typeof d === 'object' && d.kind === 'List' && Array.isArray(d.items)) {
    return d.items.find(isAwsAuthConfigMap);
  }
  return doc;
}

export function generateAwsAuthImport(doc: unknown, file: string, options: AwsAuthImportOptions = {}): GeneratedImport {
  const mode = options.authenticationMode ?? AuthenticationMode.API_AND_CONFIG_MAP;
  if (!ENTRY_MODES.includes(mode)) {
    throw new Error(`--mode must be one of ${ENTRY_MODES.join(', ')} (the modes with access entries), not ${JSON.stringify(mode)}; all modes: ${enumValues(AuthenticationMode).join(', ')}`);
  }
  const configMap = awsAuthDocument(doc);
  if (!configMap || typeof configMap !== 'object' || Array.isArray(configMap)) {
    throw new Error(`${file}: no aws-auth ConfigMap (a ConfigMap manifest with data.mapRoles/mapUsers/mapAccounts, or a List holding kube-system/aws-auth)`);
  }
  const parsed = parseMappingDocument(configMap);
  if (parsed.broken && parsed.roles.length + parsed.users.length + parsed.accounts.length === 0) {
    throw new Error(`${file}: not an aws-auth ConfigMap the authenticator can read: ${parsed.errors.map((e) => e.message).join('; ')}`);
  }
  const notes = [
    ...parsed.errors.map((e) => `aws-auth: a row the authenticator cannot read (${e.message}); done instead: left out.`),
    // aws-auth matches a role ARN without its IAM path (the authenticator strips it); an access entry names the role by
    // its full ARN (EKS user guide, "Create access entries"), so a role with a path needs it written back.
    'aws-auth role ARNs carry no IAM path, access entries need the full role ARN: add the path to roles that have one.',
  ];
  const entries: SnapshotAccessEntry[] = [];
  const seen = new Set<string>();
  const add = (principalArn: string, row: { username: string; groups: string[] }, what: string) => {
    if (seen.has(principalArn)) {
      notes.push(`aws-auth: a second ${what} for ${principalArn}; the authenticator uses one of them. done instead: the first is imported.`);
      return;
    }
    seen.add(principalArn);
    // A row written with its IAM path never matched anyone: the same note as `migrate`'s plan (one rule).
    if (what === 'role row' && (parseIamArn(principalArn)?.path ?? '/') !== '/') notes.push(`aws-auth: role row ${principalArn}: ${rolePathNote(principalArn)}.`);
    const node = what === 'role row' ? nodeTypeOfRow(row) : undefined;
    entries.push(node
      ? { principalArn, type: node, kubernetesGroups: [], accessPolicies: [] }
      : { principalArn, type: AccessEntryType.STANDARD, username: row.username || undefined, kubernetesGroups: row.groups, accessPolicies: [] });
  };
  for (const r of parsed.roles) {
    if (r.roleArn) add(r.roleArn, r, 'role row');
    else notes.push(`aws-auth: SSO selector row ${JSON.stringify(r.sso)}; access entries name one role ARN each. done instead: not imported (add the permission set's role by hand).`);
  }
  for (const u of parsed.users) add(u.userArn, u, 'user row');
  for (const a of parsed.accounts) notes.push(`aws-auth: mapAccounts ${a}; access entries have no account-wide entry. done instead: not imported (keep it in aws-auth, or add each principal).`);

  const snapshot: LiveSnapshot = {
    apiVersion: SNAPSHOT_API_VERSION, kind: SNAPSHOT_KIND, takenAt: 'from an aws-auth file',
    cluster: { name: options.clusterName ?? 'my-cluster', authenticationMode: mode },
    accessEntries: entries, iamRoles: [], problems: [],
  };
  const sources: AccessSources = { objects: [], accessEntries: snapshotAccessEntries(snapshot, file), warnings: [], files: [file], snapshots: [snapshot] };
  return generateImport(sources, { ...options, extraNotes: notes, sourceDescription: `the aws-auth ConfigMap in ${file}` });
}
