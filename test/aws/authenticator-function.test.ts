/* eslint-disable @typescript-eslint/no-explicit-any -- synthesized manifests and CLI JSON are untyped documents */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Duration, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import YAML from 'yaml';
import { exampleAccessModel } from '../../examples/app/example-access';
import { parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import { AuthenticatorFunction, WEBHOOK_TOKEN_PLACEHOLDER } from '../../lib/aws';
import { lambdaBundleDir } from '../../lib/aws/lambda-bundle';
import { AccessModel, AccessPolicy, AuthenticationMode } from '../../lib/model';
import { CfnLintBatch } from '../helpers/cfn-lint';

const lint = new CfnLintBatch();

function build(props: Partial<ConstructorParameters<typeof AuthenticatorFunction>[2]> = {}, acknowledge = true, outdir?: string) {
  const app = new App({ outdir });
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

  const fnProps = () => Object.values(template.findResources('AWS::Lambda::Function')).map((r: any) => r.Properties)[0];
  const assetDir = (code: any) => join(assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
  /** The mapping file of the synthesized layer asset. */
  const mappingFile = () => {
    const [layer] = Object.values(template.findResources('AWS::Lambda::LayerVersion')).map((r: any) => r.Properties);
    return join(assetDir(layer.Content), 'eks-access', 'mapping.json');
  };

  beforeAll(() => {
    built = build();
    const assembly = built.app.synth();
    assemblyDir = assembly.directory;
    template = Template.fromStack(built.stack);
    lint.add(assembly);
  }, 120000);

  test('deploys the pre-built handler bundle as it is (no esbuild, no Docker at synth), Node.js 24 on arm64', () => {
    const props = fnProps();
    expect(props.Runtime).toBe('nodejs24.x');
    expect(props.Handler).toBe('index.handler');
    expect(props.Architectures).toEqual(['arm64']);
    expect(props.Timeout).toBe(10);
    expect(props.LoggingConfig).toEqual({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: { Ref: expect.any(String) } });
    // The asset is the package's dist/lambda, byte for byte.
    const shipped = readFileSync(join(lambdaBundleDir(), 'index.js'));
    expect(readFileSync(join(assetDir(props.Code), 'index.js')).equals(shipped)).toBe(true);
    expect(props.Environment.Variables).toEqual({
      EKS_ACCESS_CLUSTER_ID: 'self-managed',
      EKS_ACCESS_PARTITION: 'aws',
      EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER: expect.anything(), // the secret's name, resolved from its ARN at deploy
      EKS_ACCESS_MAPPING_FILE: '/opt/eks-access/mapping.json',
      EKS_ACCESS_REVIEW_DEADLINE_MS: '9000',
    });
    expect(props.Layers).toHaveLength(1);
  });

  test('the asset hashes are the same whatever folder the app synthesizes into', () => {
    const keys = (outdir: string) => {
      const { app, stack } = build({}, true, outdir);
      app.synth();
      const t = Template.fromStack(stack);
      return [
        ...Object.values(t.findResources('AWS::Lambda::Function')).map((r: any) => r.Properties.Code.S3Key),
        ...Object.values(t.findResources('AWS::Lambda::LayerVersion')).map((r: any) => r.Properties.Content.S3Key),
      ];
    };
    const a = keys(join(tmpdir(), `eks-access-hash-a-${process.pid}`));
    expect(a).toHaveLength(2);
    expect(keys(join(tmpdir(), `eks-access-hash-b-${process.pid}`))).toEqual(a);
    expect(a[0]).toBe(fnProps().Code.S3Key);
  }, 120000);

  test('reserved concurrency is on by default (20), can be changed, and turned off only explicitly', () => {
    expect(fnProps().ReservedConcurrentExecutions).toBe(20);
    const concurrencyOf = (props: Partial<ConstructorParameters<typeof AuthenticatorFunction>[2]>) => {
      const { stack } = build(props);
      return Object.values(Template.fromStack(stack).findResources('AWS::Lambda::Function')).map((r: any) => r.Properties.ReservedConcurrentExecutions)[0];
    };
    expect(concurrencyOf({ reservedConcurrentExecutions: 50 })).toBe(50);
    expect(concurrencyOf({ reserveConcurrency: false })).toBeUndefined();
    expect(() => build({ reservedConcurrentExecutions: 0 })).toThrow(/Webhook\/Authenticator: reservedConcurrentExecutions must be a positive integer, got 0 \(to run unreserved, set reserveConcurrency: false\)/);
  }, 120000);

  test('the bundled asset, configured as the template configures it, checks the bearer and reads the model mapping', async () => {
    // The Secrets Manager read is an AWS call that cannot run here: the handler's direct-value variable stands in.
    const props = fnProps();
    const saved = { ...process.env };
    Object.assign(process.env, {
      ...props.Environment.Variables,
      EKS_ACCESS_WEBHOOK_SECRET: 'a-test-bearer-secret-of-48-characters-0123456789',
      EKS_ACCESS_MAPPING_FILE: mappingFile(), // where the layer puts /opt/eks-access/mapping.json
      EKS_ACCESS_LOG_LEVEL: 'silent',
    });
    try {
      const { handler } = require(join(assetDir(props.Code), 'index.js')); // eslint-disable-line @typescript-eslint/no-require-imports -- the synthesized asset, a path known only at run time
      const event = (authorization?: string, body = '{"apiVersion":"authentication.k8s.io/v1","kind":"TokenReview","spec":{"token":"k8s-aws-v1.bad"}}') => ({
        requestContext: { http: { method: 'POST' } }, headers: authorization ? { authorization } : {}, body, isBase64Encoded: false,
      });
      const unauthorized = await handler(event());
      expect(unauthorized.statusCode).toBe(401);
      const reviewed = await handler(event('Bearer a-test-bearer-secret-of-48-characters-0123456789'));
      expect(reviewed.statusCode).not.toBe(500); // 500 = the mapping from the layer was rejected at cold start
      expect(JSON.parse(reviewed.body).status.authenticated).toBe(false);
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

  test('the mapping layer holds every principal of the model as JSON lists, access policies as their groups', () => {
    const doc = JSON.parse(readFileSync(mappingFile(), 'utf8'));
    const data = { mapRoles: YAML.stringify(doc.mapRoles), mapUsers: YAML.stringify(doc.mapUsers) };
    const parsed = parseAwsAuth(data);
    expect(parsed.errors).toEqual([]);
    expect(parsed.users.map((u) => u.username)).toEqual(expect.arrayContaining(['pod-viewer-user', 'pod-admin-user']));
    const developer = parsed.roles.find((r) => r.username === 'developer:{{SessionName}}')!;
    expect(developer.roleArn).toBe('arn:aws:iam::111122223333:role/demo-developer');
    expect(developer.groups).toEqual(['eks-access:policy:AmazonEKSEditPolicy:dev']);
    expect(parsed.users.find((u) => u.userArn.endsWith(':user/testuser'))!.groups).toEqual(['eks-access:policy:AmazonEKSClusterAdminPolicy']);
    expect(template.findResources('AWS::SSM::Parameter')).toEqual({});
  });

  test('holds the EKS maximum of 3,000 principals: one layer file, far under the Lambda limits; no SSM parameter', () => {
    const model = new AccessModel({ accountId: '111122223333' });
    for (let i = 0; i < 3000; i++) {
      const policy = i % 2 ? AccessPolicy.AMAZON_EKS_VIEW_POLICY.inNamespaces(`team-${i % 50}`) : AccessPolicy.AMAZON_EKS_EDIT_POLICY.atClusterScope();
      if (i % 3) model.importRole(`role-${i}`, `arn:aws:iam::111122223333:role/teams/team-${i % 50}/engineer-${i}`, { kubernetesGroups: [`team-${i % 50}`], accessPolicies: [policy] });
      else model.importUser(`user-${i}`, `arn:aws:iam::111122223333:user/people/person-number-${i}`, { username: `person-${i}`, kubernetesGroups: ['people'] });
    }
    const app = new App();
    const stack = new Stack(app, 'Big', { env: { account: '111122223333', region: 'us-east-1' } });
    new AuthenticatorFunction(stack, 'Authenticator', { clusterId: 'big', model });
    const assembly = app.synth();
    const t = Template.fromStack(stack);
    const [layer] = Object.values(t.findResources('AWS::Lambda::LayerVersion')).map((r: any) => r.Properties);
    const file = join(assembly.directory, `asset.${layer.Content.S3Key.replace(/\.zip$/, '')}`, 'eks-access', 'mapping.json');
    const mapping = readFileSync(file);
    const doc = JSON.parse(mapping.toString('utf8'));
    expect(doc.mapRoles.length + doc.mapUsers.length).toBe(3000);
    // Lambda: 250 MB unzipped for the function and its layers (the handler is ~50 KB); 4 KB of environment.
    expect(mapping.length).toBeLessThan(250 * 1024 * 1024 - 1024 * 1024);
    const [fn] = Object.values(t.findResources('AWS::Lambda::Function')).map((r: any) => r.Properties);
    expect(Buffer.byteLength(JSON.stringify(fn.Environment.Variables))).toBeLessThan(4096);
    // Nothing went into SSM, whose parameters hold at most 8 KB (the old storage failed at ~60 users).
    expect(t.findResources('AWS::SSM::Parameter')).toEqual({});
    lint.add(assembly);
  }, 120000);

  test('an access policy RBAC cannot express, or a wildcard namespace, fails synth naming the policy', () => {
    const withPolicy = (grant: ReturnType<typeof AccessPolicy.AMAZON_EKS_VIEW_POLICY.atClusterScope>) => {
      const model = new AccessModel({ accountId: '111122223333' });
      model.importRole('ops', 'arn:aws:iam::111122223333:role/ops', { accessPolicies: [grant] });
      return () => build({ model });
    };
    expect(withPolicy(AccessPolicy.AMAZON_EKS_SECRET_READER_POLICY.inNamespaces('apps'))).toThrow(
      /Webhook\/Authenticator: principal "ops": access policy AmazonEKSSecretReaderPolicy has no Kubernetes RBAC equivalent/);
    expect(withPolicy(AccessPolicy.AMAZON_EKS_ADMIN_POLICY.inNamespaces('dev-*'))).toThrow(
      /Webhook\/Authenticator: principal "ops": access policy AmazonEKSAdminPolicy in namespaces "dev-\*": RBAC cannot bind a wildcard namespace/);
  });

  test('node rows ({{EC2PrivateDNSName}}) get ec2:DescribeInstances, acknowledged for cdk-nag with its reason; other models do not', () => {
    const model = exampleAccessModel(AuthenticationMode.API);
    model.addNodeRole('nodes', 'arn:aws:iam::111122223333:role/nodes/self-managed-ng');
    const { app, stack } = build({ model });
    app.synth(); // with the AwsSolutions checks: IAM5 on Resource::* is acknowledged by the construct itself
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'ec2:DescribeInstances', Resource: '*' }));
    const withoutNodes = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(JSON.stringify(withoutNodes)).not.toContain('ec2:');
  }, 120000);

  test('without the pre-built bundle (a source checkout before `npm run build`) the error says how to build it', () => {
    expect(() => lambdaBundleDir(tmpdir())).toThrow(/pre-built Lambda handler .* is missing: .* run `npm run build` first/);
  });

  test('least privilege: own log group with retention, reads of its secret only (the mapping is a layer: no read at all)', () => {
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
    expect(() => build({ timeout: Duration.seconds(60) })).toThrow(/timeout must be 3-30 seconds/);
  });
});
