/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized templates are untyped documents */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AuthenticatorFunction, DEPLOY_ROWS_BUDGET_BYTES } from '../../lib/aws/authenticator-function';
import { AccessModel, AuthenticationMode } from '../../lib/model';

/** A stack whose model grants `count` roles created in the same app (their ARNs are deploy-time tokens). */
function stackWithAppRoles(count: number) {
  const stack = new Stack(new App(), 'Webhook', { env: { account: '111122223333', region: 'us-east-1' } });
  const model = new AccessModel({ accountId: '111122223333', authenticationMode: AuthenticationMode.CONFIG_MAP });
  for (let i = 0; i < count; i++) {
    const role = new iam.Role(stack, `AppRole${i}`, { assumedBy: new iam.AccountRootPrincipal() });
    model.grantRole(`app-${i}`, role, { kubernetesGroups: [`team-${i}`] });
  }
  model.importRole('admin', 'arn:aws:iam::111122223333:role/Admin', { kubernetesGroups: ['admins'] });
  return { stack, model };
}

describe('AuthenticatorFunction: rows of principals created in the same app', () => {
  test('go to the function environment as CloudFormation-completed JSON; literal ARNs stay in the layer file', () => {
    const { stack, model } = stackWithAppRoles(2);
    new AuthenticatorFunction(stack, 'Authenticator', { clusterId: 'c1', model });
    const fn = Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function'))[0] as any;
    const rows = JSON.stringify(fn.Properties.Environment.Variables.EKS_ACCESS_MAPPING_DEPLOY_ROWS);
    expect(rows).toContain('Fn::Join');
    expect(rows).toMatch(/\{"Ref":"AppRole0[0-9A-F]+"\}/); // aws-auth rows name the role (path stripped)
    expect(rows).toMatch(/\{"Ref":"AppRole1[0-9A-F]+"\}/);
    expect(rows).not.toContain('role/Admin');
  });

  test('more than the environment budget is refused at synth naming the construct and the way out', () => {
    const { stack, model } = stackWithAppRoles(40);
    expect(() => new AuthenticatorFunction(stack, 'Authenticator', { clusterId: 'c1', model }))
      .toThrow(new RegExp(`Webhook/Authenticator.*only known at deploy time take about \\d+ bytes.*at most ${DEPLOY_ROWS_BUDGET_BYTES}.*import some of them by their literal ARN`));
  });
});
