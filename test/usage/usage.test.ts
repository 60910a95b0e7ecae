import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { auditUsage } from '../../lib/usage/usage';
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
