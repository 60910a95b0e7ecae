/**
 * The TokenReview webhook as an AWS Lambda behind a Function URL, for self-managed clusters whose kube-apiserver can
 * reach the internet: the handler bundle this package ships pre-built (`dist/lambda`, lib/aws/lambda-bundle.ts) — no
 * esbuild or Docker at synth, the same asset hash on every machine —, the bearer secret kube-apiserver presents in
 * Secrets Manager (read by the handler through the Parameter Store reference `/aws/reference/secretsmanager/<name>`),
 * the identity mapping rendered from the access model as a JSON file in a Lambda layer (no AWS call and no permission
 * needed to read it; up to the EKS maximum of 3,000 principals and far beyond), a role that reads only its secret, writes only its log group
 * (and may describe EC2 instances when node rows need `{{EC2PrivateDNSName}}`), Lambda's JSON log format, and reserved concurrency on by default. The Function URL uses
 * auth type NONE because kube-apiserver cannot SigV4-sign webhook calls; the handler rejects every call without the
 * bearer secret (constant-time compare) before any other work.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { DEPLOY_ROWS_VARIABLE } from '../../authenticator/lambda/mapping';
import { AWS_AUTH_KEYS, type AwsAuthRowLists } from '../../authenticator/mapper/mapping-lists';
import { webhookKubeconfig } from '../../authenticator/server/kubeconfig';
import type { AccessModel } from '../model';
import { authenticatorMappingRows, staticMappingLists } from '../model/model-aws-auth-rows';
import { replaceTokens } from '../model/tokens';
import { ACCESS_MODEL_RULE } from '../model/assert-valid-model';
import { RuleError } from '../model/rule-error';
import { lambdaBundleDir } from './lambda-bundle';

/** Where the mapping layer's file lands in the function (layers are extracted under /opt). */
export const MAPPING_FILE_IN_LAYER = 'eks-access/mapping.json';
/**
 * Lambda's limit on the unzipped function plus its layers (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html);
 * the handler takes ~50 KB of it.
 */
export const LAMBDA_UNZIPPED_LIMIT_BYTES = 250 * 1024 * 1024;
/** Reserved concurrency when none is given: caps what an internet caller can spend (the URL is public). */
export const DEFAULT_RESERVED_CONCURRENCY = 20;
/** Placeholder in the kubeconfig output; the secret itself never appears in the template or outputs. */
export const WEBHOOK_TOKEN_PLACEHOLDER = '${EKS_ACCESS_WEBHOOK_TOKEN}';
/**
 * Budget for the deploy-time rows in the function's environment: Lambda allows 4 KB for all variables
 * (https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html), the others take well under 1 KB.
 */
export const DEPLOY_ROWS_BUDGET_BYTES = 3 * 1024;
/** Length assumed for a value CloudFormation resolves at deploy time (an IAM role ARN with a short path). */
const RESOLVED_TOKEN_ESTIMATE = 128;

const CLUSTER_ID_RULE = 'eks-access:authenticator-cluster-id';
const CONCURRENCY_RULE = 'eks-access:lambda-concurrency';
const TIMEOUT_RULE = 'eks-access:lambda-timeout';
/** The pre-built handler is missing (a source checkout without `npm run build`). */
const LAMBDA_BUNDLE_RULE = 'eks-access:lambda-bundle';
const MAPPING_SIZE_RULE = 'eks-access:lambda-mapping-size';
const DEPLOY_ROWS_SIZE_RULE = 'eks-access:lambda-deploy-rows-size';

