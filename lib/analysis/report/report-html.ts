/**
 * Renders the report as ONE self-contained HTML page: inline CSS and script, no external assets, readable without
 * JavaScript (the rows are static HTML); the script only filters rows as the reader types.
 */
import { chainSvgs } from './assume-graph';
import { ReportData } from './report-data';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1f24}
h1{font-size:1.4em;margin:0 0 .3em} h2{font-size:1.1em;margin:1.4em 0 .4em}
.meta{color:#57606a;font-size:.9em}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f6f8fa;position:sticky;top:0} td.v{text-align:center;width:3.2em}
tr.risk td{background:#fff1f0} tr.risk td.r{color:#a40e26;font-weight:600}
.sev-critical{color:#fff;background:#a40e26;padding:0 4px;border-radius:3px}
.sev-high{color:#fff;background:#d1242f;padding:0 4px;border-radius:3px}
.sev-medium{background:#f5c542;padding:0 4px;border-radius:3px} .sev-low{background:#ddf4ff;padding:0 4px;border-radius:3px}
#controls{margin:.6em 0;display:flex;gap:1em;align-items:center} #filter{font-size:1em;padding:4px 8px;width:28em}
.count{color:#57606a}
tr.group-start td{border-top:3px solid #57606a} th.sortable{cursor:pointer} th.sortable:after{content:' \\2195';color:#8c959f}
figure.chain{margin:.6em 0} figure.chain figcaption{font-weight:600;margin-bottom:.2em}
svg rect.n{fill:#f6f8fa;stroke:#57606a} svg text{font:12px system-ui,sans-serif;fill:#1b1f24} svg text.s{fill:#57606a;font-size:11px}
svg line.e{stroke:#57606a;stroke-width:1.5}
`;

const SCRIPT = `
(function(){
  var input=document.getElementById('filter'), only=document.getElementById('only-risky');
  var rows=Array.prototype.slice.call(document.querySelectorAll('#access tbody tr'));
  var count=document.getElementById('visible-count');
  function apply(){
    var terms=input.value.toLowerCase().split(/\\s+/).filter(Boolean), n=0;
    rows.forEach(function(r){
      var text=r.getAttribute('data-search');
      var show=terms.every(function(t){return text.indexOf(t)>=0}) && (!only.checked || r.classList.contains('risk'));
      r.hidden=!show; if(show) n++;
    });
    count.textContent=n+' of '+rows.length+' rows';
  }
  input.addEventListener('input',apply); only.addEventListener('change',apply); apply();
  // Click a column header to sort by it (again: reverse); ties keep the principal grouping.
  var body=document.querySelector('#access tbody');
  Array.prototype.forEach.call(document.querySelectorAll('#access th.sortable'),function(th){
    var col=th.cellIndex;
    th.addEventListener('click',function(){
      var dir=th.getAttribute('data-dir')==='asc'?-1:1; th.setAttribute('data-dir',dir===1?'asc':'desc');
      rows.slice().sort(function(a,b){return dir*a.cells[col].textContent.localeCompare(b.cells[col].textContent)||(rows.indexOf(a)-rows.indexOf(b))})
        .forEach(function(r){body.appendChild(r)});
    });
  });
})();
`;

export function renderReportHtml(data: ReportData): string {
  const e = escapeHtml;
  const findingRows = data.findings.map((f) => `<tr><td><span class="sev-${e(f.severity)}">${e(f.severity)}</span></td><td title="${e(f.why)}">${e(f.title)}</td><td>${e(f.holderKind)} ${e(f.holder)}</td><td>${e(f.scope)}</td><td>${e(f.via)}</td></tr>`).join('\n');
  const accessRows = data.rows.map((r, i) => {
    const groupStart = i === 0 || data.rows[i - 1].principal !== r.principal || data.rows[i - 1].kind !== r.kind;
    const search = [r.principal, r.kind, r.user, ...r.groups, r.scope, r.resource, ...r.verbs, ...r.risks].join(' ').toLowerCase();
    const verbs = data.verbs.map((v) => `<td class="v">${r.verbs.includes(v) ? '✔' : ''}</td>`).join('');
    return `<tr class="${[r.risks.length ? 'risk' : '', groupStart ? 'group-start' : ''].filter(Boolean).join(' ')}" data-principal="${e(r.principal)}" data-search="${e(search)}"><td>${e(r.principal)}</td><td>${e(r.kind)}</td><td>${e(r.user)}${r.groups.length ? `<br><small>${e(r.groups.join(', '))}</small>` : ''}</td><td>${e(r.scope)}</td><td>${e(r.resource)}</td>${verbs}<td class="r">${e(r.risks.join(', '))}</td></tr>`;
  }).join('\n');
  const warnings = data.warnings.length ? `<h2>Warnings</h2><ul>${data.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>EKS access report</title><style>${CSS}</style></head>
<body>
<h1>EKS access report</h1>
<p class="meta">Generated ${e(data.generatedAt)} by eks-access, offline, from: ${data.inputs.map(e).join(', ') || '(no input files)'}.
Built-in roles: ${e(data.bootstrap)}. ${data.findings.length} risk finding(s), ${data.rows.length} access row(s).</p>
<h2>Risks</h2>
${data.findings.length ? `<table id="risks"><thead><tr><th>Severity</th><th>Risk</th><th>Holder</th><th>Scope</th><th>Granted by</th></tr></thead><tbody>\n${findingRows}\n</tbody></table>` : '<p>No risky permissions found.</p>'}
${data.chains.length ? `<h2>Role assumption</h2>\n<p class="meta">Who may assume a role that is mapped into the cluster (its trust policy), with the conditions, and what the role gets: principal → role → Kubernetes user/groups → bindings and access policies.</p>\n${chainSvgs(data.chains, e)}` : ''}
<h2>Access</h2>
<div id="controls"><input id="filter" type="search" placeholder="Filter: principal, group, namespace, resource, verb…" aria-label="Filter rows">
<label><input id="only-risky" type="checkbox"> only risky rows</label><span id="visible-count" class="count"></span></div>
<table id="access"><thead><tr><th class="sortable">Principal</th><th class="sortable">Kind</th><th class="sortable">Kubernetes user / groups</th><th class="sortable">Scope</th><th class="sortable">Resource</th>${data.verbs.map((v) => `<th>${e(v)}</th>`).join('')}<th class="sortable">Risks</th></tr></thead>
<tbody>
${accessRows}
</tbody></table>
${warnings}
<script>${SCRIPT}</script>
</body></html>
`;
}
