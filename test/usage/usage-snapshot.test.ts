/** `usage --from <snapshot>`: principals from a live snapshot's access entries, grants from their access policies. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { SNAPSHOT_API_VERSION, SNAPSHOT_KIND } from '../../lib/analysis/inputs/snapshot-format';
import { auditUsage } from '../../lib/usage/usage';
import { auditEvent, jsonLines } from './audit-events';

const ACCOUNT = '444455556666';
const VIEWER = `arn:aws:iam::${ACCOUNT}:role/viewer`;

describe('usage against a live snapshot (access entries and access policies)', () => {
  it('attributes by ARN to the access entry, and lists the unused verbs of its namespace-scoped access policy', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usage-snap-'));
    writeFileSync(join(dir, 'cluster.json'), JSON.stringify({
      apiVersion: SNAPSHOT_API_VERSION, kind: SNAPSHOT_KIND, cluster: { name: 'prod', authenticationMode: 'API' }, takenAt: '2026-12-01T00:00:00Z',
      accessEntries: [{
        principalArn: VIEWER, type: 'STANDARD', kubernetesGroups: [],
        accessPolicies: [{ policyArn: 'arn:aws:eks::aws:cluster-access-policy/AmazonEKSViewPolicy', scope: { type: 'namespace', namespaces: ['apps'] } }],
      }],
      iamRoles: [], problems: [],
    }));
    const log = join(dir, 'audit.log');
    const viewer = { account: ACCOUNT, role: 'viewer', session: 'ci' };
    writeFileSync(log, jsonLines([
      auditEvent({ auditID: '1', verb: 'get', username: 'arn:aws:sts::444455556666:assumed-role/viewer/{{SessionName}}', assumedRole: viewer, resource: 'pods', namespace: 'apps', name: 'p' }),
      auditEvent({ auditID: '2', verb: 'list', username: 'x', assumedRole: viewer, resource: 'secrets', namespace: 'apps', code: 403 }),
    ]));
    const analysis = await AccessAnalysis.load([dir], { includeBootstrap: false });
    const report = await auditUsage(analysis, [log]);
    const p = report.principals.find((x) => x.principal === VIEWER)!;
    expect(p).toMatchObject({ attribution: 'iam-arn', requests: 2, denied: 1, mappedBy: expect.stringContaining('access entry') });
    expect(p.unused.every((g) => g.namespace === 'apps')).toBe(true);
    expect(p.unused.find((g) => g.resource === 'pods' && g.apiGroup === '')?.verbs).toEqual(['list', 'watch']);
    expect(p.unused.some((g) => g.resource === 'deployments' && g.apiGroup === 'apps')).toBe(true);
    expect(p.unused.some((g) => g.resource === 'secrets')).toBe(false);
  });
});
