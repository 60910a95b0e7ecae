/**
 * The drift state of access entries: what EKS fills in itself is not drift. A node-type entry (EC2_LINUX, …) comes
 * back from DescribeAccessEntry with EKS's own groups (`system:nodes` for EC2_LINUX: example 2 of
 * https://docs.aws.amazon.com/cli/latest/reference/eks/create-access-entry.html) although the code gives it none.
 */
import type { AccessEntryRecord } from '../../lib/analysis/access-entries';
import { compareAccess } from '../../lib/live/diff/compare';
import { accessState } from '../../lib/live/diff/state';

const ACCT = '111122223333';

function state(entries: AccessEntryRecord[]) {
  return accessState({ objects: [], accessEntries: entries, warnings: [], files: [] });
}

function entry(type: string, kubernetesGroups: string[], username?: string): AccessEntryRecord {
  return { principalArn: `arn:aws:iam::${ACCT}:role/node`, type, kubernetesGroups, accessPolicies: [], origin: 'test', ...(username ? { username } : {}) };
}

describe('access-entry drift state', () => {
  it('a node-type entry with the groups and username EKS fills in is not drift', () => {
    const desired = state([entry('EC2_LINUX', [])]);
    const live = state([entry('EC2_LINUX', ['system:nodes'], 'system:node:{{EC2PrivateDNSName}}')]);
    expect(compareAccess(desired, live)).toEqual([]);
  });

  it('a STANDARD entry whose groups differ is drift', () => {
    const desired = state([entry('STANDARD', ['devs'])]);
    const live = state([entry('STANDARD', ['devs', 'ops'])]);
    expect(compareAccess(desired, live)).toEqual([expect.objectContaining({ area: 'access-entry', fields: [expect.objectContaining({ field: 'groups' })] })]);
  });

  it('a node entry whose type changed is still drift', () => {
    expect(compareAccess(state([entry('EC2_LINUX', [])]), state([entry('EC2_WINDOWS', ['system:nodes'])]))).toHaveLength(1);
  });
});
