/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import YAML from 'yaml';
import { exampleAccessModel } from '../../bin/example-access';
import { parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import { AuthenticatorFunction, WEBHOOK_TOKEN_PLACEHOLDER } from '../../lib/aws';
import { AuthenticationMode } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';

const lint = new CfnLintBatch();

function build(props: Partial<ConstructorParameters<typeof AuthenticatorFunction>[2]> = {}, acknowledge = true) {
  const app = new App();
  const stack = new Stack(app, 'Webhook', { env: { account: '111122223333', region: 'us-east-1' } });
  const fn = new AuthenticatorFunction(stack, 'Authenticator', { clusterId: 'self-managed', model: exampleAccessModel(AuthenticationMode.API), ...props });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  if (acknowledge) {
    Validations.of(fn.secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'The bearer secret is also in kube-apiserver\'s webhook kubeconfig on disk; an automatic rotation would lock the apiserver out. Rotate by hand (README "k8s").',
    });
  }
  return { app, stack, fn };
}

describe('AuthenticatorFunction', () => {
  let built: ReturnType<typeof build>;
  let template: Template;
  let assemblyDir: string;

  beforeAll(() => {
    built = build({ reservedConcurrentExecutions: 20 });
    const assembly = built.app.synth();
    assemblyDir = assembly.directory;
    template = Template.fromStack(built.stack);
    lint.add(assembly);
  }, 120000);

  test('bundles authenticator/lambda.ts locally with esbuild on Node.js 22+', () => {
    const fn = template.findResources('AWS::Lambda::Function');
    const [props] = Object.values(fn).map((r: any) => r.Properties);
    expect(props.Runtime).toBe('nodejs24.x');
    expect(props.Handler).toBe('index.handler');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.ReservedConcurrentExecutions).toBe(20);
    expect(props.Timeout).toBe(10);
    const assetDir = join(assemblyDir, `asset.${props.Code.S3Key.replace(/\.zip$/, '')}`);
    const bundle = readFileSync(join(assetDir, 'index.js'), 'utf8');
    expect(statSync(join(assetDir, 'index.js')).size).toBeGreaterThan(10000);
    expect(bundle).toContain('EKS_ACCESS_WEBHOOK_SECRET');
    expect(props.Environment.Variables).toMatchObject({
      EKS_ACCESS_CLUSTER_ID: 'self-managed',
      EKS_ACCESS_MAPPING_SSM_PARAMETER: { Ref: expect.any(String) },
      EKS_ACCESS_REVIEW_DEADLINE_MS: '9000',
    });
  });

  test('the bundled asset, configured as the template configures it, checks the bearer and reads the model mapping', async () => {
    // The SSM and Secrets Manager reads are AWS calls that cannot run here: the handler's direct-value variables
    // stand in for them, carrying the exact values the template puts in the parameter.
    const [fnProps] = Object.values(template.findResources('AWS::Lambda::Function')).map((r: any) => r.Properties);
    const [param] = Object.values(template.findResources('AWS::SSM::Parameter')).map((r: any) => r.Properties);
    const assetFile = join(assemblyDir, `asset.${fnProps.Code.S3Key.replace(/\.zip$/, '')}`, 'index.js');
    const saved = { ...process.env };
    Object.assign(process.env, {
      EKS_ACCESS_CLUSTER_ID: fnProps.Environment.Variables.EKS_ACCESS_CLUSTER_ID,
      EKS_ACCESS_WEBHOOK_SECRET: 'a-test-bearer-secret-of-48-characters-0123456789',
      EKS_ACCESS_MAPPING: param.Value,
      EKS_ACCESS_LOG_LEVEL: 'silent',
    });
    try {
      const { handler } = require(assetFile); // eslint-disable-line @typescript-eslint/no-require-imports -- the synthesized asset, a path known only at run time
      const event = (authorization?: string, body = '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"k8s-aws-v1.bad"}}') => ({
        requestContext: { http: { method: 'POST' } }, headers: authorization ? { authorization } : {}, body, isBase64Encoded: false,
      });
      const unauthorized = await handler(event());
      expect(unauthorized.statusCode).toBe(401);
      const reviewed = await handler(event('Bearer a-test-bearer-secret-of-48-characters-0123456789'));
      expect(reviewed.statusCode).not.toBe(500); // 500 = the mapping from the parameter was rejected at cold start
      expect(JSON.parse(reviewed.body).status.authenticated).toBeFalsy();
    } finally {
      process.env = saved;
    }
  });

  test('Function URL with bearer-secret auth in the handler; secret in Secrets Manager, never in outputs', () => {
    template.hasResourceProperties('AWS::Lambda::Url', { AuthType: 'NONE' });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { Name: 'eks-access/self-managed/webhook-bearer', GenerateSecretString: Match.objectLike({ PasswordLength: 48 }) });
    const outputs = template.findOutputs('*');
    const kubeconfigOutput = Object.entries(outputs).find(([k]) => k.includes('WebhookKubeconfig'))![1];
    expect(JSON.stringify(kubeconfigOutput)).toContain(WEBHOOK_TOKEN_PLACEHOLDER);
    expect(JSON.stringify(outputs)).not.toMatch(/SecretString|resolve:secretsmanager/);
    const kubeconfig = YAML.parse(built.fn.kubeconfigTemplate);
    expect(kubeconfig.users[0].user.token).toBe(WEBHOOK_TOKEN_PLACEHOLDER);
    expect(kubeconfig['current-context']).toBe('webhook');
  });

  test('the mapping parameter holds every principal of the model, readable by the mapper', () => {
    const [param] = Object.values(template.findResources('AWS::SSM::Parameter')).map((r: any) => r.Properties);
    expect(param.Name).toBe('/eks-access/self-managed/mapping');
    expect(param.Tier).toBe('Standard');
    const doc = JSON.parse(param.Value);
    const data = { mapRoles: YAML.stringify(doc.mapRoles), mapUsers: YAML.stringify(doc.mapUsers) };
    const parsed = parseAwsAuth(data);
    expect(parsed.errors).toEqual([]);
    expect(parsed.users.map((u) => u.username)).toEqual(expect.arrayContaining(['pod-viewer-user', 'pod-admin-user']));
    expect(parsed.roles.find((r) => r.username === 'developer:{{SessionName}}')!.roleArn).toBe('arn:aws:iam::111122223333:role/demo-developer');
  });

  test('least privilege: own log group with retention, reads of its two parameters and its secret only', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const actions = policies.flatMap((s: any) => [].concat(s.Action)).sort();
    expect(actions).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents', 'secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue', 'ssm:GetParameter']);
    for (const s of policies) expect(JSON.stringify(s.Resource)).not.toBe('"*"');
    const roles = Object.values(template.findResources('AWS::IAM::Role')).map((r: any) => r.Properties);
    expect(roles.every((r: any) => r.ManagedPolicyArns === undefined)).toBe(true);
  });

  test('cdk-nag AwsSolutions: synth passed with one justified acknowledgement; without it synth fails on SMG4 only', () => {
    expect(template).toBeDefined(); // beforeAll synthesized with the AwsSolutions plugin: zero unacknowledged findings
    const { app } = build({}, false);
    let message = '';
    try {
      app.synth();
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/AwsSolutions-SMG4/);
    expect(message.match(/AwsSolutions-[A-Z]+\d+/g)!.filter((id) => id !== 'AwsSolutions-SMG4')).toEqual([]);
  }, 120000);

  test('cfn-lint passes', async () => {
    expect(lint.size).toBeGreaterThan(0);
    expect(await lint.run()).toEqual([]);
  }, 120000);

  test('bad props are errors naming the construct', () => {
    expect(() => build({ clusterId: 'has space' })).toThrow(/Webhook\/Authenticator: clusterId "has space"/);
    expect(() => build({ reservedConcurrentExecutions: 0 })).toThrow(/reservedConcurrentExecutions must be a positive integer/);
    expect(() => build({ timeout: Duration.seconds(60) })).toThrow(/timeout must be 3-30 seconds/);
  });
});
