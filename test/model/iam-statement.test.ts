/**
 * Service-account policy statements: camelCase in the model and its JSON (jsii structs cannot have PascalCase fields),
 * IAM's own spelling only where IAM reads them (the role's inline policy), and model JSON written with IAM's spelling
 * still reads.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AccessModel, AccessModelJson, ClusterAccess, ClusterTarget, PolicyEffect, ServiceAccountMechanism } from '../../lib';

const ACCOUNT = '111122223333';
const CONDITION = { StringEquals: { 'aws:RequestedRegion': ['eu-west-1'] } };

function model(): AccessModel {
  const m = new AccessModel({ accountId: ACCOUNT });
  m.addServiceAccount('reader', {
    namespace: 'apps', name: 'reader', mechanism: ServiceAccountMechanism.POD_IDENTITY,
    policyStatements: [
      { actions: ['s3:GetObject'], resources: ['arn:aws:s3:::bucket/*'] },
      { effect: PolicyEffect.DENY, actions: ['s3:*'], resources: ['*'], conditions: CONDITION },
    ],
  });
  return m;
}

it('the model JSON holds camelCase statements, and the role policy IAM JSON', () => {
  const m = model();
  expect(m.toJson().serviceAccounts[0].policyStatements).toEqual([
    { effect: 'Allow', action: ['s3:GetObject'], resource: ['arn:aws:s3:::bucket/*'] },
    { effect: 'Deny', action: ['s3:*'], resource: ['*'], condition: CONDITION },
  ]);
  const stack = new Stack(new App(), 'S', { env: { account: ACCOUNT, region: 'us-east-1' } });
  new ClusterAccess(stack, 'Access', { cluster: ClusterTarget.fromClusterName({ clusterName: 'prod' }), model: m });
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
    Policies: [{ PolicyName: 'ServiceAccount', PolicyDocument: { Statement: [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/*' },
      { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: CONDITION },
    ] } }],
  });
});

it('reads model JSON whose statements use IAM\'s spelling (Effect, Action, Resource, Condition)', () => {
  const json = model().toJson();
  const legacy = JSON.parse(JSON.stringify(json).replace(/"effect"/g, '"Effect"').replace(/"action"/g, '"Action"')
    .replace(/"resource"/g, '"Resource"').replace(/"condition"/g, '"Condition"')) as AccessModelJson;
  expect(JSON.stringify(legacy)).toContain('"Effect":"Deny"');
  expect(AccessModel.fromJson(legacy).toJson()).toEqual(json);
});
