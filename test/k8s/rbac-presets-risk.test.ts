/**
 * Every RbacPreset is what its name says, judged by the project's own risk catalogue: each preset is synthesized into
 * a role bound to a group, written as a manifest, loaded by the offline analysis and run through `findRisks` (what
 * `eks-access risks` prints). Read presets: nothing above LOW wherever bound (cluster-wide and in one namespace).
 * Write presets: nothing above MEDIUM when bound in one namespace.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Testing } from 'cdk8s';
import YAML from 'yaml';
import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { resolverOf } from '../../bin/commands/analysis-command';
import { RiskFinding, findRisks } from '../../lib/analysis/risks';
import { RbacChart, RbacPresets, RbacSubject, RoleKind } from '../../lib/k8s';
import type { RbacRule } from '../../lib/model';

const SEVERITY_RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'preset-risk-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Binding = 'cluster-wide' | 'namespace';

/** The preset as a ClusterRole bound to group `g` cluster-wide or in namespace `team-a`, then `risks` over it. */
async function risksOf(name: string, rules: RbacRule[], binding: Binding): Promise<RiskFinding[]> {
  const c = new RbacChart(Testing.app(), 'rbac');
  const role = `preset-${name.toLowerCase()}`;
  c.addClusterRole('Role', { name: role, rules });
  if (binding === 'cluster-wide') c.addClusterRoleBinding('Bind', { name: role, clusterRoleName: role, subjects: [RbacSubject.group('g')] });
  else c.addRoleBinding('Bind', { name: role, namespace: 'team-a', roleKind: RoleKind.CLUSTER_ROLE, roleName: role, subjects: [RbacSubject.group('g')] });
  const file = join(dir, `${role}-${binding}.yaml`);
  writeFileSync(file, Testing.synth(c).map((o) => YAML.stringify(o)).join('---\n'));
  const analysis = await AccessAnalysis.load([file]);
  return (await findRisks(analysis, resolverOf(analysis))).filter((f) => f.holder === 'g');
}

const above = (findings: RiskFinding[], max: keyof typeof SEVERITY_RANK) =>
  findings.filter((f) => SEVERITY_RANK[f.severity] < SEVERITY_RANK[max]).map((f) => `${f.severity} ${f.risk} (${f.scope}) via ${f.via}`);

describe('read presets carry no finding above LOW wherever bound', () => {
  test.each([
    ['readOnly', RbacPresets.readOnly()],
    ['namespaceReadOnly', RbacPresets.namespaceReadOnly()],
    ['podViewer', RbacPresets.podViewer()],
  ] as const)('%s', async (name, rules) => {
    for (const binding of ['cluster-wide', 'namespace'] as const) {
      expect(above(await risksOf(name, [...rules], binding), 'low')).toEqual([]);
    }
  });
});

describe('write presets carry nothing above MEDIUM when bound in one namespace', () => {
  test.each([
    ['podAdmin', RbacPresets.podAdmin()],
    ['namespaceDeveloper', RbacPresets.namespaceDeveloper()],
    ['developer', RbacPresets.developer()],
  ] as const)('%s', async (name, rules) => {
    const findings = await risksOf(name, [...rules], 'namespace');
    expect(above(findings, 'medium')).toEqual([]);
    // They do write: the catalogue sees it (the check is not vacuous).
    expect(findings.some((f) => f.risk === 'workload-create' && f.scope === 'namespace team-a')).toBe(true);
  });
});

test('the old readOnly (get/list/watch on */*) is what the catalogue flags: the check can fail', async () => {
  const findings = await risksOf('wildcard-read', [{ apiGroups: ['*'], resources: ['*'], verbs: ['get', 'list', 'watch'] }], 'cluster-wide');
  expect(above(findings, 'low').map((f) => f.split(' ').slice(0, 2).join(' ')).sort()).toEqual(['critical nodes-proxy', 'high pod-exec', 'high secrets-read']);
});
