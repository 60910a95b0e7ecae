/**
 * `ClusterAccess`: turns an access model into the AWS side of cluster access — IAM users and roles, access keys in
 * Secrets Manager, access entries with their policy associations, IRSA / Pod Identity roles — on a cluster of this
 * app or one imported by name, in any stack. The Kubernetes side (RBAC for groups, aws-auth rows) is exposed for the
 * cdk8s charts through `model`, `accessEntries` and `awsAuthRows`.
 */
import { Annotations, Aspects, CfnResource, IAspect, NestedStack, Stack, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import {
  AccessEntryJson, AccessModel, AwsAuthRows, PrincipalJson, PrincipalOrigin, ServiceAccountMechanism,
  UNCATALOGUED_ACCESS_POLICY_WARNING, ValidationNoteKind, accessEntries, awsAuthRows, clusterPrincipals, systemMastersWarnings,
  hasUnresolvedToken, validationNotes,
} from '../model';
import { assertValidModel } from '../model/assert-valid-model';
import { RuleError } from '../model/rule-error';
import { claimAccessEntries, warnAboutModel } from './cluster-access-checks';
import { ClusterTarget } from './cluster-target';
import { PrincipalAccess } from './principal-access';
import { definitionOf, existingIdentity, registerIdentity, warnAboutPrincipalConflicts } from './principal-identities';
import { ServiceAccountRole } from './service-account-role';
import {
  DEFAULT_INLINE_RESOURCE_LIMIT, DEFAULT_SHARD_COUNT, MAX_RESOURCES_PER_STACK, ShardingMode, ShardingOptions,
  estimatePrincipalResources, estimateServiceAccountResources, shardOf,
} from './sharding';

const IRSA_OIDC_RULE = 'eks-access:irsa-oidc-issuer';
/** `roleOf`, `userOf`, ... asked for a principal or service account the model does not have (or not of that kind). */
const PRINCIPAL_LOOKUP_RULE = 'eks-access:principal-lookup';
const AUTHENTICATION_MODE_RULE = 'eks-access:authentication-mode';
const MODEL_ACCOUNT_RULE = 'eks-access:model-account';
const MODEL_CLUSTER_RULE = 'eks-access:model-cluster';
const SHARD_COUNT_RULE = 'eks-access:shard-count';

/** Properties of `ClusterAccess`. */
export interface ClusterAccessProps {
  /** The cluster: `ClusterTarget.fromCluster(cluster)` or `ClusterTarget.fromClusterName({ clusterName })`. */
  readonly cluster: ClusterTarget;
  /** The access model (build it once and hand the same object to the cdk8s charts). */
  readonly model: AccessModel;
  /**
   * Nested-stack sharding for large models.
   * @default - `ShardingMode.AUTO` with 64 shards
   */
  readonly sharding?: ShardingOptions;
  /**
   * Add the `eks-pod-identity-agent` add-on when the model has Pod Identity service accounts: the agent (a DaemonSet
   * on the nodes) is what hands pods the association's credentials, so without it the associations give nothing. On
   * an `eks.Cluster` this is aws-cdk-lib's own add-on (`cluster.eksPodIdentityAgent`, the one its `addServiceAccount`
   * adds); on a cluster known by name an `AWS::EKS::Addon` made here, once per cluster and app. Set false when the
   * add-on is managed elsewhere (console, eksctl, another stack): creating it again fails the deployment.
   * @default true
   */
  readonly podIdentityAgentAddon?: boolean;
  /**
   * Where the IAM users and roles the model creates (with their trust policies and access keys) are placed: typically
   * a construct in one identity stack per account, shared by the `ClusterAccess` of every cluster. A principal is
   * created once per app whatever this says: the first `ClusterAccess` that renders it creates it (here, or in itself
   * when this is not given) and every other one references it — by CDK's cross-stack references in the same stage,
   * account and region, by the ARN built from its name across accounts, regions or stages. This construct keeps
   * only the per-cluster parts: access entries and each cluster's `eks:DescribeCluster` permission.
   * @default - the IAM resources are created in the first `ClusterAccess` of the app that renders the principal
   */
  readonly identityScope?: Construct;
}

/** Grants the principals of an access model access to an EKS cluster. */
export class ClusterAccess extends Construct {
  /** The model this construct renders. */
  public readonly model: AccessModel;
  /** The access entries created (empty in CONFIG_MAP mode). */
  public readonly accessEntries: AccessEntryJson[];
  /** The aws-auth rows the ConfigMap modes need; rendered by the cdk8s aws-auth chart, not here. */
  public readonly awsAuthRows: AwsAuthRows;
  private readonly principalConstructs = new Map<string, PrincipalAccess>();
  private readonly serviceAccountConstructs = new Map<string, ServiceAccountRole>();
  private readonly shardStacks = new Map<number, NestedStack>();

  constructor(scope: Construct, id: string, props: ClusterAccessProps) {
    super(scope, id);
    this.model = props.model;
    // From here on the model is what this construct renders: later changes throw instead of vanishing.
    this.model._markRendered(`ClusterAccess '${this.node.path}'`);
    this.checkCluster(props);
    this.warnAboutNotes();
    this.accessEntries = accessEntries(this.model);
    this.awsAuthRows = awsAuthRows(this.model);
    const clusterLabel = clusterLabelOf(props.cluster, this);
    claimAccessEntries(this, props.cluster.clusterName, clusterLabel, this.accessEntries);
    warnAboutPrincipalConflicts(this, clusterLabel, clusterPrincipals(this.model).map((p) => ({
      arn: p.arn, username: AccessModel.effectiveUsername(p, this.model.partition), kubernetesGroups: p.kubernetesGroups,
    })));
    warnAboutModel(this, this.model);
    this.warnAboutSystemMasters();

    const entries = new Map(this.accessEntries.map((e) => [e.principalId, e]));
    const scopeOf = this.placement(props.sharding ?? {}, entries);
    const stack = Stack.of(this);
    const clusterArn = stack.formatArn({ partition: this.model.partition, service: 'eks', resource: 'cluster', resourceName: props.cluster.clusterName });
    const trustingRoles = this.rolesTrusting();

    const reaching = clusterPrincipals(this.model);
    const direct = new Set(reaching.map((p) => p.id));
    for (const p of reaching.concat(this.trustOnlyPrincipals(direct))) {
      const trustedArns = (p.role?.trust.principalIds ?? []).map((tid) => this.model.principal(tid)!.arn);
      const definition = definitionOf(p, trustedArns);
      const existing = p.origin === PrincipalOrigin.CREATED ? existingIdentity(this, p, definition) : undefined;
      const construct = new PrincipalAccess(scopeOf(p.id), p.id, {
        principal: p,
        partition: this.model.partition,
        clusterName: props.cluster.clusterName,
        clusterArn,
        entry: entries.get(p.id),
        reachesCluster: direct.has(p.id),
        trustedArns,
        assumableRoleArns: (trustingRoles.get(p.id) ?? []).map((r) => r.arn),
        existing,
        identityScope: props.identityScope,
        createdBy: this.node.path,
        definition,
      });
      if (construct.created) registerIdentity(this, p, construct.created);
      this.principalConstructs.set(p.id, construct);
    }
    this.orderTrust();
    this.orderAwsAuthAfterEntries(props.cluster);

    const saNeedsOidc = this.model.serviceAccounts.some((sa) => sa.mechanism === ServiceAccountMechanism.IRSA);
    const oidc = saNeedsOidc ? props.cluster._oidc() : undefined;
    if (saNeedsOidc && !oidc) {
      throw new RuleError(IRSA_OIDC_RULE, this.node.path, `IRSA service accounts need the cluster's OIDC issuer: pass ClusterTarget.fromClusterName({ oidcIssuer }) or a cluster with an openIdConnectProvider`);
    }
    for (const sa of this.model.serviceAccounts) {
      this.serviceAccountConstructs.set(sa.id, new ServiceAccountRole(scopeOf(`sa:${sa.id}`), `ServiceAccount-${sa.id}`, {
        serviceAccount: sa, clusterName: props.cluster.clusterName, oidc,
      }));
    }
    this.addPodIdentityAgent(props);
    this.warnAboutRoleNames();
    this.node.addValidation({ validate: () => this.checkResourceBudget() });
  }

  /** The nested stacks holding the resources, by shard number; empty when not sharded. */
  public get shards(): NestedStack[] {
    return [...this.shardStacks.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
  }

  /** The IAM role of a role principal (created or imported). */
  public role(principalId: string): iam.IRole {
    const role = this.principalConstruct(principalId).role;
    if (!role) throw new RuleError(PRINCIPAL_LOOKUP_RULE, this.node.path, `principal '${principalId}' is not a role`);
    return role;
  }

  /** The IAM user of a user principal (created or imported). */
  public user(principalId: string): iam.IUser {
    const user = this.principalConstruct(principalId).user;
    if (!user) throw new RuleError(PRINCIPAL_LOOKUP_RULE, this.node.path, `principal '${principalId}' is not a user`);
    return user;
  }

  /** The Secrets Manager secret holding a created user's access key (`accessKeyId`, `secretAccessKey`). */
  public accessKeySecret(principalId: string): secretsmanager.ISecret {
    const secret = this.principalConstruct(principalId).accessKeySecret;
    if (!secret) throw new RuleError(PRINCIPAL_LOOKUP_RULE, this.node.path, `principal '${principalId}' has no access key (set createAccessKey: true)`);
    return secret;
  }

  /** The access entry of a principal. */
  public accessEntry(principalId: string): eks.CfnAccessEntry {
    const entry = this.principalConstruct(principalId).accessEntry;
    if (!entry) throw new RuleError(PRINCIPAL_LOOKUP_RULE, this.node.path, `principal '${principalId}' has no access entry (authentication mode ${this.model.authenticationMode})`);
    return entry;
  }

  /** The IAM role of a service account of the model. */
  public serviceAccountRole(serviceAccountId: string): iam.IRole {
    const sa = this.serviceAccountConstructs.get(serviceAccountId);
    if (!sa) throw new RuleError(PRINCIPAL_LOOKUP_RULE, this.node.path, `no service account '${serviceAccountId}' in the model (known: ${[...this.serviceAccountConstructs.keys()].join(', ')})`);
    return sa.role;
  }

  private principalConstruct(principalId: string): PrincipalAccess {
    const c = this.principalConstructs.get(principalId);
    if (!c) throw new RuleError(PRINCIPAL_LOOKUP_RULE, this.node.path, `no principal '${principalId}' in the model (known: ${[...this.principalConstructs.keys()].join(', ')})`);
    return c;
  }

  private checkCluster(props: ClusterAccessProps): void {
    assertValidModel(this.model, this.node.path);
    const clusterMode = props.cluster.authenticationMode;
    if (clusterMode !== undefined && clusterMode !== this.model.authenticationMode) {
      throw new RuleError(AUTHENTICATION_MODE_RULE, this.node.path, `the model is for authentication mode ${this.model.authenticationMode} but the cluster uses ${clusterMode}; build the model with authenticationMode: AuthenticationMode.${clusterMode}`);
    }
    const modelCluster = this.model.clusterName;
    const clusterName = props.cluster.clusterName;
    if (modelCluster !== undefined && !Token.isUnresolved(clusterName) && !hasUnresolvedToken(modelCluster) && modelCluster !== clusterName) {
      throw new RuleError(MODEL_CLUSTER_RULE, this.node.path, `the model is for cluster '${modelCluster}' but ClusterAccess targets '${clusterName}'; build the model with clusterName: '${clusterName}' (its default service-account role names include it)`);
    }
    const account = Stack.of(this).account;
    if (!Token.isUnresolved(account) && !hasUnresolvedToken(this.model.accountId) && account !== this.model.accountId) {
      throw new RuleError(MODEL_ACCOUNT_RULE, this.node.path, `the model is for account ${this.model.accountId} but the stack deploys to ${account}; created principals' ARNs would be wrong`);
    }
    // The identity scope is where created principals live, so it is held to the same account.
    const identityAccount = props.identityScope ? Stack.of(props.identityScope).account : undefined;
    if (identityAccount !== undefined && !Token.isUnresolved(identityAccount) && !hasUnresolvedToken(this.model.accountId) && identityAccount !== this.model.accountId) {
      throw new RuleError(MODEL_ACCOUNT_RULE, this.node.path, `identityScope ${props.identityScope!.node.path} deploys to account ${identityAccount} but the model `
        + `(and its created principals' ARNs) is for account ${this.model.accountId}; place the identity scope in a stack of account ${this.model.accountId}`);
    }
  }

  /**
   * What validation could not check (CDK tokens) is said once, in one warning listing every deferred check; each
   * access policy outside the catalogue gets its own warning naming it.
   */
  private warnAboutNotes(): void {
    const notes = validationNotes(this.model);
    const deferred = notes.filter((n) => n.kind === ValidationNoteKind.UNRESOLVED_TOKEN);
    if (deferred.length > 0) {
      Annotations.of(this).addWarningV2(deferred[0].ruleId, `${this.node.path}: not validated at synth time because the values `
        + `are CDK tokens (known at deploy time only); CloudFormation, IAM or EKS will check them at deployment:\n`
        + deferred.map((n) => `  ${this.node.path}/${n.subject}: ${n.message}`).join('\n'));
    }
    const byPolicy = new Map<string, string[]>();
    for (const n of notes.filter((x) => x.kind === ValidationNoteKind.UNCATALOGUED_ACCESS_POLICY)) {
      byPolicy.set(n.message, [...(byPolicy.get(n.message) ?? []), n.subject]);
    }
    for (const [message, subjects] of byPolicy) {
      Annotations.of(this).addWarningV2(UNCATALOGUED_ACCESS_POLICY_WARNING, `${this.node.path}: ${message} (used by ${subjects.join(', ')})`);
    }
  }

  /**
   * The `eks-pod-identity-agent` add-on for the model's Pod Identity associations (see `podIdentityAgentAddon`); each
   * association waits for it, as pods of the service account get credentials only once the agent runs. aws-cdk-lib's
   * `ServiceAccount` does the same for `IdentityType.POD_IDENTITY` (aws-cdk-lib aws-eks/lib/service-account.ts reads
   * `cluster.eksPodIdentityAgent`).
   */
  private addPodIdentityAgent(props: ClusterAccessProps): void {
    const associations = [...this.serviceAccountConstructs.values()].flatMap((c) => (c.podIdentityAssociation ? [c.podIdentityAssociation] : []));
    if (associations.length === 0 || props.podIdentityAgentAddon === false) return;
    const cluster = props.cluster._cluster();
    const agent = (cluster instanceof eks.Cluster ? cluster.eksPodIdentityAgent : undefined) ?? podIdentityAgentAddon(this, props.cluster.clusterName);
    for (const a of associations) a.node.addDependency(agent);
  }

  /**
   * IAM role names are account-wide: a default service-account role name without the cluster (`dev-s3-reader`) is the
   * same for every cluster of the account that declares that service account, and the second deployment fails (or,
   * worse, an older stack's role is reused by name). Said once per such role.
   */
  private warnAboutRoleNames(): void {
    if (this.model.clusterName !== undefined) return;
    for (const sa of this.model.serviceAccounts) {
      if (sa.roleName !== this.model.defaultServiceAccountRoleName(sa.namespace, sa.name)) continue;
      Annotations.of(this).addWarningV2('cdk-eks-access:service-account-role-name', `${this.node.path}/ServiceAccount-${sa.id}: `
        + `the IAM role name '${sa.roleName}' is a default without the cluster, so another cluster of account ${this.model.accountId} `
        + `declaring service account ${sa.namespace}/${sa.name} would need the same name; build the model with clusterName `
        + `(default names then include it) or give roleName`);
    }
  }

  /** The model's `system:masters` warnings (lib/model/model-warnings.ts), at this construct's path. */
  private warnAboutSystemMasters(): void {
    for (const w of systemMastersWarnings(this.model)) Annotations.of(this).addWarningV2(w.ruleId, `${this.node.path}/${w.subject}: ${w.message}`);
  }

  /** Created principals that only assume roles (no access entry) still need their IAM user/role; `direct` reach the cluster. */
  private trustOnlyPrincipals(direct: ReadonlySet<string>): PrincipalJson[] {
    return this.model.principals.filter((p) => !direct.has(p.id));
  }

  /** For each principal id, the created roles that name it in their trust. */
  private rolesTrusting(): Map<string, PrincipalJson[]> {
    const map = new Map<string, PrincipalJson[]>();
    for (const role of this.model.principals) {
      for (const id of role.role?.trust.principalIds ?? []) map.set(id, [...(map.get(id) ?? []), role]);
    }
    return map;
  }

  /** IAM checks that a trust policy's principals exist: a role waits for the created principals it trusts. */
  private orderTrust(): void {
    for (const p of this.model.principals) {
      const role = this.principalConstructs.get(p.id)!;
      // A role created by another ClusterAccess was ordered there.
      if (!role.created) continue;
      for (const id of p.role?.trust.principalIds ?? []) {
        const trusted = this.principalConstructs.get(id)!;
        if (this.model.principal(id)!.origin !== PrincipalOrigin.CREATED) continue;
        // Its IAM resources: in the identity scope when there is one, else the principal's construct.
        const trustedHome = trusted.created?.home ?? trusted;
        (role.created!.home).node.addDependency(trustedHome);
      }
    }
  }

  /**
   * On an aws-cdk-lib `eks.Cluster`, aws-auth is one `KubernetesManifest` (the cluster's `AwsAuth`) that aws-cdk-lib
   * orders only after its `ClusterKubectlReadyBarrier`. A mode switch (CONFIG_MAP → API_AND_CONFIG_MAP) moves the
   * model's rows from aws-auth to access entries in one deploy; unordered, CloudFormation may update aws-auth first and
   * leave a window in which those principals have neither. So the manifest waits for every access entry made here.
   * Found lazily (an aspect): the cluster creates `AwsAuth` on first use, possibly after this construct. Across
   * top-level stacks the dependency would be a cycle (this stack already depends on the cluster's): warn instead.
   */
  private orderAwsAuthAfterEntries(target: ClusterTarget): void {
    const cluster = target._cluster();
    const entries = [...this.principalConstructs.values()].flatMap((c) => (c.accessEntry ? [c.accessEntry] : []));
    if (!(cluster instanceof eks.Cluster) || entries.length === 0) return;
    const order: IAspect = { visit: (node: IConstruct) => this.waitForEntries(node, cluster, entries) };
    Aspects.of(cluster).add(order);
  }

  private waitForEntries(node: IConstruct, cluster: eks.Cluster, entries: eks.CfnAccessEntry[]): void {
    if (!(node instanceof eks.AwsAuth)) return;
    if (topLevelStack(node) === topLevelStack(this)) {
      for (const e of entries) node.node.addDependency(e);
      return;
    }
    Annotations.of(this).addWarningV2('cdk-eks-access:aws-auth-removal-order', `${this.node.path}: the aws-auth manifest of `
      + `${cluster.node.path} (stack ${topLevelStack(node).stackName}) cannot wait for the access entries made here (stack `
      + `${topLevelStack(this).stackName}): when a mode switch moves rows from aws-auth to access entries, aws-auth is updated `
      + `first and those principals have neither until this stack deploys. Put this ClusterAccess in the cluster's stack for the switch.`);
  }

  /** Where the resources of a principal or service account (by key) go: this construct, or its hashed shard. */
  private placement(options: ShardingOptions, entries: Map<string, AccessEntryJson>): (key: string) => Construct {
    const mode = options.mode ?? ShardingMode.AUTO;
    const shardCount = options.shardCount ?? DEFAULT_SHARD_COUNT;
    if (!Number.isInteger(shardCount) || shardCount < 1) {
      throw new RuleError(SHARD_COUNT_RULE, this.node.path, `sharding.shardCount ${shardCount} must be a positive integer`);
    }
    const estimate = this.model.principals.reduce((n, p) => n + estimatePrincipalResources(p, entries.has(p.id)), 0)
      + this.model.serviceAccounts.reduce((n, sa) => n + estimateServiceAccountResources(sa), 0);
    const inlineLimit = options.inlineResourceLimit ?? DEFAULT_INLINE_RESOURCE_LIMIT;
    const shard = mode === ShardingMode.ALWAYS || (mode === ShardingMode.AUTO && estimate > inlineLimit);
    if (mode === ShardingMode.AUTO) this.warnAboutAutoSwitch(shard, estimate, inlineLimit);
    if (!shard) return () => this;
    return (key: string): Construct => {
      const index = shardOf(key, shardCount);
      let nested = this.shardStacks.get(index);
      if (!nested) {
        nested = new NestedStack(this, `Shard${String(index).padStart(String(shardCount - 1).length, '0')}`, {
          description: `cdk-eks-access shard ${index} of ${shardCount} (${this.node.path})`,
        });
        this.shardStacks.set(index, nested);
      }
      return nested;
    };
  }

  /**
   * AUTO's one switch from inline to sharded moves every principal to a nested stack, which CloudFormation performs
   * as create-then-delete and which fails for named IAM users and access entries. Say so at synth time, before a
   * growing model reaches the switch, so the user pins a mode while the move is still free.
   */
  private warnAboutAutoSwitch(sharded: boolean, estimate: number, inlineLimit: number): void {
    if (sharded) {
      Annotations.of(this).addWarningV2('cdk-eks-access:auto-sharded', `${this.node.path}: sharding mode AUTO placed principals in nested stacks `
        + `(about ${estimate} resources > ${inlineLimit}). If this construct was deployed before with its principals inline, `
        + `this deployment moves them and fails on their fixed names; pin sharding.mode to ALWAYS to keep this layout.`);
    } else if (estimate > inlineLimit * 0.8) {
      Annotations.of(this).addWarningV2('cdk-eks-access:auto-sharding-near', `${this.node.path}: sharding mode AUTO is near its switch `
        + `(about ${estimate} of ${inlineLimit} resources); past it every principal moves to a nested stack once. `
        + `Pin sharding.mode to ALWAYS now (free before the first deployment) or NEVER to keep principals inline.`);
    }
  }

  private checkResourceBudget(): string[] {
    const stacks = new Set<Stack>([Stack.of(this), ...this.shards]);
    const errors: string[] = [];
    for (const stack of stacks) {
      const count = stack.node.findAll().filter((c: IConstruct) => CfnResource.isCfnResource(c) && Stack.of(c) === stack).length;
      if (count > MAX_RESOURCES_PER_STACK) {
        errors.push(`${stack.node.path} has ${count} resources, CloudFormation allows ${MAX_RESOURCES_PER_STACK}: `
          + `use sharding: { mode: ShardingMode.ALWAYS } or raise sharding.shardCount (fixed once deployed)`);
      }
    }
    return errors;
  }
}

/**
 * How messages name the cluster: its name, or — when the name is a CDK token (`\${Token[TOKEN.155]}` to a reader) —
 * the construct path of the cluster, or of this ClusterAccess for a cluster known by a token name.
 */
function clusterLabelOf(target: ClusterTarget, access: Construct): string {
  if (!Token.isUnresolved(target.clusterName)) return target.clusterName;
  const cluster = target._cluster();
  return cluster ? cluster.node.path : `(name known at deploy time) of ${access.node.path}`;
}

/** The stack a construct deploys with: its stack, or the top-level parent of its nested stack. */
function topLevelStack(c: IConstruct): Stack {
  let stack = Stack.of(c);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}

/** The add-on made for each cluster known by name, per app: a second `AWS::EKS::Addon` of one name would fail. */
const agentAddons = new WeakMap<IConstruct, Map<string, eks.CfnAddon>>();

/** The `eks-pod-identity-agent` add-on of a cluster known by name, made under the first ClusterAccess that needs it. */
function podIdentityAgentAddon(scope: Construct, clusterName: string): eks.CfnAddon {
  const stack = Stack.of(scope);
  const key = `${stack.account}/${stack.region}/${clusterName}`;
  const byCluster = agentAddons.get(scope.node.root) ?? new Map<string, eks.CfnAddon>();
  agentAddons.set(scope.node.root, byCluster);
  const existing = byCluster.get(key);
  if (existing) return existing;
  const addon = new eks.CfnAddon(scope, 'EksPodIdentityAgent', { addonName: 'eks-pod-identity-agent', clusterName });
  byCluster.set(key, addon);
  return addon;
}
