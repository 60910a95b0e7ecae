/**
 * The analysis over a fleet snapshot folder (`snapshot --fleet`, inputs/fleet-snapshot-format.ts): each cluster's
 * snapshot analysed on its own (its account for environment-agnostic ARNs), then put side by side:
 *
 * - `whoCanFleet`: per cluster, the IAM principals and Kubernetes subjects that may do the request, the role-assumption
 *   chains into it, and among those the hub → spoke hop: a principal of ANOTHER account (the hub) that the trust policy
 *   of a role mapped into this cluster (the spoke role, read by the snapshot with iam:GetRole) lets assume it;
 * - `fleetReportData`: the principal × cluster view: for each principal, per cluster, at a glance what it can do
 *   (write, read or nothing; cluster-wide or in namespaces; its worst catalogued risk), and the per-cluster report.
 */
import { isAccountId, parseArn } from '../../authenticator/arn';
import { AccessAnalysis, describeGrant } from './access-analysis';
import { assumeChains, AssumeChain } from './assume-chains';
import { IamPrincipalResolver } from './iam-principals';
import { FleetClusterSnapshot, FleetSnapshotSummary, fleetClusterDir, readFleetSnapshot } from './inputs/fleet-snapshot-format';
import { OnProgress } from './progress';
import { RequestAttributes } from './rbac-types';
import { buildReportData, ReportData } from './report/report-data';
import { RISKS, Severity } from './risk-catalogue';
import { whoCan, WhoCanResult } from './who-can';
import { accessMatrix, resourceName } from './matrix';
import { ANY_NAMESPACE } from './risks';
import { withImplicitGroups } from './subjects';
import { REQUEST_VERBS } from '../model/rbac-vocabulary';

export interface FleetAnalysisOptions {
  /** Add the default roles and bindings of the pinned Kubernetes release. @default true */
  readonly includeBootstrap?: boolean;
  /**
   * Which clusters of `fleet.json` to load (the CLI's `-l/--selector`); the summary returned lists those only.
   * @default every cluster
   */
  readonly selectClusters?: (clusters: readonly FleetClusterSnapshot[]) => readonly FleetClusterSnapshot[];
}

/** One cluster of a fleet snapshot, analysed (or why it could not be). */
export interface FleetClusterAnalysis {
  readonly cluster: FleetClusterSnapshot;
  /** Undefined when the cluster's snapshot failed. */
  readonly analysis?: AccessAnalysis;
  readonly resolver?: IamPrincipalResolver;
}

/** Loads each cluster's snapshot of the fleet folder `dir`, one after the other (each is one cluster's size). */
export async function loadFleetAnalyses(dir: string, opts: FleetAnalysisOptions = {}): Promise<{ summary: FleetSnapshotSummary; clusters: FleetClusterAnalysis[] }> {
  const all = readFleetSnapshot(dir);
  const summary: FleetSnapshotSummary = opts.selectClusters ? { ...all, clusters: opts.selectClusters(all.clusters) } : all;
  const clusters: FleetClusterAnalysis[] = [];
  for (const cluster of summary.clusters) {
    if (cluster.status === 'failed') {
      clusters.push({ cluster });
      continue;
    }
    const analysis = await AccessAnalysis.load([fleetClusterDir(dir, cluster.name)], { account: cluster.account, includeBootstrap: opts.includeBootstrap ?? true });
    clusters.push({ cluster, analysis, resolver: new IamPrincipalResolver(analysis.accessEntries, analysis.sources.objects) });
  }
  return { summary, clusters };
}

/** A principal of another account than the cluster's (the hub) that may assume a role mapped into the cluster. */
export interface HubPrincipal {
  readonly principalArn: string;
  /** The hub account. */
  readonly account: string;
  /** The spoke role (the cluster account's role the access entry or aws-auth row names). */
  readonly spokeRoleArn: string;
  readonly conditions: readonly string[];
  /** The spoke role's Kubernetes user. */
  readonly user: string;
  readonly via: string;
}

