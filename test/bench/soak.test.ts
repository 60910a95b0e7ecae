/**
 * Short version (seconds) of `npm run soak`: reviews at a fixed rate while the STS stand-in cycles through hang, 500,
 * throttling and reset; every review is answered. (Memory drift needs the long run: `npm run soak`.)
 */
import { runSoak } from '../../bench/hardening/soak';

describe('soak with STS faults (short)', () => {
  it('answers every review while STS hangs, fails, throttles and resets', async () => {
    // One fault cycle (4 s healthy, then 1 s each of hang, 500, throttling, reset); `npm run soak` runs 10 minutes.
    const f = await runSoak({ seconds: 8, rate: 8, cycleSeconds: 8, warmupSeconds: 2, child: false });
    expect(f.sent).toBeGreaterThan(50);
    expect(f.unansweredExamples).toEqual([]);
    expect(f.unanswered).toBe(0);
    expect(f.answered).toBe(f.sent);
    expect(Object.keys(f.byFault).sort()).toEqual(['500', 'hang', 'none', 'reset', 'throttle']);
    expect(f.validAcceptedWhileHealthy).toBeGreaterThan(0);
  }, 180000);
});
