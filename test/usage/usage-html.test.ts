/**
 * `eks-access usage --html FILE`: the used / unused view per principal, in the real Debian Chromium (playwright-core, as
 * test/analysis/report-at-size.test.ts): what the page shows matches the report, the principals table filters, the
 * page is readable at 390 px, and every field read from the log or the inputs is escaped.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { runEksAccess } from '../analysis/run-cli';
import { DEV, IDLE, OPS, writeFixture } from './fixture';
import { emptyStats } from '../../lib/usage/audit-log';
import { renderUsageHtml } from '../../lib/usage/usage-html';
import { UsageReport } from '../../lib/usage/usage';

const CHROMIUM = '/usr/bin/chromium';
const fx = writeFixture();
let dir: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  dir = mkdtempSync(path.join(tmpdir(), 'usage-html-'));
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('shows per principal the grants used (count, last seen), the denied requests and the unused grants, and who was never seen', async () => {
  const html = path.join(dir, 'usage.html');
  const r = await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--no-bootstrap', '--html', html, '-o', 'json');
  expect(r.code).toBe(0);
  const report = JSON.parse(r.stdout) as UsageReport;
  const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`file://${html}`);
  // The summary: one row per principal seen, in the report's order, with its numbers.
  const summary = await page.locator('#usage-principals tbody tr').evaluateAll((rows) => rows.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (c) => c.textContent)));
  expect(summary).toEqual(report.principals.map((p) => [p.principal, String(p.requests), String(p.denied), String(p.used.length), String(p.unused.length), p.lastSeen ?? '-']));
  // Per principal: its rows by status, as the report lists them.
  const dev = report.principals.findIndex((p) => p.principal === DEV);
  const rows = await page.locator(`#p-${dev} tbody tr`).evaluateAll((trs) => trs.map((tr) => Array.from((tr as unknown as { cells: ArrayLike<{ textContent: string | null }> }).cells, (c) => c.textContent)));
  expect(rows).toEqual([
    ['used', 'get', 'pods', 'team-a', '2', '2026-12-01T11:00:00.000000Z'],
    ['used', 'get', 'pods/log', 'team-a', '1', '2026-12-01T10:00:00.000000Z'],
    ['used', 'list', 'pods', 'team-a', '1', '2026-12-01T10:00:00.000000Z'],
    ['DENIED', 'delete', 'pods', 'team-a', '1', '2026-12-01T10:00:00.000000Z'],
    ['DENIED', 'get', 'secrets', 'team-a', '1', '2026-12-01T10:00:00.000000Z'],
    ['unused', 'watch', 'pods', 'team-a', '0', '-'],
    ['unused', 'list, watch', 'pods/log', 'team-a', '0', '-'],
  ]);
  const ops = report.principals.findIndex((p) => p.principal === OPS);
  expect(await page.locator(`#p-${ops} tbody tr.unused td`).allTextContents()).toEqual(['unused', 'get', 'secrets', '(all namespaces / cluster)', '0', '-']);
  expect(await page.locator('h2:has-text("Never seen") + ul li').allTextContents()).toEqual([IDLE]);
  // The summary links to each principal's section.
  await page.locator('#usage-principals a', { hasText: DEV }).click();
  expect(new URL(page.url()).hash).toBe(`#p-${dev}`);
  // Filterable, and "only principals with denied requests" keeps those.
  await page.fill('#usage-filter', 'role/ops');
  expect(await page.locator('#usage-principals tbody tr:visible td:first-child').allTextContents()).toEqual([OPS]);
  await page.fill('#usage-filter', '');
  await page.check('#usage-denied');
  expect(await page.locator('#usage-principals tbody tr:visible td:first-child').allTextContents()).toEqual([DEV]);
  await page.close();
});

it('stays inside 390 px, with each stacked cell labelled', async () => {
  const html = path.join(dir, 'narrow.html');
  expect((await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--no-bootstrap', '--html', html)).code).toBe(0);
  const page = await browser!.newPage({ viewport: { width: 390, height: 800 } });
  await page.goto(`file://${html}`);
  expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
  // Fonts differ by machine: wider glyphs must still fit (as the report's test does).
  await page.addStyleTag({ content: '* { font-size: 110% !important; letter-spacing: .5px !important }' });
  expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
  const label = await page.locator('table.usage tbody td[data-label="last seen"]').first().evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown, p: string): { content: string } }).getComputedStyle(el, '::before').content);
  expect(label).toMatch(/last seen/);
  await page.close();
});

it('escapes every field: principals, users, mappings, rows, never seen, sources, window, inputs', async () => {
  const evil = '"><img src=x onerror=alert(1)><script>alert(2)</script>';
  const row = { verb: `get${evil}`, apiGroup: `g${evil}`, resource: `pods${evil}`, subresource: `log${evil}`, namespace: `ns${evil}`, count: 1, lastSeen: `t${evil}` };
  const stats = emptyStats();
  stats.files.push(`file${evil}`);
  stats.logGroups.push({ logGroup: `group${evil}`, logStreamPrefix: `prefix${evil}`, startTime: `s${evil}`, endTime: `e${evil}`, events: 1, pages: 1 });
  stats.malformed[`reason${evil}`] = 1;
  const report: UsageReport = {
    read: stats,
    window: { first: `first${evil}`, last: `last${evil}` },
    principals: [{
      principal: `arn${evil}`, attribution: 'username', attributionNote: `note${evil}`, byArn: 0, byUsername: 1, kubernetesUser: `user${evil}`, mappedBy: `mapped${evil}`,
      requests: 2, denied: 1, lastSeen: `last${evil}`, used: [row], deniedRequests: [{ ...row, nonResource: true, resource: `/url${evil}` }],
      unused: [{ namespace: `ns${evil}`, apiGroup: `g${evil}`, resource: `r${evil}`, verbs: [`v${evil}`] }], droppedRows: 0,
    }],
    neverSeen: [`never${evil}`],
    droppedRequests: 0,
  };
  const html = renderUsageHtml(report, { inputs: [`input${evil}`], generatedAt: `at${evil}` });
  expect(html).not.toMatch(/<img|<script>alert/i);
  expect(html.match(/<script>/g)).toHaveLength(1);
  expect(html.split('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;').length - 1).toBeGreaterThanOrEqual(20);
  // And in the browser: no element came from the input, no script of it ran.
  const file = path.join(dir, 'evil.html');
  writeFileSync(file, html);
  const page = await browser!.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.goto(`file://${file}`);
  expect(await page.locator('img').count()).toBe(0);
  expect(await page.locator('script').count()).toBe(1);
  expect(dialogs).toEqual([]);
  expect(await page.locator('h3').first().textContent()).toBe(`arn${evil}`);
  await page.close();
  expect(readFileSync(file, 'utf8')).toBe(html);
});
