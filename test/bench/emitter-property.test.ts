/**
 * Short version of `npm run fuzz:emitter`: a few hundred generated hostile snapshots through `eks-access import`; the
 * generated module parses into the expected statement shapes only and, run with `require` hooked, loads nothing but
 * the library's API.
 */
import { runEmitterProperty } from '../../bench/hardening/emitter-property';

describe('emitter property (short)', () => {
  it('no generated snapshot makes the import write anything but library calls with literal arguments', () => {
    const f = runEmitterProperty({ runs: 300, seed: 2022 });
    expect(f.runs).toBe(300);
    expect(f.failureExamples).toEqual([]);
    expect(f.failures).toBe(0);
    expect(f.runtimeErrorExamples).toEqual([]); // and every generated module runs
    expect(f.notes).toBeGreaterThan(0); // hostile values reached the NOTE path
    expect(f.runsWithEscapedLiterals).toBeGreaterThan(0); // and the code, as literals
  }, 180_000);
});
