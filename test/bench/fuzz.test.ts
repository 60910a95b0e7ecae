/**
 * Short version (seconds) of `npm run fuzz`: the same generator and checks on a few thousand cases, in-process and
 * over HTTPS, against the STS stand-in.
 */
import { runFuzz } from '../../bench/hardening/fuzz';

describe('fuzz (short)', () => {
  it('answers every generated and mutated review: no crash, no false accept, no call off the allow-list, all within the deadline', async () => {
    const f = await runFuzz({ cases: 3000, httpsCases: 600, seed: 7 });
    expect(f.cases).toBe(3000);
    expect({ crashes: f.crashExamples, falseAccepts: f.falseAcceptExamples }).toEqual({ crashes: [], falseAccepts: [] });
    expect(f.nonAllowListedCalls).toBe(0);
    expect(f.unanswered).toBe(0);
    expect(f.pastDeadline).toBe(0);
    expect(f.accepted).toBeGreaterThan(0); // valid reviews were among the cases and got through
    expect(Object.keys(f.byKind).sort()).toEqual(['generated-token', 'mutated-body', 'mutated-token', 'url-mutation', 'valid']);
  }, 180000);

  it('the same over h2 (an h2-only front before the stand-in): every STS call multiplexed, the same guarantees', async () => {
    const f = await runFuzz({ cases: 1500, httpsCases: 300, seed: 11, stsH2: true });
    expect({ crashes: f.crashExamples, falseAccepts: f.falseAcceptExamples }).toEqual({ crashes: [], falseAccepts: [] });
    expect(f.nonAllowListedCalls).toBe(0);
    expect(f.unanswered).toBe(0);
    expect(f.pastDeadline).toBe(0);
    expect(f.accepted).toBeGreaterThan(0);
    expect(f.stsCalls).toBeGreaterThan(0);
    expect(f.stsH2Calls).toBe(f.stsCalls); // every call moto saw came through the h2 front
    expect(f.stsH2Connections).toBeLessThanOrEqual(2);
  }, 180000);
});
