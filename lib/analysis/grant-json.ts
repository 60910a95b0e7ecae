/** The machine-readable form of a grant (`--output json`, and the assume-role chains of the analysis). */
import { AccessGrant } from './access-analysis';

export function grantJson(g: AccessGrant): object {
  if (g.kind === 'rbac') {
    const { binding, role, ruleIndex, rule, subject } = g.rbac;
    return {
      kind: 'rbac',
      binding: { kind: binding.kind, name: binding.name, namespace: binding.namespace || undefined, origin: binding.origin },
      role: { kind: role.kind, name: role.name, namespace: role.namespace || undefined, origin: role.origin },
      subject,
      ruleIndex,
      rule,
    };
  }
  const { entry, association, policyName, ruleIndex, rule } = g.policy;
  return { kind: 'access-policy', accessEntry: { principalArn: entry.principalArn, origin: entry.origin }, policy: policyName, policyArn: association.policyArn, scope: association.scope, ruleIndex, rule };
}
