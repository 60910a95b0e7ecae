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
import {
  CreatedIdentity, canReferenceDirectly, dependOnIdentity, identityHome, sameAccount,
} from './principal-identities';
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
  /** The principal as already created in this app by another ClusterAccess: referenced, not created again. */
  readonly existing?: CreatedIdentity;
  /** Where a created principal's IAM resources go when it is created here; undefined = this construct. */
  readonly identityScope?: Construct;
  /** Construct path of the owning ClusterAccess. */
  readonly createdBy: string;
  /** `definitionOf` the principal. */
  readonly definition: string;
}

/** @internal */
export class PrincipalAccess extends Construct {
  public readonly accessKeySecret?: secretsmanager.ISecret;
  private _user?: iam.IUser;
  private _role?: iam.IRole;
  /**
   * An imported principal's ARN: its `iam.IRole`/`iam.IUser` is made on first read of `role`/`user` (for
   * `ClusterAccess.role()`), not for every cluster × principal. The access entry needs the ARN only, and the two
   * constructs `Role.fromRoleArn` makes (the import and its immutable wrapper) were half of a fleet's constructs and
   * most of its memory: bench/results/fleet-synth.md.
   */
  private readonly imported?: { readonly kind: PrincipalKind; readonly arn: string };
  public readonly accessEntry?: eks.CfnAccessEntry;

  /** The identity this construct created (to be registered for the app), if it created one. */
  public readonly created?: CreatedIdentity;

  constructor(scope: Construct, id: string, props: PrincipalAccessProps) {
    super(scope, id);
    const p = props.principal;
    if (p.origin === PrincipalOrigin.CREATED && props.existing) {
      ({ user: this._user, role: this._role, accessKeySecret: this.accessKeySecret } = this.referenceIdentity(props, props.existing));
    } else if (p.origin === PrincipalOrigin.CREATED) {
      // With an identity scope the IAM resources live there and only this cluster's permission stays here; without
      // one they live here as they always did (moving them would replace named IAM users in deployed stacks).
      const home = props.identityScope ? identityHome(props.identityScope, p.id) : this;
      const inline = home === this ? [...this.clusterStatements(props), ...this.assumeStatements(props)] : this.assumeStatements(props);
      const user = p.kind === PrincipalKind.USER ? PrincipalAccess.createUser(home, p, inline) : undefined;
      const role = p.kind === PrincipalKind.ROLE ? PrincipalAccess.createRole(home, p, props, inline) : undefined;
      const accessKeySecret = p.user?.createAccessKey && user ? PrincipalAccess.createAccessKey(home, user) : undefined;
      this.created = { user, role, accessKeySecret, createdBy: props.createdBy, home, definition: props.definition };
      // In an identity scope, this construct uses the identity as any later ClusterAccess would (same rules).
      ({ user: this._user, role: this._role, accessKeySecret: this.accessKeySecret } = home === this ? this.created : this.referenceIdentity(props, this.created));
    } else if (p.kind === PrincipalKind.USER || p.kind === PrincipalKind.ROLE) {
      this.imported = { kind: p.kind, arn: p.arn };
    }
    if (props.entry) this.accessEntry = this.createEntry(props, props.entry);
  }

  /** The IAM user of a user principal (created, referenced, or imported: then made on first read). */
  public get user(): iam.IUser | undefined {
    if (!this._user && this.imported?.kind === PrincipalKind.USER) this._user = iam.User.fromUserArn(this, 'User', this.imported.arn);
    return this._user;
  }

  /** The IAM role of a role principal (created, referenced, or imported: then made on first read). */
  public get role(): iam.IRole | undefined {
    if (!this._role && this.imported?.kind === PrincipalKind.ROLE) this._role = iam.Role.fromRoleArn(this, 'Role', this.imported.arn, { mutable: false });
    return this._role;
  }

