/**
 * Issue 26, the fleet commands offline: a real two-cluster, two-account cloud assembly (aws-cdk-lib synth of
 * test/helpers/fleet-app.ts) placed cluster by cluster (`diff --fleet`'s rule: ClusterName and the stack's
 * environment), and `diff --fleet`, `who-can --fleet` and `report --fleet` over a fleet snapshot folder. The folder is
 * written here from the code's own resources (what a clean cluster holds), in the format `snapshot --fleet` writes
 * (its reader checks it); the e2e test (test/e2e/fleet.test.ts) takes it from two real apiservers instead.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { stringify } from 'yaml';
import { runCli } from '../../bin/cli-main';
import { isAwsAuthConfigMap } from '../../authenticator/mapper/aws-auth';
import { AccessSources, loadSources } from '../../lib/analysis/inputs/load-sources';
import { FLEET_SNAPSHOT_KIND, FleetClusterSnapshot } from '../../lib/analysis/inputs/fleet-snapshot-format';
import { SNAPSHOT_API_VERSION, SNAPSHOT_KIND } from '../../lib/analysis/inputs/snapshot-format';
import { desiredForCluster, isForCluster } from '../../lib/live/fleet/fleet-diff';
import { FleetCluster, parseFleet } from '../../lib/live/fleet/fleet-file';
import { captureCli } from '../helpers/cli-output';
import { ACCOUNT_A, ACCOUNT_B, HUB_USER, SPOKE_ROLE, synthFleetApp, synthFleetAppInStages } from '../helpers/fleet-app';

const cli = (...argv: string[]) => captureCli(runCli, argv);
let dir: string;
let cdkOut: string;
let fleetFile: string;
let desired: AccessSources;
const FLEET = `clusters:
  - name: alpha
    account: "${ACCOUNT_A}"
    region: eu-west-1
    labels: { env: prod }
  - name: beta
    account: "${ACCOUNT_B}"
    region: us-east-1
    labels: { env: dev }
`;
const cluster = (name: string): FleetCluster => parseFleet(FLEET, '/f.yaml').clusters.find((c) => c.name === name)!;
const HOSTILE = '<img src=x onerror=alert(1)>\u001b[2J';

/** A cluster's snapshot folder holding exactly the code's resources for it (plus `extra` RBAC objects). */
function writeClusterSnapshot(root: string, c: FleetCluster, mode: string, extra: object[] = [], iamRoles: object[] = []): FleetClusterSnapshot {
  const mine = desiredForCluster(desired, c);
  const folder = join(root, c.name);
  mkdirSync(join(folder, 'kubernetes'), { recursive: true });
  const accessEntries = mine.accessEntries.map(({ origin: _o, clusterName: _c, stackEnvironment: _s, ...e }) => e);
  writeFileSync(join(folder, 'cluster.json'), JSON.stringify({
    apiVersion: SNAPSHOT_API_VERSION, kind: SNAPSHOT_KIND, cluster: { name: c.clusterName, region: c.region, authenticationMode: mode },
    takenAt: '2026-01-01T00:00:00Z', accessEntries, iamRoles, problems: [],
  }));
  const objects = mine.objects.map((o) => o.object);
  const awsAuth = objects.find((o) => isAwsAuthConfigMap(o));
  if (awsAuth) writeFileSync(join(folder, 'kubernetes', 'aws-auth.yaml'), stringify(awsAuth));
  const rbac = [...objects.filter((o) => String(o.apiVersion).startsWith('rbac.authorization.k8s.io/')), ...extra];
  writeFileSync(join(folder, 'kubernetes', 'rbac.yaml'), stringify({ apiVersion: 'v1', kind: 'List', items: rbac }));
  return {
    name: c.name, clusterName: c.clusterName, account: c.account, region: c.region, labels: c.labels, status: 'complete', problems: [], warnings: [],
    accessEntries: accessEntries.length, rbacObjects: rbac.length, iamRoles: iamRoles.length,
  };
}

function writeFleetSnapshot(root: string, clusters: FleetClusterSnapshot[]): void {
  writeFileSync(join(root, 'fleet.json'), JSON.stringify({ kind: FLEET_SNAPSHOT_KIND, fleetFile: fleetFile, takenAt: '2026-01-01T00:00:00Z', clusters }));
}

