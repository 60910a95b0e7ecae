/**
 * `eks-access usage --from PATH... --audit-log PATH... [--propose FILE.ts] [-o text|json|yaml]`: least privilege from real use. Reads
 * Kubernetes audit events (kube-apiserver `--audit-log-path` files, gzip, folders, CloudWatch Logs exports; see
 * lib/usage/audit-log.ts), attributes each request to an IAM principal of the inputs, and prints per principal what
 * it used, what it was denied (403) and which grants it never used, then the principals never seen.
 */
import { writeFileSync } from 'node:fs';
import { COMMON_OPTIONS, analysisCommand, loadAnalysis, noPositionals, printWarnings } from './analysis-command';
import { COMMON_FLAG_HELP } from './analysis-flags';
import { UsageError } from './cli-flags';
import { CommandHelp } from './help';
import { createProgress } from './progress';
import { printStructured } from './structured-output';
import { renderTable } from './text-table';
import { safeLines } from './terminal-text';
import { resourceName } from '../../lib/analysis/matrix';
import { proposeAccess } from '../../lib/usage/propose';
import { auditUsage, PrincipalUsage, UsageReport, UseRow } from '../../lib/usage/usage';

export const OPTIONS = { ...COMMON_OPTIONS, 'audit-log': { type: 'string', multiple: true }, propose: { type: 'string' }, module: { type: 'string' } } as const;

export const HELP: CommandHelp = {
  name: 'usage',
  synopsis: '--from PATH... --audit-log PATH... [options]',
  summary: 'Offline: who used which grant in the audit log, which grants went unused, which requests were denied, who was never seen.',
  flags: [
    ...COMMON_FLAG_HELP.slice(0, -1),
    {
      name: 'audit-log', value: 'PATH', repeatable: true, required: true,
      meaning: 'audit events: kube-apiserver --audit-log-path files (JSON lines), .gz files, folders of them, or CloudWatch Logs of /aws/eks/<cluster>/cluster (aws logs filter-log-events output, its events one per line, or an S3 export)',
    },
    {
      name: 'propose', value: 'FILE.ts', default: 'none (no code is written)',
      meaning: 'also write the tighter access as code (an AccessModel and an RbacChart, as `import` writes them): RBAC rules covering exactly the allowed requests seen, access policies narrowed to the namespaces used, a NOTE per removed grant; nothing is applied (`diff --desired <its synth> --current <--from>` lists what it takes away)',
    },
    { name: 'module', value: 'NAME', default: 'cdk-eks-access', meaning: 'with --propose: module the generated code imports the library from' },
    ...COMMON_FLAG_HELP.slice(-1),
  ],
  notes: 'Exit codes: 0 answered, 2 usage or input error. Malformed audit lines are counted and reported, never fatal.',
};

export const run = analysisCommand(HELP, OPTIONS, async ({ values, positionals }, _json, output) => {
  noPositionals(positionals, HELP);
  const logs = values['audit-log'];
  if (!logs?.length) throw new UsageError('--audit-log PATH is required (an audit log file, .gz file or folder; repeatable)');
  if (values.module !== undefined && values.propose === undefined) throw new UsageError('--module goes with --propose FILE.ts');
  const analysis = await loadAnalysis(values);
  // Progress only on a terminal and never with -o json|yaml (progress.ts decides); lib/usage reports lines read.
  const progress = createProgress({ quiet: output !== 'text' });
  const report = await auditUsage(analysis, logs, { onProgress: progress.update }).finally(() => progress.done());
  const proposal = values.propose !== undefined ? proposeAccess(analysis, report, { moduleName: values.module, accountId: values.account }) : undefined;
  if (proposal) writeFileSync(values.propose!, proposal.source);
  const proposed = proposal ? { file: values.propose!, notes: proposal.notes } : undefined;
  if (output !== 'text') {
    printStructured(proposed ? { ...report, proposal: proposed } : report, output);
    return 0;
  }
  printWarnings(analysis.sources.warnings, HELP.name);
  process.stdout.write(renderText(report));
  // The NOTEs are in the file, beside the code they concern; here only where to find them.
  if (proposed) {
    process.stdout.write(safeLines([
      '',
      `wrote ${proposed.file} with ${proposed.notes.length} NOTE(s): each says what the proposal takes away or could not propose; nothing was applied`,
      // diff --current compares code with code (or with this snapshot): its `added` rows are what the proposal takes away.
      `what it takes away, once synthesized: eks-access diff --desired <its cdk.out> --desired <its manifests> ${values.from!.map((f) => `--current ${f}`).join(' ')}`,
    ]));
  }
  return 0;
});

const where = (ns: string) => ns || '(cluster)';
const resourceOf = (r: UseRow) => (r.nonResource ? r.resource : resourceName({ apiGroup: r.apiGroup, resource: r.subresource ? `${r.resource}/${r.subresource}` : r.resource }));

function principalTable(p: PrincipalUsage): string {
  const rows: string[][] = [
    ...p.used.map((r) => ['used', r.verb, resourceOf(r), where(r.namespace), String(r.count), r.lastSeen]),
    ...p.deniedRequests.map((r) => ['DENIED', r.verb, resourceOf(r), where(r.namespace), String(r.count), r.lastSeen]),
    ...p.unused.map((g) => ['unused', g.verbs.join(','), resourceName(g), g.namespace || '(all namespaces / cluster)', '0', '-']),
  ];
  return rows.length ? renderTable(['', 'VERB', 'RESOURCE', 'NAMESPACE', 'COUNT', 'LAST SEEN'], rows) : '';
}

/** The text report: what was read, then one block per principal, then the principals never seen. */
export function renderText(report: UsageReport): string {
  const r = report.read;
  const malformed = Object.entries(r.malformed).sort((a, b) => b[1] - a[1]);
  const bad = malformed.reduce((n, [, c]) => n + c, 0);
  const head = [
    `audit log: ${r.files.length} file(s), ${r.lines} lines, ${r.counted} requests counted (${r.duplicates} duplicate(s), ${r.otherStages} event(s) at other stages), ${bad} malformed line(s)`,
    report.window ? `window: ${report.window.first} to ${report.window.last}` : 'window: no request in the log',
    ...malformed.map(([reason, n]) => `  malformed: ${n} × ${reason} (first at ${r.malformedFirstAt[reason] ?? '?'})`),
    ...(report.droppedRequests ? [`${report.droppedRequests} request(s) not kept: more distinct principals than the limit`] : []),
  ];
  let out = safeLines(head);
  for (const p of report.principals) {
    const mapped = p.mappedBy ? `, mapped by ${p.mappedBy}` : '';
    out += safeLines([
      '',
      `${p.principal}: ${p.requests} request(s), ${p.denied} denied, ${p.unused.length} unused grant row(s), last seen ${p.lastSeen ?? '-'}`,
      `  Kubernetes user ${p.kubernetesUser ?? '-'}${mapped}; attributed by ${p.attribution}: ${p.attributionNote}`,
      ...(p.droppedRows ? [`  ${p.droppedRows} request(s) in rows over the per-principal limit, not listed`] : []),
    ]);
    out += principalTable(p);
  }
  out += safeLines(['', report.neverSeen.length ? `never seen in the window (${report.neverSeen.length}):` : 'every principal of the inputs was seen', ...report.neverSeen.map((a) => `  ${a}`)]);
  return out;
}
