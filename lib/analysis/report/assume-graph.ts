/**
 * Role-assumption chains for the HTML report, and their picture: one SVG per starting principal, columns
 * principal → role (second line: the trust kind and conditions) → Kubernetes user/groups → what grants access
 * (RBAC bindings naming the user or one of its groups, EKS access policies of its access entry). Bindings that apply
 * to every authenticated user (`system:authenticated`) are left out of the picture: they are everyone's.
 */
import { accessPolicyNameOf } from '../../../authenticator/mapper/eks-rules';
import { AccessAnalysis, AnalysedPrincipal } from '../access-analysis';
import { IamPrincipalResolver } from '../iam-principals';
import { appliesToUser, describeBinding } from '../rbac-authorizer';
import { roleHops } from '../assume-chains';
import { TrustKind } from '../role-trust';
import { AUTHENTICATED, UNAUTHENTICATED } from '../subjects';

export interface ReportChain {
  readonly principal: string;
  readonly role: string;
  readonly trust: TrustKind;
  readonly conditions: string[];
  readonly user: string;
  readonly groups: string[];
  readonly grants: string[];
}

const EVERYONE = new Set([AUTHENTICATED, UNAUTHENTICATED]);

function grantsOf(analysis: AccessAnalysis, role: AnalysedPrincipal): string[] {
  const own = { ...role.user, groups: role.user.groups.filter((g) => !EVERYONE.has(g)) };
  const bindings = [...analysis.rbac.clusterRoleBindings, ...analysis.rbac.roleBindings]
    .flatMap((b) => b.subjects.filter((s) => appliesToUser(own, s, b.namespace)).map((s) => describeBinding(b, s)));
  const policies = (role.accessEntry?.accessPolicies ?? []).map((p) =>
    `EKS access policy ${accessPolicyNameOf(p.policyArn)} (${p.scope.type === 'namespace' ? `namespaces ${p.scope.namespaces.join(',')}` : 'cluster'})`);
  return [...policies, ...bindings];
}

export async function reportChains(analysis: AccessAnalysis, resolver: IamPrincipalResolver): Promise<ReportChain[]> {
  return (await roleHops(analysis, resolver)).map((h) => ({
    principal: h.principalArn, role: h.assumption.roleArn, trust: h.assumption.kind, conditions: h.assumption.conditions,
    user: h.role.user.name, groups: [...h.role.user.groups], grants: grantsOf(analysis, h.role),
  }));
}

const COLUMN_X = [10, 370, 730, 1090];
const BOX_W = 300;
const ROW_H = 46;

/** One SVG per starting principal (escaped text only; no scripts, no external references), scaled to its container by CSS. */
export function chainSvgs(chains: readonly ReportChain[], escape: (s: string) => string): string {
  const byPrincipal = new Map<string, ReportChain[]>();
  for (const c of chains) byPrincipal.set(c.principal, [...(byPrincipal.get(c.principal) ?? []), c]);
  // At 12px (11px for the second line) about 40 (46) characters fit a 300-unit box; longer text keeps its end.
  const short = (s: string, n = 40) => (s.length > n ? `…${s.slice(-(n - 1))}` : s);
  const box = (x: number, y: number, title: string, sub = '') =>
    `<g><rect x="${x}" y="${y}" width="${BOX_W}" height="${ROW_H - 10}" rx="5" class="n"/><text x="${x + 6}" y="${y + 15}"><title>${escape(title)}</title>${escape(short(title))}</text>${sub ? `<text x="${x + 6}" y="${y + 30}" class="s"><title>${escape(sub)}</title>${escape(short(sub, 46))}</text>` : ''}</g>`;
  const edge = (x1: number, y1: number, x2: number, y2: number) => `<line x1="${x1}" y1="${y1}" x2="${x2}" y2="${y2}" class="e"/>`;
  return [...byPrincipal].map(([principal, cs]) => {
    const rows = cs.reduce((n, c) => n + Math.max(1, c.grants.length), 0);
    const height = rows * ROW_H + 10;
    const parts: string[] = [box(COLUMN_X[0], 5, principal, cs[0].principal.endsWith(':root') ? 'any principal of the account' : 'IAM principal')];
    let y = 5;
    for (const c of cs) {
      const mid = (yy: number) => yy + (ROW_H - 10) / 2;
      // The trust that allows the hop (kind and conditions) is the role box's second line.
      parts.push(edge(COLUMN_X[0] + BOX_W, mid(5), COLUMN_X[1], mid(y)));
      parts.push(box(COLUMN_X[1], y, c.role, [c.trust, ...c.conditions].join('; ')));
      parts.push(edge(COLUMN_X[1] + BOX_W, mid(y), COLUMN_X[2], mid(y)));
      parts.push(box(COLUMN_X[2], y, c.user, c.groups.join(', ')));
      const grants = c.grants.length ? c.grants : ['(nothing beyond what every authenticated user has)'];
      grants.forEach((g, i) => {
        parts.push(edge(COLUMN_X[2] + BOX_W, mid(y), COLUMN_X[3], mid(y + i * ROW_H)));
        parts.push(box(COLUMN_X[3], y + i * ROW_H, g));
      });
      y += Math.max(1, c.grants.length) * ROW_H;
    }
    return `<figure class="chain" data-principal="${escape(principal)}"><figcaption>${escape(principal)}</figcaption><svg role="img" aria-label="${escape(`role assumption chains of ${principal}`)}" viewBox="0 0 ${COLUMN_X[3] + BOX_W + 10} ${height}">${parts.join('')}</svg></figure>`;
  }).join('\n');
}