const spokeTrust = { arn: SPOKE_ROLE, trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: HUB_USER }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }] } };
const hostileBinding = {
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'hand-made' },
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
  subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: HOSTILE }],
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-cli-'));
  cdkOut = join(dir, 'cdk.out');
  synthFleetApp(cdkOut);
  fleetFile = join(dir, 'fleet.yaml');
  writeFileSync(fleetFile, FLEET);
  desired = await loadSources([cdkOut]);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('placing the code on clusters', () => {
  it('each cluster gets its own stack\'s access entries and manifests, never the other\'s', () => {
    const alpha = desiredForCluster(desired, cluster('alpha'));
    const beta = desiredForCluster(desired, cluster('beta'));
    expect(alpha.accessEntries).toEqual([]);
    expect(alpha.objects.some((o) => isAwsAuthConfigMap(o.object))).toBe(true);
    expect(alpha.objects.every((o) => o.origin?.includes('AlphaAccess'))).toBe(true);
    expect(beta.accessEntries.map((e) => e.principalArn).sort()).toEqual([`arn:aws:iam::${ACCOUNT_B}:role/dev`, SPOKE_ROLE]);
    expect(beta.objects.length).toBeGreaterThan(0);
    expect(beta.objects.every((o) => o.origin?.includes('BetaAccess'))).toBe(true);
    // Every resource of the code named its cluster (the Ref to the cluster resolved to its name).
    expect([...desired.accessEntries, ...desired.objects].filter((r) => r.clusterName === undefined)).toEqual([]);
  });

  it('stacks in Stages (nested cloud assemblies, as CDK Pipelines deploys them) are placed by their stage\'s environment too', async () => {
    const staged = join(dir, 'cdk.out.stages');
    synthFleetAppInStages(staged);
    const sources = await loadSources([staged]);
    expect(sources.accessEntries.length).toBe(2);
    expect(sources.accessEntries.every((e) => e.stackEnvironment?.account === ACCOUNT_B && e.stackEnvironment.region === 'us-east-1')).toBe(true);
    const alpha = desiredForCluster(sources, cluster('alpha'));
    expect(alpha.objects.some((o) => isAwsAuthConfigMap(o.object))).toBe(true);
    expect(alpha.objects.every((o) => o.origin?.includes('assembly-Prod') && o.stackEnvironment?.account === ACCOUNT_A)).toBe(true);
    // The same name in account A is not beta: the nested manifest's environment decides.
    expect(desiredForCluster(sources, { ...cluster('beta'), account: ACCOUNT_A }).accessEntries).toEqual([]);
  }, 60_000);

  it('a cluster of the same name in another account or region is another cluster', () => {
    const entry = desired.accessEntries[0];
    expect(isForCluster(entry, cluster('beta'))).toBe(true);
    expect(isForCluster(entry, { ...cluster('beta'), account: ACCOUNT_A })).toBe(false);
    expect(isForCluster(entry, { ...cluster('beta'), region: 'eu-west-1' })).toBe(false);
    expect(isForCluster({}, cluster('alpha'))).toBe(true); // a manifest file names no cluster: every cluster's
  });
});

