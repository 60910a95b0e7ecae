/**
 * `eks-access snapshot --cluster NAME [--region R] [--kubeconfig F] [--context C] --out DIR [-o text|json|yaml]`: reads the
 * cluster's live access (EKS access entries and policies, aws-auth, RBAC, IAMIdentityMappings, IAM trust policies)
 * into DIR (lib/live/snapshot/format.ts), which every analysis command reads with `--from DIR`.
 * `--fleet FILE` instead of `--cluster`: every cluster of the fleet file (lib/live/fleet/fleet-file.ts), each into
 * DIR/<name>/ in the same format, `--fleet-concurrency` clusters at a time (lib/live/fleet/fleet-snapshot.ts).
 * Exit codes: 0 every source read; 1 snapshot written but some sources could not be read (listed, with why; with
 * --fleet: of any cluster); 2 usage error.
 */
import { OutputFormat, UsageError, wholeNumberFlag } from './cli-flags';
import { KUBE_CLIENT_DEFAULTS, KubeClientLimits } from '../../lib/live/kube/client';
import { SnapshotProblem } from '../../lib/live/snapshot/format';
import { groupProblems } from '../../lib/live/snapshot/problems';
import { DEFAULT_SNAPSHOT_CONCURRENCY, takeSnapshot, writeSnapshot } from '../../lib/live/snapshot/take-snapshot';
import { readFleet } from '../../lib/live/fleet/fleet-file';
import { SELECTOR_FLAG_HELP, SELECTOR_OPTIONS, selectClusters, selectorFlag } from './fleet-selector';
import { DEFAULT_FLEET_CONCURRENCY, FLEET_SNAPSHOT_FILE, FleetSnapshotSummary, snapshotFleet } from '../../lib/live/fleet/fleet-snapshot';
import { renderTable } from './text-table';
import { printWarnings } from './command-frame';
import { CommandHelp } from './help';
import { LIVE_FLAG_HELP, LIVE_OPTIONS, liveCommand } from './live-command';
import { createProgress } from './progress';
import { printStructured } from './structured-output';
import { safeLines, terminalSafe } from './terminal-text';

/** The Kubernetes client's limits as flags: the flag, the option it sets, and what it bounds. */
const LIMIT_FLAGS = [
  { flag: 'max-list-pages', option: 'maxListPages', value: 'N', meaning: 'pages one Kubernetes LIST may take (an endless continue chain stops here)' },
  { flag: 'max-response-bytes', option: 'maxResponseBytes', value: 'BYTES', meaning: 'bytes of one Kubernetes API response' },
  { flag: 'max-snapshot-bytes', option: 'maxSnapshotBytes', value: 'BYTES', meaning: 'bytes of all Kubernetes API responses together' },
  { flag: 'request-timeout-ms', option: 'requestTimeoutMs', value: 'MS', meaning: 'a Kubernetes request fails when no byte arrives for this long' },
  { flag: 'request-deadline-ms', option: 'requestDeadlineMs', value: 'MS', meaning: 'a Kubernetes request fails when it takes longer than this in all' },
] as const satisfies ReadonlyArray<{ flag: string; option: keyof typeof KUBE_CLIENT_DEFAULTS; value: string; meaning: string }>;

export const OPTIONS = {
  cluster: { type: 'string' }, fleet: { type: 'string' }, ...SELECTOR_OPTIONS, 'fleet-concurrency': { type: 'string' }, region: { type: 'string' }, kubeconfig: { type: 'string' }, context: { type: 'string' }, out: { type: 'string' },
  concurrency: { type: 'string' }, quiet: { type: 'boolean', short: 'q' },
  'max-list-pages': { type: 'string' }, 'max-response-bytes': { type: 'string' }, 'max-snapshot-bytes': { type: 'string' },
  'request-timeout-ms': { type: 'string' }, 'request-deadline-ms': { type: 'string' },
  ...LIVE_OPTIONS,
} as const;

