/** The reference's StsRegion metric label: `global` for sts.amazonaws.com, else the second DNS label of the host. */
export function stsRegionLabel(host: string | undefined): string {
  if (!host) return 'unknown';
  if (host === 'sts.amazonaws.com') return 'global';
  return host.split('.')[1] ?? 'unknown';
}
