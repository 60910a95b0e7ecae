/**
 * The report at real size (issue 24): a seeded large-cluster fixture (bench/analysis/large-cluster.ts, a reduced size
 * here; the full one is `npm run bench:analysis`), the report's data at that size (no per-resource rows past the
 * limit, progress reported), and the page in the real Debian Chromium: usable without JavaScript (no controls that do
 * nothing, no sort arrows), every table filterable, headers keyboard-sortable with aria-sort, readable at 390 px.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { runEksAccess } from './run-cli';
import { CLI } from '../../harness/eks-access-process';
import { generateLargeCluster } from '../../bench/analysis/large-cluster';
import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { IamPrincipalResolver } from '../../lib/analysis/iam-principals';
import { AnalysisProgress } from '../../lib/analysis/progress';
import { ACCESS_ROW_LIMIT, buildReportData } from '../../lib/analysis/report/report-data';
import { SHOWN_ROWS } from '../../lib/analysis/report/report-html';

const CHROMIUM = '/usr/bin/chromium';
const WALKTHROUGH = path.join(__dirname, 'fixtures', 'walkthrough');
let dir: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  dir = mkdtempSync(path.join(tmpdir(), 'report-at-size-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

const readAll = (d: string): string => readdirSync(d, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile()).map((e) => readFileSync(path.join(e.parentPath, e.name), 'utf8')).join('\n');

it('generates the same cluster for the same seed, another for another seed', () => {
  const size = { principals: 200, namespaces: 8, rbacObjects: 500 };
  const a = generateLargeCluster(path.join(dir, 'a'), { ...size, seed: 7 });
  generateLargeCluster(path.join(dir, 'b'), { ...size, seed: 7 });
  generateLargeCluster(path.join(dir, 'c'), { ...size, seed: 8 });
  expect(readAll(path.join(dir, 'a'))).toBe(readAll(path.join(dir, 'b')));
  expect(readAll(path.join(dir, 'a'))).not.toBe(readAll(path.join(dir, 'c')));
  expect(a.accessEntries + a.awsAuthRows + a.identityMappings).toBe(200);
  expect(a.rbacObjects).toBe(500);
});

it('lists every principal with its grants, leaves the per-resource rows out past the limit, and reports progress', async () => {
  const fixture = generateLargeCluster(path.join(dir, 'mid'), { principals: 600, namespaces: 20, rbacObjects: 500, seed: 3 });
  const analysis = await AccessAnalysis.load([fixture.dir]);
  const resolver = new IamPrincipalResolver(analysis.accessEntries, analysis.sources.objects);
  const events: AnalysisProgress[] = [];
  const data = await buildReportData(analysis, resolver, new Date(0), (e) => events.push(e));
  expect(data.rowsOmitted).toBe(true);
  expect(data.rows).toEqual([]);
  // Every mapped IAM principal of the fixture is a line (node entries are not RBAC principals).
  const iam = data.principals.filter((p) => p.kind === 'IAM principal');
  expect(iam.length).toBe(resolver.knownPrincipalArns().length);
  expect(data.roles.length).toBeGreaterThan(10);
  // Both long phases report, each counting up to its total.
  expect(events.some((e) => e.phase === 'risks of each principal' && e.total === data.principals.length)).toBe(true);
  const last = events[events.length - 1];
  expect(last.done).toBe(last.total);
  expect(last.total).toBe(data.principals.length);
  // The summary counts agree with the findings; grouping loses no finding.
  expect(data.riskSummary.reduce((n, s) => n + s.findings, 0)).toBe(data.findings.length);
  expect(data.riskGroups.reduce((n, g) => n + g.holders.length, 0)).toBe(data.findings.length);
  expect(ACCESS_ROW_LIMIT).toBeLessThan(100_000);
}, 120_000);

it('is a plain, complete page without JavaScript: no controls, no sort arrows, SVGs without a fixed width', async () => {
  const html = path.join(dir, 'walkthrough.html');
  expect((await runEksAccess('report', '--from', WALKTHROUGH, '--out', html)).code).toBe(0);
  expect(readFileSync(html, 'utf8')).not.toMatch(/<svg[^>]* width="\d+"/);
  const context = await browser!.newContext({ javaScriptEnabled: false, viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto(`file://${html}`);
  expect(await page.locator('input:visible').count()).toBe(0);
  const arrows = await page.locator('th.sortable').evaluateAll((ths) => ths.map((th) => (globalThis as unknown as { getComputedStyle(e: unknown, p: string): { content: string } }).getComputedStyle(th, '::after').content));
  expect(arrows.length).toBeGreaterThan(0);
  expect(arrows.every((c) => c === 'none' || c === 'normal')).toBe(true);
  expect(await page.locator('#principals tbody tr').count()).toBeGreaterThan(3);
  // Risks summarised by rule before the list.
  const order = await page.evaluate('[document.getElementById("risk-summary").compareDocumentPosition(document.getElementById("risks"))]');
  expect((order as number[])[0] & 4).toBe(4);
  await context.close();
});

it('filters every table, sorts from the keyboard with aria-sort, and stays inside 390 px', async () => {
  const html = path.join(dir, 'walkthrough.html');
  const page = await browser!.newPage({ viewport: { width: 1440, height: 800 } });
  await page.goto(`file://${html}`);
  const th = page.locator('#principals th.sortable').first();
  expect(await th.getAttribute('tabindex')).toBe('0');
  expect(await th.getAttribute('aria-sort')).toBe('none');
  await th.focus();
  await page.keyboard.press('Enter');
  expect(await th.getAttribute('aria-sort')).toBe('ascending');
  await page.keyboard.press(' ');
  expect(await th.getAttribute('aria-sort')).toBe('descending');
  const first = await page.locator('#principals tbody tr').first().locator('td').first().innerText();
  const all = await page.locator('#principals tbody tr td:first-child').allInnerTexts();
  expect(first).toBe([...all].sort((a, b) => b.localeCompare(a))[0]);

  const risks = await page.locator('#risks tbody tr').count();
  await page.fill('#risk-filter', 'system:masters');
  const shown = await page.locator('#risks tbody tr:visible').count();
  expect(shown).toBeGreaterThan(0);
  expect(shown).toBeLessThan(risks);
  await page.fill('#principal-filter', 'alice');
  expect(await page.locator('#principals tbody tr:visible').count()).toBe(1);

  // On a phone the tables stack (headers hidden), long names wrap and the pictures shrink: nothing wider than the screen.
  await page.setViewportSize({ width: 390, height: 800 });
  await page.fill('#principal-filter', '');
  expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
  // Font metrics differ by machine (a clean CI host had other fonts and overflowed by 19 px): wider glyphs must still fit.
  await page.addStyleTag({ content: '* { font-size: 110% !important; letter-spacing: .5px !important }' });
  expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
  // Stacked cells whose meaning came from the hidden header say it themselves.
  const label = (sel: string) => page.locator(sel).first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown, p: string): { content: string } }).getComputedStyle(el, '::before').content);
  expect(await label('#risk-summary tbody td[data-label]')).toMatch(/findings/);
  await page.close();
});

it('at size, an interaction touches only the rows that appear or disappear; sort order holds through later filters', async () => {
  const fixture = generateLargeCluster(path.join(dir, 'page'), { principals: 600, namespaces: 20, rbacObjects: 500, seed: 3 });
  const html = path.join(dir, 'page.html');
  expect((await runEksAccess('report', '--from', fixture.dir, '--out', html)).code).toBe(0);
  // Without JavaScript every row is in the page.
  const table = /<table id="principals"[\s\S]*?<\/table>/.exec(readFileSync(html, 'utf8'))![0];
  const total = (table.match(/<tr[ >]/g) ?? []).length - 1;
  expect(total).toBeGreaterThan(SHOWN_ROWS);
  // With it, the first SHOWN_ROWS are in the document and the count says so.
  const page = await browser!.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`file://${html}`);
  expect(await page.locator('#principals tbody tr').count()).toBe(SHOWN_ROWS);
  expect(await page.locator('#principal-count').innerText()).toBe(`first ${SHOWN_ROWS} of ${total} matching rows (${total} in all)`);
  // Records the DOM changes of one interaction and which rows were shown before and after it.
  const interact = async (action: string) => page.evaluate(`(async () => {
    const body = document.querySelector('#principals tbody'), before = new Set(body.rows);
    let nodes = 0;
    const mo = new MutationObserver((ms) => ms.forEach((m) => { nodes += m.addedNodes.length + m.removedNodes.length; }));
    mo.observe(body, { childList: true });
    ${action};
    await new Promise((r) => setTimeout(r, 0));
    mo.disconnect();
    const after = new Set(body.rows);
    const changed = [...before].filter((r) => !after.has(r)).length + [...after].filter((r) => !before.has(r)).length;
    return { nodes, changed, shown: Array.from(body.rows).map((r) => r.cells[0].textContent) };
  })()`) as Promise<{ nodes: number; changed: number; shown: string[] }>;
  const filter = (term: string) => `var i=document.getElementById('principal-filter');i.value=${JSON.stringify(term)};i.dispatchEvent(new Event('input'))`;
  // A filter moves no row: it removes the rows that no longer match and inserts those that now do, so the rows laid
  // out again are at most the window, whatever the table's size (a keystroke that keeps the shown rows costs nothing).
  for (const term of ['t', 'te', 'ae-01', 'ae-012', '']) {
    const r = await interact(filter(term));
    expect(r.nodes).toBe(r.changed);
    expect(r.shown.length).toBeLessThanOrEqual(SHOWN_ROWS);
  }
  expect((await interact(filter('t'))).nodes).toBe(0); // '' → 't': every principal ARN has a t, the same rows stay
  // A sort shows the first rows of the new order; a later filter keeps that order.
  const collator = new Intl.Collator();
  const sorted = await interact("document.querySelectorAll('#principals th.sortable')[0].click()");
  expect(sorted.shown).toHaveLength(SHOWN_ROWS);
  expect(sorted.shown).toEqual([...sorted.shown].sort(collator.compare));
  expect(sorted.nodes).toBeLessThanOrEqual(2 * SHOWN_ROWS);
  const desc = await interact("document.querySelectorAll('#principals th.sortable')[0].click()");
  expect(desc.shown).toEqual([...desc.shown].sort(collator.compare).reverse());
  const narrowed = await interact(filter('ae-01'));
  expect(narrowed.nodes).toBe(narrowed.changed);
  expect(narrowed.shown.length).toBeGreaterThan(1);
  expect(narrowed.shown).toEqual([...narrowed.shown].sort(collator.compare).reverse());
  expect(narrowed.shown.every((t) => t.toLowerCase().includes('ae-01'))).toBe(true);
  // "show all" puts every match back.
  await interact(filter(''));
  await page.click('#principal-count-all');
  expect(await page.locator('#principals tbody tr').count()).toBe(total);
  expect(await page.locator('#principal-count-all').isHidden()).toBe(true);
  await page.close();
}, 180_000);

it('escapes every field of the new page parts: grants, role titles and rules, risk groups and holders', async () => {
  const evil = '"><img src=x onerror=alert(1)><script>alert(2)</script>\u202e\u0007';
  const rbac = 'rbac.authorization.k8s.io';
  const objects = [
    { apiVersion: `${rbac}/v1`, kind: 'ClusterRole', metadata: { name: `role${evil}` }, rules: [{ apiGroups: [''], resources: [`secrets${evil}`, 'secrets'], verbs: ['get'] }] },
    { apiVersion: `${rbac}/v1`, kind: 'ClusterRoleBinding', metadata: { name: `binding${evil}` }, roleRef: { apiGroup: rbac, kind: 'ClusterRole', name: `role${evil}` }, subjects: [{ apiGroup: rbac, kind: 'Group', name: `group${evil}` }, { apiGroup: rbac, kind: 'User', name: `user${evil}` }] },
  ].map((object) => ({ object, origin: `file${evil}.yaml` }));
  const analysis = new AccessAnalysis({ objects, accessEntries: [], warnings: [`warning${evil}`], files: [`file${evil}.yaml`] });
  const resolver = new IamPrincipalResolver([], objects);
  const data = await buildReportData(analysis, resolver, new Date(0));
  expect(data.principals.length).toBeGreaterThan(0);
  expect(data.riskGroups.length).toBeGreaterThan(0);
  const { renderReportHtml } = await import('../../lib/analysis/report/report-html');
  const html = renderReportHtml(data);
  expect(html).not.toMatch(/<img|<script>alert/i);
  expect(html.match(/<script>/g)).toHaveLength(1);
  expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  // A bidi override or a control character in a name is shown, never applied (lib/model/unsafe-text.ts).
  expect([html.includes('\u202e'), html.includes('\u0007')]).toEqual([false, false]);
  expect(html).toContain('&lt;/script&gt;\\u202e\\x07');
});

it('draws progress on stderr only when it is a terminal (a real pty through script(1)), never in a pipe', () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  const fixture = generateLargeCluster(path.join(dir, 'tty'), { principals: 300, namespaces: 10, rbacObjects: 500, seed: 5 });
  const out = path.join(dir, 'tty.html');
  const command = `"${process.execPath}" "${CLI}" report --from "${fixture.dir}" --out "${out}"`;
  // script gives the command a terminal on stdin/stdout/stderr and copies what it wrote to our stdout.
  const tty = spawnSync('script', ['-qec', command, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
  expect(tty.status).toBe(0);
  expect(tty.stdout).toContain('\r\u001b[2K');
  expect(tty.stdout).toMatch(/(risks|access) of each principal \d+\/\d+/);
  const piped = spawnSync(process.execPath, [CLI, 'report', '--from', fixture.dir, '--out', out], { encoding: 'utf8', timeout: 120_000 });
  expect(piped.status).toBe(0);
  expect(piped.stderr).not.toMatch(/each principal/);
}, 240_000);

it('import draws progress on a terminal (a real pty through script(1)), never in a pipe', () => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first (npm test does)`);
  const fixture = generateLargeCluster(path.join(dir, 'import'), { principals: 300, namespaces: 10, rbacObjects: 200, seed: 6 });
  const out = path.join(dir, 'imported.ts');
  const tty = spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" import --from "${fixture.dir}" --out "${out}"`, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
  expect(tty.status).toBe(0);
  expect(tty.stdout).toMatch(/import: reading the snapshot 1\/3/);
  expect(tty.stdout).toMatch(/import: generating code 2\/3/);
  expect(tty.stdout).toContain('\r\u001b[2K');
  expect(readFileSync(out, 'utf8')).toContain('AwsAuthConfigMap');
  const piped = spawnSync(process.execPath, [CLI, 'import', '--from', fixture.dir, '--out', out], { encoding: 'utf8', timeout: 120_000 });
  expect(piped.status).toBe(0);
  expect(piped.stderr).not.toMatch(/import: /);
  const json = spawnSync('script', ['-qec', `"${process.execPath}" "${CLI}" import --from "${fixture.dir}" --out "${out}" -o json`, '/dev/null'], { encoding: 'utf8', timeout: 120_000 });
  expect(json.status).toBe(0);
  expect(json.stdout).not.toMatch(/import: /);
}, 240_000);
