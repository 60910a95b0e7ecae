/**
 * The used / unused view per principal (`eks-access usage --html FILE`): ONE self-contained page in the style of the
 * access report (its style sheet, escaping, filter controls and script are imported from
 * lib/analysis/report/report-html.ts, not copied). A summary table of the principals (filterable, sortable), then per
 * principal the grants it used (count, last seen), the requests it was denied, the grants it never used, and the
 * principals never seen. Everything shown is read from the audit log or the inputs, so every field is escaped; the
 * tables stack on a narrow screen (390 px) with each cell labelled.
 */
import { controls, escapeHtml as e, REPORT_CSS, tableScript } from '../analysis/report/report-html';
import { resourceName } from '../analysis/matrix';
import { PrincipalUsage, UsageReport, useRowResource, useRowNamespace, unusedGrantNamespace } from './usage';

export interface UsageHtmlOptions {
  /** The `--from` inputs, named in the header. */
  readonly inputs: readonly string[];
  /** RFC 3339. */
  readonly generatedAt: string;
}

const CSS = `${REPORT_CSS}
tr.used td.s{color:#1a7f37;font-weight:600} tr.denied td{background:#fff1f0} tr.denied td.s{color:#a40e26;font-weight:600}
tr.unused td{color:#57606a} tr.unused td.s{font-weight:600}
#usage-principals{table-layout:fixed} #usage-principals th:nth-child(1){width:34%}
section.principal{margin-top:1.2em}
`;


/** One cell with the label a stacked (narrow) table shows before it. */
const cell = (label: string, text: string, cls = ''): string => `<td data-label="${e(label)}"${cls ? ` class="${cls}"` : ''}>${e(text)}</td>`;

function principalSection(p: PrincipalUsage, i: number): string {
  const rows = [
    ...p.used.map((r) => ({ status: 'used', verb: r.verb, resource: useRowResource(r), ns: useRowNamespace(r.namespace), count: String(r.count), last: r.lastSeen })),
    ...p.deniedRequests.map((r) => ({ status: 'denied', verb: r.verb, resource: useRowResource(r), ns: useRowNamespace(r.namespace), count: String(r.count), last: r.lastSeen })),
    ...p.unused.map((g) => ({ status: 'unused', verb: g.verbs.join(', '), resource: resourceName(g), ns: unusedGrantNamespace(g.namespace), count: '0', last: '-' })),
  ];
  const body = rows.map((r) => `<tr class="${r.status}">${cell('status', r.status === 'denied' ? 'DENIED' : r.status, 's')}${cell('verb', r.verb)}${cell('resource', r.resource)}${cell('namespace', r.ns)}${cell('count', r.count)}${cell('last seen', r.last)}</tr>`).join('\n');
  const mapped = p.mappedBy ? `, mapped by ${p.mappedBy}` : '';
  return `<section class="principal" id="p-${i}"><h3>${e(p.principal)}</h3>
<p class="meta">${p.requests} request(s), ${p.denied} denied, ${p.used.length} used row(s), ${p.unused.length} unused grant row(s), last seen ${e(p.lastSeen ?? '-')}.
Kubernetes user ${e(p.kubernetesUser ?? '-')}${e(mapped)}; attributed by ${e(p.attribution)}: ${e(p.attributionNote)}${p.droppedRows ? ` ${p.droppedRows} request(s) in rows over the per-principal limit are not listed.` : ''}</p>
${rows.length ? `<table class="stack usage"><thead><tr>${['Status', 'Verb', 'Resource', 'Namespace', 'Count', 'Last seen'].map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>\n${body}\n</tbody></table>` : '<p>No rows.</p>'}
</section>`;
}

export function renderUsageHtml(report: UsageReport, opts: UsageHtmlOptions): string {
  const r = report.read;
  const malformed = Object.values(r.malformed).reduce((n, c) => n + c, 0);
  const sources = [
    ...r.files.map((f) => `file ${f}`),
    ...r.logGroups.map((g) => `CloudWatch Logs ${g.logGroup} (streams ${g.logStreamPrefix}*, ${g.startTime} to ${g.endTime}, ${g.events} event(s))`),
  ];
  const summary = report.principals.map((p, i) => `<tr${p.denied ? ' class="risk"' : ''}><td><a href="#p-${i}">${e(p.principal)}</a></td>${cell('requests', String(p.requests))}${cell('denied', String(p.denied))}${cell('used rows', String(p.used.length))}${cell('unused grants', String(p.unused.length))}${cell('last seen', p.lastSeen ?? '-')}</tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>EKS access used / unused</title><style>${CSS}</style></head>
<body>
<h1>EKS access: used / unused</h1>
<p class="meta">Generated ${e(opts.generatedAt)} by eks-access usage from ${opts.inputs.map(e).join(', ') || '(no inputs)'} and the audit events of ${sources.map(e).join('; ') || '(no source)'}.
${r.counted} request(s) counted (${r.duplicates} duplicate(s), ${r.otherStages} at other stages, ${malformed} malformed line(s)); window ${report.window ? `${e(report.window.first)} to ${e(report.window.last)}` : 'empty: no request in the log'}.${report.droppedRequests ? ` ${report.droppedRequests} request(s) not kept: more distinct principals than the limit.` : ''}</p>
<h2>Principals</h2>
<p class="meta">Each principal seen in the log: its requests, those denied (403: access it tried and lacked), the rows of what it used and the grants it never used in the window. Details per principal below.</p>
${controls('usage-filter', 'Filter: principal…', 'Filter principals', 'usage-denied', 'only principals with denied requests')}
<table id="usage-principals" class="stack"><thead><tr>${['Principal', 'Requests', 'Denied', 'Used rows', 'Unused grants', 'Last seen'].map((h) => `<th class="sortable" scope="col">${h}</th>`).join('')}</tr></thead>
<tbody>
${summary}
</tbody></table>
<h2>Used and unused, per principal</h2>
${report.principals.map(principalSection).join('\n') || '<p>No request in the log.</p>'}
<h2>Never seen in the window</h2>
${report.neverSeen.length ? `<ul>${report.neverSeen.map((a) => `<li>${e(a)}</li>`).join('')}</ul>` : '<p>Every principal of the inputs was seen.</p>'}
<script>${tableScript([{ table: 'usage-principals', filter: 'usage-filter', only: 'usage-denied', count: 'usage-count' }])}</script>
</body></html>
`;
}