export const HELP: CommandHelp = {
  name: 'snapshot',
  synopsis: '(--cluster NAME | --fleet FILE) --out DIR [options]',
  summary: "Read a cluster's live access (access entries and policies, aws-auth, RBAC, IAMIdentityMappings, IAM trust policies) into DIR.",
  flags: [
    { name: 'cluster', value: 'NAME', default: 'none; --cluster or --fleet is required', meaning: 'the EKS cluster (AWS credentials and kubeconfig needed)' },
    { name: 'fleet', value: 'FILE', default: 'none; --cluster or --fleet is required', meaning: 'a fleet file (YAML: clusters with name, account, region, readRoleArn, kubeconfig, context): every cluster, each into DIR/<name>/, plus DIR/fleet.json' },
    SELECTOR_FLAG_HELP,
    { name: 'fleet-concurrency', value: 'N', default: String(DEFAULT_FLEET_CONCURRENCY), meaning: 'with --fleet: clusters read at a time' },
    { name: 'region', value: 'REGION', default: "the AWS SDK's region", meaning: 'region of the cluster' },
    { name: 'kubeconfig', value: 'FILE', default: '$KUBECONFIG (every file, merged as kubectl merges them), then ~/.kube/config', meaning: 'kubeconfig for the Kubernetes reads' },
    { name: 'context', value: 'NAME', default: "the kubeconfig's current context", meaning: 'kubeconfig context' },
    { name: 'out', value: 'DIR', required: true, meaning: 'where to write the snapshot (every analysis command reads it with --from DIR)' },
    { name: 'concurrency', value: 'N', default: String(DEFAULT_SNAPSHOT_CONCURRENCY), meaning: 'access entries read at a time (2 EKS calls each), and IAM roles read at a time; throttling is retried with the SDK\'s adaptive mode' },
    { name: 'quiet', short: 'q', meaning: 'no progress line (there is none anyway unless stderr is a terminal, or with --output json)' },
    ...LIMIT_FLAGS.map((l) => ({ name: l.flag, value: l.value, default: String(KUBE_CLIENT_DEFAULTS[l.option]), meaning: l.meaning })),
    ...LIVE_FLAG_HELP,
  ],
  notes: 'Exit codes: 0 every source read, 1 written but some sources could not be read (listed, with why; with --fleet: of any cluster), 2 usage error.',
};

/**
 * The problems as text lines: one line per cause, `N × operation: reason (e.g. first source)` when a cause repeats
 * (400 roles behind one unreachable endpoint are one line, not 400); the JSON output and cluster.json keep every one.
 */
export function problemLines(problems: readonly SnapshotProblem[]): string[] {
  return groupProblems(problems).map((g) => terminalSafe(g.sources.length === 1
    ? `could not read ${g.sources[0]}: ${problems.find((p) => p.source === g.sources[0])?.reason ?? g.reason}`
    : `could not read: ${g.sources.length} × ${g.operation}: ${g.reason} (e.g. ${g.sources[0]})`));
}

