/**
 * `AccessFleet`: one access policy for many clusters in many accounts (issue 26). Clusters are declared with their
 * account, region, authentication mode and labels; grants go to all clusters, to clusters selected by label, or to
 * named clusters, with per-cluster overrides. The fleet renders through the CDK's own multi-account machinery: one
 * `cdk.Stage` per account (what `pipelines.CodePipeline` deploys as a unit: `wave.addStage(stage)`), named after the
 * account and its first declared region, holding the account's identity stack and a cluster-access stack per cluster
 * (each in its cluster's own region), each stack a plain `ClusterAccess` with its own `AccessModel`.
 *
 * Why a stage per account rather than per account and region: IAM is global, so an account's principals are created
 * once, by one identity stack in one region, and the access entries of every region need them first. The CDK orders
 * stacks by dependency only inside one cloud assembly (a stage): CDK Pipelines runs a stage's stacks in dependency
 * order (RunOrder), runs the stages of one wave in parallel, and knows no dependency between stages. An access stack
 * in another region of the same stage depends on the identity stack (principal-identities.ts adds the dependency and
 * builds the ARN from the name, as CloudFormation exports do not cross regions), so the order is the pipeline's own,
 * not a note to the user. A stage may hold stacks of several regions: each stack keeps its own `env`, and the pipeline
 * deploys it with that account and region's CDK deploy role (test/aws/fleet-pipeline.test.ts). Nothing is fanned out by hand: principals are created once per account by the `identityScope`
 * machinery of `ClusterAccess` (lib/aws/principal-identities.ts), deploy order inside a stage is CDK stack
 * dependencies, and order across stages is the pipeline's waves.
 *
 * Why a construct that owns its stages rather than helpers over user-made stacks: a stage is per environment, not per
 * cluster (two clusters of one account and region deploy together), and the identity stack of an account must be in
 * exactly one stage; the fleet knows every cluster, so it can place both and say which stage carries whose
 * identities. Why grants are recorded and rendered late (`render()`, or the first read of `stages`): a grant to
 * `ClusterSelector.labels({ env: 'prod' })` applies to clusters added after it too, and an `AccessModel` is sealed
 * once rendered.
 *
 * Hub and spoke: people sign in to a hub account (IAM roles, IAM Identity Center permission sets) and assume, in each
 * cluster account, a spoke role the fleet creates (`addSpokeRole`) whose trust policy names the hub principals, with
 * the MFA / ExternalId / `aws:PrincipalOrgID` conditions of `lib/aws/trust-policy.ts`; the spoke role is what the
 * access entry (or aws-auth row) names. The hub principals are named by ARN in the trust policy (IAM stores the role's
 * unique id: a hub role deleted and created again needs the spoke stacks redeployed — IAM User Guide, "Specifying a
 * principal": "If your Principal element in a role trust policy contains an ARN that points to a specific IAM role,
 * then that ARN transforms to the role's unique principal ID when you save the policy").
 */
import { CfnResource, Stack, Stage } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  AccessModel, AuthenticationMode, ClusterGrantProps, GroupGrantProps, parseIamArn, ssoPermissionSetOf,
} from '../model';
import { sessionsCanCarryMfa } from '../model/iam-arn';
import { RuleError } from '../model/rule-error';
import { ClusterAccess } from './cluster-access';
import { ClusterTarget } from './cluster-target';
import { eksClusterNameProblem } from './eks-cluster-name';

const FLEET_CLUSTER_RULE = 'eks-access:fleet-cluster';
const FLEET_SELECTOR_RULE = 'eks-access:fleet-selector';
const FLEET_GRANT_RULE = 'eks-access:fleet-grant';
const FLEET_RENDERED_RULE = 'eks-access:fleet-rendered';
const HUB_PRINCIPAL_RULE = 'eks-access:hub-principal';
/**
 * `requireMfa` on a spoke role that trusts an IAM Identity Center permission-set role: a trust that can never let that
 * principal in (why: `sessionsCanCarryMfa` in lib/model/iam-arn.ts). The alternative: require MFA where the person
 * signs in (IAM Identity Center's MFA settings, IAM Identity Center User Guide), and keep `requireMfa` for spoke roles
 * that trust hub IAM roles or accounts only.
 */
const SPOKE_MFA_RULE = 'eks-access:fleet-spoke-mfa';

