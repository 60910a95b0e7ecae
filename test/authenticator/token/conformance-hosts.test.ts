/** STS host allow-list per partition (test/conformance/token-sts-hosts.json): upstream verdicts and our stricter ones. */
import vectors from '../../conformance/token-sts-hosts.json';
import { FormatError, regionOfStsHost, TokenVerifier } from '../../../authenticator';
import { amzDate, toToken } from './local-sts-server';

interface HostCase {
  partition: string;
  region: string;
  host: string;
  reference: boolean | null;
  expected: boolean;
  note?: string;
}

function tokenFor(host: string): string {
  return toToken(`https://${host}/?Action=GetCallerIdentity&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Date=${amzDate()}&X-Amz-Expires=60`);
}

const cases = vectors.cases as HostCase[];

test.each(cases.map((c) => [c.partition, c.host, c.region, c.expected, c] as const))(
  'partition %s host %s (region "%s") accepted=%s',
  (_p, _h, _r, _e, c) => {
    const verifier = new TokenVerifier({ clusterId: 'c', partition: c.partition, region: c.region || undefined });
    try {
      if (c.expected) {
        expect(verifier.check(tokenFor(c.host)).host).toBe(c.host);
      } else {
        expect(() => verifier.check(tokenFor(c.host))).toThrow(FormatError);
        // The rejection is about the host, not some later check.
        expect(() => verifier.check(tokenFor(c.host))).toThrow(/host|partition/);
      }
    } finally {
      verifier.close();
    }
  },
);

test('every deviation from the upstream verdict is a rejection (we are only stricter) and is explained', () => {
  const deviations = cases.filter((c) => c.reference !== null && c.reference !== c.expected);
  expect(deviations.length).toBeGreaterThan(0);
  for (const d of deviations) {
    expect(d.expected).toBe(false);
    expect(d.note).toBeTruthy();
  }
});

test.each(vectors.stsRegion.map((r) => [r.host, r.region]))('region label of %s is %s', (host, region) => {
  expect(regionOfStsHost(host)).toBe(region);
});

test.each(vectors.regionSyntax.valid)('configured region %s is accepted', (region) => {
  new TokenVerifier({ clusterId: 'c', region }).close();
});

test.each(vectors.regionSyntax.invalid)('configured region %s is refused with a message naming it', (region) => {
  expect(() => new TokenVerifier({ clusterId: 'c', region })).toThrow(`VerifyOptions.region ${JSON.stringify(region)}`);
});

test.each(vectors.invalidPartitions)('unknown partition %s is refused, listing the valid ones', (partition) => {
  expect(() => new TokenVerifier({ clusterId: 'c', partition })).toThrow(/unknown; valid: aws, aws-cn/);
});
