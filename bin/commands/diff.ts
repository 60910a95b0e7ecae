/**
 * `eks-access diff --desired PATH... (--live DIR | --cluster NAME [--region R] [--kubeconfig F] [--context C] |
 * --current PATH...) [-o text|json|yaml]`: drift between the code (a cdk.out and/or manifest folders) and a live
 * cluster (a snapshot folder, or a snapshot taken now), or other code (`--current`: e.g. today's code against the
 * synthesized `usage --propose` module, whose `added` rows are what it would take away): access entries, aws-auth
 * rows, RBAC objects and bindings (lib/live/diff).
 * Exit codes: 0 no drift, 1 drift, 2 cannot tell (usage error, unreadable input, or a live source the snapshot could
 * not read) — a CI gate never passes on what it could not see.
 */
import { UsageError } from './cli-flags';
import { renderTable } from './text-table';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';
import { DriftReport } from '../../lib/live/diff/compare';
import { driftAgainstCluster, driftBetween, driftBetweenCode } from '../../lib/live/diff/drift';
import { CommandHelp } from './help';
import { LIVE_FLAG_HELP, LIVE_OPTIONS, liveCommand } from './live-command';
import { printWarnings } from './command-frame';
import { terminalSafe } from './terminal-text';
import { createProgress } from './progress';

export const OPTIONS = {
  desired: { type: 'string', multiple: true }, live: { type: 'string' }, cluster: { type: 'string' }, current: { type: 'string', multiple: true }, region: { type: 'string' },
  kubeconfig: { type: 'string' }, context: { type: 'string' }, account: { type: 'string' }, ...LIVE_OPTIONS,
} as const;

export const HELP: CommandHelp = {
  name: 'diff',
  synopsis: '--desired PATH... (--live DIR | --cluster NAME | --current PATH...) [options]',
  summary: 'Drift between the code (cdk.out and/or manifests) and a live cluster (a snapshot folder, or a snapshot taken now), or other code (--current).',
  flags: [
    { name: 'desired', value: 'PATH', repeatable: true, required: true, meaning: 'a cdk.out folder and/or manifest files or folders (the code)' },
    { name: 'live', value: 'DIR', default: 'none; one of --live, --cluster, --current is required', meaning: 'a folder written by eks-access snapshot' },
    { name: 'cluster', value: 'NAME', default: 'none; one of --live, --cluster, --current is required', meaning: 'snapshot this EKS cluster now (AWS credentials and kubeconfig needed)' },
    {
      name: 'current', value: 'PATH', repeatable: true, default: 'none; one of --live, --cluster, --current is required',
      meaning: 'other code in place of the cluster (cdk.out and/or manifests), e.g. today\'s code when --desired is the synthesized `usage --propose` module: rows `added` are what --desired takes away',
    },
    { name: 'region', value: 'REGION', default: "the AWS SDK's region", meaning: 'region of --cluster' },
    { name: 'kubeconfig', value: 'FILE', default: '$KUBECONFIG, then ~/.kube/config', meaning: 'kubeconfig for --cluster' },
    { name: 'context', value: 'NAME', default: "the kubeconfig's current context", meaning: 'kubeconfig context for --cluster' },
    { name: 'account', value: 'ID', default: 'none: ${AWS::AccountId} matches any account', meaning: 'account of environment-agnostic stacks' },
    ...LIVE_FLAG_HELP,
  ],
  notes: 'Exit codes: 0 no drift, 1 drift, 2 cannot tell (usage error, unreadable input, or a live source the snapshot could not read).',
};
const show = (v: unknown) => (v === undefined ? '-' : Array.isArray(v) ? `[${v.join(', ')}]` : typeof v === 'string' ? v : JSON.stringify(v));

/** `other` names the side compared with the code: LIVE, or CURRENT with --current. */
function text(report: DriftReport, other: string): string {
  if (!report.items.length) return 'no drift\n';
  const rows = report.items.flatMap((i) => i.fields.map((f, n) => [n ? '' : i.area, n ? '' : i.key, n ? '' : i.change, f.field, show(f.desired), show(f.live)]));
  return `${renderTable(['AREA', 'PRINCIPAL / ROW / OBJECT', `CHANGE (${other} VS CODE)`, 'FIELD', 'CODE', other], rows)}${report.items.length} drifted item(s)\n`;
}

export const run = liveCommand(HELP, OPTIONS, async (values, _json, format) => {
  if (!values.desired?.length) throw new UsageError('--desired PATH is required (cdk.out and/or manifest folders)');
  if ([values.live, values.cluster, values.current].filter((v) => v !== undefined).length !== 1) {
    throw new UsageError('give exactly one of --live DIR, --cluster NAME or --current PATH...');
  }
  // Progress only on a terminal and never with -o json|yaml (progress.ts decides): --cluster takes a whole snapshot.
  const progress = createProgress({ quiet: format !== 'text' });
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