/** Which clusters of a fleet a grant applies to. */
export class ClusterSelector {
  /** Every cluster of the fleet (also those added after the grant). */
  public static all(): ClusterSelector {
    return new ClusterSelector('all clusters', () => true);
  }

  /**
   * The clusters carrying every one of these labels with these values (e.g. `{ env: 'prod' }`).
   * @param labels label name → value; all must match
   */
  public static labels(labels: Record<string, string>): ClusterSelector {
    const wanted = Object.entries(labels);
    if (wanted.length === 0) {
      throw new RuleError(FLEET_SELECTOR_RULE, 'ClusterSelector.labels', 'needs at least one label (use ClusterSelector.all() for every cluster)');
    }
    const text = wanted.map(([k, v]) => `${k}=${v}`).join(',');
    return new ClusterSelector(`clusters labelled ${text}`, (c) => wanted.every(([k, v]) => c.labels[k] === v));
  }

  /**
   * The clusters of these names.
   * @param clusterNames EKS cluster names, as given to `AccessFleet.addCluster`
   */
  public static named(...clusterNames: string[]): ClusterSelector {
    if (clusterNames.length === 0) {
      throw new RuleError(FLEET_SELECTOR_RULE, 'ClusterSelector.named', 'needs at least one cluster name');
    }
    const names = new Set(clusterNames);
    return new ClusterSelector(`clusters ${clusterNames.join(', ')}`, (c) => names.has(c.clusterName), clusterNames);
  }

  private constructor(
    /** What the selector selects, for messages. */
    public readonly description: string,
    private readonly test: (cluster: FleetClusterProps & { labels: Record<string, string> }) => boolean,
    private readonly names: string[] = [],
  ) {}

  /** Whether the cluster is selected. @internal */
  public _matches(cluster: FleetClusterProps): boolean {
    return this.test({ ...cluster, labels: cluster.labels ?? {} });
  }

  /** The cluster names a `named` selector lists (checked against the fleet when it renders). @internal */
  public _names(): string[] {
    return this.names;
  }
}

/** A principal of the hub account that a spoke role trusts. */
export class HubPrincipal {
  /**
   * An IAM role of the hub account (or any account), by ARN.
   * @param roleArn `arn:<partition>:iam::<account>:role/<path><name>`
   */
  public static role(roleArn: string): HubPrincipal {
    if (!parseIamArn(roleArn, 'role')) {
      throw new RuleError(HUB_PRINCIPAL_RULE, 'HubPrincipal.role', `'${roleArn}' is not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<path><name>)`);
    }
    return new HubPrincipal(roleArn, undefined);
  }

  /**
   * The IAM role that IAM Identity Center provisioned for a permission set in the hub account
   * (`arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<PermissionSet>_<suffix>`,
   * IAM Identity Center User Guide, "Referencing permission sets in resource policies"). Named by its full ARN: the
   * suffix is fixed while the permission set stays provisioned in the account.
   * @param roleArn the role ARN as `aws iam list-roles --path-prefix /aws-reserved/sso.amazonaws.com/` shows it
   */
  public static permissionSetRole(roleArn: string): HubPrincipal {
    const parsed = parseIamArn(roleArn, 'role');
    const permissionSet = parsed ? ssoPermissionSetOf(parsed) : undefined;
    if (!parsed || permissionSet === undefined) {
      throw new RuleError(HUB_PRINCIPAL_RULE, 'HubPrincipal.permissionSetRole', `'${roleArn}' is not an IAM Identity Center permission-set role ARN `
        + `(arn:aws:iam::<account>:role/aws-reserved/sso.amazonaws.com/[<region>/]AWSReservedSSO_<PermissionSet>_<suffix>); use HubPrincipal.role for other roles`);
    }
    return new HubPrincipal(roleArn, undefined);
  }

  /**
   * A whole account: any of its principals whose own IAM policy allows `sts:AssumeRole` on the spoke role.
   * @param accountId the 12-digit hub account
   */
  public static account(accountId: string): HubPrincipal {
    if (!/^[0-9]{12}$/.test(accountId)) {
      throw new RuleError(HUB_PRINCIPAL_RULE, 'HubPrincipal.account', `'${accountId}' is not a 12-digit AWS account id`);
    }
    return new HubPrincipal(undefined, accountId);
  }

  private constructor(
    /** The trusted role's ARN, for role principals. */
    public readonly roleArn: string | undefined,
    /** The trusted account, for account principals. */
    public readonly accountId: string | undefined,
  ) {}
}