export interface AuthenticatorFunctionProps {
  /** The cluster ID tokens are signed for (`x-k8s-aws-id`). */
  readonly clusterId: string;
  /**
   * The access model; every principal's mapping row goes into the mapping layer, access policies as groups that
   * `AccessChart({ selfManagedAuthenticator: true })` binds to their Kubernetes roles.
   */
  readonly model: AccessModel;
  /** Secrets Manager name of the bearer secret. @default `eks-access/<clusterId>/webhook-bearer` */
  readonly secretName?: string;
  /** @default logs.RetentionDays.THREE_MONTHS */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Reserved concurrency: caps how many instances an internet caller can start (and so the account concurrency,
   * STS calls and cost it can spend). Ignored when `reserveConcurrency` is false.
   * @default 20 (DEFAULT_RESERVED_CONCURRENCY)
   */
  readonly reservedConcurrentExecutions?: number;
  /**
   * Set to false to run on the account's unreserved concurrency instead (no cap on what the public URL can spend).
   * @default true
   */
  readonly reserveConcurrency?: boolean;
  /** @default 512 */
  readonly memorySize?: number;
  /** Function timeout; kube-apiserver's webhook timeout is 10 s by default. @default Duration.seconds(10) */
  readonly timeout?: Duration;
  /** @default lambda.Architecture.ARM_64 */
  readonly architecture?: lambda.Architecture;
  /** Audiences the webhook answers for besides the cluster ID. @default - none */
  readonly audiences?: string[];
}

/** What `createFunction` takes besides the props. */
interface FunctionParts {
  readonly code: lambda.Code;
  readonly role: iam.Role;
  readonly concurrency?: number;
  readonly timeout: Duration;
  /** The deploy-time rows' JSON (`Fn::Join`), when there are any. */
  readonly deployRows?: string;
}

export class AuthenticatorFunction extends Construct {
  public readonly function: lambda.Function;
  public readonly functionUrl: lambda.FunctionUrl;
  public readonly secret: secretsmanager.Secret;
  /** The layer holding the mapping file (`/opt/eks-access/mapping.json`). */
  public readonly mappingLayer: lambda.LayerVersion;
  public readonly logGroup: logs.LogGroup;
  /** kube-apiserver's webhook kubeconfig, with `WEBHOOK_TOKEN_PLACEHOLDER` where the secret goes. */
  public readonly kubeconfigTemplate: string;

  constructor(scope: Construct, id: string, props: AuthenticatorFunctionProps) {
    super(scope, id);
    const { concurrency, timeout } = this.checkedProps(props);
    const code = this.handlerCode();
    this.secret = new secretsmanager.Secret(this, 'BearerSecret', {
      secretName: props.secretName ?? `eks-access/${props.clusterId}/webhook-bearer`,
      description: `Bearer token kube-apiserver presents to the ${props.clusterId} TokenReview webhook`,
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
    });
    const mapping = this.writeMapping(props.model);
    this.mappingLayer = new lambda.LayerVersion(this, 'Mapping', {
      code: lambda.Code.fromAsset(mapping.dir),
      description: `aws-auth style identity mapping of ${props.clusterId}, rendered from the access model (cdk-eks-access)`,
      compatibleRuntimes: [lambda.Runtime.NODEJS_24_X],
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention ?? logs.RetentionDays.THREE_MONTHS,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const role = this.createRole(props.clusterId, mapping.resolvesEc2Names);
    this.function = this.createFunction(props, { code, role, concurrency, timeout, deployRows: mapping.deployRows });
    this.functionUrl = this.function.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE });
    this.kubeconfigTemplate = webhookKubeconfig({ server: this.functionUrl.url, token: WEBHOOK_TOKEN_PLACEHOLDER });
    this.addOutputs();
  }

