/** The shape both fleet synth workers share: cluster number → its account, region and labels; principal → hub role. */
import type { FleetClusterProps } from '../../lib/aws';
import { AccessPolicy, AccessPolicyGrant } from '../../lib/model';

export const FLEET_NAMESPACES = 50;
const CLUSTERS_PER_ACCOUNT = 5;

export function fleetCluster(n: number): FleetClusterProps {
  const account = String(100000000000 + Math.floor(n / CLUSTERS_PER_ACCOUNT));
  return { clusterName: `cluster-${n}`, account, region: 'us-east-1', labels: { env: n % 5 === 4 ? 'prod' : 'nonprod' } };
}

export function hubRoleArn(i: number): string {
  return `arn:aws:iam::999988887777:role/team-${i}`;
}

export function viewIn(namespace: number): AccessPolicyGrant {
  return AccessPolicy.AMAZON_EKS_VIEW_POLICY.inNamespaces(`team-${namespace}`);
}
