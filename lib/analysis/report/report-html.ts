/**
 * Renders the report as ONE self-contained HTML page: inline CSS and script, no external assets, readable without
 * JavaScript (the rows are static HTML); the script only filters rows as the reader types.
 */
import { chainSvgs } from './assume-graph';
import { UNSAFE_TEXT, visibleEscape } from '../../model/unsafe-text';
import { ACCESS_ROW_LIMIT, ReportData, ReportGrant } from './report-data';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Whitespace a browser shows as a space: left as it is (HTML collapses it); every other UNSAFE_TEXT character is escaped. */
const HTML_WHITESPACE = new Set(['\t', '\n', '\r']);

/**
 * Text for an HTML page: markup characters as entities, and the controls and bidi overrides of lib/model/unsafe-text.ts
 * as visible escapes, as on a terminal — a principal named with U+202E must not display as another's name.
 */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c]).replace(UNSAFE_TEXT, (c) => (HTML_WHITESPACE.has(c) ? c : visibleEscape(c)));
}

/** The report's style sheet; the usage page (lib/usage/usage-html.ts) and the fleet report (fleet-report-html.ts) use it as is. */
export const REPORT_CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1f24;max-width:100%}
h1{font-size:1.4em;margin:0 0 .3em} h2{font-size:1.1em;margin:1.4em 0 .4em} h3{font-size:1em;margin:1em 0 .2em}
.meta{color:#57606a;font-size:.9em} p,li,h1,h2,h3,summary,code{overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%} th,td{border:1px solid #d0d7de;padding:3px 6px;text-align:left;vertical-align:top} td{overflow-wrap:anywhere}
th{background:#f6f8fa;position:sticky;top:0} td.v{text-align:center;width:3.2em}
tr.risk td{background:#fff1f0} tr.risk td.r{color:#a40e26;font-weight:600}
.sev-critical,.sev-high,.sev-medium,.sev-low{white-space:nowrap}
.sev-critical{color:#fff;background:#a40e26;padding:0 4px;border-radius:3px}
.sev-high{color:#fff;background:#d1242f;padding:0 4px;border-radius:3px}
.sev-medium{background:#f5c542;padding:0 4px;border-radius:3px} .sev-low{background:#ddf4ff;padding:0 4px;border-radius:3px}
[hidden],.controls[hidden]{display:none!important} .controls{margin:.6em 0;display:flex;flex-wrap:wrap;gap:.6em 1em;align-items:center} .controls input[type=search]{font-size:1em;padding:4px 8px;width:28em;max-width:100%}
.count{color:#57606a}
tr.group-start td{border-top:3px solid #57606a}
.js th.sortable{cursor:pointer} .js th.sortable:after{content:' \\2195';color:#8c959f}
.js th[aria-sort=ascending]:after{content:' \\2191'} .js th[aria-sort=descending]:after{content:' \\2193'}
th.sortable:focus{outline:2px solid #0969da}
#principals,#risks{table-layout:fixed}
#principals th:nth-child(2),#risks th:nth-child(1){width:7em} #principals th:nth-child(4),#risks th:nth-child(5){width:38%} #principals th:nth-child(5){width:12%}
ul.grants{margin:0;padding-left:1.1em} ul.rules{margin:.2em 0 .6em;padding-left:1.1em;font-family:ui-monospace,monospace;font-size:.85em;overflow-wrap:anywhere}
details.holders summary{cursor:pointer}
figure.chain{margin:.6em 0} figure.chain figcaption{font-weight:600;margin-bottom:.2em;overflow-wrap:anywhere}
figure.chain svg{width:100%;height:auto;max-width:1420px}
svg rect.n{fill:#f6f8fa;stroke:#57606a} svg text{font:12px system-ui,sans-serif;fill:#1b1f24} svg text.s{fill:#57606a;font-size:11px}
svg line.e{stroke:#57606a;stroke-width:1.5}
@media (max-width:700px){body{margin:.6em} table.stack thead{display:none} table.stack tr{display:block;border-top:2px solid #57606a;margin-bottom:.3em}
 table.stack td{display:block;border:none;border-bottom:1px solid #eaeef2} table.stack td.v{display:inline-block;width:auto}
 table.stack td.v:empty{display:none} table.stack td[data-label]:before{content:attr(data-label) ': ';color:#57606a}
 table.stack th,table.stack td{overflow-wrap:anywhere} }
`;

/** With JavaScript, rows shown at once per table (the rest behind "show all"); without it, every row is there. */
export const SHOWN_ROWS = 100;

/**
 * Filter and sort for every table with a filter input and every sortable header, as a window over the rows: the page
 * without JavaScript holds every row; the script keeps them in arrays (search text, risk flag) and leaves in the
 * document only the first {@link SHOWN_ROWS} that match, in order ("show all" for the rest). A keystroke is then one
 * pass over strings plus a DOM change per row that appears or disappears, and a sort one comparison sort plus at most
 * twice the window in moves: the cost of an interaction is bounded by the window, not by the table (at 3,000
 * principals and 4,700 risk rows, laying out a few hundred rows per interaction was most of its 0.1–0.7 s;
 * bench/results/analysis-size.md). Sort keys are read once per column and compared by one Intl.Collator, several
 * times faster than String#localeCompare per comparison and the same order (both the default locale's collation,
 * ECMA-402 §19.1.3). `[hidden]` is restated in the CSS since author rules (the stacked rows' `display:block` on
 * phones) beat the user agent's. Controls are hidden until this runs: without JavaScript the page is plain tables and
 * links, with no control that does nothing.
 */
const SCRIPT_BODY = `
(function(){
  document.documentElement.className+=' js';
  Array.prototype.forEach.call(document.querySelectorAll('.controls[hidden]'),function(c){c.hidden=false});
  var LIMIT=${SHOWN_ROWS}, collator=new Intl.Collator();
  function setup(tableId,filterId,onlyId,countId){
    var table=document.getElementById(tableId); if(!table) return;
    var input=document.getElementById(filterId), only=onlyId&&document.getElementById(onlyId), count=document.getElementById(countId);
    var more=document.getElementById(countId+'-all'), limit=LIMIT, old=table.tBodies[0];
    var rows=Array.prototype.slice.call(old.rows), n=rows.length;
    var text=rows.map(function(r){return r.getAttribute('data-search')||r.textContent.toLowerCase()});
    var risk=rows.map(function(r){return r.classList.contains('risk')});
    var order=rows.map(function(_,i){return i}), inDoc=[], keys=[], last=null;
    // One replacement takes every row out of the document; apply() puts back the window.
    var body=old.cloneNode(false); table.replaceChild(body,old);
    function apply(){
      var terms=input.value.toLowerCase().split(/\\s+/).filter(Boolean), risky=!!(only&&only.checked), matches=0, show=[], keep=new Uint8Array(n);
      for(var k=0;k<n;k++){
        var i=order[k], t=text[i], ok=(!risky||risk[i]);
        for(var j=0;ok&&j<terms.length;j++) if(t.indexOf(terms[j])<0) ok=false;
        if(ok){ if(!limit||matches<limit){show.push(i); keep[i]=1} matches++; }
      }
      for(var d=0;d<inDoc.length;d++) if(!keep[inDoc[d]]) body.removeChild(rows[inDoc[d]]);
      // Rows left in place are already in order unless a sort came between; each other row is inserted at its place.
      var cur=body.firstChild;
      for(var s=0;s<show.length;s++){ var r=rows[show[s]]; if(r===cur) cur=cur.nextSibling; else body.insertBefore(r,cur); }
      inDoc=show;
      var label=show.length<matches?'first '+show.length+' of '+matches+' matching rows ('+n+' in all)':matches+' of '+n+' rows';
      if(label!==last){count.textContent=label; last=label}
      if(more) more.hidden=show.length>=matches;
    }
    input.addEventListener('input',apply); if(only) only.addEventListener('change',apply);
    if(more) more.addEventListener('click',function(){limit=0; apply()});
    apply();
    // A header sorts by its column (again: reverse); ties keep the original order (the principal grouping).
    Array.prototype.forEach.call(table.querySelectorAll('th.sortable'),function(th){
      var col=th.cellIndex; th.tabIndex=0; th.setAttribute('aria-sort','none');
      function sort(){
        var dir=th.getAttribute('aria-sort')==='ascending'?-1:1;
        Array.prototype.forEach.call(table.querySelectorAll('th.sortable'),function(o){o.setAttribute('aria-sort','none')});
        th.setAttribute('aria-sort',dir===1?'ascending':'descending');
        var key=keys[col]||(keys[col]=rows.map(function(r){return r.cells[col].textContent}));
        order=rows.map(function(_,i){return i}).sort(function(a,b){return dir*collator.compare(key[a],key[b])||(a-b)});
        apply();
      }
      th.addEventListener('click',sort);
      th.addEventListener('keydown',function(ev){if(ev.key==='Enter'||ev.key===' '){ev.preventDefault();sort()}});
    });
  }
/*SETUPS*/
})();
`;

/** A table the script makes filterable and sortable: its id, the filter input's, the "only risky" box's, the count's. */
export interface ScriptTable {
  readonly table: string;
  readonly filter: string;
  readonly only?: string;
  readonly count: string;
}

/** The page's script for these tables (see above). */
export function tableScript(tables: readonly ScriptTable[]): string {
  const setups = tables.map((t) => `  setup(${JSON.stringify(t.table)},${JSON.stringify(t.filter)},${t.only ? JSON.stringify(t.only) : 'null'},${JSON.stringify(t.count)});`).join('\n');
  return SCRIPT_BODY.replace('/*SETUPS*/', setups);
}

const SCRIPT = tableScript([
  { table: 'risks', filter: 'risk-filter', count: 'risk-count' },
  { table: 'principals', filter: 'principal-filter', only: 'principal-risky', count: 'principal-count' },
  { table: 'access', filter: 'filter', only: 'only-risky', count: 'visible-count' },
]);

/** The filter box (and "only risky rows" box) above a table, hidden until the script runs; the count is `<prefix minus -filter>-count`. */
export function controls(prefix: string, placeholder: string, label: string, risky?: string, riskyLabel = 'only risky rows'): string {
  const e = escapeHtml;
  const count = `${prefix === 'filter' ? 'visible' : prefix.replace(/-filter$/, '')}-count`;
  return `<div class="controls" hidden><input id="${prefix}" type="search" placeholder="${e(placeholder)}" aria-label="${e(label)}">${risky ? `<label><input id="${risky}" type="checkbox"> ${e(riskyLabel)}</label>` : ''}<span id="${count}" class="count" aria-live="polite"></span><button type="button" id="${count}-all" hidden>show all</button></div>`;
}

export function renderReportHtml(data: ReportData): string {
  const e = escapeHtml;
  const roleAnchor = new Map(data.roles.map((r, i) => [r.id, `role-${i}`]));
  const grantItem = (g: ReportGrant) => {
    const anchor = g.role !== undefined ? roleAnchor.get(g.role) : undefined;
    return `<li>${e(g.scope)}: ${anchor ? `<a href="#${anchor}">${e(g.what)}</a>` : e(g.what)}</li>`;
  };
  const summaryRows = data.riskSummary.map((s) => `<tr><td><span class="sev-${e(s.severity)}">${e(s.severity)}</span></td><td title="${e(s.why)}">${e(s.title)} <small>(${e(s.risk)})</small><br><small>${e(s.why)}</small></td><td data-label="findings">${s.findings}</td><td data-label="holders">${s.holders}</td></tr>`).join('\n');
  const findingRows = data.riskGroups.map((g) => {
    const holders = g.holders.length > 3
      ? `<details class="holders"><summary>${g.holders.length} holders: ${e(g.holders.slice(0, 2).join(', '))}…</summary>${e(g.holders.join(', '))}</details>`
      : e(g.holders.join(', '));
    return `<tr><td><span class="sev-${e(g.severity)}">${e(g.severity)}</span></td><td>${e(g.title)}</td><td>${holders}</td><td data-label="scope">${e(g.scope)}</td><td data-label="granted by">${e(g.via)}</td></tr>`;
  }).join('\n');
  const principalRows = data.principals.map((p) => {
    return `<tr${p.risks.length ? ' class="risk"' : ''}><td>${e(p.principal)}</td><td>${e(p.kind)}</td><td>${e(p.user)}${p.groups.length ? `<br><small>${e(p.groups.join(', '))}</small>` : ''}</td><td>${p.grants.length ? `<ul class="grants">${p.grants.map(grantItem).join('')}</ul>` : '<small>only what every authenticated user has</small>'}</td><td class="r">${e(p.risks.join(', '))}</td></tr>`;
  }).join('\n');
  const roleSections = data.roles.map((r) => `<section id="${roleAnchor.get(r.id)}"><h3>${e(r.title)}</h3><ul class="rules">${r.rules.map((l) => `<li>${e(l)}</li>`).join('') || '<li>(no rules)</li>'}</ul></section>`).join('\n');
  const accessRows = data.rows.map((r, i) => {
    const groupStart = i === 0 || data.rows[i - 1].principal !== r.principal || data.rows[i - 1].kind !== r.kind;
    const search = [r.principal, r.kind, r.user, ...r.groups, r.scope, r.resource, ...r.verbs, ...r.risks].join(' ').toLowerCase();
    const verbs = data.verbs.map((v) => `<td class="v"${r.verbs.includes(v) ? ` data-label="${e(v)}"` : ''}>${r.verbs.includes(v) ? '✔' : ''}</td>`).join('');
    return `<tr class="${[r.risks.length ? 'risk' : '', groupStart ? 'group-start' : ''].filter(Boolean).join(' ')}" data-principal="${e(r.principal)}" data-search="${e(search)}"><td>${e(r.principal)}</td><td>${e(r.kind)}</td><td>${e(r.user)}${r.groups.length ? `<br><small>${e(r.groups.join(', '))}</small>` : ''}</td><td>${e(r.scope)}</td><td>${e(r.resource)}</td>${verbs}<td class="r">${e(r.risks.join(', '))}</td></tr>`;
  }).join('\n');
  const warnings = data.warnings.length ? `<h2>Warnings</h2><ul>${data.warnings.map((w) => `<li>${e(w)}</li>`).join('')}</ul>` : '';
  const sortable = (name: string) => `<th class="sortable" scope="col">${e(name)}</th>`;
  const accessSection = data.rowsOmitted
    ? `<h2>Access by resource</h2><p>Left out: more than ${ACCESS_ROW_LIMIT.toLocaleString('en')} principal × resource rows would make this page tens of MB. Each principal's grants above, with the rules of each role below, say the same; for one principal's answer per resource and verb, run <code>eks-access matrix --as-arn ARN</code>.</p>`
    : `<h2>Access by resource</h2>
${controls('filter', 'Filter: principal, group, namespace, resource, verb…', 'Filter rows', 'only-risky')}
<table id="access" class="stack"><thead><tr>${['Principal', 'Kind', 'Kubernetes user / groups', 'Scope', 'Resource'].map(sortable).join('')}${data.verbs.map((v) => `<th scope="col">${e(v)}</th>`).join('')}${sortable('Risks')}</tr></thead>
<tbody>
${accessRows}
</tbody></table>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>EKS access report</title><style>${REPORT_CSS}</style></head>
<body>
<h1>EKS access report</h1>
<p class="meta">Generated ${e(data.generatedAt)} by eks-access, offline, from: ${data.inputs.map(e).join(', ') || '(no input files)'}.
Built-in roles: ${e(data.bootstrap)}. ${data.findings.length} risk finding(s), ${data.principals.length} principal(s), ${data.rows.length} access row(s).</p>
<h2>Risks</h2>
${data.findings.length ? `<table id="risk-summary" class="stack"><thead><tr><th scope="col">Severity</th><th scope="col">Risk</th><th scope="col">Findings</th><th scope="col">Holders</th></tr></thead><tbody>\n${summaryRows}\n</tbody></table>
<h3>Findings</h3>
${controls('risk-filter', 'Filter: risk, holder, namespace, binding…', 'Filter risks')}
<table id="risks" class="stack"><thead><tr>${['Severity', 'Risk', 'Holder', 'Scope', 'Granted by'].map(sortable).join('')}</tr></thead><tbody>\n${findingRows}\n</tbody></table>` : '<p>No risky permissions found.</p>'}
${data.chains.length ? `<h2>Role assumption</h2>\n<p class="meta">Who may assume a role that is mapped into the cluster (its trust policy), with the conditions, and what the role gets: principal → role → Kubernetes user/groups → bindings and access policies.</p>\n${chainSvgs(data.chains, e)}` : ''}
<h2>Access by principal</h2>
<p class="meta">Every principal, what grants it access (each role links to its rules below) and the risks it holds.${data.everyone.length ? ' Every authenticated user also has:' : ''}</p>
${data.everyone.length ? `<ul class="grants">${data.everyone.map(grantItem).join('')}</ul>` : ''}
${controls('principal-filter', 'Filter: principal, group, namespace, role…', 'Filter principals', 'principal-risky')}
<table id="principals" class="stack"><thead><tr>${['Principal', 'Kind', 'Kubernetes user / groups', 'Granted', 'Risks'].map(sortable).join('')}</tr></thead>
<tbody>
${principalRows}
</tbody></table>
${accessSection}
<h2>Roles and access policies</h2>
${roleSections}
${warnings}
<script>${SCRIPT}</script>
</body></html>
`;
}
