/**
 * `eks-access diff --desired PATH... (--live DIR | --cluster NAME [--region R] [--kubeconfig F] [--context C] |
 * --current PATH... | --fleet FILE [--live DIR]) [-o text|json|yaml]`: drift between the code (a cdk.out and/or
 * manifest folders) and a live cluster (a snapshot folder, or a snapshot taken now), or other code (`--current`: e.g.
 * today's code against the synthesized `usage --propose` module, whose `added` rows are what it would take away):
 * access entries, aws-auth rows, RBAC objects and bindings (lib/live/diff).
 * `--fleet FILE`: every cluster of a fleet file against its part of the code (lib/live/fleet/fleet-diff.ts says how
 * a template's resources are placed on clusters), with `--live DIR` a fleet snapshot folder (`snapshot --fleet`),
 * without it snapshots taken now; one row per cluster, then each drifted cluster's items.
 * Exit codes: 0 no drift, 1 drift, 2 cannot tell (usage error, unreadable input, or a live source the snapshot could
 * not read) — a CI gate never passes on what it could not see. With --fleet: 2 when any cluster cannot be told, else
 * 1 when any drifted, else 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFleet } from '../../lib/live/fleet/fleet-file';
import { SELECTOR_FLAG_HELP, SELECTOR_OPTIONS, selectClusters, selectorFlag } from './fleet-selector';
import { driftFleet, FleetDrift } from '../../lib/live/fleet/fleet-diff';
import { DEFAULT_FLEET_CONCURRENCY, snapshotFleet } from '../../lib/live/fleet/fleet-snapshot';
import { EXIT } from './exit-codes';
import { OutputFormat, UsageError, wholeNumberFlag } from './cli-flags';
import { createProgress } from './progress';
import { renderTable } from './text-table';
import { printStructured } from './structured-output';
import { safeLines, terminalSafe } from './terminal-text';
import { DriftReport } from '../../lib/live/diff/compare';
import { driftAgainstCluster, driftBetween, driftBetweenCode } from '../../lib/live/diff/drift';
import { CommandHelp } from './help';
import { LIVE_FLAG_HELP, LIVE_OPTIONS, liveCommand } from './live-command';
import { printWarnings } from './command-frame';

export const OPTIONS = {
  desired: { type: 'string', multiple: true }, live: { type: 'string' }, cluster: { type: 'string' }, current: { type: 'string', multiple: true }, fleet: { type: 'string' }, ...SELECTOR_OPTIONS,
  'fleet-concurrency': { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, region: { type: 'string' },
  kubeconfig: { type: 'string' }, context: { type: 'string' }, account: { type: 'string' }, ...LIVE_OPTIONS,
} as const;

export const HELP: CommandHelp = {
  name: 'diff',
  synopsis: '--desired PATH... (--live DIR | --cluster NAME | --current PATH... | --fleet FILE [--live DIR]) [options]',
  summary: 'Drift between the code (cdk.out and/or manifests) and a live cluster (a snapshot folder, or a snapshot taken now), other code (--current), or every cluster of a fleet (--fleet).',
  flags: [
    { name: 'desired', value: 'PATH', repeatable: true, required: true, meaning: 'a cdk.out folder and/or manifest files or folders (the code)' },
    { name: 'live', value: 'DIR', default: 'none; one of --live, --cluster, --current, --fleet is required', meaning: 'a folder written by eks-access snapshot (with --fleet: by snapshot --fleet)' },
    { name: 'cluster', value: 'NAME', default: 'none; one of --live, --cluster, --current, --fleet is required', meaning: 'snapshot this EKS cluster now (AWS credentials and kubeconfig needed)' },
    {
      name: 'current', value: 'PATH', repeatable: true, default: 'none; one of --live, --cluster, --current, --fleet is required',
      meaning: 'other code in place of the cluster (cdk.out and/or manifests), e.g. today\'s code when --desired is the synthesized `usage --propose` module: rows `added` are what --desired takes away',
    },
    { name: 'fleet', value: 'FILE', default: 'none; one of --live, --cluster, --current, --fleet is required', meaning: "a fleet file: every cluster against its part of the code (resources placed by their ClusterName and their stack's account and region), one row per cluster; with --live DIR the fleet snapshot folder, else snapshots taken now" },
    SELECTOR_FLAG_HELP,
    { name: 'fleet-concurrency', value: 'N', default: String(DEFAULT_FLEET_CONCURRENCY), meaning: 'with --fleet: clusters read and compared at a time' },
    { name: 'quiet', short: 'q', meaning: 'no progress line (there is none anyway unless stderr is a terminal, nor with -o json|yaml)' },
    { name: 'region', value: 'REGION', default: "the AWS SDK's region", meaning: 'region of --cluster' },
    { name: 'kubeconfig', value: 'FILE', default: '$KUBECONFIG, then ~/.kube/config', meaning: 'kubeconfig for --cluster' },
    { name: 'context', value: 'NAME', default: "the kubeconfig's current context", meaning: 'kubeconfig context for --cluster' },
    { name: 'account', value: 'ID', default: 'none: ${AWS::AccountId} matches any account', meaning: 'account of environment-agnostic stacks' },
    ...LIVE_FLAG_HELP,
  ],
  notes: 'Exit codes: 0 no drift, 1 drift, 2 cannot tell (usage error, unreadable input, or a live source the snapshot could not read). With --fleet: 2 when any cluster cannot be told, else 1 when any drifted, else 0.',
};
const show = (v: unknown) => (v === undefined ? '-' : Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'string' ? v : JSON.stringify(v));

/** `other` names the side compared with the code: LIVE, or CURRENT with --current. */
function text(report: DriftReport, other: string): string {
  if (!report.items.length) return 'no drift\n';
  const rows = report.items.flatMap((i) => i.fields.map((f, n) => [n ? '' : i.area, n ? '' : i.key, n ? '' : i.change, f.field, show(f.desired), show(f.live)]));
  return `${renderTable(['AREA', 'PRINCIPAL / ROW / OBJECT', `CHANGE (${other} VS CODE)`, 'FIELD', 'CODE', other], rows)}${report.items.length} drifted item(s)\n`;
}

