/**
 * The fleet file: the clusters `snapshot --fleet`, `diff --fleet`, `report --fleet` and `who-can --fleet` look at, one
 * parser for all of them. YAML (JSON is YAML too):
 *
 * ```yaml
 * clusters:
 *   - name: prod-eu             # the fleet's name of the cluster: unique, and the folder of its snapshot
 *     clusterName: main         # the EKS cluster name, when it differs from `name` (names are unique per account+region only)
 *     account: "111111111111"
 *     region: eu-west-1
 *     readRoleArn: arn:aws:iam::111111111111:role/eks-access-reader   # assumed (STS AssumeRole) for the EKS and IAM reads
 *     externalId: example-external-id                                  # with readRoleArn only
 *     kubeconfig: kubeconfigs/prod-eu.yaml                             # relative to the fleet file
 *     context: prod-eu
 *     labels: { env: prod }
 * ```
 *
 * Hostile input, read strictly: unknown keys, wrong types, missing fields and duplicate names are refused with the
 * field path and what would be valid (`eks-access:fleet-file`); a name that could not be a folder name of its own
 * (`..`, `/`, anything outside the EKS cluster-name alphabet) is refused by the same grammar EKS applies
 * (`eks-access:fleet-cluster-name`). The file and the number of clusters are bounded before anything is parsed.
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { isAccountId, isIamRoleArn, parseIamArn } from '../../../authenticator/arn';
import { findPartition, partitionOfRegion } from '../../../authenticator/mapper/eks-rules';
import { labelProblems } from '../../model/rbac-vocabulary';
import { RuleError } from '../../model/rule-error';
import { FLEET_CLUSTER_NAME } from '../../analysis/inputs/fleet-snapshot-format';

/** Rule id of a fleet file that is not of the documented shape (unknown key, wrong type, missing field, size). */
const FLEET_FILE_RULE = 'eks-access:fleet-file';
/** Rule id of a cluster name that EKS would refuse or that is not unique in the fleet (it names a folder). */
const FLEET_CLUSTER_NAME_RULE = 'eks-access:fleet-cluster-name';

/** Bytes of a fleet file read at most: a fleet of thousands of clusters is far below it. */
export const MAX_FLEET_FILE_BYTES = 1024 * 1024;
/** Clusters of one fleet at most. */
export const MAX_FLEET_CLUSTERS = 2000;

/** STS AssumeRole `ExternalId` (botocore sts/2011-06-15 shape `externalIdType`: 2-1224 of `[\w+=,.@:\/-]`). */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

export interface FleetCluster {
  /** The fleet's name of the cluster: unique in the fleet (case-insensitively) and the folder of its snapshot. */
  readonly name: string;
  /** The EKS cluster name (defaults to `name`). */
  readonly clusterName: string;
  readonly account: string;
  readonly region: string;
  /** Role assumed for the reads (EKS and IAM), through STS AssumeRole. */
  readonly readRoleArn?: string;
  readonly externalId?: string;
  /** Absolute path (a relative one in the file is relative to the fleet file). */
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly labels: Readonly<Record<string, string>>;
}

export interface Fleet {
  /** The fleet file, as given. */
  readonly file: string;
  readonly clusters: readonly FleetCluster[];
}

const CLUSTER_KEYS = ['name', 'clusterName', 'account', 'region', 'readRoleArn', 'externalId', 'kubeconfig', 'context', 'labels'] as const;
const TOP_KEYS = ['apiVersion', 'kind', 'clusters'] as const;
export const FLEET_API_VERSION = 'cdk-eks-access.io/v1alpha1';
export const FLEET_KIND = 'Fleet';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: Record<string, unknown>, k: string) => (Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined);
/** A value quoted for an error message: bounded and JSON-escaped (it is input; the CLI escapes it again for a terminal). */
const shown = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? `${s.slice(0, 77)}…` : s;
};

