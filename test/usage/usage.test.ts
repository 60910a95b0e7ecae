import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { auditUsage } from '../../lib/usage/usage';
import { auditEvent, jsonLines } from './audit-events';
import { ACCOUNT, DEV, IDLE, OPS, writeFixture } from './fixture';

describe('auditUsage: use against grants', () => {
  const fx = writeFixture();
  let report: Awaited<ReturnType<typeof auditUsage>>;
  beforeAll(async () => {
    const analysis = await AccessAnalysis.load([fx.model], { includeBootstrap: false });
    report = await auditUsage(analysis, [fx.log]);
  });
  const of = (p: string) => report.principals.find((x) => x.principal === p)!;

  it('attributes requests to IAM principals by user.extra canonicalArn (an assumed-role session → its role)', () => {
    const dev = of(DEV);
    expect(dev).toMatchObject({ attribution: 'iam-arn', requests: 6, denied: 2, lastSeen: '2026-12-01T11:00:00.000000Z', mappedBy: expect.stringContaining('mapRoles[0]') });
    expect(dev.used.map((r) => [r.verb, r.resource, r.subresource, r.namespace, r.count])).toEqual([
      ['get', 'pods', '', 'team-a', 2],
      ['get', 'pods', 'log', 'team-a', 1],
      ['list', 'pods', '', 'team-a', 1],
    ]);
  });

  it('lists the requests that were denied (403): access tried and lacked', () => {
    expect(of(DEV).deniedRequests.map((r) => `${r.verb} ${r.resource} ${r.namespace}`)).toEqual(['delete pods team-a', 'get secrets team-a']);
  });

  it('lists grants never used: per namespace, and cluster-wide ones used in no namespace', () => {
    expect(of(DEV).unused).toEqual([
      { namespace: 'team-a', apiGroup: '', resource: 'pods', verbs: ['watch'] },
      { namespace: 'team-a', apiGroup: '', resource: 'pods/log', verbs: ['list', 'watch'] },
    ]);
    expect(of(OPS).unused).toEqual([{ namespace: '', apiGroup: '', resource: 'secrets', verbs: ['get'] }]);
  });

  it('does not list as unused what every authenticated user holds (bootstrap discovery, self reviews): no proposal can take it away', async () => {
    // Found on the e2e apiserver's real log (test/e2e/usage.test.ts): with the bootstrap policy loaded, as the CLI does
    // by default, `create selfsubjectaccessreviews` & co. were listed against each principal and NOTEd as removed.
    const withBootstrap = await auditUsage(await AccessAnalysis.load([fx.model], { includeBootstrap: true }), [fx.log]);
    const dev = withBootstrap.principals.find((x) => x.principal === DEV)!;
    expect(dev.unused).toEqual(of(DEV).unused);
    expect(withBootstrap.principals.find((x) => x.principal === OPS)!.unused).toEqual(of(OPS).unused);
  });

  it('falls back to the Kubernetes username and says so; unmapped users and ARNs stay visible', () => {
    expect(of(OPS)).toMatchObject({ attribution: 'username', attributionNote: expect.stringContaining('matched by Kubernetes username "ops"') });
    expect(of('admin-cert')).toMatchObject({ attribution: 'kubernetes-user', requests: 1, unused: [] });
    expect(of(`arn:aws:iam::${ACCOUNT}:role/stranger`)).toMatchObject({ attribution: 'iam-arn', attributionNote: expect.stringContaining('no access entry or mapping') });
    expect(of(`arn:aws:iam::${ACCOUNT}:role/stranger`).used).toEqual([expect.objectContaining({ nonResource: true, resource: '/healthz', verb: 'get' })]);
  });

  it('lists the principals of the inputs never seen, and the window', () => {
    expect(report.neverSeen).toEqual([IDLE]);
    expect(report.window).toEqual({ first: '2026-12-01T10:00:00.000000Z', last: '2026-12-01T11:00:00.000000Z' });
  });

  it('keeps memory bounded: principals and rows over the caps are counted as dropped (3 used rows, cap 2 → 1 dropped)', async () => {
    const analysis = await AccessAnalysis.load([fx.model], { includeBootstrap: false });
    const capped = await auditUsage(analysis, [fx.log], { maxPrincipals: 1, maxRowsPerPrincipal: 2 });
    expect(capped.principals).toHaveLength(1);
    expect(capped.droppedRequests).toBe(3);
    expect(capped.principals[0]).toMatchObject({ principal: DEV, droppedRows: 1 });
  });
});

describe('auditUsage: impersonated requests', () => {
  // An impersonated request is authorized as the impersonated user (k8s.io/apiserver pkg/endpoints/filters/
  // impersonation.go): its use belongs to that user, and the sender used only `impersonate`.
  const fx = writeFixture();
  const impersonating = (e: Record<string, unknown>, user: string, groups?: string[]) => ({ ...e, impersonatedUser: { username: user, ...(groups ? { groups } : {}) } });
  const opsArn = { account: ACCOUNT, role: 'ops', session: 'bob' };
  let report: Awaited<ReturnType<typeof auditUsage>>;
  beforeAll(async () => {
    const log = join(mkdtempSync(join(tmpdir(), 'usage-imp-')), 'audit.log');
    writeFileSync(log, jsonLines([
      // ops, signed in through IAM, reads pods in team-a as idle (the username IDLE maps to), asking for a group
      impersonating(auditEvent({ auditID: 'i1', verb: 'get', username: 'ops', groups: ['ops'], assumedRole: opsArn, resource: 'pods', namespace: 'team-a', name: 'p' }), 'idle', ['dev-team', 'system:authenticated']),
      // …and lists secrets as a service account: impersonate serviceaccounts in its namespace
      impersonating(auditEvent({ auditID: 'i2', verb: 'list', username: 'ops', groups: ['ops'], assumedRole: opsArn, resource: 'secrets', namespace: 'ci' }), 'system:serviceaccount:ci:deployer'),
      // a refused impersonated request stays with its sender
      impersonating(auditEvent({ auditID: 'i3', verb: 'delete', username: 'ops', groups: ['ops'], assumedRole: opsArn, resource: 'pods', namespace: 'team-a', name: 'p', code: 403 }), 'idle'),
    ]));
    report = await auditUsage(await AccessAnalysis.load([fx.model], { includeBootstrap: false }), [log]);
  });
  const rowsOf = (rows: ReadonlyArray<{ verb: string; resource: string; namespace: string }>) => rows.map((r) => `${r.verb} ${r.resource} ${r.namespace}`);

  it('credits the request to the impersonated user, and only `impersonate` to its sender', () => {
    const ops = report.principals.find((p) => p.principal === OPS)!;
    expect(rowsOf(ops.used).sort()).toEqual(['impersonate groups ', 'impersonate serviceaccounts ci', 'impersonate users ']);
    expect(rowsOf(ops.deniedRequests)).toEqual(['delete pods team-a']);
    const idle = report.principals.find((p) => p.principal === IDLE)!;
    expect(idle).toMatchObject({ attribution: 'username', requests: 1 });
    expect(rowsOf(idle.used)).toEqual(['get pods team-a']);
    expect(report.neverSeen).not.toContain(IDLE);
    const sa = report.principals.find((p) => p.principal === 'system:serviceaccount:ci:deployer')!;
    expect(sa).toMatchObject({ attribution: 'kubernetes-user' });
    expect(rowsOf(sa.used)).toEqual(['list secrets ci']);
  });
});
