/**
 * The AWS resources of one principal of the model: the IAM user or role when the library creates it (with the
 * minimal `eks:DescribeCluster` for kubeconfig and `sts:AssumeRole` on the roles that trust it), an optional access
 * key whose secret lives only in Secrets Manager, and the `AWS::EKS::AccessEntry` when the mode uses entries.
 */
import { Duration, SecretValue } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { AccessEntryJson, PrincipalJson, PrincipalKind, PrincipalOrigin } from '../model';
import { StatementsPrincipal, roleTrustStatements } from './trust-policy';

/** @internal */
export interface PrincipalAccessProps {
  readonly principal: PrincipalJson;
  readonly partition: string;
  readonly clusterName: string;
  readonly clusterArn: string;
  /** The access entry to create, if the mode uses entries and the principal reaches the cluster directly. */
  readonly entry?: AccessEntryJson;
  /** True if the principal reaches the cluster itself (entry or aws-auth row), not only through a role. */
  readonly reachesCluster: boolean;
  /** ARNs of this model's principals the role trusts (roles only). */
  readonly trustedArns: string[];
  /** ARNs of the model's roles this principal may assume. */
  readonly assumableRoleArns: string[];
}

/** @internal */
export class PrincipalAccess extends Construct {
  public readonly user?: iam.IUser;
  public readonly role?: iam.IRole;
  public readonly accessKeySecret?: secretsmanager.ISecret;
  public readonly accessEntry?: eks.CfnAccessEntry;

  constructor(scope: Construct, id: string, props: PrincipalAccessProps) {
    super(scope, id);
    const p = props.principal;
    const statements = this.identityStatements(props);
    if (p.origin === PrincipalOrigin.CREATED && p.kind === PrincipalKind.USER) {
      this.user = this.createUser(p, statements);
    } else if (p.origin === PrincipalOrigin.CREATED && p.kind === PrincipalKind.ROLE) {
      this.role = this.createRole(p, props, statements);
    } else if (p.kind === PrincipalKind.USER) {
      this.user = iam.User.fromUserArn(this, 'User', p.arn);
    } else if (p.kind === PrincipalKind.ROLE) {
      this.role = iam.Role.fromRoleArn(this, 'Role', p.arn, { mutable: false });
    }
    if (p.user?.createAccessKey && this.user) this.accessKeySecret = this.createAccessKey(this.user);
    if (props.entry) this.accessEntry = this.createEntry(props, props.entry);
  }

  /** What a created principal needs outside Kubernetes: kubeconfig (DescribeCluster) and assuming its roles. */
  private identityStatements(props: PrincipalAccessProps): iam.PolicyStatement[] {
    if (props.principal.origin !== PrincipalOrigin.CREATED) return [];
    const statements: iam.PolicyStatement[] = [];
    if (props.reachesCluster) statements.push(new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [props.clusterArn] }));
    if (props.assumableRoleArns.length > 0) {
      statements.push(new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: props.assumableRoleArns }));
    }
    return statements;
  }

  private createUser(p: PrincipalJson, statements: iam.PolicyStatement[]): iam.IUser {
    const settings = p.user!;
    const user = new iam.User(this, 'User', {
      userName: p.name,
      path: p.path,
      permissionsBoundary: settings.permissionsBoundaryArn
        ? iam.ManagedPolicy.fromManagedPolicyArn(this, 'Boundary', settings.permissionsBoundaryArn) : undefined,
      groups: settings.iamGroups.map((name, i) => iam.Group.fromGroupName(this, `Group${i}`, name)),
    });
    if (statements.length > 0) {
      // One named inline policy resource, so the user's permissions read as one document.
      new iam.Policy(this, 'ClusterAccessPolicy', { users: [user], statements });
    }
    return user;
  }

  private createRole(p: PrincipalJson, props: PrincipalAccessProps, statements: iam.PolicyStatement[]): iam.IRole {
    const settings = p.role!;
    return new iam.Role(this, 'Role', {
      roleName: p.name,
      path: p.path,
      assumedBy: new StatementsPrincipal(roleTrustStatements(settings.trust, props.trustedArns, props.partition)),
      maxSessionDuration: Duration.seconds(settings.maxSessionDurationSeconds),
      permissionsBoundary: settings.permissionsBoundaryArn
        ? iam.ManagedPolicy.fromManagedPolicyArn(this, 'Boundary', settings.permissionsBoundaryArn) : undefined,
      // Inline in the role resource: no extra CloudFormation resource per person (the stack budget is 500).
      inlinePolicies: statements.length > 0 ? { ClusterAccess: new iam.PolicyDocument({ statements }) } : undefined,
    });
  }

  private createAccessKey(user: iam.IUser): secretsmanager.ISecret {
    const key = new iam.AccessKey(this, 'AccessKey', { user });
    // The template holds only Fn::GetAtt references; the secret value exists in Secrets Manager alone.
    return new secretsmanager.Secret(this, 'AccessKeySecret', {
      description: `Access key of IAM user ${user.userName}`,
      secretObjectValue: {
        accessKeyId: SecretValue.unsafePlainText(key.accessKeyId),
        secretAccessKey: key.secretAccessKey,
      },
    });
  }

  private createEntry(props: PrincipalAccessProps, entry: AccessEntryJson): eks.CfnAccessEntry {
    const principalArn = this.role?.roleArn ?? this.user?.userArn ?? entry.principalArn;
    const cfn = new eks.CfnAccessEntry(this, 'AccessEntry', {
      clusterName: props.clusterName,
      principalArn,
      type: entry.type,
      username: entry.username,
      kubernetesGroups: entry.kubernetesGroups.length > 0 ? entry.kubernetesGroups : undefined,
      accessPolicies: entry.accessPolicies.length > 0 ? entry.accessPolicies.map((g) => ({
        policyArn: g.policyArn,
        accessScope: { type: g.scope, namespaces: g.namespaces.length > 0 ? g.namespaces : undefined },
      })) : undefined,
      tags: Object.keys(entry.tags).length > 0 ? Object.entries(entry.tags).map(([key, value]) => ({ key, value })) : undefined,
    });
    return cfn;
  }
}