  /**
   * A principal created by another ClusterAccess: its constructs when CDK can reference them (same stage and
   * environment), else by the ARN built from its known name. This cluster's DescribeCluster is attached as a policy
   * of its own, here — in the identity's account only: IAM attaches policies to its own account's principals.
   */
  private referenceIdentity(props: PrincipalAccessProps, existing: CreatedIdentity): Pick<CreatedIdentity, 'user' | 'role' | 'accessKeySecret'> {
    const p = props.principal;
    let found: Pick<CreatedIdentity, 'user' | 'role' | 'accessKeySecret'> = existing;
    if (!canReferenceDirectly(this, existing.home)) {
      dependOnIdentity(this, existing.home);
      found = {
        user: existing.user ? iam.User.fromUserArn(this, 'User', p.arn) : undefined,
        role: existing.role ? iam.Role.fromRoleArn(this, 'Role', p.arn, { mutable: false }) : undefined,
        accessKeySecret: existing.accessKeySecret,
      };
    }
    if (sameAccount(this, existing.home)) this.attachClusterPolicy(this.clusterStatements(props), found.user, found.role);
    return found;
  }

  /** This cluster's statements as a policy resource of this construct, attached to the (created) user or role. */
  private attachClusterPolicy(statements: iam.PolicyStatement[], user?: iam.IUser, role?: iam.IRole): void {
    if (statements.length === 0) return;
    new iam.Policy(this, 'ClusterAccessPolicy', { users: user ? [user] : undefined, roles: role ? [role] : undefined, statements });
  }

  /** What a created principal needs for this cluster outside Kubernetes: kubeconfig (DescribeCluster). */
  private clusterStatements(props: PrincipalAccessProps): iam.PolicyStatement[] {
    if (props.principal.origin !== PrincipalOrigin.CREATED || !props.reachesCluster) return [];
    return [new iam.PolicyStatement({ actions: ['eks:DescribeCluster'], resources: [props.clusterArn] })];
  }

  /** What a created principal needs whatever the cluster: assuming the model's roles that trust it. */
  private assumeStatements(props: PrincipalAccessProps): iam.PolicyStatement[] {
    if (props.principal.origin !== PrincipalOrigin.CREATED || props.assumableRoleArns.length === 0) return [];
    return [new iam.PolicyStatement({ actions: ['sts:AssumeRole'], resources: props.assumableRoleArns })];
  }

  private static createUser(scope: Construct, p: PrincipalJson, statements: iam.PolicyStatement[]): iam.IUser {
    const settings = p.user!;
    const user = new iam.User(scope, 'User', {
      userName: p.name,
      path: p.path,
      permissionsBoundary: settings.permissionsBoundaryArn
        ? iam.ManagedPolicy.fromManagedPolicyArn(scope, 'Boundary', settings.permissionsBoundaryArn) : undefined,
      groups: settings.iamGroups.map((name, i) => iam.Group.fromGroupName(scope, `Group${i}`, name)),
    });
    if (statements.length > 0) {
      // One named inline policy resource, so the user's permissions read as one document.
      new iam.Policy(scope, 'ClusterAccessPolicy', { users: [user], statements });
    }
    return user;
  }

  private static createRole(scope: Construct, p: PrincipalJson, props: PrincipalAccessProps, statements: iam.PolicyStatement[]): iam.IRole {
    const settings = p.role!;
    return new iam.Role(scope, 'Role', {
      roleName: p.name,
      path: p.path,
      assumedBy: new StatementsPrincipal(roleTrustStatements(settings.trust, props.trustedArns, props.partition)),
      maxSessionDuration: Duration.seconds(settings.maxSessionDurationSeconds),
      permissionsBoundary: settings.permissionsBoundaryArn
        ? iam.ManagedPolicy.fromManagedPolicyArn(scope, 'Boundary', settings.permissionsBoundaryArn) : undefined,
      // Inline in the role resource: no extra CloudFormation resource per person (the stack budget is 500).
      inlinePolicies: statements.length > 0 ? { ClusterAccess: new iam.PolicyDocument({ statements }) } : undefined,
    });
  }

  private static createAccessKey(scope: Construct, user: iam.IUser): secretsmanager.ISecret {
    const key = new iam.AccessKey(scope, 'AccessKey', { user });
    // The template holds only Fn::GetAtt references; the secret value exists in Secrets Manager alone.
    return new secretsmanager.Secret(scope, 'AccessKeySecret', {
      description: `Access key of IAM user ${user.userName}`,
      secretObjectValue: {
        accessKeyId: SecretValue.unsafePlainText(key.accessKeyId),
        secretAccessKey: key.secretAccessKey,
      },
    });
  }

  private createEntry(props: PrincipalAccessProps, entry: AccessEntryJson): eks.CfnAccessEntry {
    const principalArn = this.imported?.arn ?? this._role?.roleArn ?? this._user?.userArn ?? entry.principalArn;
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
