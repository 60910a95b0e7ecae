/**
 * `eks-access snapshot --cluster NAME [--region R] [--kubeconfig F] [--context C] --out DIR [-o text|json|yaml]`: reads the
 * cluster's live access (EKS access entries and policies, aws-auth, RBAC, IAMIdentityMappings, IAM trust policies)
 * into DIR (lib/live/snapshot/format.ts), which every analysis command reads with `--from DIR`.
 * Exit codes: 0 every source read; 1 snapshot written but some sources could not be read (listed, with why);
 * 2 usage error.
 */
import { OutputFormat, UsageError } from './cli-flags';
import { takeSnapshot, writeSnapshot } from '../../lib/live/snapshot/take-snapshot';
import { CommandHelp } from './help';
import { printStructured } from './structured-output';
import { safeLines } from './terminal-text';
import { LIVE_FLAG_HELP, LIVE_OPTIONS, liveCommand } from './live-command';

export const OPTIONS = {
  cluster: { type: 'string' }, region: { type: 'string' }, kubeconfig: { type: 'string' }, context: { type: 'string' }, out: { type: 'string' },
  ...LIVE_OPTIONS,
} as const;

export const HELP: CommandHelp = {
  name: 'snapshot',
  synopsis: '--cluster NAME --out DIR [options]',
  summary: "Read a cluster's live access (access entries and policies, aws-auth, RBAC, IAMIdentityMappings, IAM trust policies) into DIR.",
  flags: [
    { name: 'cluster', value: 'NAME', required: true, meaning: 'the EKS cluster (AWS credentials and kubeconfig needed)' },
    { name: 'region', value: 'REGION', default: "the AWS SDK's region", meaning: 'region of the cluster' },
    { name: 'kubeconfig', value: 'FILE', default: '$KUBECONFIG, then ~/.kube/config', meaning: 'kubeconfig for the Kubernetes reads' },
    { name: 'context', value: 'NAME', default: "the kubeconfig's current context", meaning: 'kubeconfig context' },
    { name: 'out', value: 'DIR', required: true, meaning: 'where to write the snapshot (every analysis command reads it with --from DIR)' },
    ...LIVE_FLAG_HELP,
  ],
  notes: 'Exit codes: 0 every source read, 1 written but some sources could not be read (listed, with why), 2 usage error.',
};

export const run = liveCommand(HELP, OPTIONS, async (values, _json, format) => {
  if (!values.cluster) throw new UsageError('--cluster NAME is required');
  if (!values.out) throw new UsageError('--out DIR is required');
  const taken = await takeSnapshot({ clusterName: values.cluster, region: values.region, kubeconfig: values.kubeconfig, context: values.context });
  const files = writeSnapshot(values.out, taken);
  printSnapshotResult(values.out, taken, files, format);
  return taken.snapshot.problems.length ? 1 : 0;
});

type Taken = Awaited<ReturnType<typeof takeSnapshot>>;

/** What `snapshot` prints: the counts, and each unreadable source with the server's reason (escaped: it is input). */
export function printSnapshotResult(out: string, taken: Taken, files: unknown, format: OutputFormat): void {
  const { snapshot } = taken;
  if (format !== 'text') {
    printStructured({ files, accessEntries: snapshot.accessEntries.length, rbacObjects: taken.kube.rbac.length, iamRoles: snapshot.iamRoles.length, problems: snapshot.problems }, format);
    return;
  }
  process.stdout.write(safeLines([`wrote ${out}: ${snapshot.accessEntries.length} access entries, aws-auth ${taken.kube.awsAuth ? 'present' : 'absent'}, ${taken.kube.rbac.length} RBAC objects, ${taken.kube.iamIdentityMappings?.length ?? 0} IAMIdentityMappings, ${snapshot.iamRoles.length} IAM trust policies`]));
  process.stderr.write(safeLines(snapshot.problems.map((p) => `could not read ${p.source}: ${p.reason}`)));
}
