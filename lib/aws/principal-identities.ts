/**
 * Principals are created once, granted anywhere: the IAM users and roles a model creates are account-wide (IAM names
 * are unique per account, and CloudFormation refuses a second `AWS::IAM::User` of one `UserName`: cfn-lint E3019,
 * "Primary identifiers ... should have unique values"), while access entries are per cluster. So, per app, the first
 * `ClusterAccess` that renders a created principal (in its `identityScope` when given, else in itself) creates it, and
 * every other `ClusterAccess` references it:
 * - same stage and environment (account and region): the construct itself, and CDK's automatic cross-stack references
 *   (`Fn::ImportValue`) carry its ARN (aws-cdk-lib core "References between stacks");
 * - another account, region or stage: CDK cannot reference across environments or stages, so the ARN is built from
 *   the known name (`arn:<partition>:iam::<account>:user/<path><name>`) and, in the same stage, the stack depends on
 *   the identity's stack so the identity exists first.
 * Also here: a principal granted with different usernames or groups on two clusters is worth a warning — the same
 * person is someone else per cluster, which RBAC bindings by user name then silently miss.
 */
import { Annotations, Stack, Stage, Token } from 'aws-cdk-lib';
import type * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { PrincipalJson } from '../model';
import { RuleError } from '../model/rule-error';

export const PRINCIPAL_CONFLICT_WARNING = 'cdk-eks-access:principal-conflict';
export const PRINCIPAL_DEFINITION_RULE = 'eks-access:principal-definition-conflict';

/** A created principal, as the first ClusterAccess that rendered it made it. @internal */
export interface CreatedIdentity {
  readonly user?: iam.IUser;
  readonly role?: iam.IRole;
  readonly accessKeySecret?: secretsmanager.ISecret;
  /** Construct path of the ClusterAccess that created it (for messages). */
  readonly createdBy: string;
  /** The construct holding the IAM resources (its stack is where the identity lives). */
  readonly home: IConstruct;
  /** What was created, to refuse a second model creating the same name differently. */
  readonly definition: string;
}

const identities = new WeakMap<IConstruct, Map<string, CreatedIdentity>>();

function identitiesOf(scope: IConstruct): Map<string, CreatedIdentity> {
  const map = identities.get(scope.node.root) ?? new Map<string, CreatedIdentity>();
  identities.set(scope.node.root, map);
  return map;
}

/** The key of a created principal: its ARN (IAM names are case-insensitive). */
function keyOf(p: PrincipalJson): string {
  return p.arn.toLowerCase();
}

/** What makes two creations of one ARN the same IAM resource. */
export function definitionOf(p: PrincipalJson, trustedArns: readonly string[]): string {
  return JSON.stringify({ kind: p.kind, path: p.path, user: p.user, role: p.role && { ...p.role, trust: { ...p.role.trust, principalIds: [] } }, trustedArns });
}

/**
 * The identity already created in this app for `p`, or undefined. A second creation with other settings (path,
 * boundary, trust...) cannot be one resource: refused, naming both constructs.
 */
export function existingIdentity(scope: Construct, p: PrincipalJson, definition: string): CreatedIdentity | undefined {
  const found = identitiesOf(scope).get(keyOf(p));
  if (found && found.definition !== definition) {
    throw new RuleError(PRINCIPAL_DEFINITION_RULE, `${scope.node.path}/${p.id}`, `creates ${p.arn} with other settings than ${found.createdBy} `
      + `(path, permissions boundary, IAM groups, access key or trust differ); IAM has one ${p.kind.toLowerCase()} of that name: `
      + `declare it once, with the same settings in every model that creates it`);
  }
  return found;
}

export function registerIdentity(scope: Construct, p: PrincipalJson, identity: CreatedIdentity): void {
  identitiesOf(scope).set(keyOf(p), identity);
}

/** The child of `identityScope` that holds principal `id`: `id`, or `id-2`, `id-3`... when a model's id is taken. */
export function identityHome(identityScope: Construct, id: string): Construct {
  let candidate = id;
  for (let n = 2; identityScope.node.tryFindChild(candidate); n++) candidate = `${id}-${n}`;
  return new Construct(identityScope, candidate);
}

/**
 * Whether `from` may use the identity's constructs directly (CDK references them, cross-stack if need be): same
 * stage and same environment. Environment-agnostic stacks share the same account/region tokens and compare equal.
 */
export function canReferenceDirectly(from: IConstruct, home: IConstruct): boolean {
  const a = Stack.of(from);
  const b = Stack.of(home);
  return Stage.of(a) === Stage.of(b) && a.account === b.account && a.region === b.region;
}

/** Whether `from` deploys to the account the identity lives in (IAM policies attach only there). */
export function sameAccount(from: IConstruct, home: IConstruct): boolean {
  return Stack.of(from).account === Stack.of(home).account;
}

/** Orders `from`'s stack after the identity's stack when CDK can (same stage); across stages the pipeline orders. */
export function dependOnIdentity(from: IConstruct, home: IConstruct): void {
  const a = topLevel(Stack.of(from));
  const b = topLevel(Stack.of(home));
  if (a !== b && Stage.of(a) === Stage.of(b)) a.addStackDependency(b, 'the IAM principals it grants are created there');
}

function topLevel(stack: Stack): Stack {
  let s = stack;
  while (s.nestedStackParent) s = s.nestedStackParent;
  return s;
}

/** One grant of a principal on one cluster, for the conflict warning. */
export interface PrincipalGrant {
  readonly arn: string;
  readonly username?: string;
  readonly kubernetesGroups: readonly string[];
}

interface RecordedGrant extends PrincipalGrant {
  readonly path: string;
  readonly cluster: string;
}

const grants = new WeakMap<IConstruct, Map<string, RecordedGrant[]>>();

/**
 * Records `scope`'s grants on `cluster` and warns (on `scope`) for each principal another ClusterAccess of the app
 * grants with a different username or different kubernetes groups, naming both construct paths.
 */
export function warnAboutPrincipalConflicts(scope: Construct, cluster: string, mine: readonly PrincipalGrant[]): void {
  const byArn = grants.get(scope.node.root) ?? new Map<string, RecordedGrant[]>();
  grants.set(scope.node.root, byArn);
  for (const g of mine) {
    // An ARN that is a token cannot be compared at synth time.
    if (Token.isUnresolved(g.arn)) continue;
    const key = g.arn.toLowerCase();
    const recorded: RecordedGrant = { ...g, kubernetesGroups: [...g.kubernetesGroups].sort(), path: scope.node.path, cluster };
    const others = byArn.get(key) ?? [];
    const other = others.find((o) => o.username !== recorded.username || o.kubernetesGroups.join('\n') !== recorded.kubernetesGroups.join('\n'));
    if (other) {
      Annotations.of(scope).addWarningV2(PRINCIPAL_CONFLICT_WARNING, `${scope.node.path}: ${g.arn} is ${describe(recorded)} on cluster `
        + `${cluster} here but ${describe(other)} on cluster ${other.cluster} in ${other.path}; the same principal is then a different `
        + `Kubernetes user per cluster and RBAC bindings written for one miss the other. Grant it the same username and groups `
        + `(or give each cluster its own principal)`);
    }
    byArn.set(key, [...others, recorded]);
  }
}

function describe(g: PrincipalGrant): string {
  return `username ${g.username === undefined ? '(EKS-generated)' : `'${g.username}'`} with groups [${g.kubernetesGroups.join(', ')}]`;
}