export interface FleetWhoCanCluster {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** Undefined when the cluster's snapshot failed (then `unanswered` says why). */
  readonly result?: WhoCanResult;
  readonly chains: readonly AssumeChain[];
  readonly hubPrincipals: readonly HubPrincipal[];
  readonly unanswered?: string;
  /** The sources the cluster's snapshot could not read (the answer may miss what they hold). */
  readonly warnings: readonly string[];
}

/** Whether a chain starts in another account than the cluster's: the hub → spoke hop. */
export function hubPrincipalOf(chain: AssumeChain, clusterAccount: string): HubPrincipal | undefined {
  let account: string | undefined;
  try {
    account = parseArn(chain.principalArn).accountId;
  } catch {
    return undefined;
  }
  if (!isAccountId(account)) return undefined;
  if (account === clusterAccount) return undefined;
  return {
    principalArn: chain.principalArn, account, spokeRoleArn: chain.assumption.roleArn, conditions: chain.assumption.conditions,
    user: chain.role.user.name, via: describeGrant(chain.grant),
  };
}

export async function whoCanFleet(clusters: readonly FleetClusterAnalysis[], request: RequestAttributes): Promise<FleetWhoCanCluster[]> {
  const out: FleetWhoCanCluster[] = [];
  for (const { cluster, analysis, resolver } of clusters) {
    const base = { name: cluster.name, account: cluster.account, region: cluster.region };
    if (!analysis || !resolver) {
      out.push({ ...base, chains: [], hubPrincipals: [], unanswered: `its snapshot failed: ${cluster.problems.map((p) => `${p.source}: ${p.reason}`).join('; ')}`, warnings: [] });
      continue;
    }
    const result = await whoCan(analysis, resolver, request);
    const chains = await assumeChains(analysis, resolver, request);
    const hubPrincipals = chains.flatMap((c) => hubPrincipalOf(c, cluster.account) ?? []);
    out.push({ ...base, result, chains, hubPrincipals, warnings: analysis.sources.warnings });
  }
  return out;
}

/** What a principal can do in one cluster, at a glance. */
export interface FleetCell {
  /** `write` (create, update, patch or delete something), `read` (only get, list, watch), `none`, or `unknown` (rows left out for size). */
  readonly level: 'write' | 'read' | 'none' | 'unknown';
  /** `cluster-wide`, `N namespace(s)`, or empty. */
  readonly scope: string;
  /** The worst severity of the risks it holds there. */
  readonly severity?: Severity;
  readonly risks: readonly string[];
  readonly grants: number;
  /** For a principal that gets there by assuming a role: the role (the cell is the role's). */
  readonly viaRole?: string;
}

export interface FleetReportPrincipal {
  readonly principal: string;
  readonly kind: string;
  /** Cluster name → what it can do there (absent: nothing the inputs show). */
  readonly cells: Readonly<Record<string, FleetCell>>;
}

export interface FleetReportCluster {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: string;
  readonly problems: readonly string[];
  /** The cluster's own report (absent when its snapshot failed). */
  readonly report?: ReportData;
}

export interface FleetReportData {
  readonly generatedAt: string;
  readonly fleetFile: string;
  readonly takenAt: string;
  readonly clusters: readonly FleetReportCluster[];
  readonly principals: readonly FleetReportPrincipal[];
}

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low'];
const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);
const severityOf = new Map<string, Severity>(RISKS.map((r) => [r.id, r.severity]));

function worst(risks: readonly string[]): Severity | undefined {
  const found = risks.map((r) => severityOf.get(r)).filter((s): s is Severity => s !== undefined);
  return SEVERITY_ORDER.find((s) => found.includes(s));
}

/**
 * `resource verb` pairs every authenticated user has in the cluster (the bootstrap policy's `system:basic-user` creates
 * selfsubjectaccessreviews, for one): not what sets a principal apart, so left out of its level.
 */
function everyonesAccess(analysis: AccessAnalysis): Set<string> {
  const everyone = { display: 'every authenticated user', user: withImplicitGroups('eks-access:every-authenticated-user', []) };
  return new Set(accessMatrix(analysis, everyone, ANY_NAMESPACE).flatMap((r) => REQUEST_VERBS.filter((v) => r.verbs[v]).map((v) => `${resourceName(r)} ${v}`)));
}