/** A cluster of the fleet. */
export interface FleetClusterProps {
  /** The EKS cluster name (unique within the fleet). */
  readonly clusterName: string;
  /** The 12-digit account the cluster is in. */
  readonly account: string;
  /** The region the cluster is in. */
  readonly region: string;
  /**
   * The cluster's authentication mode (decides access entries and/or aws-auth rows).
   * @default AuthenticationMode.API
   */
  readonly authenticationMode?: AuthenticationMode;
  /**
   * Labels grants select clusters by (`ClusterSelector.labels({ env: 'prod' })`).
   * @default - none
   */
  readonly labels?: Record<string, string>;
  /**
   * The cluster's OIDC issuer without `https://`, for IRSA service accounts added through `modelOf`.
   * @default - IRSA service accounts are refused
   */
  readonly oidcIssuer?: string;
  /**
   * AWS partition of the cluster's account.
   * @default 'aws'
   */
  readonly partition?: string;
}

/** Where a fleet grant applies. */
export interface FleetGrantProps extends ClusterGrantProps {
  /**
   * The clusters the grant applies to.
   * @default ClusterSelector.all()
   */
  readonly clusters?: ClusterSelector;
}

/** A spoke role: created in the account of each selected cluster, trusting hub principals, granted on those clusters. */
export interface SpokeRoleProps extends FleetGrantProps {
  /** The hub principals that may assume the spoke role (at least one). */
  readonly trustedPrincipals: HubPrincipal[];
  /**
   * IAM role name (the same in every spoke account, so people assume one name everywhere).
   * @default - the spoke role's id
   */
  readonly roleName?: string;
  /**
   * IAM path.
   * @default '/'
   */
  readonly path?: string;
  /**
   * Require MFA of the hub session (`aws:MultiFactorAuthPresent`).
   * @default false
   */
  readonly requireMfa?: boolean;
  /**
   * Required `sts:ExternalId` values.
   * @default - no ExternalId condition
   */
  readonly externalIds?: string[];
  /**
   * AWS Organizations id (`o-…`): also trust any principal of the organization (`aws:PrincipalOrgID`).
   * @default - no organization statement
   */
  readonly organizationId?: string;
  /**
   * Maximum session duration in seconds (3600–43200).
   * @default 3600
   */
  readonly maxSessionDurationSeconds?: number;
  /**
   * ARN of a managed policy used as permissions boundary (with `${AWS::AccountId}`-free ARNs, the same in every account).
   * @default - none
   */
  readonly permissionsBoundaryArn?: string;
}

/** RBAC for a Kubernetes group on the selected clusters (rendered by the cdk8s charts from `modelOf`). */
export interface FleetGroupGrantProps extends GroupGrantProps {
  /**
   * The clusters the group grant applies to.
   * @default ClusterSelector.all()
   */
  readonly clusters?: ClusterSelector;
}

/** Properties of `AccessFleet`. */
export interface AccessFleetProps {
  /**
   * Id of the identity stack of each account (in that account's stage, in the account's first declared region).
   * @default 'Identities'
   */
  readonly identityStackId?: string;
}

interface FleetCluster {
  readonly props: FleetClusterProps;
  readonly stage: Stage;
  readonly stack: Stack;
}

type GrantKind = 'importRole' | 'importUser' | 'spokeRole';

interface FleetGrant {
  readonly kind: GrantKind;
  readonly id: string;
  readonly arn?: string;
  readonly props: FleetGrantProps;
  readonly spoke?: SpokeRoleProps;
}

/** One access policy for many clusters in many accounts, rendered as one `Stage` per account. */
export class AccessFleet extends Construct {
  private readonly clusters = new Map<string, FleetCluster>();
  /** The stage of each account (see the module comment: one per account, named after its first region). */
  private readonly stageByAccount = new Map<string, Stage>();
  private readonly identityStacks = new Map<string, Stack>();
  private readonly grants: FleetGrant[] = [];
  private readonly groupGrants: FleetGroupGrantProps[] = [];
  private readonly overrides = new Map<string, ClusterGrantProps>();
  private readonly models = new Map<string, AccessModel>();
  private readonly accesses = new Map<string, ClusterAccess>();
  private readonly identityStackId: string;
  private rendered = false;