export const run = liveCommand(HELP, OPTIONS, async (values, _json, format) => {
  if (!values.cluster === !values.fleet) throw new UsageError('give exactly one of --cluster NAME or --fleet FILE');
  if (!values.out) throw new UsageError('--out DIR is required');
  if (values['fleet-concurrency'] !== undefined && !values.fleet) throw new UsageError('--fleet-concurrency goes with --fleet');
  const selector = selectorFlag(values);
  const kubeLimits: Record<string, number> = {};
  for (const l of LIMIT_FLAGS) {
    const v = wholeNumberFlag(l.flag, values[l.flag]);
    if (v !== undefined) kubeLimits[l.option] = v;
  }
  const progress = createProgress({ quiet: format !== 'text' || values.quiet === true });
  if (values.fleet) {
    for (const f of ['region', 'kubeconfig', 'context'] as const) {
      if (values[f] !== undefined) throw new UsageError(`--${f} goes with --cluster; with --fleet each cluster's ${f} is in the fleet file`);
    }
    const whole = readFleet(values.fleet);
    const fleet = { ...whole, clusters: selectClusters(whole.clusters, selector, values.fleet) };
    const fleetConcurrency = wholeNumberFlag('fleet-concurrency', values['fleet-concurrency']);
    const concurrency = wholeNumberFlag('concurrency', values.concurrency);
    const summary = await snapshotFleet({ fleet, out: values.out, fleetConcurrency, concurrency, kubeLimits: kubeLimits as KubeClientLimits, onProgress: progress.update })
      .finally(() => progress.done());
    printFleetSnapshotResult(values.out, summary, format);
    return summary.clusters.some((c) => c.status !== 'complete') ? 1 : 0;
  }
  let taken;
  try {
    taken = await takeSnapshot({
      clusterName: values.cluster!, region: values.region, kubeconfig: values.kubeconfig, context: values.context,
      concurrency: wholeNumberFlag('concurrency', values.concurrency), kubeLimits: kubeLimits as KubeClientLimits, onProgress: progress.update,
    });
  } finally {
    progress.done();
  }
  const files = writeSnapshot(values.out, taken);
  printSnapshotResult(values.out, taken, files, format);
  return taken.snapshot.problems.length ? 1 : 0;
});

type Taken = Awaited<ReturnType<typeof takeSnapshot>>;

/** What `snapshot` prints: the counts, the warnings, and the unreadable sources grouped by cause (escaped: they are input). */
export function printSnapshotResult(out: string, taken: Taken, files: unknown, format: OutputFormat): void {
  const { snapshot } = taken;
  if (format !== 'text') {
    printStructured({ files, accessEntries: snapshot.accessEntries.length, rbacObjects: taken.kube.rbac.length, iamRoles: snapshot.iamRoles.length, problems: snapshot.problems, warnings: taken.warnings }, format);
    return;
  }
  process.stdout.write(safeLines([`wrote ${out}: ${snapshot.accessEntries.length} access entries, aws-auth ${taken.kube.awsAuth ? 'present' : 'absent'}, ${taken.kube.rbac.length} RBAC objects, ${taken.kube.iamIdentityMappings?.length ?? 0} IAMIdentityMappings, ${snapshot.iamRoles.length} IAM trust policies`]));
  printWarnings(taken.warnings, 'snapshot');
  for (const line of problemLines(snapshot.problems)) process.stderr.write(`${line}\n`);
}

/** What `snapshot --fleet` prints: one row per cluster, then each cluster's warnings and problems (escaped: input). */
export function printFleetSnapshotResult(out: string, summary: FleetSnapshotSummary, format: OutputFormat): void {
  if (format !== 'text') {
    printStructured({ file: FLEET_SNAPSHOT_FILE, ...summary }, format);
    return;
  }
  const rows = summary.clusters.map((c) => [c.name, c.account, c.region, c.status, String(c.accessEntries), String(c.rbacObjects), String(c.iamRoles), String(c.problems.length)]);
  process.stdout.write(renderTable(['CLUSTER', 'ACCOUNT', 'REGION', 'STATUS', 'ACCESS ENTRIES', 'RBAC OBJECTS', 'IAM ROLES', 'UNREADABLE'], rows));
  const complete = summary.clusters.filter((c) => c.status === 'complete').length;
  process.stdout.write(safeLines([`wrote ${out}: ${summary.clusters.length} cluster(s), ${complete} complete; ${FLEET_SNAPSHOT_FILE} lists them`]));
  for (const c of summary.clusters) {
    printWarnings(c.warnings.map((w) => `${c.name}: ${w}`), 'snapshot');
    for (const line of problemLines(c.problems)) process.stderr.write(`${terminalSafe(c.name)}: ${line}\n`);
  }
}