/** The exit code of a fleet diff: the worst cluster's. */
export function fleetExitCode(drift: FleetDrift): number {
  if (drift.clusters.some((c) => c.status === 'cannot-tell')) return EXIT.usage;
  return drift.clusters.some((c) => c.status === 'drift') ? EXIT.negative : EXIT.ok;
}

function printFleet(drift: FleetDrift, format: OutputFormat): void {
  const code = fleetExitCode(drift);
  if (format !== 'text') {
    printStructured({ drift: drift.clusters.some((c) => c.status === 'drift'), cannotTell: code === EXIT.usage, clusters: drift.clusters, warnings: drift.warnings }, format);
    return;
  }
  printWarnings(drift.warnings.map(terminalSafe), 'diff');
  process.stdout.write(renderTable(['CLUSTER', 'ACCOUNT', 'REGION', 'STATUS', 'DRIFTED ITEMS'],
    drift.clusters.map((c) => [c.name, c.account, c.region, c.status, c.status === 'cannot-tell' ? '-' : String(c.items.length)])));
  for (const c of drift.clusters) {
    if (c.items.length) process.stdout.write(`\n${terminalSafe(c.name)}:\n${text({ items: [...c.items], unknown: [] }, 'LIVE')}`);
    process.stderr.write(safeLines(c.unknown.map((u) => `${c.name}: cannot tell: ${u}`)));
  }
}

async function runFleet(values: { desired?: string[]; live?: string; fleet?: string; selector?: string; 'fleet-concurrency'?: string; account?: string; quiet?: boolean }, format: OutputFormat): Promise<number> {
  const fleet = readFleet(values.fleet!);
  // Only the selected clusters are read and compared; code for the others is theirs, not "outside the fleet".
  const selected = selectClusters(fleet.clusters, selectorFlag(values), values.fleet!);
  const concurrency = wholeNumberFlag('fleet-concurrency', values['fleet-concurrency']);
  let live = values.live;
  let temp: string | undefined;
  try {
    if (!live) {
      temp = mkdtempSync(join(tmpdir(), 'eks-access-fleet-'));
      const progress = createProgress({ quiet: format !== 'text' || values.quiet === true });
      await snapshotFleet({ fleet: { ...fleet, clusters: selected }, out: temp, fleetConcurrency: concurrency, onProgress: progress.update }).finally(() => progress.done());
      live = temp;
    }
    const drift = await driftFleet(fleet, values.desired!, live, { account: values.account, concurrency, clusters: selected });
    printFleet(drift, format);
    return fleetExitCode(drift);
  } finally {
    if (temp) rmSync(temp, { recursive: true, force: true });
  }
}

export const run = liveCommand(HELP, OPTIONS, async (values, _json, format) => {
  if (!values.desired?.length) throw new UsageError('--desired PATH is required (cdk.out and/or manifest folders)');
  if (values.fleet) {
    if (values.current !== undefined) throw new UsageError('--current compares code with code and goes without --fleet');
    for (const f of ['cluster', 'region', 'kubeconfig', 'context'] as const) {
      if (values[f] !== undefined) throw new UsageError(`--${f} goes without --fleet; each cluster's ${f === 'cluster' ? 'name' : f} is in the fleet file`);
    }
    return runFleet(values, format);
  }
  if (values['fleet-concurrency'] !== undefined) throw new UsageError('--fleet-concurrency goes with --fleet');
  selectorFlag(values); // -l goes with --fleet
  if ([values.live, values.cluster, values.current].filter((v) => v !== undefined).length !== 1) {
    throw new UsageError('give exactly one of --live DIR, --cluster NAME or --current PATH... (or --fleet FILE, with or without --live)');
  }
  // Progress only on a terminal and never with -o json|yaml (progress.ts decides): --cluster takes a whole snapshot.
  const progress = createProgress({ quiet: format !== 'text' || values.quiet === true });
  const opts = { account: values.account, onProgress: progress.update };
  // With --current both sides are code; the JSON keeps its one shape (`live` holds the --current side's values).
  const report = await (values.current
    ? driftBetweenCode(values.desired, values.current, opts)
    : values.live
      ? driftBetween(values.desired, values.live, opts)
      : driftAgainstCluster(values.desired, { clusterName: values.cluster!, region: values.region, kubeconfig: values.kubeconfig, context: values.context }, opts)
  ).finally(() => progress.done());
  printWarnings((report.warnings ?? []).map(terminalSafe), 'diff'); // the Kubernetes client's (TLS verification off)
  const code = report.unknown.length ? 2 : report.items.length ? 1 : 0;
  if (format !== 'text') printStructured({ drift: code === 1, cannotTell: report.unknown, items: report.items }, format);
  else {
    process.stdout.write(text(report, values.current ? 'CURRENT' : 'LIVE'));
    process.stderr.write(safeLines(report.unknown.map((u) => `cannot tell: ${u}`)));
  }
  return code;
});