  /** The settings with their defaults, each checked (errors name this construct's path). */
  private checkedProps(props: AuthenticatorFunctionProps): { concurrency?: number; timeout: Duration } {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(props.clusterId ?? '')) {
      throw new RuleError(CLUSTER_ID_RULE, this.node.path, `clusterId "${props.clusterId}" must be 1-100 characters of letters, digits, ".", "_" or "-"`);
    }
    const concurrency = props.reserveConcurrency === false ? undefined : props.reservedConcurrentExecutions ?? DEFAULT_RESERVED_CONCURRENCY;
    if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
      throw new RuleError(CONCURRENCY_RULE, this.node.path, `reservedConcurrentExecutions must be a positive integer, got ${concurrency} (to run unreserved, set reserveConcurrency: false)`);
    }
    const timeout = props.timeout ?? Duration.seconds(10);
    if (!Token.isUnresolved(timeout.toSeconds()) && (timeout.toSeconds() < 3 || timeout.toSeconds() > 30)) {
      throw new RuleError(TIMEOUT_RULE, this.node.path, `timeout must be 3-30 seconds (kube-apiserver gives up on a webhook after its own timeout), got ${timeout.toSeconds()} s`);
    }
    return { concurrency, timeout };
  }

  /** The pre-built handler bundle (dist/lambda) as the function's code. */
  private handlerCode(): lambda.Code {
    try {
      return lambda.Code.fromAsset(lambdaBundleDir());
    } catch (e) {
      throw RuleError.within(this.node.path, e, LAMBDA_BUNDLE_RULE);
    }
  }

  /**
   * The function's own role: the managed AWSLambdaBasicExecutionRole would allow writing to every log group of the
   * account. It writes its log group, reads its secret (through the SSM reference), and describes EC2 instances only
   * when node rows need `{{EC2PrivateDNSName}}`.
   */
  private createRole(clusterId: string, resolvesEc2Names: boolean): iam.Role {
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `TokenReview webhook of ${clusterId}: reads its secret, writes its logs`,
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      resources: [this.logGroup.logGroupArn],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ssm:GetParameter'],
      resources: [Stack.of(this).formatArn({ service: 'ssm', resource: 'parameter', resourceName: this.secretReference().slice(1) })],
    }));
    this.secret.grantRead(role);
    if (resolvesEc2Names) {
      // Node rows (`system:node:{{EC2PrivateDNSName}}`) are rendered from EC2, as aws-iam-authenticator does.
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:DescribeInstances'], resources: ['*'] }));
      Validations.of(role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason: 'ec2:DescribeInstances supports no resource-level permissions (Service Authorization Reference, Amazon EC2); the handler calls it, '
          + 'rate-limited and cached, only to render {{EC2PrivateDNSName}} of the node rows of the mapping.',
      });
    }
    return role;
  }

  /** The Lambda extension path of the bearer secret (Secrets Manager through the SSM parameter API). */
  private secretReference(): string {
    return `/aws/reference/secretsmanager/${this.secret.secretName}`;
  }

  private createFunction(props: AuthenticatorFunctionProps, parts: FunctionParts): lambda.Function {
    const { role, timeout } = parts;
    const fn = new lambda.Function(this, 'Function', {
      code: parts.code,
      handler: 'index.handler',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: props.architecture ?? lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout,
      role,
      layers: [this.mappingLayer],
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      reservedConcurrentExecutions: parts.concurrency,
      description: `IAM TokenReview webhook for ${props.clusterId} (cdk-eks-access)`,
      environment: {
        EKS_ACCESS_CLUSTER_ID: props.clusterId,
        EKS_ACCESS_PARTITION: props.model.partition,
        EKS_ACCESS_WEBHOOK_SECRET_SSM_PARAMETER: this.secretReference(),
        EKS_ACCESS_MAPPING_FILE: `/opt/${MAPPING_FILE_IN_LAYER}`,
        ...(parts.deployRows ? { [DEPLOY_ROWS_VARIABLE]: parts.deployRows } : {}),
        ...(props.audiences?.length ? { EKS_ACCESS_AUDIENCES: props.audiences.join(',') } : {}),
        // The review must finish before the function times out.
        EKS_ACCESS_REVIEW_DEADLINE_MS: String(Math.max(1000, timeout.toMilliseconds() - 1000)),
      },
    });
    // The function must wait for its policy (a cold start reads the secret), but the extra DependsOn on the role is
    // redundant with the GetAtt of its ARN and is flagged by cfn-lint (W3005).
    const policy = role.node.tryFindChild('DefaultPolicy')?.node.defaultChild as iam.CfnPolicy;
    (fn.node.defaultChild as lambda.CfnFunction).addOverride('DependsOn', [Stack.of(this).getLogicalId(policy)]);
    return fn;
  }

  private addOutputs(): void {
    new CfnOutput(this, 'WebhookUrl', { value: this.functionUrl.url, description: 'TokenReview webhook URL' });
    new CfnOutput(this, 'WebhookSecretArn', { value: this.secret.secretArn, description: 'Secrets Manager ARN of the bearer token kube-apiserver presents' });
    new CfnOutput(this, 'WebhookKubeconfig', {
      value: this.kubeconfigTemplate,
      description: `kube-apiserver --authentication-token-webhook-config-file; replace ${WEBHOOK_TOKEN_PLACEHOLDER} by the secret value`,
    });
  }

  /**
   * Writes the model's mapping (JSON lists, as lambda/mapping.ts reads it) into a fresh directory for the layer asset.
   * The asset hash is the hash of the content, so the same model gives the same layer on any machine. Rows holding a
   * deploy-time value (the ARN of a role created in the same app) cannot go into a file asset: they go to the
   * function's environment as a JSON string CloudFormation completes (`Fn::Join`).
   */
  private writeMapping(model: AccessModel): { dir: string; resolvesEc2Names: boolean; deployRows?: string } {
    let rows;
    try {
      rows = staticMappingLists(authenticatorMappingRows(model));
    } catch (e) {
      throw RuleError.within(this.node.path, e, ACCESS_MODEL_RULE);
    }
    const fixed = splitByDeployTime(rows);
    const json = JSON.stringify(fixed.known);
    const bytes = Buffer.byteLength(json);
    if (bytes > LAMBDA_UNZIPPED_LIMIT_BYTES / 2) {
      throw new RuleError(MAPPING_SIZE_RULE, this.node.path, `the mapping is ${bytes} bytes, more than the function's layer can hold (${LAMBDA_UNZIPPED_LIMIT_BYTES / 2}); use the container authenticator with a ConfigMap or CRD backend`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'eks-access-mapping-'));
    mkdirSync(join(dir, 'eks-access'));
    writeFileSync(join(dir, MAPPING_FILE_IN_LAYER), json);
    const resolvesEc2Names = JSON.stringify(rows).includes('{{EC2PrivateDNSName}}');
    if (!fixed.deployTime) return { dir, resolvesEc2Names };
    const raw = JSON.stringify(fixed.deployTime);
    const estimate = Buffer.byteLength(replaceTokens(raw, 'x'.repeat(RESOLVED_TOKEN_ESTIMATE)));
    if (estimate > DEPLOY_ROWS_BUDGET_BYTES) {
      throw new RuleError(DEPLOY_ROWS_SIZE_RULE, this.node.path, `the rows of principals whose ARNs are only known at deploy time take about ${estimate} bytes of the function's `
        + `environment (at most ${DEPLOY_ROWS_BUDGET_BYTES}, Lambda's 4 KB limit); import some of them by their literal ARN (model.importRole(id, 'arn:...'))`);
    }
    return { dir, resolvesEc2Names, deployRows: Stack.of(this).toJsonString(fixed.deployTime) };
  }
}

/** The rows known at synth time, and those holding a token (undefined when there are none). */
function splitByDeployTime(rows: AwsAuthRowLists): { known: AwsAuthRowLists; deployTime?: AwsAuthRowLists } {
  const known: AwsAuthRowLists = { mapRoles: [], mapUsers: [], mapAccounts: [] };
  const deployTime: AwsAuthRowLists = { mapRoles: [], mapUsers: [], mapAccounts: [] };
  let any = false;
  for (const key of AWS_AUTH_KEYS) {
    for (const row of rows[key]) {
      const unresolved = Token.isUnresolved(JSON.stringify(row));
      any ||= unresolved;
      (unresolved ? deployTime : known)[key].push(row as never);
    }
  }
  return { known, deployTime: any ? deployTime : undefined };
}