  constructor(scope: Construct, id: string, props: AccessFleetProps = {}) {
    super(scope, id);
    // Stages nest in an App or Stage, never in a stack (a stack cannot hold a cloud assembly of its own).
    for (let c: Construct | undefined = scope; c; c = c.node.scope as Construct | undefined) {
      if (Stack.isStack(c)) {
        throw new RuleError(FLEET_CLUSTER_RULE, this.node.path, `is inside stack ${c.node.path}: an AccessFleet makes stages, so create it in an App or a Stage`);
      }
    }
    this.identityStackId = props.identityStackId ?? 'Identities';
  }

  /**
   * Adds a cluster: it gets a cluster-access stack, in its own region, in the stage of its account (made on first
   * use, named after the account and that first cluster's region).
   * @returns the stage holding the cluster's access stack
   */
  public addCluster(props: FleetClusterProps): Stage {
    this.assertOpen('addCluster');
    const where = `${this.node.path}/${props.clusterName}`;
    if (!/^[0-9]{12}$/.test(props.account)) {
      throw new RuleError(FLEET_CLUSTER_RULE, where, `account '${props.account}' is not a 12-digit AWS account id (a fleet names each cluster's account: stages need explicit environments)`);
    }
    if (!/^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(props.region)) {
      throw new RuleError(FLEET_CLUSTER_RULE, where, `region '${props.region}' is not an AWS region name (e.g. us-east-1)`);
    }
    const nameProblem = eksClusterNameProblem(props.clusterName);
    if (nameProblem) throw new RuleError(FLEET_CLUSTER_RULE, where, nameProblem);
    const existing = this.clusters.get(props.clusterName);
    if (existing) {
      throw new RuleError(FLEET_CLUSTER_RULE, where, `cluster '${props.clusterName}' is already in the fleet (${existing.props.account}/${existing.props.region}); `
        + `cluster names are the fleet's keys for selectors and overrides, so give each cluster one entry`);
    }
    const stage = this.stageOfAccount(props.account, props.region);
    if (!this.identityStacks.has(props.account)) {
      this.identityStacks.set(props.account, new Stack(stage, this.identityStackId, {
        env: { account: props.account, region: props.region },
        description: `cdk-eks-access fleet ${this.node.path}: IAM principals of account ${props.account}`,
      }));
    }
    const stack = new Stack(stage, `Access-${props.clusterName.replace(/_/g, '-')}`, {
      env: { account: props.account, region: props.region },
      description: `cdk-eks-access fleet ${this.node.path}: access to cluster ${props.clusterName}`,
    });
    this.clusters.set(props.clusterName, { props, stage, stack });
    return stage;
  }

  /** Grants an existing IAM role (any account) on the selected clusters. */
  public importRole(id: string, roleArn: string, props: FleetGrantProps = {}): void {
    this.addGrant({ kind: 'importRole', id, arn: roleArn, props });
  }

  /** Grants an existing IAM user (any account) on the selected clusters. */
  public importUser(id: string, userArn: string, props: FleetGrantProps = {}): void {
    this.addGrant({ kind: 'importUser', id, arn: userArn, props });
  }

  /**
   * Hub and spoke: creates, once in the account of each selected cluster (in that account's identity stack), an IAM
   * role trusting the hub principals, and grants it on the selected clusters; its access entries (or aws-auth rows)
   * name the spoke role.
   */
  public addSpokeRole(id: string, props: SpokeRoleProps): void {
    if (props.trustedPrincipals.length === 0 && props.organizationId === undefined) {
      throw new RuleError(FLEET_GRANT_RULE, `${this.node.path}/${id}`, 'a spoke role needs trustedPrincipals (HubPrincipal.role, .permissionSetRole, .account) or an organizationId');
    }
    const permissionSetRoles = props.trustedPrincipals.flatMap((p) => (p.roleArn !== undefined && !sessionsCanCarryMfa(p.roleArn) ? [p.roleArn] : []));
    if (props.requireMfa && permissionSetRoles.length) {
      throw new RuleError(SPOKE_MFA_RULE, `${this.node.path}/${id}`, `requireMfa cannot be met by the IAM Identity Center permission-set role(s) it trusts `
        + `(${permissionSetRoles.join(', ')}): their sessions never carry aws:MultiFactorAuthPresent (no IAM user or MFA device to pass to sts:AssumeRole), `
        + `so the trust would deny them every time. Require MFA at the Identity Center sign-in instead and leave requireMfa off for this spoke role; `
        + `keep requireMfa on a separate spoke role that trusts hub IAM roles or accounts (HubPrincipal.role, HubPrincipal.account)`);
    }
    this.addGrant({ kind: 'spokeRole', id, props, spoke: props });
  }