/** Each principal's cell in one cluster's report. */
function cellsOf(report: ReportData, everyone: ReadonlySet<string>): Map<string, { kind: string; cell: FleetCell }> {
  const cells = new Map<string, { kind: string; cell: FleetCell }>();
  for (const p of report.principals) {
    const rows = report.rows
      .filter((r) => r.principal === p.principal && r.kind === p.kind)
      .map((r) => ({ ...r, verbs: r.verbs.filter((v) => !everyone.has(`${r.resource} ${v}`)) }))
      .filter((r) => r.verbs.length);
    const verbs = new Set(rows.flatMap((r) => r.verbs));
    const level = report.rowsOmitted ? 'unknown' : [...verbs].some((v) => WRITE_VERBS.has(v)) ? 'write' : verbs.size ? 'read' : 'none';
    const namespaces = new Set(rows.filter((r) => r.scope !== 'cluster-wide').map((r) => r.scope));
    const clusterWide = rows.some((r) => r.scope === 'cluster-wide') || p.grants.some((g) => g.scope === 'cluster-wide');
    const scope = clusterWide ? 'cluster-wide' : namespaces.size ? `${namespaces.size} namespace(s)` : '';
    const severity = worst(p.risks);
    cells.set(`${p.kind}\u0000${p.principal}`, { kind: p.kind, cell: { level, scope, risks: p.risks, grants: p.grants.length, ...(severity ? { severity } : {}) } });
  }
  return cells;
}

/** The fleet report: every cluster's report, and the principal × cluster view. */
export async function fleetReportData(summary: FleetSnapshotSummary, clusters: readonly FleetClusterAnalysis[], now = new Date(), onProgress?: OnProgress): Promise<FleetReportData> {
  const out: FleetReportCluster[] = [];
  const principals = new Map<string, { principal: string; kind: string; cells: Record<string, FleetCell> }>();
  const add = (principal: string, kind: string, cluster: string, cell: FleetCell) => {
    const key = `${kind}\u0000${principal}`;
    const p = principals.get(key) ?? { principal, kind, cells: {} };
    // A principal both mapped itself and assuming a role keeps its own cell (the more direct answer).
    if (!p.cells[cluster] || (p.cells[cluster].viaRole && !cell.viaRole)) p.cells[cluster] = cell;
    principals.set(key, p);
  };
  for (const [i, { cluster, analysis, resolver }] of clusters.entries()) {
    onProgress?.({ phase: 'clusters', done: i, total: clusters.length });
    const base = { name: cluster.name, account: cluster.account, region: cluster.region, labels: cluster.labels, status: cluster.status, problems: cluster.problems.map((p) => `${p.source}: ${p.reason}`) };
    if (!analysis || !resolver) {
      out.push(base);
      continue;
    }
    const report = await buildReportData(analysis, resolver, now);
    out.push({ ...base, report });
    const cells = cellsOf(report, everyonesAccess(analysis));
    for (const [key, { kind, cell }] of cells) add(key.slice(kind.length + 1), kind, cluster.name, cell);
    // Who gets in by assuming a mapped role (hub principals through their spoke roles): the role's cell, marked.
    for (const chain of report.chains) {
      const role = [...cells].find(([key]) => key.endsWith(`\u0000${chain.role}`))?.[1].cell;
      add(chain.principal, 'assumes a role', cluster.name, { ...(role ?? { level: 'none', scope: '', risks: [], grants: 0 }), viaRole: chain.role });
    }
  }
  onProgress?.({ phase: 'clusters', done: clusters.length, total: clusters.length });
  return {
    generatedAt: now.toISOString(), fleetFile: summary.fleetFile, takenAt: summary.takenAt, clusters: out,
    principals: [...principals.values()].sort((a, b) => a.principal.localeCompare(b.principal) || a.kind.localeCompare(b.kind)),
  };
}