/** The problems of one cluster entry, each naming its field path. */
function clusterProblems(c: unknown, at: string, out: Array<[string, string]>): FleetCluster | undefined {
  if (!isRecord(c)) {
    out.push([FLEET_FILE_RULE, `${at} must be an object with name, account and region`]);
    return undefined;
  }
  const before = out.length;
  for (const k of Object.keys(c)) {
    if (!(CLUSTER_KEYS as readonly string[]).includes(k)) out.push([FLEET_FILE_RULE, `${at}.${shown(k).slice(1, -1)} is not a field of a fleet cluster (valid: ${CLUSTER_KEYS.join(', ')})`]);
  }
  const str = (k: string, required: boolean): string | undefined => {
    const v = own(c, k);
    if (v === undefined || v === null) {
      if (required) out.push([FLEET_FILE_RULE, `${at}.${k} is required`]);
      return undefined;
    }
    if (typeof v !== 'string') {
      out.push([FLEET_FILE_RULE, `${at}.${k} must be a string, not ${Array.isArray(v) ? 'a list' : typeof v}${k === 'account' ? ' (quote the account id: "012345678901")' : ''}`]);
      return undefined;
    }
    return v;
  };
  const name = str('name', true);
  if (name !== undefined && !FLEET_CLUSTER_NAME.test(name)) {
    out.push([FLEET_CLUSTER_NAME_RULE, `${at}.name ${shown(name)} is not an EKS cluster name: 1-100 letters, digits, "-" or "_", starting with a letter or digit (it also names the cluster's snapshot folder)`]);
  }
  const clusterName = str('clusterName', false);
  if (clusterName !== undefined && !FLEET_CLUSTER_NAME.test(clusterName)) {
    out.push([FLEET_CLUSTER_NAME_RULE, `${at}.clusterName ${shown(clusterName)} is not an EKS cluster name: 1-100 letters, digits, "-" or "_", starting with a letter or digit`]);
  }
  const account = str('account', true);
  if (account !== undefined && !isAccountId(account)) out.push([FLEET_FILE_RULE, `${at}.account ${shown(account)} must be a 12-digit AWS account id`]);
  const region = str('region', true);
  if (region !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region)) out.push([FLEET_FILE_RULE, `${at}.region ${shown(region)} must be an AWS region such as "eu-west-1"`]);
  const readRoleArn = str('readRoleArn', false);
  if (readRoleArn !== undefined) {
    const parsed = parseIamArn(readRoleArn, 'role');
    if (!parsed || !isIamRoleArn(readRoleArn)) out.push([FLEET_FILE_RULE, `${at}.readRoleArn ${shown(readRoleArn)} must be an IAM role ARN such as "arn:aws:iam::111111111111:role/eks-access-reader"`]);
    else if (region !== undefined && /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/.test(region) && findPartition(parsed.partition) && partitionOfRegion(region).id !== parsed.partition) {
      out.push([FLEET_FILE_RULE, `${at}.readRoleArn is in partition ${parsed.partition}, the region ${region} in ${partitionOfRegion(region).id}`]);
    }
  }
  const externalId = str('externalId', false);
  if (externalId !== undefined) {
    if (!EXTERNAL_ID.test(externalId)) out.push([FLEET_FILE_RULE, `${at}.externalId must be 2-1224 characters of letters, digits and +=,.@:/-_ (STS AssumeRole ExternalId)`]);
    if (readRoleArn === undefined) out.push([FLEET_FILE_RULE, `${at}.externalId goes with readRoleArn (it is sent when assuming that role)`]);
  }
  const kubeconfig = str('kubeconfig', false);
  if (kubeconfig !== undefined && (kubeconfig === '' || kubeconfig.includes('\0'))) out.push([FLEET_FILE_RULE, `${at}.kubeconfig must be a file path`]);
  const context = str('context', false);
  const labels: Record<string, string> = {};
  const rawLabels = own(c, 'labels');
  if (rawLabels !== undefined && rawLabels !== null) {
    if (!isRecord(rawLabels)) out.push([FLEET_FILE_RULE, `${at}.labels must be an object of label keys to string values, e.g. { env: prod }`]);
    else {
      for (const [k, v] of Object.entries(rawLabels)) {
        if (typeof v !== 'string') out.push([FLEET_FILE_RULE, `${at}.labels.${shown(k).slice(1, -1)} must be a string (quote it: "true")`]);
        else labels[k] = v;
      }
      for (const p of labelProblems(labels)) out.push([FLEET_FILE_RULE, `${at}.labels: ${p}`]);
    }
  }
  if (out.length > before) return undefined;
  return {
    name: name!, clusterName: clusterName ?? name!, account: account!, region: region!, labels,
    ...(readRoleArn !== undefined ? { readRoleArn } : {}), ...(externalId !== undefined ? { externalId } : {}),
    ...(kubeconfig !== undefined ? { kubeconfig } : {}), ...(context !== undefined ? { context } : {}),
  };
}

