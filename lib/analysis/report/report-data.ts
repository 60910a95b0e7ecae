/**
 * The content of the HTML access report: for every principal of the inputs (IAM principals and the subjects the inputs
 * bind), what it may do per scope (cluster-wide and each namespace the inputs mention) on each known resource, and
 * which of those rows carry a catalogued risk.
 */
import { AccessAnalysis } from '../access-analysis';
import { BOOTSTRAP_POLICY_SOURCE } from '../bootstrap-policy';
import { IamPrincipalResolver } from '../iam-principals';
import { accessMatrix, knownResources, resourceName } from '../matrix';
import { REQUEST_VERBS } from '../../model/rbac-vocabulary';
import { RISKS } from '../risk-catalogue';
import { ReportChain, reportChains } from './assume-graph';
import { ANY_NAMESPACE, RiskFinding, findRisks, mentionedNamespaces, riskHolders } from '../risks';

export interface ReportRow {
  readonly principal: string;
  readonly kind: string;
  readonly user: string;
  readonly groups: readonly string[];
  /** `cluster-wide` or `namespace <ns>`. */
  readonly scope: string;
  readonly resource: string;
  readonly verbs: readonly string[];
  /** Ids of the risks this row is part of. */
  readonly risks: readonly string[];
}

export interface ReportData {
  readonly generatedAt: string;
  readonly inputs: readonly string[];
  readonly bootstrap: string;
  readonly verbs: readonly string[];
  readonly rows: readonly ReportRow[];
  readonly findings: readonly RiskFinding[];
  readonly warnings: readonly string[];
  /** Who may assume which mapped role (trust policies), for the chain pictures. */
  readonly chains: readonly ReportChain[];
}

/** Resources (`name[/sub]` as in the matrix) a risk is about; `*` for wildcard full access. */
function riskResources(riskId: string): Set<string> {
  const def = RISKS.find((r) => r.id === riskId);
  if (!def) return new Set();
  return new Set(def.allOf.flat().map((p) => (p.resource === '*' ? '*' : resourceName({ apiGroup: p.apiGroup, resource: p.subresource ? `${p.resource}/${p.subresource}` : p.resource }))));
}

export async function buildReportData(analysis: AccessAnalysis, resolver: IamPrincipalResolver, now = new Date()): Promise<ReportData> {
  const findings = await findRisks(analysis, resolver);
  const resources = knownResources(analysis);
  const scopes = [ANY_NAMESPACE, ...mentionedNamespaces(analysis)];
  const rows: ReportRow[] = [];
  for (const holder of await riskHolders(analysis, resolver)) {
    const p = holder.principal;
    const mine = findings.filter((f) => f.holder === p.display && f.holderKind === holder.kind);
    const seenClusterWide = new Set<string>();
    for (const ns of scopes) {
      const scope = ns === ANY_NAMESPACE ? 'cluster-wide' : `namespace ${ns}`;
      for (const row of accessMatrix(analysis, p, ns, resources)) {
        const verbs = REQUEST_VERBS.filter((v) => row.verbs[v]);
        const name = resourceName(row);
        // Cluster-scoped resources and grants that hold everywhere are shown once, in the cluster-wide scope.
        if (!verbs.length || (ns !== ANY_NAMESPACE && (!row.namespaced || seenClusterWide.has(`${name} ${verbs.join()}`)))) continue;
        if (ns === ANY_NAMESPACE) seenClusterWide.add(`${name} ${verbs.join()}`);
        const risks = mine
          .filter((f) => f.scope === 'cluster-wide' || f.scope === scope)
          .filter((f) => {
            const rs = riskResources(f.risk);
            return rs.has('*') || rs.has(name);
          })
          .map((f) => f.risk);
        rows.push({ principal: p.display, kind: holder.kind, user: p.user.name, groups: p.user.groups, scope, resource: name, verbs, risks: [...new Set(risks)] });
      }
    }
  }
  return {
    generatedAt: now.toISOString(),
    inputs: analysis.sources.files,
    bootstrap: `${BOOTSTRAP_POLICY_SOURCE.module}@${BOOTSTRAP_POLICY_SOURCE.version}`,
    verbs: REQUEST_VERBS,
    // Grouped by principal (stable: each principal keeps cluster-wide first, then its namespaces).
    rows: [...rows].sort((a, b) => a.principal.localeCompare(b.principal) || a.kind.localeCompare(b.kind)),
    findings,
    chains: await reportChains(analysis, resolver),
    warnings: [...analysis.sources.warnings, ...resolver.mappingErrors()],
  };
}
