/**
 * Short version (seconds) of `npm run flood`: silent TCP and TLS connections beyond the connection cap against the
 * real server; all closed by the server within the header timeout, health and reviews answered throughout.
 */
import { runFlood } from '../../bench/hardening/flood';

describe('idle-connection flood (short)', () => {
  it('the server closes every silent connection (header timeout or eviction) while health and reviews are answered', async () => {
    const f = await runFlood({ tcp: 40, tls: 40, child: false, server: { headersTimeoutMs: 1500, maxConnections: 60 } });
    // Closed by the server (before the fix they stayed open); how fast is measured by `npm run flood`, not here.
    expect(f.stillOpen).toBe(0);
    expect(f.closedByServer).toBe(80);
    expect(f.serverCloseReasons.evicted).toBeGreaterThanOrEqual(20 - 1); // 80 silent > 60 allowed (+ probes)
    expect(f.serverCloseReasons.silent_timeout).toBeGreaterThan(0);
    expect(f.healthTls).toMatchObject({ failed: 0 });
    expect(f.healthPlain).toMatchObject({ failed: 0 });
    expect(f.healthTls.ok).toBeGreaterThan(0);
    expect(f.reviews.accepted).toBeGreaterThan(0);
    expect(f.reviews.other).toBe(0);
  }, 120000);
});