  /** RBAC for a Kubernetes group on the selected clusters. */
  public addGroupGrant(props: FleetGroupGrantProps): void {
    this.assertOpen('addGroupGrant');
    this.groupGrants.push(props);
  }

  /**
   * Replaces what principal `principalId` gets on one cluster (username, groups, access policies, tags): the
   * per-cluster exception to a fleet-wide grant (e.g. view instead of edit on prod).
   */
  public overrideGrant(clusterName: string, principalId: string, props: ClusterGrantProps): void {
    this.assertOpen('overrideGrant');
    this.overrides.set(`${clusterName}\n${principalId}`, props);
  }

  /** Every stage of the fleet (renders the fleet): stages holding identity stacks first, then in declaration order. */
  public get stages(): Stage[] {
    this.render();
    const all = [...this.stageByAccount.values()];
    const identity = new Set([...this.identityStacks.values()].map((s) => Stage.of(s)!));
    return [...all.filter((s) => identity.has(s)), ...all.filter((s) => !identity.has(s))];
  }

  /** The stages holding the selected clusters (renders the fleet), for a pipeline wave per environment label. */
  public stagesFor(selector: ClusterSelector): Stage[] {
    const chosen = new Set([...this.clusters.values()].filter((c) => selector._matches(c.props)).map((c) => c.stage));
    return this.stages.filter((s) => chosen.has(s));
  }

  /** The stage holding a cluster's access stack. */
  public stageOf(clusterName: string): Stage {
    return this.cluster(clusterName, 'stageOf').stage;
  }

  /**
   * The identity stack of an account (where its created principals, e.g. spoke roles, live). Once the fleet is
   * rendered, an account in which the fleet creates nothing has none (an empty template cannot be deployed).
   */
  public identityStackOf(account: string): Stack {
    const stack = this.identityStacks.get(account);
    if (!stack) {
      throw new RuleError(FLEET_CLUSTER_RULE, `${this.node.path}.identityStackOf`, `no identity stack for account '${account}': no cluster of the fleet is `
        + `in it, or the fleet creates no principal there (accounts with one: ${[...this.identityStacks.keys()].join(', ') || 'none'})`);
    }
    return stack;
  }

  /** The access model of one cluster (renders the fleet): hand it to the cdk8s charts for RBAC and aws-auth. */
  public modelOf(clusterName: string): AccessModel {
    this.render();
    this.cluster(clusterName, 'modelOf');
    return this.models.get(clusterName)!;
  }

  /** The `ClusterAccess` of one cluster (renders the fleet). */
  public clusterAccessOf(clusterName: string): ClusterAccess {
    this.render();
    this.cluster(clusterName, 'clusterAccessOf');
    return this.accesses.get(clusterName)!;
  }

  /**
   * Builds every cluster's model and `ClusterAccess` from the grants. Called by `stages`, `stagesFor`, `modelOf`
   * and `clusterAccessOf`; call it yourself when you read none of them before synthesis. Later declarations throw.
   */
  public render(): void {
    if (this.rendered) return;
    this.rendered = true;
    for (const g of [...this.grants.map((x) => x.props), ...this.groupGrants]) {
      for (const name of g.clusters?._names() ?? []) this.cluster(name, 'ClusterSelector.named');
    }
    for (const key of this.overrides.keys()) this.cluster(key.split('\n')[0], 'overrideGrant');
    for (const c of this.clusters.values()) this.renderCluster(c);
    this.dropEmptyIdentityStacks();
  }

  /**
   * An account whose grants only name existing principals (imported hub roles) has nothing to create: its identity
   * stack would be an empty template, which CloudFormation refuses ("At least one Resources member must be defined")
   * and a pipeline would still try to deploy. Such a stack is removed before anything synthesizes it.
   */
  private dropEmptyIdentityStacks(): void {
    for (const [account, stack] of [...this.identityStacks]) {
      if (stack.node.findAll().some((c) => CfnResource.isCfnResource(c))) continue;
      stack.node.scope!.node.tryRemoveChild(stack.node.id);
      this.identityStacks.delete(account);
    }
  }

