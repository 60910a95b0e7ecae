/**
 * The HTML report's role-assumption pictures and its principal grouping, on the example app's own output (real
 * aws-cdk-lib synth), opened in the real Debian Chromium: one SVG per principal that may assume a mapped role
 * (`user → role [conditions] → user/groups → bindings and access policies`), rows grouped by principal, and columns
 * that sort on click. Screenshot under test-artifacts/.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Browser, chromium } from 'playwright-core';
import { buildExampleApp } from '../../examples/app/example-app';
import { EXAMPLE_ACCOUNT } from '../../examples/app/example-access';
import { runEksAccess } from './run-cli';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts');
let dir: string;
let html: string;
let browser: Browser | undefined;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install chromium`);
  dir = mkdtempSync(path.join(tmpdir(), 'report-chains-'));
  buildExampleApp(new App({ outdir: path.join(dir, 'cdk.out') })).app.synth();
  html = path.join(dir, 'report.html');
  const r = await runEksAccess('report', '--from', path.join(dir, 'cdk.out'), '--out', html);
  expect(r.code).toBe(0);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
}, 120000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

it('draws the chains per principal, groups rows by principal and sorts on a header click', async () => {
  expect(readFileSync(html, 'utf8')).not.toMatch(/https?:\/\//);
  const page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`file://${html}`);
  const user = `arn:aws:iam::${EXAMPLE_ACCOUNT}:user/eks/demo-read-only-user`;
  const figure = page.locator(`figure.chain[data-principal="${user}"]`);
  expect(await figure.count()).toBe(1);
  const texts = await figure.locator('svg text title, svg text').allTextContents();
  expect(texts.join('\n')).toContain(`arn:aws:iam::${EXAMPLE_ACCOUNT}:role/demo-read-only`);
  expect(texts.join('\n')).toContain('principal; MFA required');
  expect(texts.join('\n')).toContain('EKS access policy AmazonEKSViewPolicy (cluster)');
  // The account-wide trust of the developer role is its own picture.
  expect(await page.locator(`figure.chain[data-principal="arn:aws:iam::${EXAMPLE_ACCOUNT}:root"]`).count()).toBe(1);
  const box = await figure.locator('svg').boundingBox();
  expect(box!.width).toBeGreaterThan(600);
  // Every label ends inside its box (long ARNs are shortened from the left), and the picture has no fixed width.
  const overflows = await page.evaluate(`[...document.querySelectorAll('figure.chain svg g')].flatMap((g) => {
    const r = g.querySelector('rect').getBBox();
    return [...g.querySelectorAll('text')].map((t) => t.getBBox()).filter((b) => b.x + b.width > r.x + r.width - 2).map((b) => b.width);
  })`);
  expect(overflows).toEqual([]);
  expect(await figure.locator('svg').getAttribute('width')).toBeNull();

  // Rows grouped: principals appear in sorted runs, each run starting with a group-start row (every row: "show all").
  if (await page.locator('#visible-count-all').isVisible()) await page.click('#visible-count-all');
  const principals = await page.locator('#access tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-principal') ?? ''));
  const runs = principals.filter((p, i) => i === 0 || principals[i - 1] !== p);
  expect(runs).toEqual([...new Set(principals)]);
  expect(runs).toEqual([...runs].sort((a, b) => a.localeCompare(b)));
  expect(await page.locator('#access tbody tr.group-start').count()).toBe(runs.length);

  // Sort by resource, then back by principal (descending on the second click).
  await page.locator('#access th', { hasText: 'Principal' }).click();
  await page.locator('#access th', { hasText: 'Principal' }).click();
  const after = await page.locator('#access tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-principal') ?? ''));
  expect(after[0]).toBe(runs[runs.length - 1]);

  mkdirSync(ARTIFACTS, { recursive: true });
  await figure.screenshot({ path: path.join(ARTIFACTS, 'access-report-chain.png') });
  await page.close();
});
