/**
 * Chains through role assumption: `user → role (trust conditions) → Kubernetes user/groups → binding → rule`. A
 * chain exists when a role the inputs map into the cluster has a trust policy (role-trust.ts) that lets another IAM
 * principal assume it. Candidates are the IAM users the templates create, the principals the inputs map, and those
 * trust policies name (an account root standing for "any principal of that account").
 */
import { AccessAnalysis, AccessGrant, AnalysedPrincipal, describeGrant } from './access-analysis';
import { grantJson } from './grant-json';
import { IamPrincipalResolver } from './iam-principals';
import { RequestAttributes } from './rbac-types';
import { assumptionBy, namedPrincipals, RoleAssumption } from './role-trust';

export interface AssumeChain {
  /** Who starts the chain (an IAM user or role ARN, or `arn:…:root` for any principal of an account). */
  readonly principalArn: string;
  readonly assumption: RoleAssumption;
  /** The role's Kubernetes identity. */
  readonly role: AnalysedPrincipal;
  readonly grant: AccessGrant;
  /** `user → role [conditions] → user "x" groups [..] → grant`. */
  readonly path: string;
}

/** A principal that may assume a mapped role, before any request is asked about. */
export interface RoleHop {
  readonly principalArn: string;
  readonly assumption: RoleAssumption;
  /** The role's Kubernetes identity. */
  readonly role: AnalysedPrincipal;
}

function candidates(analysis: AccessAnalysis, resolver: IamPrincipalResolver): string[] {
  const roles = analysis.sources.trustedRoles ?? [];
  return [...new Set<string>([...(analysis.sources.iamUsers ?? []), ...resolver.knownPrincipalArns(), ...roles.flatMap(namedPrincipals)])].sort();
}

/** Every (principal, mapped role it may assume) pair; `from` limits them to one starting principal. */
export async function roleHops(analysis: AccessAnalysis, resolver: IamPrincipalResolver, from?: string): Promise<RoleHop[]> {
  const hops: RoleHop[] = [];
  const starts = from ? [from] : candidates(analysis, resolver);
  for (const trusted of analysis.sources.trustedRoles ?? []) {
    const role = await resolver.resolve(trusted.roleArn).catch(() => undefined);
    if (!role) continue;
    for (const principalArn of starts) {
      if (principalArn === trusted.roleArn) continue;
      const assumption = assumptionBy(trusted, principalArn);
      if (assumption) hops.push({ principalArn, assumption, role });
    }
  }
  return hops.sort((a, b) => a.principalArn.localeCompare(b.principalArn) || a.assumption.roleArn.localeCompare(b.assumption.roleArn));
}

export function chainPath(principalArn: string, a: RoleAssumption, role: AnalysedPrincipal, grant: AccessGrant): string {
  const who = /:root$/.test(principalArn) ? `any principal of account ${principalArn.split(':')[4]}` : principalArn;
  const gates = a.conditions.length ? ` [${a.conditions.join('; ')}]` : '';
  return `${who} → ${a.roleArn} (${a.kind}${gates}) → user "${role.user.name}" groups [${role.user.groups.join(', ')}] → ${describeGrant(grant)}`;
}

/** Every chain that ends in a grant for `request`; `from` limits the chains to one starting principal. */
export async function assumeChains(analysis: AccessAnalysis, resolver: IamPrincipalResolver, request: RequestAttributes, from?: string): Promise<AssumeChain[]> {
  const chains: AssumeChain[] = [];
  for (const hop of await roleHops(analysis, resolver, from)) {
    const grant = analysis.decide(hop.role, request).grant;
    if (grant) chains.push({ ...hop, grant, path: chainPath(hop.principalArn, hop.assumption, hop.role, grant) });
  }
  return chains;
}

/** A chain as the JSON output of who-can and can-i. */
export function assumeChainJson(c: AssumeChain): object {
  return {
    principal: c.principalArn, role: c.assumption.roleArn, trust: c.assumption.kind, conditions: c.assumption.conditions,
    user: c.role.user.name, groups: c.role.user.groups, grant: grantJson(c.grant), path: c.path,
  };
}
