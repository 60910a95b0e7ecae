/**
 * AWS partitions as the verifier and ARN code need them: DNS suffixes and the regions whose STS endpoints are
 * allow-listed. Region lists are transcribed from the AWS SDK endpoint metadata (`partitions.json` of
 * @aws-sdk/util-endpoints, 2026-11); a region launched later is accepted when the verifier is configured with it
 * (`VerifyOptions.region`), like the reference's "default hostname" fallback (`verifyHost` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/token/token.go, added by
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/pull/556).
 */
export interface PartitionInfo {
  readonly id: string;
  /** DNS suffix of regional endpoints, e.g. `amazonaws.com`. */
  readonly dnsSuffix: string;
  /**
   * DNS suffix of dual-stack endpoints. Only where the reference (pkg/endpoints/partitions.go) knows one:
   * being stricter than the SDK here costs nothing, as those partitions' tokens are never dual-stack in practice.
   */
  readonly dualStackDnsSuffix?: string;
  /** Pattern of this partition's region names, used to find the partition of a region. */
  readonly regionPattern: RegExp;
  readonly regions: readonly string[];
}

export const PARTITIONS: readonly PartitionInfo[] = [
  {
    id: 'aws',
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'api.aws',
    regionPattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/,
    regions: [
      'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1',
      'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
      'ap-southeast-6', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1',
      'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1',
      'me-west-1', 'mx-central-1', 'sa-east-1', 'sa-west-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
    ],
  },
  {
    id: 'aws-cn',
    dnsSuffix: 'amazonaws.com.cn',
    dualStackDnsSuffix: 'api.amazonwebservices.com.cn',
    regionPattern: /^cn-\w+-\d+$/,
    regions: ['cn-north-1', 'cn-northwest-1'],
  },
  {
    id: 'aws-us-gov',
    dnsSuffix: 'amazonaws.com',
    dualStackDnsSuffix: 'api.aws',
    regionPattern: /^us-gov-\w+-\d+$/,
    regions: ['us-gov-east-1', 'us-gov-west-1'],
  },
  { id: 'aws-iso', dnsSuffix: 'c2s.ic.gov', regionPattern: /^us-iso-\w+-\d+$/, regions: ['us-iso-east-1', 'us-iso-west-1'] },
  { id: 'aws-iso-b', dnsSuffix: 'sc2s.sgov.gov', regionPattern: /^us-isob-\w+-\d+$/, regions: ['us-isob-east-1', 'us-isob-west-1'] },
  { id: 'aws-iso-e', dnsSuffix: 'cloud.adc-e.uk', regionPattern: /^eu-isoe-\w+-\d+$/, regions: ['eu-isoe-west-1'] },
  { id: 'aws-iso-f', dnsSuffix: 'csp.hci.ic.gov', regionPattern: /^us-isof-\w+-\d+$/, regions: ['us-isof-east-1', 'us-isof-south-1'] },
  {
    id: 'aws-eusc',
    dnsSuffix: 'amazonaws.eu',
    dualStackDnsSuffix: 'api.amazonwebservices.eu',
    regionPattern: /^eusc-de-\w+-\d+$/,
    regions: ['eusc-de-east-1'],
  },
];

/** Region names as the reference validates them (`^[[:alnum:]]([[:alnum:]\-]*[[:alnum:]])?$`). */
export const REGION_SYNTAX = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?$/;

export function findPartition(id: string): PartitionInfo | undefined {
  return PARTITIONS.find((p) => p.id === id);
}

/**
 * The partition a region belongs to. The specific patterns (us-gov, us-iso…) are tried before the broad `aws` one,
 * and an unknown region falls back to `aws`, as the SDK resolver does.
 */
export function partitionOfRegion(region: string): PartitionInfo {
  const byList = PARTITIONS.find((p) => p.regions.includes(region));
  if (byList) return byList;
  const specific = PARTITIONS.filter((p) => p.id !== 'aws').find((p) => p.regionPattern.test(region));
  return specific ?? PARTITIONS[0];
}
