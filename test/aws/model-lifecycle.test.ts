/**
 * One model lifecycle: declare, then render. Once `ClusterAccess`, `AccessChart` or the authenticator's mapping rows
 * have rendered a model, a change throws and names the call, so the CloudFormation template and the Kubernetes
 * manifests are always made from the same declaration. Also the escape hatch for access policies newer than the
 * catalogue: accepted, with a synth warning naming the policy.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { App as K8sApp, Testing } from 'cdk8s';
import { AccessChart } from '../../lib/k8s';
import { authenticatorMappingRows } from '../../lib/model';
import { AccessPolicy, AccessModel, AuthenticationMode, ServiceAccountMechanism } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';
import { accessOn, newModel, newStack, synth } from './fixtures';

const lint = new CfnLintBatch();
const VIEW = AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope();

function declared(mode = AuthenticationMode.API_AND_CONFIG_MAP): AccessModel {
  const model = newModel(mode);
  model.addUser('alice', { kubernetesGroups: ['viewers'] });
  model.addGroupGrant({ group: 'viewers', clusterRole: 'view' });
  return model;
}

/** Every late change a user could make, each named in the error. */
const LATE_CHANGES: [string, (m: AccessModel) => unknown][] = [
  ["addUser('bob')", (m) => m.addUser('bob', { accessPolicies: [VIEW] })],
  ["addRole('ops')", (m) => m.addRole('ops', { assumableBy: { accountIds: ['111122223333'] }, accessPolicies: [VIEW] })],
  ["importRole('ci')", (m) => m.importRole('ci', 'arn:aws:iam::111122223333:role/ci', { accessPolicies: [VIEW] })],
  ["importUser('eve')", (m) => m.importUser('eve', 'arn:aws:iam::111122223333:user/eve', { accessPolicies: [VIEW] })],
  ["addAccount('other')", (m) => m.addAccount('other', '444455556666', { kubernetesGroups: ['viewers'] })],
  ["addNodeRole('nodes')", (m) => m.addNodeRole('nodes', 'arn:aws:iam::111122223333:role/nodes')],
  ["addGroupGrant('editors')", (m) => m.addGroupGrant({ group: 'editors', clusterRole: 'edit' })],
];

describe('a model changed after ClusterAccess rendered it', () => {
  it.each(LATE_CHANGES)('throws on %s, naming the call and the construct that rendered it', (call, change) => {
    const model = declared();
    accessOn(newStack(), model);
    expect(() => change(model)).toThrow(new RegExp(`^AccessModel\\.${call.replace(/[()]/g, '\\$&')}: the model was already rendered by ClusterAccess 'Access/Access'`));
  });

  it('keeps the AWS and Kubernetes outputs in agreement: a late principal reaches neither, and ClusterAccess says so', () => {
    const stack = newStack();
    const model = declared();
    const access = accessOn(stack, model);
    expect(() => model.addUser('bob', { kubernetesGroups: ['viewers'] })).toThrow(/addUser\('bob'\).*AWS and Kubernetes outputs would disagree/);
    const template = synth(stack, lint);
    const chart = Testing.synth(new AccessChart(new K8sApp(), 'access', { model }));
    // The template's access entries and the chart's subjects come from the same principals: alice only.
    expect(Object.values(template.findResources('AWS::EKS::AccessEntry')).map((r) => r.Properties.PrincipalArn)).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^AccessaliceUser/), 'Arn'] }]);
    expect(model.principals.map((p) => p.id)).toEqual(['alice']);
    expect(chart.flatMap((m) => m.subjects ?? []).map((s: { name: string }) => s.name)).toEqual(['viewers']);
    expect(() => access.user('bob')).toThrow(/no principal 'bob' in the model \(known: alice\)/);
  });

  it('refuses changes through the objects it handed out (principals, grants are frozen)', () => {
    const model = declared();
    accessOn(newStack(), model);
    expect(() => (model.principal('alice')!.kubernetesGroups as string[]).push('admins')).toThrow(TypeError);
    expect(() => (model.groupGrants[0].namespaces as string[]).push('dev')).toThrow(TypeError);
    expect(model.renderedBy).toBe("ClusterAccess 'Access/Access'");
  });
});

describe('a model changed after the Kubernetes side rendered it', () => {
  it('throws once an AccessChart was built, so a ClusterAccess built later cannot diverge from it', () => {
    const model = declared();
    new AccessChart(new K8sApp(), 'access', { model });
    expect(() => model.addServiceAccount('s3', { namespace: 'dev', name: 's3', mechanism: ServiceAccountMechanism.POD_IDENTITY }))
      .toThrow(/^AccessModel\.addServiceAccount\('s3'\): the model was already rendered by AccessChart 'access'/);
  });

  it('throws once the authenticator mapping rows were rendered (AuthenticatorFunction, AuthenticatorChart)', () => {
    const model = declared();
    authenticatorMappingRows(model);
    expect(() => model.grantRole('ci', undefined as never)).toThrow(/^AccessModel\.grantRole\('ci'\): the model was already rendered by authenticatorMappingRows/);
  });

  it('is still readable and renderable by every consumer after sealing (JSON round trip gives an open copy)', () => {
    const model = declared();
    accessOn(newStack(), model);
    new AccessChart(new K8sApp(), 'access', { model });
    expect(authenticatorMappingRows(model).users.map((u) => u.username)).toEqual(['arn:aws:iam::111122223333:user/alice']);
    const copy = AccessModel.fromJson(model.toJson());
    copy.addUser('bob', { accessPolicies: [VIEW] });
    expect(copy.principals.map((p) => p.id)).toEqual(['alice', 'bob']);
  });
});

describe('an access policy newer than the catalogue', () => {
  it('is associated as named, with one synth warning naming it (not an error)', () => {
    const stack = newStack();
    const model = newModel();
    model.addUser('alice', { accessPolicies: [AccessPolicy.of('AmazonEKSFuturePolicy').inNamespaces('dev')] });
    model.addUser('carol', { accessPolicies: [AccessPolicy.fromArn('arn:aws:eks::aws:cluster-access-policy/AmazonEKSFuturePolicy').atClusterScope()] });
    accessOn(stack, model);
    const template = synth(stack, lint);
    template.hasResourceProperties('AWS::EKS::AccessEntry', {
      AccessPolicies: [{ PolicyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSFuturePolicy', AccessScope: { Type: 'namespace', Namespaces: ['dev'] } }],
    });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('uncatalogued-access-policy')).map((w) => String(w.entry.data));
    expect(warnings).toEqual([expect.stringMatching(/^Access\/Access: access policy AmazonEKSFuturePolicy is not in this version's catalogue; .* \(used by alice, carol\)/)]);
    expect(Annotations.fromStack(stack).findError('*', Match.anyValue())).toEqual([]);
  });

  it('is refused when the name or ARN is malformed, naming what is valid', () => {
    expect(() => AccessPolicy.of('eks:view')).toThrow(/'eks:view' is not an EKS access policy name \(letters and digits, e\.g\. AmazonEKSViewPolicy\)/);
    expect(() => AccessPolicy.fromArn('arn:aws:eks::aws:access-policy/AmazonEKSViewPolicy')).toThrow(/arn:<partition>:eks::aws:cluster-access-policy\/<Name>/);
  });
});

describe('cfn-lint', () => {
  it('passes every template synthesized above with zero findings', async () => {
    expect(lint.size).toBeGreaterThan(0);
    expect(await lint.run()).toEqual([]);
  }, 120000);
});
