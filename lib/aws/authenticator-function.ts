/**
 * The TokenReview webhook as an AWS Lambda behind a Function URL, for self-managed clusters whose kube-apiserver can
 * reach the internet: a NodejsFunction (esbuild, bundled locally — never in Docker) of `authenticator/lambda.ts`,
 * the bearer secret kube-apiserver presents in Secrets Manager (read by the handler through the Parameter Store
 * reference `/aws/reference/secretsmanager/<name>`), the identity mapping rendered from the access model in an SSM
 * parameter, a role with only those reads plus its own log stream, a log group with retention, and optional reserved
 * concurrency. The Function URL uses auth type NONE because kube-apiserver cannot SigV4-sign webhook calls; the
 * handler rejects every call without the bearer secret (constant-time compare) before doing anything else.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { webhookKubeconfig } from '../../authenticator/server/kubeconfig';
import { authenticatorMappingRows } from '../k8s/access-chart';
import { AuthenticatorBackend } from '../k8s/authenticator-backend';
import type { AccessModel } from '../model';
import { AccessValidationError } from './errors';

const REPO_ROOT = resolve(__dirname, '..', '..');
/** The handler source; in the published package (dist/lib/aws) the compiled sibling is used instead. */
const HANDLER_ENTRY = [resolve(REPO_ROOT, 'authenticator', 'lambda.ts'), resolve(REPO_ROOT, 'authenticator', 'lambda.js')];
/** The nearest lock file above the handler: the repo's in development, the consumer's when installed from npm. */
function nearestLockFile(from: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    const lock = ['package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb'].map((f) => join(dir, f)).find(existsSync);
    if (lock) return lock;
    if (dirname(dir) === dir) throw new Error(`no package-lock.json, yarn.lock or pnpm-lock.yaml above ${from}: NodejsFunction needs one to bundle the webhook`);
  }
}
const STANDARD_PARAMETER_LIMIT = 4096;
const ADVANCED_PARAMETER_LIMIT = 8192;
/** Placeholder in the kubeconfig output; the secret itself never appears in the template or outputs. */
export const WEBHOOK_TOKEN_PLACEHOLDER = '${EKS_ACCESS_WEBHOOK_TOKEN}';

export interface AuthenticatorFunctionProps {
  /** The cluster ID tokens are signed for (`x-k8s-aws-id`). */
  readonly clusterId: string;
  /** The access model; every principal's mapping row goes into the SSM parameter. */
  readonly model: AccessModel;
  /** Secrets Manager name of the bearer secret. @default `eks-access/<clusterId>/webhook-bearer` */
  readonly secretName?: string;
  /** SSM parameter name of the mapping. @default `/eks-access/<clusterId>/mapping` */
  readonly mappingParameterName?: string;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /** Reserved concurrency (caps STS calls and cost). @default - unreserved */
  readonly reservedConcurrentExecutions?: number;
  /** @default 512 */
  readonly memorySize?: number;
  /** Function timeout; kube-apiserver's webhook timeout is 10 s by default. @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default lambda.Architecture.ARM_64 */
  readonly architecture?: lambda.Architecture;
  /** Audiences the webhook answers for besides the cluster ID. @default - none */
  readonly audiences?: string[];
}

export class AuthenticatorFunction extends Construct {
  public readonly function: NodejsFunction;
  public readonly functionUrl: lambda.FunctionUrl;
  public readonly secret: secretsmanager.Secret;
  public readonly mappingParameter: ssm.StringParameter;
  public readonly logGroup: logs.LogGroup;
  /** kube-apiserver's webhook kubeconfig, with `WEBHOOK_TOKEN_PLACEHOLDER` where the secret goes. */
  public readonly kubeconfigTemplate: string;

