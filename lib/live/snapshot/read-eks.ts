/**
 * The EKS half of a snapshot: the cluster's authentication mode (DescribeCluster `accessConfig`), every access entry
 * (ListAccessEntries, all pages) with its details (DescribeAccessEntry) and associated access policies and scopes
 * (ListAssociatedAccessPolicies, all pages). The SDK honours `AWS_ENDPOINT_URL_EKS` (tests point it at a stand-in).
 * Operations and members as in the EKS API model (botocore data/eks/2017-11-01/service-2.json; the stand-in the tests
 * use checks every request and answer against it).
 */
import {
  DescribeAccessEntryCommand,
  DescribeClusterCommand,
  EKSClient,
  ListAssociatedAccessPoliciesCommand,
  paginateListAccessEntries,
} from '@aws-sdk/client-eks';
import { AccessPolicyAssociation } from '../../analysis/access-entries';
import { SnapshotAccessEntry, SnapshotProblem } from './format';
import { Limiter } from './limiter';
import { problemOf } from './problems';

export interface EksState {
  readonly authenticationMode?: string;
  readonly accessEntries: SnapshotAccessEntry[];
  readonly problems: SnapshotProblem[];
}

/** The cluster's authentication mode and the principal ARNs of its access entries (all pages), sorted. */
export interface EksListing {
  readonly authenticationMode?: string;
  readonly principalArns: string[];
  readonly problems: SnapshotProblem[];
}

/** `onPage` receives each page's new ARNs as it arrives, so their details can be read while the next page is asked for. */
export async function listAccessEntries(client: EKSClient, clusterName: string, onPage: (arns: string[]) => void = () => undefined): Promise<EksListing> {
  const problems: SnapshotProblem[] = [];
  let authenticationMode: string | undefined;
  try {
    const { cluster } = await client.send(new DescribeClusterCommand({ name: clusterName }));
    // Clusters created before access entries existed have no accessConfig: they authenticate from aws-auth only.
    authenticationMode = cluster?.accessConfig?.authenticationMode ?? 'CONFIG_MAP';
  } catch (e) {
    problems.push(problemOf('eks:DescribeCluster', e));
  }
  if (authenticationMode === 'CONFIG_MAP') return { authenticationMode, principalArns: [], problems };
  const arns = new Set<string>();
  try {
    for await (const page of paginateListAccessEntries({ client }, { clusterName })) {
      // A server repeating an ARN across pages must not make it read (and recorded) twice.
      const fresh = [...new Set(page.accessEntries ?? [])].filter((a) => !arns.has(a));
      for (const a of fresh) arns.add(a);
      if (fresh.length) onPage(fresh);
    }
  } catch (e) {
    problems.push(problemOf('eks:ListAccessEntries', e));
  }
  return { authenticationMode, principalArns: [...arns].sort(), problems };
}

/**
 * Each entry's details and associated policies. At most `limit`'s number of entries are read at a time, the two calls
 * of one entry (DescribeAccessEntry, ListAssociatedAccessPolicies) going out together: so at most twice that many
 * calls are in flight to EKS. `onEntry` is called as each entry is done. The result is sorted by ARN
 * whatever order the answers came in.
 */
export async function describeAccessEntries(
  client: EKSClient, clusterName: string, principalArns: readonly string[], limit: Limiter, onEntry: () => void = () => undefined,
): Promise<{ accessEntries: SnapshotAccessEntry[]; problems: SnapshotProblem[] }> {
  const problems: SnapshotProblem[] = [];
  const read = async (principalArn: string): Promise<SnapshotAccessEntry | undefined> => {
    const [described, policies] = await limit(() => Promise.allSettled([
      client.send(new DescribeAccessEntryCommand({ clusterName, principalArn })),
      (async () => {
        const accessPolicies: AccessPolicyAssociation[] = [];
        let nextToken: string | undefined;
        do {
          const page = await client.send(new ListAssociatedAccessPoliciesCommand({ clusterName, principalArn, nextToken }));
          for (const a of page.associatedAccessPolicies ?? []) {
            accessPolicies.push({
              policyArn: a.policyArn ?? '',
              scope: { type: a.accessScope?.type ?? 'cluster', namespaces: [...(a.accessScope?.namespaces ?? [])].sort() },
            });
          }
          nextToken = page.nextToken;
        } while (nextToken);
        return accessPolicies;
      })(),
    ]));
    onEntry();
    if (described.status === 'rejected') {
      problems.push(problemOf(`eks:DescribeAccessEntry ${principalArn}`, described.reason));
      return undefined;
    }
    if (policies.status === 'rejected') problems.push(problemOf(`eks:ListAssociatedAccessPolicies ${principalArn}`, policies.reason));
    const entry = described.value.accessEntry;
    const accessPolicies = policies.status === 'fulfilled' ? policies.value : [];
    return {
      principalArn,
      type: entry?.type ?? 'STANDARD',
      ...(entry?.username !== undefined ? { username: entry.username } : {}),
      kubernetesGroups: [...(entry?.kubernetesGroups ?? [])].sort(),
      accessPolicies: accessPolicies.sort((a, b) => a.policyArn.localeCompare(b.policyArn)),
    };
  };
  const entries = await Promise.all(principalArns.map(read));
  return { accessEntries: entries.filter((e): e is SnapshotAccessEntry => e !== undefined), problems: problems.sort(bySource) };
}

function bySource(a: SnapshotProblem, b: SnapshotProblem): number {
  return a.source.localeCompare(b.source);
}
