/**
 * The fleet report page: one row per principal, one column per cluster, each cell what the principal can do there at
 * a glance (write / read, cluster-wide or in N namespaces, the worst risk's severity; "via role" for a principal that
 * gets in by assuming a mapped role), linking to that cluster's own report page (report-html.ts), whose style sheet
 * and escaping it shares. Self-contained and readable without JavaScript, like the cluster pages. With dozens of
 * clusters the table is wider than a phone: it scrolls sideways inside its box, the page itself does not.
 */
import type { FleetCell, FleetReportData } from '../fleet';
import { escapeHtml, REPORT_CSS } from './report-html';

/** Extra rules of the fleet page only (the cell's level). */
const FLEET_CSS = `
td.lv-write{background:#fff8c5} td.lv-read{background:#f0f7ff} td.lv-none{color:#8c959f}
#fleet th:first-child{width:24em} #fleet td small{color:#57606a}
div.wide{overflow-x:auto;max-width:100%} #fleet{width:auto;min-width:100%}
`;

function cellHtml(c: FleetCell | undefined, href: string | undefined): string {
  const e = escapeHtml;
  if (!c) return '<td class="lv-none">-</td>';
  const text = `${c.level}${c.scope ? ` ${c.scope}` : ''}`;
  const sev = c.severity ? ` <span class="sev-${e(c.severity)}" title="${e(c.risks.join(', '))}">${e(c.severity)}</span>` : '';
  const via = c.viaRole ? `<br><small>via role ${e(c.viaRole)}</small>` : '';
  const label = href ? `<a href="${e(href)}">${e(text)}</a>` : e(text);
  return `<td class="lv-${e(c.level)}" title="${e(`${c.grants} grant(s)${c.risks.length ? `; risks: ${c.risks.join(', ')}` : ''}`)}">${label}${sev}${via}</td>`;
}

/** The page; `clusterPage(name)` is the relative link of a cluster's own report (undefined: none written). */
export function renderFleetReportHtml(data: FleetReportData, clusterPage: (name: string) => string | undefined): string {
  const e = escapeHtml;
  const head = data.clusters.map((c) => {
    const page = c.report ? clusterPage(c.name) : undefined;
    const name = page ? `<a href="${e(page)}">${e(c.name)}</a>` : e(c.name);
    const labels = Object.entries(c.labels).map(([k, v]) => `${k}=${v}`).join(', ');
    return `<th scope="col">${name}<br><small>${e(c.account)} ${e(c.region)}${labels ? `<br>${e(labels)}` : ''}${c.status !== 'complete' ? `<br>snapshot ${e(c.status)}` : ''}</small></th>`;
  }).join('');
  const rows = data.principals.map((p) => {
    const cells = data.clusters.map((c) => cellHtml(p.cells[c.name], c.report ? clusterPage(c.name) : undefined)).join('');
    return `<tr><th scope="row">${e(p.principal)}<br><small>${e(p.kind)}</small></th>${cells}</tr>`;
  }).join('\n');
  const problems = data.clusters.filter((c) => c.problems.length).map((c) =>
    `<li>${e(c.name)}: ${c.problems.length} source(s) not read, e.g. ${e(c.problems[0])}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>EKS fleet access report</title><style>${REPORT_CSS}${FLEET_CSS}</style></head>
<body>
<h1>EKS fleet access report</h1>
<p class="meta">Generated ${e(data.generatedAt)} by eks-access, offline, from the fleet snapshot of ${e(data.takenAt)} (${e(data.fleetFile)}):
${data.clusters.length} cluster(s), ${data.principals.length} principal(s). Each cell: what the principal can do in that cluster
(write: creates, updates, patches or deletes something; read: only gets, lists or watches), where (cluster-wide or in how many
namespaces), and the severity of the worst catalogued risk it holds there; "via role" when it gets in by assuming a role mapped
into the cluster (its trust policy). A cell links to the cluster's own report.</p>
<div class="wide"><table id="fleet"><thead><tr><th scope="col">Principal</th>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>
${problems ? `<h2>Not read</h2><ul>${problems}</ul>` : ''}
</body></html>
`;
}
