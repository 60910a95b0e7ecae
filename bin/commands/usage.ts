/**
 * `eks-access usage --from PATH... (--audit-log PATH... | --log-group NAME --since WHEN ...) [--propose FILE.ts]
 * [--html FILE] [-o text|json|yaml]`: least privilege from real use. Reads Kubernetes audit events (kube-apiserver
 * `--audit-log-path` files, gzip, folders, CloudWatch Logs exports, lib/usage/audit-log.ts; CloudWatch Logs live,
 * lib/usage/cloudwatch.ts), attributes each request to an IAM principal of the inputs, and prints per principal what
 * it used, what it was denied (403) and which grants it never used, then the principals never seen.
 * The HTML view is `usage --html FILE` rather than `report --usage-log`: it needs every input of `usage` (the log
 * sources, their window, the attribution) and none of `report`'s, so it is one more output of the same run; the page
 * shares the report's style and escaping (lib/usage/usage-html.ts imports them from lib/analysis/report/report-html.ts).
 */
import { writeFileSync } from 'node:fs';
import { COMMON_OPTIONS, analysisCommand, loadAnalysis, noPositionals, printWarnings } from './analysis-command';
import { COMMON_FLAG_HELP } from './analysis-flags';
import { UsageError, wholeNumberFlag } from './cli-flags';
import { CommandHelp } from './help';
import { createProgress } from './progress';
import { printStructured } from './structured-output';
import { renderTable } from './text-table';
import { safeLines } from './terminal-text';
import { resourceName } from '../../lib/analysis/matrix';
import { proposeAccess } from '../../lib/usage/propose';
import { CloudWatchAuditSource, DEFAULT_LOG_CONCURRENCY, DEFAULT_LOG_STREAM_PREFIX } from '../../lib/usage/cloudwatch';
import { renderUsageHtml } from '../../lib/usage/usage-html';
import { auditUsage, PrincipalUsage, UsageReport, useRowResource, useRowNamespace, unusedGrantNamespace } from '../../lib/usage/usage';

export const OPTIONS = {
  ...COMMON_OPTIONS, 'audit-log': { type: 'string', multiple: true },
  'log-group': { type: 'string', multiple: true }, 'log-stream-prefix': { type: 'string' }, since: { type: 'string' }, until: { type: 'string' },
  region: { type: 'string' }, concurrency: { type: 'string' }, quiet: { type: 'boolean', short: 'q' },
  propose: { type: 'string' }, module: { type: 'string' }, html: { type: 'string' },
} as const;

export const HELP: CommandHelp = {
  name: 'usage',
  synopsis: '--from PATH... (--audit-log PATH... | --log-group NAME --since WHEN) [options]',
  summary: 'Who used which grant in the audit log (files, or CloudWatch Logs live), which grants went unused, which requests were denied, who was never seen.',
  flags: [
    ...COMMON_FLAG_HELP.slice(0, -1),
    {
      name: 'audit-log', value: 'PATH', repeatable: true, default: 'none (give --audit-log, --log-group or both)',
      meaning: 'audit events: kube-apiserver --audit-log-path files (JSON lines), .gz files, folders of them, or CloudWatch Logs of /aws/eks/<cluster>/cluster (aws logs filter-log-events output, its events one per line, or an S3 export)',
    },
    {
      name: 'log-group', value: 'NAME', repeatable: true, default: 'none (give --audit-log, --log-group or both)',
      meaning: 'read audit events live from this CloudWatch Logs log group (EKS: /aws/eks/<cluster>/cluster) with FilterLogEvents; needs --since, AWS credentials and logs:FilterLogEvents; honours AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
    },
    { name: 'log-stream-prefix', value: 'PREFIX', default: DEFAULT_LOG_STREAM_PREFIX, meaning: 'with --log-group: only streams whose name starts with this (EKS writes audit events to kube-apiserver-audit-*)' },
    { name: 'since', value: 'WHEN', default: 'none (required with --log-group)', meaning: 'with --log-group: start of the window, a duration ago (90d, 12h, 30m, 45s) or an RFC 3339 time with Z or an offset (2026-09-01T00:00:00Z); included' },
    { name: 'until', value: 'WHEN', default: 'now', meaning: 'with --log-group: end of the window, as --since; included' },
    { name: 'region', value: 'REGION', default: "the AWS SDK's region", meaning: 'with --log-group: region of the log group' },
    { name: 'concurrency', value: 'N', default: String(DEFAULT_LOG_CONCURRENCY), meaning: 'with --log-group: the window is cut into N time slices read side by side, each paginated; throttling is retried with the SDK\'s adaptive mode' },
    { name: 'quiet', short: 'q', meaning: 'no progress line (there is none anyway unless stderr is a terminal, or with --output json|yaml)' },
    { name: 'html', value: 'FILE', default: 'none', meaning: 'also write the used / unused view per principal as one self-contained HTML page (the report\'s style)' },
    {
      name: 'propose', value: 'FILE.ts', default: 'none (no code is written)',
      meaning: 'also write the tighter access as code (an AccessModel and an RbacChart, as `import` writes them): RBAC rules covering exactly the allowed requests seen, access policies narrowed to the namespaces used, a NOTE per removed grant; nothing is applied (`diff --desired <its synth> --current <--from>` lists what it takes away)',
    },
    { name: 'module', value: 'NAME', default: 'cdk-eks-access', meaning: 'with --propose: module the generated code imports the library from' },
    ...COMMON_FLAG_HELP.slice(-1),
  ],
  notes: 'Exit codes: 0 answered, 2 usage or input error (a log group that could not be read: eks-access:audit-log-group). Malformed audit lines are counted and reported, never fatal.',
};

