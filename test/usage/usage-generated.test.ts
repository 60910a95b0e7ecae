/** The small version of `npm run bench:usage`: a generated log whose ground truth the generator tallied. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AccessAnalysis } from '../../lib/analysis/access-analysis';
import { IamPrincipalResolver } from '../../lib/analysis/iam-principals';
import { auditUsage } from '../../lib/usage/usage';
import { generateAuditLog } from '../../bench/usage/generate-audit-log';

describe('usage on a generated log (correctness, not time)', () => {
  it('reports exactly the generated requests and denials per principal, consistent with the analysis engine', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'usage-gen-'));
    const { model, log, truth } = await generateAuditLog(dir, { lines: 4000, principals: 40, namespaces: 5, seed: 7, gzip: true });
    const analysis = await AccessAnalysis.load([model], { includeBootstrap: false });
    const report = await auditUsage(analysis, [log]);
    expect(report.read.counted).toBe(truth.counted);
    expect(report.read.otherStages).toBe(truth.otherStages);
    expect(report.read.malformed).toEqual({ 'not JSON': truth.malformed });
    expect(new Map(report.principals.map((p) => [p.principal, { requests: p.requests, denied: p.denied }]))).toEqual(truth.perPrincipal);
    expect(report.principals.map((p) => p.attribution).filter((a) => a !== 'iam-arn')).toEqual([]);
    // What the log says was allowed, the analysis allows; what was denied, it denies.
    const resolver = new IamPrincipalResolver(analysis.accessEntries, analysis.sources.objects);
    let checked = 0;
    for (const p of report.principals) {
      const principal = (await resolver.resolve(p.principal))!;
      for (const [rows, allowed] of [[p.used, true], [p.deniedRequests, false]] as const) {
        for (const r of rows) {
          const d = analysis.decide(principal, { verb: r.verb, apiGroup: r.apiGroup, resource: r.resource, subresource: r.subresource, name: '', namespace: r.namespace });
          expect(`${p.principal} ${r.verb} ${r.resource}/${r.subresource} ${r.namespace} ${d.allowed}`).toBe(`${p.principal} ${r.verb} ${r.resource}/${r.subresource} ${r.namespace} ${allowed}`);
          checked++;
        }
      }
      // An unused grant was never among the used rows.
      for (const g of p.unused) for (const v of g.verbs) expect(p.used.some((u) => u.verb === v && u.apiGroup === g.apiGroup && `${u.resource}${u.subresource ? `/${u.subresource}` : ''}` === g.resource && (g.namespace === '' || u.namespace === g.namespace))).toBe(false);
    }
    expect(checked).toBeGreaterThan(100);
  });
});
