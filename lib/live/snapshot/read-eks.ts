/**
 * The EKS half of a snapshot: the cluster's authentication mode (DescribeCluster `accessConfig`), every access entry
 * (ListAccessEntries, all pages) with its details (DescribeAccessEntry) and associated access policies and scopes
 * (ListAssociatedAccessPolicies, all pages). The SDK honours `AWS_ENDPOINT_URL_EKS` (tests point it at a stand-in).
 */
import {
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  EKSClient,
  paginateListAccessEntries,
  paginateListAssociatedAccessPolicies,
} from '@aws-sdk/client-eks';
import { AccessPolicyAssociation } from '../../analysis/access-entries';
import { SnapshotAccessEntry, SnapshotProblem } from './format';
import { problemOf } from './problems';

export interface EksState {
  readonly authenticationMode?: string;
  readonly accessEntries: SnapshotAccessEntry[];
  readonly problems: SnapshotProblem[];
}

export async function readEks(client: EKSClient, clusterName: string): Promise<EksState> {
  const problems: SnapshotProblem[] = [];
  let authenticationMode: string | undefined;
  try {
    const { cluster } = await client.send(new DescribeClusterCommand({ name: clusterName }));
    // Clusters created before access entries existed have no accessConfig: they authenticate from aws-auth only.
    authenticationMode = cluster?.accessConfig?.authenticationMode ?? 'CONFIG_MAP';
  } catch (e) {
    problems.push(problemOf('eks:DescribeCluster', e));
  }
  if (authenticationMode === 'CONFIG_MAP') return { authenticationMode, accessEntries: [], problems };

  const arns: string[] = [];
  try {
    for await (const page of paginateListAccessEntries({ client }, { clusterName })) arns.push(...(page.accessEntries ?? []));
  } catch (e) {
    problems.push(problemOf('eks:ListAccessEntries', e));
    return { authenticationMode, accessEntries: [], problems };
  }

  const accessEntries: SnapshotAccessEntry[] = [];
  for (const principalArn of arns.sort()) {
    let entry;
    try {
      entry = (await client.send(new DescribeAccessEntryCommand({ clusterName, principalArn }))).accessEntry;
    } catch (e) {
      problems.push(problemOf(`eks:DescribeAccessEntry ${principalArn}`, e));
      continue;
    }
    const accessPolicies: AccessPolicyAssociation[] = [];
    try {
      for await (const page of paginateListAssociatedAccessPolicies({ client }, { clusterName, principalArn })) {
        for (const a of page.associatedAccessPolicies ?? []) {
          accessPolicies.push({
            policyArn: a.policyArn ?? '',
            scope: { type: a.accessScope?.type ?? 'cluster', namespaces: [...(a.accessScope?.namespaces ?? [])].sort() },
          });
        }
      }
    } catch (e) {
      problems.push(problemOf(`eks:ListAssociatedAccessPolicies ${principalArn}`, e));
    }
    accessEntries.push({
      principalArn,
      type: entry?.type ?? 'STANDARD',
      ...(entry?.username !== undefined ? { username: entry.username } : {}),
      kubernetesGroups: [...(entry?.kubernetesGroups ?? [])].sort(),
      accessPolicies: accessPolicies.sort((a, b) => a.policyArn.localeCompare(b.policyArn)),
    });
  }
  return { authenticationMode, accessEntries, problems };
}
