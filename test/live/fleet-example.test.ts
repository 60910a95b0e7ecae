/**
 * Issue 26, where the CDK side meets the CLI side: what `AccessFleet` synthesizes for the example fleet
 * (examples/fleet: dev and staging in one account, prod in another, every stack inside a `Stage`, so the templates are
 * in nested assemblies, and the access entries name their spoke roles through the identity stack's exports) is placed
 * on the right clusters by `diff --fleet`, and `who-can --fleet` follows the hub → spoke hop to the hub's IAM Identity
 * Center roles.
 *
 * The snapshot folders are written here in the documented format (lib/analysis/inputs/snapshot-format.ts,
 * fleet-snapshot-format.ts; their readers check them) with what EKS would hold after a deployment: the access entries
 * are written out literally (the spoke role ARNs the identity stacks create, the usernames EKS generates), not copied
 * from the code; the spoke roles' trust policies are those of the synthesized identity templates (what `snapshot`
 * reads back with iam:GetRole once CloudFormation created them).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { runCli } from '../../bin/cli-main';
import { accessPolicyArn, defaultAccessEntryUsername } from '../../authenticator/mapper/eks-rules';
import { FLEET_SNAPSHOT_KIND, FleetClusterSnapshot } from '../../lib/analysis/inputs/fleet-snapshot-format';
import { loadSources } from '../../lib/analysis/inputs/load-sources';
import { LiveSnapshot, SNAPSHOT_API_VERSION, SNAPSHOT_KIND, SnapshotAccessEntry, SnapshotIamRole } from '../../lib/analysis/inputs/snapshot-format';
import {
  HUB_ACCOUNT, HUB_BREAK_GLASS_ROLE, HUB_DEVELOPER_SSO_ROLE, HUB_PLATFORM_SSO_ROLE, NONPROD_ACCOUNT, PROD_ACCOUNT, buildExampleFleet,
} from '../../examples/fleet/fleet-app';
import { captureCli } from '../helpers/cli-output';

const cli = (...argv: string[]) => captureCli(runCli, argv);
const CLUSTERS = [
  { name: 'dev', account: NONPROD_ACCOUNT, region: 'us-east-1', env: 'dev' },
  { name: 'staging', account: NONPROD_ACCOUNT, region: 'us-east-1', env: 'staging' },
  { name: 'prod', account: PROD_ACCOUNT, region: 'eu-west-1', env: 'prod' },
] as const;
type ExampleCluster = (typeof CLUSTERS)[number];
const FLEET_FILE = `clusters:\n${CLUSTERS.map((c) => `  - name: ${c.name}\n    account: "${c.account}"\n    region: ${c.region}\n    labels: { env: ${c.env} }\n`).join('')}`;

const spoke = (account: string, name: string) => `arn:aws:iam::${account}:role/${name}`;
const policy = (name: string, namespaces?: string[]) => ({
  policyArn: accessPolicyArn('aws', name), scope: namespaces ? { type: 'namespace', namespaces } : { type: 'cluster', namespaces: [] },
});
function entry(principalArn: string, ...accessPolicies: ReturnType<typeof policy>[]): SnapshotAccessEntry {
  return { principalArn, type: 'STANDARD', username: defaultAccessEntryUsername(principalArn), kubernetesGroups: [], accessPolicies };
}

/** What EKS holds on each cluster once the example is deployed (the developers only view on prod: the override). */
function deployedEntries(c: ExampleCluster): SnapshotAccessEntry[] {
  const entries = [
    entry(spoke(c.account, 'platform-admin'), policy('AmazonEKSClusterAdminPolicy')),
    entry(spoke(c.account, 'break-glass'), policy('AmazonEKSClusterAdminPolicy')),
    entry(spoke(c.account, 'developer'), policy(c.name === 'prod' ? 'AmazonEKSViewPolicy' : 'AmazonEKSEditPolicy', ['apps'])),
  ];
  if (c.name === 'prod') entries.push(entry(`arn:aws:iam::${HUB_ACCOUNT}:role/auditors`, policy('AmazonEKSAdminViewPolicy')));
  return entries;
}

let dir: string;
let cdkOut: string;
let fleetFile: string;
let spokeTrust: Map<string, SnapshotIamRole[]>;