  private renderCluster(c: FleetCluster): void {
    const { props } = c;
    const model = new AccessModel({
      accountId: props.account,
      partition: props.partition,
      authenticationMode: props.authenticationMode ?? AuthenticationMode.API,
      clusterName: props.clusterName,
    });
    for (const g of this.grants) {
      if (!(g.props.clusters ?? ClusterSelector.all())._matches(props)) continue;
      const override = this.overrides.get(`${props.clusterName}\n${g.id}`);
      const grant: ClusterGrantProps = override ?? {
        username: g.props.username, kubernetesGroups: g.props.kubernetesGroups, accessPolicies: g.props.accessPolicies, tags: g.props.tags,
      };
      if (g.kind === 'importRole') model.importRole(g.id, g.arn!, grant);
      else if (g.kind === 'importUser') model.importUser(g.id, g.arn!, grant);
      else model.addRole(g.id, { ...grant, ...spokeRoleOf(g.id, g.spoke!) });
    }
    for (const gg of this.groupGrants) {
      if ((gg.clusters ?? ClusterSelector.all())._matches(props)) {
        model.addGroupGrant({ group: gg.group, clusterRole: gg.clusterRole, rules: gg.rules, namespaces: gg.namespaces });
      }
    }
    for (const key of this.overrides.keys()) {
      const [cluster, principal] = key.split('\n');
      if (cluster === props.clusterName && !model.principal(principal)) {
        throw new RuleError(FLEET_GRANT_RULE, `${this.node.path}/${cluster}`, `overrideGrant names principal '${principal}', which no grant of the fleet gives on cluster ${cluster}`);
      }
    }
    this.models.set(props.clusterName, model);
    this.accesses.set(props.clusterName, new ClusterAccess(c.stack, 'Access', {
      cluster: ClusterTarget.fromClusterName({ clusterName: props.clusterName, authenticationMode: model.authenticationMode, oidcIssuer: props.oidcIssuer }),
      model,
      identityScope: this.identityStacks.get(props.account),
    }));
  }

  private addGrant(grant: FleetGrant): void {
    this.assertOpen(grant.kind);
    if (this.grants.some((g) => g.id === grant.id)) {
      throw new RuleError(FLEET_GRANT_RULE, `${this.node.path}/${grant.id}`, `principal id '${grant.id}' is already granted in the fleet; `
        + `one id is one principal on every cluster (select clusters with ClusterSelector, vary the grant with overrideGrant)`);
    }
    this.grants.push(grant);
  }

  private stageOfAccount(account: string, region: string): Stage {
    let stage = this.stageByAccount.get(account);
    if (!stage) {
      // Stage names start with a letter (aws-cdk-lib core stage.ts); the name is also the pipeline stage's name. The
      // stage's env is only the default of stacks without one: every fleet stack names its own region.
      stage = new Stage(this, `Account-${account}-${region}`, { env: { account, region } });
      this.stageByAccount.set(account, stage);
    }
    return stage;
  }

  private cluster(clusterName: string, call: string): FleetCluster {
    const c = this.clusters.get(clusterName);
    if (!c) {
      throw new RuleError(FLEET_CLUSTER_RULE, `${this.node.path}.${call}`, `no cluster '${clusterName}' in the fleet (clusters: ${[...this.clusters.keys()].join(', ') || 'none'})`);
    }
    return c;
  }

  private assertOpen(call: string): void {
    if (this.rendered) {
      throw new RuleError(FLEET_RENDERED_RULE, `${this.node.path}.${call}`, 'the fleet is already rendered (by render(), stages, stagesFor, modelOf or '
        + 'clusterAccessOf): declare every cluster and grant first, then read the stages');
    }
  }
}

/** The `AccessModel.addRole` settings of a spoke role: its trust is the hub principals with the chosen conditions. */
function spokeRoleOf(id: string, spoke: SpokeRoleProps) {
  return {
    roleName: spoke.roleName ?? id,
    path: spoke.path,
    maxSessionDurationSeconds: spoke.maxSessionDurationSeconds,
    permissionsBoundaryArn: spoke.permissionsBoundaryArn,
    assumableBy: {
      principalArns: spoke.trustedPrincipals.flatMap((p) => (p.roleArn ? [p.roleArn] : [])),
      accountIds: spoke.trustedPrincipals.flatMap((p) => (p.accountId ? [p.accountId] : [])),
      organizationId: spoke.organizationId,
      requireMfa: spoke.requireMfa,
      externalIds: spoke.externalIds,
    },
  };
}
