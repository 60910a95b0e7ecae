/**
 * An imported principal costs its cluster the access entry only: the `iam.IRole`/`iam.IUser` of an imported ARN is
 * made when `ClusterAccess.role()`/`.user()` asks for it, not for every cluster × principal (in a 50 × 3,000 fleet the
 * two constructs `Role.fromRoleArn` makes were half of the construct tree: bench/results/fleet-synth.md).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccessFleet } from '../../lib/aws';
import { AccessPolicy } from '../../lib/model';

const HUB = '999988887777';
const ROLE = `arn:aws:iam::${HUB}:role/teams/readers`;
const USER = `arn:aws:iam::${HUB}:user/auditor`;

function fleetOf(clusters: number) {
  const fleet = new AccessFleet(new App(), 'Fleet');
  for (let c = 0; c < clusters; c++) fleet.addCluster({ clusterName: `c${c}`, account: '111122223333', region: 'us-east-1' });
  fleet.importRole('readers', ROLE, { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
  fleet.importUser('auditor', USER, { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
  fleet.render();
  return fleet;
}

describe('imported principals', () => {
  it('are one access entry each per cluster, naming the ARN as given, and no other construct', () => {
    const fleet = fleetOf(3);
    for (let c = 0; c < 3; c++) {
      const access = fleet.clusterAccessOf(`c${c}`);
      const kinds = access.node.findAll().filter((x) => /Principal|Role|User|AccessEntry/.test(x.constructor.name)).map((x) => x.constructor.name).sort();
      expect(kinds).toEqual(['CfnAccessEntry', 'CfnAccessEntry', 'PrincipalAccess', 'PrincipalAccess']);
    }
    const template = Template.fromStack(fleet.clusterAccessOf('c0').node.scope as never);
    template.hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: ROLE, ClusterName: 'c0' });
    template.hasResourceProperties('AWS::EKS::AccessEntry', { PrincipalArn: USER, ClusterName: 'c0' });
  });

  it('still give their IRole / IUser when asked, once (the same object on every read)', () => {
    const access = fleetOf(1).clusterAccessOf('c0');
    const role = access.role('readers');
    expect(role.roleArn).toBe(ROLE);
    expect(role.roleName).toBe('readers');
    expect(access.role('readers')).toBe(role);
    expect(access.user('auditor').userArn).toBe(USER);
    expect(() => access.role('auditor')).toThrow(/principal 'auditor' is not a role/);
  });
});