describe('diff --fleet', () => {
  it('exit 0 when every cluster holds its code; 1 with a per-cluster table when one drifted; 2 when one cannot be told', async () => {
    const snap = join(dir, 'snap-diff');
    const clean = [writeClusterSnapshot(snap, cluster('alpha'), 'CONFIG_MAP'), writeClusterSnapshot(snap, cluster('beta'), 'API')];
    writeFleetSnapshot(snap, clean);
    const ok = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', snap);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(/^CLUSTER +ACCOUNT +REGION +STATUS +DRIFTED ITEMS\nalpha +111111111111 +eu-west-1 +clean +0\nbeta +222222222222 +us-east-1 +clean +0\n$/);
    expect(ok.code).toBe(0);

    writeClusterSnapshot(snap, cluster('beta'), 'API', [hostileBinding]);
    const drift = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', snap);
    expect(drift.code).toBe(1);
    expect(drift.stdout).toMatch(/alpha +111111111111 +eu-west-1 +clean +0\nbeta +222222222222 +us-east-1 +drift +1\n/);
    expect(drift.stdout).toContain('\nbeta:\n');
    expect(drift.stdout).toContain('ClusterRoleBinding hand-made');
    expect(drift.stdout).not.toContain('\u001b'); // the hostile subject is escaped for the terminal
    const json = JSON.parse((await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', snap, '-o', 'json')).stdout);
    expect(json.clusters.map((c: { name: string; status: string }) => [c.name, c.status])).toEqual([['alpha', 'clean'], ['beta', 'drift']]);
    expect(json.clusters[1].items).toEqual([expect.objectContaining({ area: 'rbac', key: 'ClusterRoleBinding hand-made', change: 'added' })]);

    rmSync(join(snap, 'alpha', 'cluster.json'));
    const unknown = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', snap);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toMatch(/alpha +111111111111 +eu-west-1 +cannot-tell +-\n/);
    expect(unknown.stderr).toContain('alpha: cannot tell:');
  });

  it('a snapshot folder of another cluster does not pass for this one', async () => {
    const snap = join(dir, 'snap-swapped');
    writeFleetSnapshot(snap, [writeClusterSnapshot(snap, cluster('alpha'), 'CONFIG_MAP'), writeClusterSnapshot(snap, { ...cluster('beta'), clusterName: 'gamma' }, 'API')]);
    const r = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', snap);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('holds a snapshot of cluster "gamma", not beta');
  });

  it('names code for clusters outside the fleet instead of dropping it', async () => {
    const onlyAlpha = join(dir, 'alpha-only.yaml');
    writeFileSync(onlyAlpha, FLEET.split('  - name: beta')[0]);
    const snap = join(dir, 'snap-alpha');
    writeFleetSnapshot(snap, [writeClusterSnapshot(snap, cluster('alpha'), 'CONFIG_MAP')]);
    const r = await cli('diff', '--fleet', onlyAlpha, '--desired', cdkOut, '--live', snap);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/resource\(s\) of the code are for cluster beta \(222222222222\/us-east-1\), which is not in the fleet file/);
  });

  it('snapshot refuses the single-cluster flags with --fleet and a bad --fleet-concurrency (exit 2, nothing read)', async () => {
    const out = join(dir, 'never');
    for (const [argv, message] of [
      [['--fleet', fleetFile, '--region', 'eu-west-1'], "--region goes with --cluster; with --fleet each cluster's region is in the fleet file"],
      [['--fleet', fleetFile, '--cluster', 'x'], 'give exactly one of --cluster NAME or --fleet FILE'],
      [['--cluster', 'x', '--fleet-concurrency', '2'], '--fleet-concurrency goes with --fleet'],
      [['--fleet', fleetFile, '--fleet-concurrency', '0'], "--fleet-concurrency: '0' is not a whole number ≥ 1"],
    ] as const) {
      const r = await cli('snapshot', ...argv, '--out', out);
      expect({ code: r.code, stderr: r.stderr.split('\n')[0] }).toEqual({ code: 2, stderr: `eks-access snapshot: ${message}` });
    }
    expect(existsSync(out)).toBe(false);
  });

  it('refuses flags of the single-cluster form with --fleet, and a bad fleet file with its rule id', async () => {
    expect((await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--cluster', 'x')).stderr).toContain('--cluster goes without --fleet');
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'clusters:\n  - name: ../x\n    account: "111111111111"\n    region: eu-west-1\n');
    const r = await cli('diff', '--fleet', bad, '--desired', cdkOut, '--live', dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('[eks-access:fleet-cluster-name]');
  });
});

describe('who-can --fleet and report --fleet', () => {
  let snap: string;
  beforeAll(() => {
    snap = join(dir, 'snap-analysis');
    writeFleetSnapshot(snap, [
      { ...writeClusterSnapshot(snap, cluster('alpha'), 'CONFIG_MAP', [hostileBinding]), labels: { env: 'prod' } },
      writeClusterSnapshot(snap, cluster('beta'), 'API', [], [spokeTrust]),
    ]);
  });

  it('who-can lists per cluster who may, and the hub principal through the spoke role', async () => {
    const r = await cli('who-can', 'delete', 'pods', '-n', 'team-a', '--fleet', snap, '-o', 'json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { clusters: Array<{ name: string; iamPrincipals: Array<{ principal: { arn?: string; display?: string } }>; hubPrincipals: Array<Record<string, unknown>> }> };
    expect(out.clusters.map((c) => c.name)).toEqual(['alpha', 'beta']);
    const arns = (c: number) => out.clusters[c].iamPrincipals.map((p) => JSON.stringify(p.principal));
    expect(arns(0).some((p) => p.includes(`arn:aws:iam::${ACCOUNT_A}:role/ops`))).toBe(true);
    expect(arns(1).some((p) => p.includes(SPOKE_ROLE))).toBe(true);
    expect(arns(1).some((p) => p.includes(`arn:aws:iam::${ACCOUNT_B}:role/dev`))).toBe(true);
    expect(out.clusters[0].hubPrincipals).toEqual([]);
    expect(out.clusters[1].hubPrincipals).toEqual([expect.objectContaining({ principalArn: HUB_USER, account: ACCOUNT_A, spokeRoleArn: SPOKE_ROLE, conditions: ['MFA required'] })]);

    const text = await cli('who-can', 'delete', 'pods', '-n', 'team-a', '--fleet', snap);
    expect(text.stdout).toMatch(/CLUSTER beta \(222222222222 us-east-1\)[\s\S]*HUB PRINCIPALS[\s\S]*arn:aws:iam::111111111111:user\/hub-admin +111111111111 +arn:aws:iam::222222222222:role\/eks-spoke-admin +MFA required/);
    expect(text.stdout).not.toContain('\u001b');
  });

  it('report writes the principal × cluster page and one page per cluster, everything escaped', async () => {
    const out = join(dir, 'fleet-report.html');
    const r = await cli('report', '--fleet', snap, '--out', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/wrote .*fleet-report\.html: \d+ principals × 2 clusters, and 2 cluster page\(s\) beside it/);
    const page = readFileSync(out, 'utf8');
    expect(page).toContain('<a href="fleet-report.alpha.html">alpha</a>');
    expect(page).toContain('<a href="fleet-report.beta.html">beta</a>');
    // The hub user: nothing in alpha, the spoke role's cluster-wide write (critical: cluster admin) in beta.
    const hubRow = page.split('\n').find((l) => l.includes(`<th scope="row">${HUB_USER}`))!;
    expect(hubRow).toContain('<td class="lv-none">-</td>');
    expect(hubRow).toMatch(/<td class="lv-write"[^>]*><a href="fleet-report\.beta\.html">write cluster-wide<\/a> <span class="sev-critical"/);
    expect(hubRow).toContain(`via role ${SPOKE_ROLE}`);
    // The auditor (view) reads; the dev role writes in one namespace of beta only (what everyone has is not counted).
    expect(page).toMatch(/user\/auditor<br><small>IAM principal<\/small><\/th><td class="lv-read"[^>]*><a [^>]*>read cluster-wide<\/a><\/td>/);
    // The dev role: write in one namespace of beta only.
    expect(page).toMatch(/role\/dev<br><small>IAM principal<\/small><\/th><td class="lv-none">-<\/td><td class="lv-write"[^>]*><a [^>]*>write 1 namespace\(s\)<\/a>/);
    // The hostile subject is text, never markup, on the fleet page and on the cluster page.
    for (const html of [page, readFileSync(join(dir, 'fleet-report.alpha.html'), 'utf8')]) {
      expect(html).not.toContain('<img');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
    const json = JSON.parse((await cli('report', '--fleet', snap, '-o', 'json')).stdout);
    expect(json.clusters.map((c: { name: string; labels: object }) => [c.name, c.labels])).toEqual([['alpha', { env: 'prod' }], ['beta', { env: 'dev' }]]);
  });

  it('in a real browser (headless Chromium) at 390 px: the page does not overflow, the table scrolls in its box, a cell opens the cluster page, no markup from input', async () => {
    const out = join(dir, 'fleet-report.html');
    expect((await cli('report', '--fleet', snap, '--out', out)).code).toBe(0);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
      await page.goto(`file://${out}`);
      expect(await page.locator('h1').innerText()).toBe('EKS fleet access report');
      expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);
      expect(await page.evaluate("(() => { const d = document.querySelector('div.wide'); return d.scrollWidth > d.clientWidth; })()")).toBe(true);
      expect(await page.locator('img').count()).toBe(0);
      await page.locator('#fleet tbody tr', { hasText: HUB_USER }).locator('a').click();
      await page.waitForURL(/fleet-report\.beta\.html$/);
      expect(await page.locator('h1').innerText()).toBe('EKS access report');
      expect(await page.locator('img').count()).toBe(0);
    } finally {
      await browser.close();
    }
  });

  it('a fleet.json naming a folder outside DIR is refused with its rule id', async () => {
    const bad = join(dir, 'snap-bad');
    mkdirSync(bad);
    writeFileSync(join(bad, 'fleet.json'), JSON.stringify({ kind: FLEET_SNAPSHOT_KIND, fleetFile: 'x', takenAt: 'x', clusters: [{ name: '../snap-analysis/alpha', clusterName: 'a', account: ACCOUNT_A, region: 'eu-west-1', labels: {}, status: 'complete', problems: [], warnings: [], accessEntries: 0, rbacObjects: 0, iamRoles: 0 }] }));
    const r = await cli('report', '--fleet', bad, '--out', join(dir, 'x.html'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('clusters[0].name must be an EKS cluster name');
    expect(r.stderr).toContain('[eks-access:fleet-snapshot-format]');
    expect((await cli('who-can', 'get', 'pods', '--fleet', bad, '--from', cdkOut)).stderr).toContain('give --from PATH or --fleet DIR, not both');
  });
});