function writeSnapshotFolder(root: string, entriesOf: (c: ExampleCluster) => SnapshotAccessEntry[]): void {
  const summaries: FleetClusterSnapshot[] = CLUSTERS.map((c) => {
    mkdirSync(join(root, c.name, 'kubernetes'), { recursive: true });
    const iamRoles = spokeTrust.get(c.account) ?? [];
    const snapshot: LiveSnapshot = {
      apiVersion: SNAPSHOT_API_VERSION, kind: SNAPSHOT_KIND, cluster: { name: c.name, region: c.region, authenticationMode: 'API' },
      takenAt: '2026-12-01T00:00:00Z', accessEntries: entriesOf(c), iamRoles, problems: [],
    };
    writeFileSync(join(root, c.name, 'cluster.json'), JSON.stringify(snapshot));
    writeFileSync(join(root, c.name, 'kubernetes', 'rbac.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }));
    return {
      name: c.name, clusterName: c.name, account: c.account, region: c.region, labels: { env: c.env }, status: 'complete', problems: [], warnings: [],
      accessEntries: snapshot.accessEntries.length, rbacObjects: 0, iamRoles: iamRoles.length,
    };
  });
  writeFileSync(join(root, 'fleet.json'), JSON.stringify({ kind: FLEET_SNAPSHOT_KIND, fleetFile, takenAt: '2026-12-01T00:00:00Z', clusters: summaries }));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fleet-example-'));
  cdkOut = join(dir, 'cdk.out');
  buildExampleFleet(new App({ outdir: cdkOut })).app.synth();
  fleetFile = join(dir, 'fleet.yaml');
  writeFileSync(fleetFile, FLEET_FILE);
  // The spoke roles' trust policies as the identity stacks synthesize them, per account.
  const code = await loadSources([cdkOut]);
  spokeTrust = new Map();
  for (const r of (code.trustedRoles ?? []).filter((t) => /Identities[0-9A-F]{8}\.template\.json#/.test(t.origin ?? ''))) {
    const account = r.roleArn.split(':')[4];
    spokeTrust.set(account, [...(spokeTrust.get(account) ?? []), { arn: r.roleArn, trustPolicy: r.trustPolicy }]);
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the example fleet\'s cloud assembly read by the fleet commands', () => {
  it('the access entries name the spoke roles of their own account (the identity stack\'s exports resolved), placed by stage environment', async () => {
    const code = await loadSources([cdkOut]);
    const placed = code.accessEntries.map((e) => `${e.clusterName} ${e.stackEnvironment?.account}/${e.stackEnvironment?.region} ${e.principalArn}`).sort();
    expect(placed).toEqual([
      `dev ${NONPROD_ACCOUNT}/us-east-1 ${spoke(NONPROD_ACCOUNT, 'break-glass')}`,
      `dev ${NONPROD_ACCOUNT}/us-east-1 ${spoke(NONPROD_ACCOUNT, 'developer')}`,
      `dev ${NONPROD_ACCOUNT}/us-east-1 ${spoke(NONPROD_ACCOUNT, 'platform-admin')}`,
      `prod ${PROD_ACCOUNT}/eu-west-1 arn:aws:iam::${HUB_ACCOUNT}:role/auditors`,
      `prod ${PROD_ACCOUNT}/eu-west-1 ${spoke(PROD_ACCOUNT, 'break-glass')}`,
      `prod ${PROD_ACCOUNT}/eu-west-1 ${spoke(PROD_ACCOUNT, 'developer')}`,
      `prod ${PROD_ACCOUNT}/eu-west-1 ${spoke(PROD_ACCOUNT, 'platform-admin')}`,
      `staging ${NONPROD_ACCOUNT}/us-east-1 ${spoke(NONPROD_ACCOUNT, 'break-glass')}`,
      `staging ${NONPROD_ACCOUNT}/us-east-1 ${spoke(NONPROD_ACCOUNT, 'developer')}`,
      `staging ${NONPROD_ACCOUNT}/us-east-1 ${spoke(NONPROD_ACCOUNT, 'platform-admin')}`,
    ].sort());
    expect([...spokeTrust.keys()].sort()).toEqual([NONPROD_ACCOUNT, PROD_ACCOUNT]);
  });

  it('diff --fleet: exit 0 when the three clusters hold what was deployed; exit 1 with exactly prod drifted when its developers can edit', async () => {
    const clean = join(dir, 'live-clean');
    writeSnapshotFolder(clean, deployedEntries);
    const ok = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', clean);
    expect(ok.stderr).toBe('');
    expect(ok.stdout).toMatch(new RegExp(`^CLUSTER +ACCOUNT +REGION +STATUS +DRIFTED ITEMS\\ndev +${NONPROD_ACCOUNT} +us-east-1 +clean +0\\n`
      + `staging +${NONPROD_ACCOUNT} +us-east-1 +clean +0\\nprod +${PROD_ACCOUNT} +eu-west-1 +clean +0\\n$`));
    expect(ok.code).toBe(0);

    const drifted = join(dir, 'live-drift');
    // Someone widened the developers' policy on prod by hand (the override's view undone).
    writeSnapshotFolder(drifted, (c) => (c.name !== 'prod' ? deployedEntries(c) : deployedEntries(c).map((e) => (e.principalArn === spoke(PROD_ACCOUNT, 'developer')
      ? { ...e, accessPolicies: [policy('AmazonEKSEditPolicy', ['apps'])] } : e))));
    const r = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', drifted, '-o', 'json');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { clusters: Array<{ name: string; status: string; items: Array<{ key: string }> }> };
    expect(out.clusters.map((c) => [c.name, c.status])).toEqual([['dev', 'clean'], ['staging', 'clean'], ['prod', 'drift']]);
    expect(out.clusters[2].items.length).toBeGreaterThan(0);
    expect(out.clusters[2].items.every((i) => i.key.includes(spoke(PROD_ACCOUNT, 'developer')))).toBe(true);
  });

  it('who-can --fleet lists the hub\'s SSO and break-glass roles through each account\'s spoke roles, with their trust conditions', async () => {
    const live = join(dir, 'live-who');
    writeSnapshotFolder(live, deployedEntries);
    const r = await cli('who-can', 'delete', 'pods', '-n', 'apps', '--fleet', live, '-o', 'json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { clusters: Array<{ name: string; hubPrincipals: Array<{ principalArn: string; spokeRoleArn: string; conditions: string[] }> }> };
    const hops = (name: string) => out.clusters.find((c) => c.name === name)!.hubPrincipals.map((h) => `${h.principalArn} → ${h.spokeRoleArn} [${h.conditions.join(', ')}]`).sort();
    for (const c of CLUSTERS) {
      const expected = [
        `${HUB_BREAK_GLASS_ROLE} → ${spoke(c.account, 'break-glass')} [MFA required]`,
        `${HUB_PLATFORM_SSO_ROLE} → ${spoke(c.account, 'platform-admin')} []`,
        // Developers edit (delete pods) in apps on dev and staging; on prod they only view. The developer spoke role also
        // trusts the whole organization (aws:PrincipalOrgID), so every hub role of it reaches it under that condition.
        ...(c.name === 'prod' ? [] : [
          `${HUB_DEVELOPER_SSO_ROLE} → ${spoke(c.account, 'developer')} []`,
          `${HUB_BREAK_GLASS_ROLE} → ${spoke(c.account, 'developer')} [organization o-exampleorg1]`,
          `${HUB_PLATFORM_SSO_ROLE} → ${spoke(c.account, 'developer')} [organization o-exampleorg1]`,
        ]),
      ];
      expect(hops(c.name)).toEqual(expected.sort());
    }
  });

  it('an export answers imports of its own account and region only (CloudFormation exports are regional)', async () => {
    const asm = join(dir, 'two-envs');
    mkdirSync(asm);
    const role = { Type: 'AWS::IAM::Role', Properties: { RoleName: 'spoke', AssumeRolePolicyDocument: { Statement: [] } } };
    const exporter = { Resources: { R: role }, Outputs: { O: { Value: { 'Fn::GetAtt': ['R', 'Arn'] }, Export: { Name: 'spoke-arn' } } } };
    const importer = (cluster: string) => ({ Resources: { E: { Type: 'AWS::EKS::AccessEntry', Properties: { ClusterName: cluster, PrincipalArn: { 'Fn::ImportValue': 'spoke-arn' } } } } });
    // File order puts the importers first: the import is resolved after every template was read.
    writeFileSync(join(asm, 'A-same.template.json'), JSON.stringify(importer('same')));
    writeFileSync(join(asm, 'A-other.template.json'), JSON.stringify(importer('other')));
    writeFileSync(join(asm, 'Z-exporter.template.json'), JSON.stringify(exporter));
    const artifact = (file: string, env: string) => ({ type: 'aws:cloudformation:stack', environment: env, properties: { templateFile: file } });
    writeFileSync(join(asm, 'manifest.json'), JSON.stringify({ artifacts: {
      same: artifact('A-same.template.json', `aws://${NONPROD_ACCOUNT}/us-east-1`),
      other: artifact('A-other.template.json', `aws://${PROD_ACCOUNT}/us-east-1`),
      exporter: artifact('Z-exporter.template.json', `aws://${NONPROD_ACCOUNT}/us-east-1`),
    } }));
    const entries = (await loadSources([asm])).accessEntries.map((e) => [e.clusterName, e.principalArn]).sort();
    expect(entries).toEqual([['other', '${Fn::ImportValue}'], ['same', spoke(NONPROD_ACCOUNT, 'spoke')]]);
  });
});

describe('-l/--selector of the fleet commands (labels of the fleet file, kubectl equality syntax)', () => {
  let drifted: string;
  beforeAll(() => {
    drifted = join(dir, 'live-select');
    writeSnapshotFolder(drifted, (c) => (c.name !== 'prod' ? deployedEntries(c) : deployedEntries(c).map((e) => (e.principalArn === spoke(PROD_ACCOUNT, 'developer')
      ? { ...e, accessPolicies: [policy('AmazonEKSEditPolicy', ['apps'])] } : e))));
  });
  const rows = (stdout: string) => (JSON.parse(stdout) as { clusters: Array<{ name: string; status: string }> }).clusters.map((c) => `${c.name} ${c.status}`);

  it('diff --fleet compares the selected clusters only: env=prod finds the drift, env!=prod (and -l with ==) passes, no "outside the fleet" warning', async () => {
    const prod = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', drifted, '-l', 'env=prod', '-o', 'json');
    expect([prod.code, rows(prod.stdout)]).toEqual([1, ['prod drift']]);
    const others = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', drifted, '--selector', 'env!=prod', '-o', 'json');
    expect([others.code, rows(others.stdout), others.stderr]).toEqual([0, ['dev clean', 'staging clean'], '']);
    const dev = await cli('diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', drifted, '-l', 'env==dev');
    expect(dev.code).toBe(0);
    expect(dev.stdout).toMatch(/^CLUSTER .*\ndev +111122223333 +us-east-1 +clean +0\n$/);
    expect(dev.stderr).toBe('');
  });

  it('who-can --fleet and report --fleet answer for the selected clusters only', async () => {
    const who = await cli('who-can', 'delete', 'pods', '-n', 'apps', '--fleet', drifted, '-l', 'env=prod', '-o', 'json');
    expect(who.code).toBe(0);
    expect((JSON.parse(who.stdout) as { clusters: Array<{ name: string }> }).clusters.map((c) => c.name)).toEqual(['prod']);
    const report = await cli('report', '--fleet', drifted, '-l', 'env!=prod', '-o', 'json');
    expect(report.code).toBe(0);
    expect((JSON.parse(report.stdout) as { clusters: Array<{ name: string }> }).clusters.map((c) => c.name)).toEqual(['dev', 'staging']);
  });

  it('usage errors (exit 2, nothing read): a malformed or set-based selector, one that selects nothing, -l without --fleet', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['diff', '--fleet', fleetFile, '--desired', cdkOut, '--live', drifted, '-l', 'env in (prod)'], /-l\/--selector: 'env in \(prod\)' is not key=value.*set-based/],
      [['who-can', 'get', 'pods', '--fleet', drifted, '-l', 'env=qa'], /-l env=qa: no cluster of .* matches \(labels there: env=dev, env=prod, env=staging\)/],
      [['snapshot', '--fleet', fleetFile, '--out', join(dir, 'never'), '-l', 'env=qa'], /-l env=qa: no cluster of .*fleet\.yaml matches/],
      [['report', '--from', cdkOut, '-l', 'env=prod'], /-l\/--selector goes with --fleet/],
      [['diff', '--desired', cdkOut, '--live', drifted, '-l', 'env=prod'], /-l\/--selector goes with --fleet/],
      [['snapshot', '--cluster', 'x', '--out', join(dir, 'never'), '-l', 'env=prod'], /-l\/--selector goes with --fleet/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(...argv);
      expect({ argv, code: r.code, stderr: r.stderr.split('\n')[0] }).toEqual({ argv, code: 2, stderr: expect.stringMatching(message) });
    }
  });
});

