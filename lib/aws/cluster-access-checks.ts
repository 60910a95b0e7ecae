/**
 * Checks that span more than one model or only warn, kept out of `ClusterAccess` itself:
 * - two `ClusterAccess` constructs of one app that create an access entry for the same principal on the same cluster
 *   fail synthesis: EKS keeps one entry per principal, so the second CreateAccessEntry fails the deployment with 409
 *   ResourceInUseException;
 * - the model's warnings (`modelWarnings`) become CDK warnings with their rule id.
 */
import { Annotations, Stack } from 'aws-cdk-lib';
import type { Construct, IConstruct } from 'constructs';
import { AccessEntryJson, AccessModel, modelWarnings } from '../model';
import { RuleError } from '../model/rule-error';

export const DUPLICATE_ENTRY_RULE = 'eks-access:duplicate-access-entry';

interface Registration {
  readonly path: string;
  /** Principal ARN (lower case) → model id. */
  readonly entries: Map<string, string>;
}

/** ClusterAccess constructs per app and cluster (`account/region/clusterName`; tokens compare by their string form). */
const registry = new WeakMap<IConstruct, Map<string, Registration[]>>();

/**
 * Registers `scope`'s access entries for the cluster and throws if another ClusterAccess already creates one of them.
 * `clusterLabel` names the cluster in the message (its construct path when the name is a token).
 */
export function claimAccessEntries(scope: Construct, clusterName: string, clusterLabel: string, entries: readonly AccessEntryJson[]): void {
  const stack = Stack.of(scope);
  const key = `${stack.account}/${stack.region}/${clusterName}`;
  const byCluster = registry.get(scope.node.root) ?? new Map<string, Registration[]>();
  registry.set(scope.node.root, byCluster);
  const mine: Registration = { path: scope.node.path, entries: new Map(entries.map((e) => [e.principalArn.toLowerCase(), e.principalId])) };
  for (const other of byCluster.get(key) ?? []) {
    const shared = [...mine.entries.keys()].filter((arn) => other.entries.has(arn));
    if (shared.length > 0) {
      const list = shared.map((arn) => `'${mine.entries.get(arn)}' (${arn}, '${other.entries.get(arn)}' there)`).join(', ');
      throw new RuleError(DUPLICATE_ENTRY_RULE, scope.node.path, `grants ${list} on cluster ${clusterLabel}, which ${other.path} already grants: EKS keeps one access entry per principal and the second deployment would fail with 409 ResourceInUseException; declare each principal in one model`);
    }
  }
  byCluster.set(key, [...(byCluster.get(key) ?? []), mine]);
}

/** Emits the model's warnings on `scope` (id = the rule id, message names the principal or grant). */
export function warnAboutModel(scope: Construct, model: AccessModel): void {
  for (const w of modelWarnings(model)) {
    Annotations.of(scope).addWarningV2(w.ruleId, `${scope.node.path}/${w.subject}: ${w.message} [${w.ruleId}]`);
  }
}