  constructor(scope: Construct, id: string, props: AuthenticatorFunctionProps) {
    super(scope, id);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(props.clusterId ?? '')) {
      throw new AccessValidationError(this, `clusterId "${props.clusterId}" must be 1-100 characters of letters, digits, ".", "_" or "-"`);
    }
    const concurrency = props.reservedConcurrentExecutions;
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
      throw new AccessValidationError(this, `reservedConcurrentExecutions must be a positive integer, got ${concurrency}`);
    }
    const timeout = props.timeout ?? Duration.seconds(10);
    if (!Token.isUnresolved(timeout.toSeconds()) && (timeout.toSeconds() < 3 || timeout.toSeconds() > 30)) {
      throw new AccessValidationError(this, `timeout must be 3-30 seconds (kube-apiserver gives up on a webhook after its own timeout), got ${timeout.toSeconds()} s`);
    }
    const entry = HANDLER_ENTRY.find((f) => existsSync(f)) ?? HANDLER_ENTRY[0];
    const lockFile = nearestLockFile(entry);

    this.secret = new secretsmanager.Secret(this, 'BearerSecret', {
      secretName: props.secretName ?? `eks-access/${props.clusterId}/webhook-bearer`,
      description: `Bearer token kube-apiserver presents to the ${props.clusterId} TokenReview webhook`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });

    const mapping = AuthenticatorBackend.staticRows(authenticatorMappingRows(props.model)).config;
    const mappingJson = JSON.stringify({ mapRoles: mapping.mapRoles, mapUsers: mapping.mapUsers, mapAccounts: mapping.mapAccounts });
    const bytes = Buffer.byteLength(mappingJson);
    if (bytes > ADVANCED_PARAMETER_LIMIT) {
      throw new AccessValidationError(this, `the mapping is ${bytes} bytes, more than an SSM parameter holds (${ADVANCED_PARAMETER_LIMIT}); use the container authenticator with a ConfigMap or CRD backend`);
    }
    this.mappingParameter = new ssm.StringParameter(this, 'Mapping', {
      parameterName: props.mappingParameterName ?? `/eks-access/${props.clusterId}/mapping`,
      description: `aws-auth style identity mapping of ${props.clusterId}, rendered from the access model`,
      stringValue: mappingJson,
      tier: bytes > STANDARD_PARAMETER_LIMIT ? ssm.ParameterTier.ADVANCED : ssm.ParameterTier.STANDARD,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Own role: the managed AWSLambdaBasicExecutionRole would allow writing to every log group of the account.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `TokenReview webhook of ${props.clusterId}: reads its secret and mapping, writes its logs`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.logGroupArn],
    }));
    const stack = Stack.of(this);
    const secretReference = `/aws/reference/secretsmanager/${this.secret.secretName}`;
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter'],
      resources: [
        this.mappingParameter.parameterArn,
        stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: secretReference.slice(1) }),
      ],
    }));
    this.secret.grantRead(role);

    this.function = new NodejsFunction(this, 'Function', {
      entry,
      handler: 'handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: concurrency,
      description: `IAM TokenReview webhook for ${props.clusterId} (cdk-eks-access)`,
      depsLockFilePath: lockFile,
      projectRoot: dirname(lockFile),
      environment: {
        EKS_ACCESS_CLUSTER_ID: props.clusterId,
        EKS_ACCESS_PARTITION: props.model.partition,
        EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER: secretReference,
        EKS_ACCESS_MAPPING_SSM_PARAMETER: this.mappingParameter.parameterName,
        ...(props.audiences?.length ? { EKS_ACCESS_AUDIENCES: props.audiences.join(',') } : {}),
        // The review must finish before the function times out.
        EKS_ACCESS_REVIEW_DEADLINE_MS: String(Math.max(1000, timeout.toMilliseconds() - 1000)),
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        forceDockerBundling: false, // local esbuild only: no Docker engine is needed to synth
        format: OutputFormat.CJS,
        target: 'node22',
        minify: true,
        sourceMap: true,
        // The runtime's AWS SDK v3 serves the lazily loaded SSM/EC2 clients; bundling it made a ~2 MB bundle and
        // doubled cold init (bench/results/RESULTS.md, Lambda), so it stays out as in scripts/bundle-lambda.ts.
        bundleAwsSDK: false,
        // `import()` of the SDK becomes `require()`, which finds the runtime's copy through NODE_PATH.
        esbuildArgs: { '--supported:dynamic-import': 'false' },
      },
    });
    // The function must wait for its policy (a cold start reads the secret), but the extra DependsOn on the role is
    // redundant with the GetAtt of its ARN and is flagged by cfn-lint (W3005).
    const policy = role.node.tryFindChild('DefaultPolicy')?.node.defaultChild as iam.CfnPolicy;
    (this.function.node.defaultChild as lambda.CfnFunction).addOverride('DependsOn', [stack.getLogicalId(policy)]);
    this.functionUrl = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });

    this.kubeconfigTemplate = webhookKubeconfig({ server: this.functionUrl.url, token: WEBHOOK_TOKEN_PLACEHOLDER });
    new CfnOutput(this, 'WebhookUrl', { value: this.functionUrl.url, description: 'TokenReview webhook URL' });
    new CfnOutput(this, 'WebhookSecretArn', { value: this.secret.secretArn, description: 'Secrets Manager ARN of the bearer token kube-apiserver presents' });
    new CfnOutput(this, 'WebhookKubeconfig', {
      value: this.kubeconfigTemplate,
      description: `kube-apiserver --authentication-token-webhook-config-file; replace ${WEBHOOK_TOKEN_PLACEHOLDER} by the secret value`,
    });
  }
}