export const run = analysisCommand(HELP, OPTIONS, async ({ values, positionals }, _json, output) => {
  noPositionals(positionals, HELP);
  const logs = values['audit-log'] ?? [];
  const logGroups = logGroupSources(values);
  if (!logs.length && !logGroups.length) throw new UsageError('give --audit-log PATH (an audit log file, .gz file or folder; repeatable), --log-group NAME --since WHEN (CloudWatch Logs, live), or both');
  if (values.module !== undefined && values.propose === undefined) throw new UsageError('--module goes with --propose FILE.ts');
  const analysis = await loadAnalysis(values);
  // Progress only on a terminal and never with -q or -o json|yaml (progress.ts decides); lib/usage reports lines read.
  const progress = createProgress({ quiet: output !== 'text' || values.quiet === true });
  const report = await auditUsage(analysis, { files: logs, logGroups }, { onProgress: progress.update }).finally(() => progress.done());
  if (values.html !== undefined) writeFileSync(values.html, renderUsageHtml(report, { inputs: values.from ?? [], generatedAt: new Date().toISOString() }));
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

const DURATION = /^(\d{1,9})([smhd])$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** RFC 3339 with a zone (Z or ±hh:mm): a time without one would be read in the machine's zone. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** `--since`/`--until`: a duration ago (`90d`) or an RFC 3339 time → ms since the epoch. */
function timeFlag(flag: string, text: string, now: number): number {
  const d = DURATION.exec(text);
  if (d) return now - Number(d[1]) * UNIT_MS[d[2]];
  if (RFC3339.test(text) && !Number.isNaN(Date.parse(text))) return Date.parse(text);
  throw new UsageError(`--${flag}: '${text}' is neither a duration ago (90d, 12h, 30m, 45s) nor an RFC 3339 time with Z or an offset (2026-09-01T00:00:00Z)`);
}

/** The `--log-group` sources of the flags, or none; the window checked. */
function logGroupSources(values: { 'log-group'?: string[]; 'log-stream-prefix'?: string; since?: string; until?: string; region?: string; concurrency?: string }): CloudWatchAuditSource[] {
  const groups = values['log-group'] ?? [];
  const concurrency = wholeNumberFlag('concurrency', values.concurrency);
  if (!groups.length) {
    const stray = (['log-stream-prefix', 'since', 'until', 'region', 'concurrency'] as const).find((f) => values[f] !== undefined);
    if (stray) throw new UsageError(`--${stray} goes with --log-group NAME`);
    return [];
  }
  if (values.since === undefined) throw new UsageError('--log-group needs --since WHEN (90d, or 2026-09-01T00:00:00Z): the window of the audit events to read');
  const now = Date.now();
  const startTime = timeFlag('since', values.since, now);
  const endTime = values.until === undefined ? now : timeFlag('until', values.until, now);
  if (endTime < startTime) throw new UsageError(`--until (${new Date(endTime).toISOString()}) is before --since (${new Date(startTime).toISOString()})`);
  return groups.map((logGroup) => ({ logGroup, logStreamPrefix: values['log-stream-prefix'], startTime, endTime, region: values.region, concurrency }));
}


function principalTable(p: PrincipalUsage): string {
  const rows: string[][] = [
    ...p.used.map((r) => ['used', r.verb, useRowResource(r), useRowNamespace(r.namespace), String(r.count), r.lastSeen]),
    ...p.deniedRequests.map((r) => ['DENIED', r.verb, useRowResource(r), useRowNamespace(r.namespace), String(r.count), r.lastSeen]),
    ...p.unused.map((g) => ['unused', g.verbs.join(','), resourceName(g), unusedGrantNamespace(g.namespace), '0', '-']),
  ];
  return rows.length ? renderTable(['', 'VERB', 'RESOURCE', 'NAMESPACE', 'COUNT', 'LAST SEEN'], rows) : '';
}

/** The text report: what was read, then one block per principal, then the principals never seen. */
export function renderText(report: UsageReport): string {
  const r = report.read;
  const malformed = Object.entries(r.malformed).sort((a, b) => b[1] - a[1]);
  const bad = malformed.reduce((n, [, c]) => n + c, 0);
  const head = [
    ...r.logGroups.map((g) => `CloudWatch Logs ${g.logGroup} (streams ${g.logStreamPrefix}*) from ${g.startTime} to ${g.endTime}: ${g.events} event(s) in ${g.pages} page(s)`),
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