/**
 * Parses a fleet file's text. `file` names it in errors and anchors relative kubeconfig paths. Throws one `RuleError`
 * listing the first problems (each with its field path); its id is the first problem's.
 */
export function parseFleet(text: string, file: string): Fleet {
  if (Buffer.byteLength(text) > MAX_FLEET_FILE_BYTES) {
    throw new RuleError(FLEET_FILE_RULE, file, `larger than ${MAX_FLEET_FILE_BYTES} bytes; a fleet file lists clusters, not their contents`);
  }
  // One document, no aliases expanded past the yaml library's own bound (it refuses alias bombs: maxAliasCount).
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length) throw new RuleError(FLEET_FILE_RULE, file, `not valid YAML: ${doc.errors[0].message.split('\n')[0]}`);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    throw new RuleError(FLEET_FILE_RULE, file, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const problems: Array<[string, string]> = [];
  if (!isRecord(data)) throw new RuleError(FLEET_FILE_RULE, file, 'must be an object with `clusters:` (a list of clusters with name, account and region)');
  for (const k of Object.keys(data)) {
    if (!(TOP_KEYS as readonly string[]).includes(k)) problems.push([FLEET_FILE_RULE, `${shown(k).slice(1, -1)} is not a field of a fleet file (valid: ${TOP_KEYS.join(', ')})`]);
  }
  const apiVersion = own(data, 'apiVersion');
  if (apiVersion !== undefined && apiVersion !== FLEET_API_VERSION) problems.push([FLEET_FILE_RULE, `apiVersion must be ${FLEET_API_VERSION}, not ${shown(apiVersion)}`]);
  const kind = own(data, 'kind');
  if (kind !== undefined && kind !== FLEET_KIND) problems.push([FLEET_FILE_RULE, `kind must be ${FLEET_KIND}, not ${shown(kind)}`]);
  const raw = own(data, 'clusters');
  const clusters: FleetCluster[] = [];
  if (!Array.isArray(raw) || raw.length === 0) problems.push([FLEET_FILE_RULE, 'clusters must be a non-empty list of clusters with name, account and region']);
  else if (raw.length > MAX_FLEET_CLUSTERS) problems.push([FLEET_FILE_RULE, `clusters has ${raw.length} entries; at most ${MAX_FLEET_CLUSTERS}`]);
  else {
    const seen = new Map<string, number>();
    raw.forEach((c, i) => {
      const parsed = clusterProblems(c, `clusters[${i}]`, problems);
      if (!parsed) return;
      // Case-insensitively: the names are folder names, and macOS and Windows folders are case-insensitive.
      const key = parsed.name.toLowerCase();
      const first = seen.get(key);
      if (first !== undefined) problems.push([FLEET_CLUSTER_NAME_RULE, `clusters[${i}].name "${parsed.name}" is also the name of clusters[${first}] (names are unique, case-insensitively: each is a folder)`]);
      else seen.set(key, i);
      const base = dirname(file);
      clusters.push(parsed.kubeconfig !== undefined && !isAbsolute(parsed.kubeconfig) ? { ...parsed, kubeconfig: resolve(base, parsed.kubeconfig) } : parsed);
    });
  }
  if (problems.length) {
    const shownProblems = problems.slice(0, 10).map(([, p]) => p);
    const more = problems.length > 10 ? ` (and ${problems.length - 10} more)` : '';
    const detail = `${shownProblems.join('; ')}${more}`;
    // The first problem's rule names the error.
    throw problems[0][0] === FLEET_CLUSTER_NAME_RULE ? new RuleError(FLEET_CLUSTER_NAME_RULE, file, detail) : new RuleError(FLEET_FILE_RULE, file, detail);
  }
  return { file, clusters };
}

/** Reads and parses a fleet file (size checked before reading). */
export function readFleet(file: string): Fleet {
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new RuleError(FLEET_FILE_RULE, file, 'is not a file (give the fleet YAML file)');
    size = st.size;
  } catch (e) {
    if (e instanceof RuleError) throw e;
    throw new RuleError(FLEET_FILE_RULE, file, `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (size > MAX_FLEET_FILE_BYTES) throw new RuleError(FLEET_FILE_RULE, file, `larger than ${MAX_FLEET_FILE_BYTES} bytes; a fleet file lists clusters, not their contents`);
  return parseFleet(readFileSync(file, 'utf8'), file);
}
