/**
 * The STS host allow-list: the SSRF boundary of the verifier. A token names the host the verifier will call, so only
 * hosts that are certainly STS are accepted: per partition, the regional, FIPS, dual-stack and dual-stack FIPS hosts of
 * its known regions (plus the verifier's own configured region) and, for `aws` only, the global `sts.amazonaws.com`.
 *
 * Stricter than the reference, which accepts any `sts.<syntactically valid label>.amazonaws.com` through the SDK's
 * commercial fallback (even `sts.s3.amazonaws.com`, an S3 bucket host), and accepts aws-us-gov hosts in partition aws
 * and vice versa because both use `amazonaws.com` (`verifyHost` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/token/token.go and
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/endpoints/partitions.go).
 */
import { findPartition, PARTITIONS, PartitionInfo, partitionOfRegion } from '../partitions';
import { quoteForMessage } from './messages';
import { ConfigError } from '../errors';

export const GLOBAL_STS_HOST = 'sts.amazonaws.com';

export interface StsEndpointVariant {
  readonly fips?: boolean;
  readonly dualStack?: boolean;
}

/** The STS host of `region` (regional endpoint; FIPS and/or dual-stack when asked and the partition has them). */
export function stsHostForRegion(region: string, variant: StsEndpointVariant = {}): string {
  const partition = partitionOfRegion(region);
  const suffix = variant.dualStack ? partition.dualStackDnsSuffix : partition.dnsSuffix;
  if (suffix === undefined) throw ConfigError.argument(`partition ${partition.id} has no dual-stack STS endpoint`);
  return `${variant.fips ? 'sts-fips' : 'sts'}.${region}.${suffix}`;
}

function hostsOfRegion(partition: PartitionInfo, region: string): string[] {
  const suffixes = [partition.dnsSuffix, ...(partition.dualStackDnsSuffix ? [partition.dualStackDnsSuffix] : [])];
  return suffixes.flatMap((suffix) => [`sts.${region}.${suffix}`, `sts-fips.${region}.${suffix}`]);
}

/** Every allow-listed STS host of a partition, plus those of `extraRegion` (the verifier's configured region). */
export function allowedStsHosts(partitionId: string, extraRegion?: string): ReadonlySet<string> {
  const partition = findPartition(partitionId);
  if (!partition) throw ConfigError.argument(`unknown partition ${JSON.stringify(partitionId)}; valid: ${PARTITIONS.map((p) => p.id).join(', ')}`);
  const regions = extraRegion ? [...partition.regions, extraRegion] : partition.regions;
  const hosts = new Set(regions.flatMap((r) => hostsOfRegion(partition, r)));
  if (partition.id === 'aws') hosts.add(GLOBAL_STS_HOST);
  return hosts;
}

let hostsByPartition: Map<string, ReadonlySet<string>> | undefined;

/** For a precise error message only: the partition whose allow-list holds `host`, if any. */
function partitionOwning(host: string): string | undefined {
  hostsByPartition ??= new Map(PARTITIONS.map((p) => [p.id, allowedStsHosts(p.id)]));
  return [...hostsByPartition].find(([, hosts]) => hosts.has(host))?.[0];
}

/**
 * Returns why `host` is not acceptable for `partitionId`, or `undefined` when it is in `allowed`. Message texts follow
 * the reference where it has one (`verifyHost` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/token/token.go, and the vectors of
 * `TestVerifyTokenPreSTSValidations` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/token/token_test.go).
 */
export function rejectHost(host: string, partitionId: string, allowed: ReadonlySet<string>): string | undefined {
  if (allowed.has(host)) return undefined;
  const shown = quoteForMessage(host, 255);
  if (host === '') return 'could not parse region for pre-signed URL, host is empty';
  if (host.split('.').length < 3) {
    return `could not parse region for pre-signed URL ${host.slice(0, 255)}, invalid host format: ${host.slice(0, 255)}`;
  }
  if (host === GLOBAL_STS_HOST) return `global endpoint unsupported in partition ${partitionId}`;
  const owner = partitionOwning(host);
  if (owner) return `partition {${partitionId}} does not support hostname ${shown} (it is an STS host of partition ${owner})`;
  return `unexpected hostname ${shown} in pre-signed URL (not an allow-listed STS endpoint of partition ${partitionId})`;
}

/** The region label of an STS host (`global` for `sts.amazonaws.com`), for identities, logs and metrics. */
export function regionOfStsHost(host: string): string {
  return host === GLOBAL_STS_HOST ? 'global' : host.split('.')[1] ?? '';
}
