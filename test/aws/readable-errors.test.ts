/**
 * Warnings and errors a user can act on: a misspelt access policy name gets a "did you mean", `system:masters` in
 * `kubernetesGroups` (cluster admin, which no RBAC can take back) is said at synth, and every message starts with
 * the construct path.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AccessPolicy, AuthenticationMode } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';
import { accessOn, newModel, newStack, synth } from './fixtures';

const lint = new CfnLintBatch();

function warningsOf(stack: ReturnType<typeof newStack>, id: string): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(id)).map((w) => String(w.entry.data));
}

describe('a misspelt AccessPolicy.of name', () => {
  test.each([
    ['AmazonEKSViewPolicyy', 'AmazonEKSViewPolicy'],
    ['AmazonEksAdminPolicy', 'AmazonEKSAdminPolicy'],
    ['AmazonEKSClusterAdmin', 'AmazonEKSClusterAdminPolicy'],
  ])('%s: the warning names the construct path and suggests %s', (typo, meant) => {
    const stack = newStack();
    const model = newModel();
    model.addUser('alice', { accessPolicies: [AccessPolicy.of(typo).atClusterScope()] });
    accessOn(stack, model);
    synth(stack, lint);
    expect(warningsOf(stack, 'cdk-eks-access:uncatalogued-access-policy')).toEqual([
      expect.stringMatching(new RegExp(`^Access/Access: access policy ${typo} is not in this version's catalogue.*did you mean '${meant}'\\?.*\\(used by alice\\)`)),
    ]);
  });

  test('a policy newer than the catalogue (no close name): no suggestion', () => {
    const stack = newStack();
    const model = newModel();
    model.addUser('alice', { accessPolicies: [AccessPolicy.of('AmazonEKSQuantumPolicy').atClusterScope()] });
    accessOn(stack, model);
    synth(stack, lint);
    const [warning] = warningsOf(stack, 'cdk-eks-access:uncatalogued-access-policy');
    expect(warning).toMatch(/^Access\/Access: access policy AmazonEKSQuantumPolicy/);
    expect(warning).not.toMatch(/did you mean/);
  });
});

describe('system:masters in kubernetesGroups', () => {
  test.each([
    [AuthenticationMode.API, /AmazonEKSClusterAdminPolicy at cluster scope/],
    [AuthenticationMode.CONFIG_MAP, /group system:masters in aws-auth/],
  ])('%s: a warning names the principal and what it becomes', (mode, becomes) => {
    const stack = newStack();
    const model = newModel(mode);
    model.importRole('ops', 'arn:aws:iam::111122223333:role/ops', { kubernetesGroups: ['system:masters'] });
    model.importRole('dev', 'arn:aws:iam::111122223333:role/dev', { kubernetesGroups: ['devs'] });
    model.addGroupGrant({ group: 'devs', clusterRole: 'view' });
    accessOn(stack, model);
    synth(stack, lint);
    const warnings = warningsOf(stack, 'cdk-eks-access:system-masters');
    expect(warnings).toEqual([expect.stringMatching(/^Access\/Access\/ops: kubernetes group system:masters makes this principal cluster admin/)]);
    expect(warnings[0]).toMatch(becomes);
    expect(warnings[0]).toMatch(/AccessPolicy\.AMAZON_EKS_CLUSTER_ADMIN_POLICY\.atClusterScope\(\)/);
  });

  test('the explicit access policy: no warning', () => {
    const stack = newStack();
    const model = newModel();
    model.importRole('ops', 'arn:aws:iam::111122223333:role/ops', { accessPolicies: [AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()] });
    accessOn(stack, model);
    synth(stack, lint);
    expect(warningsOf(stack, 'cdk-eks-access:system-masters')).toEqual([]);
  });
});

describe('the construct path first', () => {
  test('every cdk-eks-access warning of ClusterAccess starts with its path', () => {
    const stack = newStack();
    const model = newModel();
    model.addUser('alice', { accessPolicies: [AccessPolicy.of('AmazonEKSViewPolicyy').atClusterScope()], kubernetesGroups: ['system:masters'] });
    for (let i = 0; i < 390; i++) model.importRole(`r${i}`, `arn:aws:iam::111122223333:role/r${i}`, { accessPolicies: [AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope()] });
    accessOn(stack, model);
    const warnings = warningsOf(stack, 'cdk-eks-access:');
    expect(warnings.length).toBeGreaterThanOrEqual(3);
    for (const w of warnings) expect(w).toMatch(/^Access\/Access(\/[^:]+)?: /);
  });
});

describe('cfn-lint', () => {
  it('passes every template synthesized above with zero findings', async () => {
    expect(lint.size).toBeGreaterThan(0);
    expect(await lint.run()).toEqual([]);
  });
});
