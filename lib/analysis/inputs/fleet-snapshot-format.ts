/**
 * The fleet snapshot folder `eks-access snapshot --fleet F --out DIR` writes: `DIR/fleet.json` (kind `FleetSnapshot`)
 * lists the clusters and how each one was read, and `DIR/<name>/` holds each cluster's snapshot in the single-cluster
 * format (snapshot-format.ts). It lives here, with the single-cluster format, so that the analysis (`report --fleet`,
 * `who-can --fleet`) reads it without importing lib/live, which writes it.
 *
 * `fleet.json` is input anyone may have edited: its reader checks every field, bounds its size, and accepts as
 * folder names only names of the EKS cluster-name grammar (no `/`, no `..`), so no cluster name reaches outside DIR.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RuleError } from '../../model/rule-error';
import type { SnapshotProblem } from './snapshot-format';

/** Rule id of a `fleet.json` that is not of the format below (or too large, or naming an unsafe folder). */
const FLEET_SNAPSHOT_FORMAT_RULE = 'eks-access:fleet-snapshot-format';

export const FLEET_SNAPSHOT_FILE = 'fleet.json';
export const FLEET_SNAPSHOT_KIND = 'FleetSnapshot';
/** Bytes of a `fleet.json` read at most (its problems lists are the snapshots' own, already bounded by them). */
export const MAX_FLEET_SNAPSHOT_BYTES = 64 * 1024 * 1024;

/**
 * The EKS cluster-name grammar (botocore eks/2017-11-01 service-2.json, shape `ClusterName`: 1-100 characters,
 * pattern `^[0-9A-Za-z][A-Za-z0-9\-_]*`; the CreateCluster documentation: "alphanumeric characters (case-sensitive),
 * hyphens, and underscores"). A name of that grammar is also a safe folder name: no `/`, no `.`, no `..`. The fleet
 * file (lib/live/fleet/fleet-file.ts) and this reader both use it.
 */
export const FLEET_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** How one cluster's snapshot went: `complete` every source read, `partial` some not (listed), `failed` none written. */
export type FleetClusterStatus = 'complete' | 'partial' | 'failed';

export interface FleetClusterSnapshot {
  /** The fleet's name of the cluster, and its folder. */
  readonly name: string;
  /** The EKS cluster name. */
  readonly clusterName: string;
  readonly account: string;
  readonly region: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly status: FleetClusterStatus;
  readonly problems: readonly SnapshotProblem[];
  /** Input-derived text (TLS verification off): escape it for a terminal. */
  readonly warnings: readonly string[];
  readonly accessEntries: number;
  readonly rbacObjects: number;
  readonly iamRoles: number;
}

export interface FleetSnapshotSummary {
  readonly kind: typeof FLEET_SNAPSHOT_KIND;
  readonly fleetFile: string;
  readonly takenAt: string;
  readonly clusters: readonly FleetClusterSnapshot[];
}

const STATUSES: readonly string[] = ['complete', 'partial', 'failed'];

function fail(file: string, detail: string): never {
  throw new RuleError(FLEET_SNAPSHOT_FORMAT_RULE, file, `${detail}; write the folder with \`eks-access snapshot --fleet\``);
}

/** The folder of a cluster of a fleet snapshot (the name already checked by {@link readFleetSnapshot}). */
export function fleetClusterDir(dir: string, name: string): string {
  if (!FLEET_CLUSTER_NAME.test(name)) throw new RuleError(FLEET_SNAPSHOT_FORMAT_RULE, name, 'is not an EKS cluster name, so not a folder of a fleet snapshot');
  return join(dir, name);
}

/** Reads and checks `DIR/fleet.json`. */
export function readFleetSnapshot(dir: string): FleetSnapshotSummary {
  const file = join(dir, FLEET_SNAPSHOT_FILE);
  let size: number;
  try {
    size = statSync(file).size;
  } catch (e) {
    return fail(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'}): is ${dir} a folder written by snapshot --fleet?`);
  }
  if (size > MAX_FLEET_SNAPSHOT_BYTES) fail(file, `larger than ${MAX_FLEET_SNAPSHOT_BYTES} bytes`);
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return fail(file, `not valid JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const d = doc as Partial<FleetSnapshotSummary> | null;
  if (typeof d !== 'object' || d === null || d.kind !== FLEET_SNAPSHOT_KIND) fail(file, `kind must be ${FLEET_SNAPSHOT_KIND}`);
  if (!Array.isArray(d.clusters)) fail(file, 'clusters must be an array');
  const problems: string[] = [];
  const seen = new Set<string>();
  const isStr = (v: unknown) => typeof v === 'string';
  d.clusters.forEach((c: Partial<FleetClusterSnapshot> | null, i: number) => {
    const at = `clusters[${i}]`;
    if (typeof c !== 'object' || c === null) {
      problems.push(`${at} must be an object`);
      return;
    }
    if (!isStr(c.name) || !FLEET_CLUSTER_NAME.test(c.name!)) problems.push(`${at}.name must be an EKS cluster name (letters, digits, "-", "_"; it is a folder name)`);
    else if (seen.has(c.name!.toLowerCase())) problems.push(`${at}.name ${c.name} appears twice`);
    else seen.add(c.name!.toLowerCase());
    for (const k of ['clusterName', 'account', 'region'] as const) if (!isStr(c[k])) problems.push(`${at}.${k} must be a string`);
    if (!isStr(c.status) || !STATUSES.includes(c.status!)) problems.push(`${at}.status must be one of ${STATUSES.join(', ')}`);
    if (typeof c.labels !== 'object' || c.labels === null || Array.isArray(c.labels) || !Object.values(c.labels).every(isStr)) problems.push(`${at}.labels must be an object of strings`);
    if (!Array.isArray(c.problems) || !c.problems.every((p) => typeof p === 'object' && p !== null && isStr(p.source) && isStr(p.reason))) problems.push(`${at}.problems must be an array of {source, reason}`);
    if (!Array.isArray(c.warnings) || !c.warnings.every(isStr)) problems.push(`${at}.warnings must be an array of strings`);
    for (const k of ['accessEntries', 'rbacObjects', 'iamRoles'] as const) if (!Number.isSafeInteger(c[k])) problems.push(`${at}.${k} must be a whole number`);
  });
  if (problems.length) fail(file, `not a fleet snapshot of the documented format: ${problems.slice(0, 10).join('; ')}${problems.length > 10 ? ` (and ${problems.length - 10} more)` : ''}`);
  return d as FleetSnapshotSummary;
}
