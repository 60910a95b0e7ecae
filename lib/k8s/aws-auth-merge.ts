/**
 * Merging our aws-auth rows into the live ConfigMap without clobbering rows written by others (EKS node groups,
 * eksctl, other teams). Each data key is one YAML string, so neither strategic merge nor server-side apply can merge
 * rows: a whole-key owner would overwrite every other writer's rows. Instead this is a three-way merge at row level,
 * like `kubectl apply`'s last-applied annotation: the ConfigMap carries `OWNED_ROWS_ANNOTATION` (the JSON list of the
 * row keys we wrote last time). Then
 * - a live row we do not own and do not declare is kept as is (someone else's);
 * - a live row we owned but no longer declare is removed (we deleted it from the model);
 * - a declared row replaces our own previous version of it;
 * - a declared row whose ARN is held by a row we do NOT own is a conflict: the live row is kept and the conflict is
 *   reported, unless `force` (then ours replaces it and we take ownership).
 * The result keeps `metadata.resourceVersion`, so `kubectl replace -f -` is a compare-and-swap: if someone wrote
 * aws-auth in between, the replace fails and the pipeline is simply re-run (README "k8s").
 */
import { parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import type { RoleMapping, UserMapping } from '../../authenticator/mapper/types';
import { accountRowKey, AwsAuthContent, awsAuthData, roleRowKey, rowKeys, userRowKey } from './aws-auth-rows';

export const OWNED_ROWS_ANNOTATION = 'cdk-eks-access.io/owned-aws-auth-rows';

/** The parts of a ConfigMap the merge reads and writes. */
export interface ConfigMapLike {
  readonly apiVersion?: string;
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string; readonly annotations?: Record<string, string>; readonly [k: string]: unknown };
  readonly data?: Record<string, string>;
  readonly [k: string]: unknown;
}

export interface AwsAuthMergeResult {
  /** The ConfigMap to write back (unchanged metadata apart from the ownership annotation). */
  readonly configMap: ConfigMapLike;
  /** Keys (`role:ARN`, `user:ARN`, `account:ID`) of others' rows that collide with ours; empty when clean. */
  readonly conflicts: string[];
  /** Keys of rows appended (new) and removed (ours, no longer declared), for the log. */
  readonly added: string[];
  readonly removed: string[];
  /** Rows of the live ConfigMap the parser rejected; they are dropped by a re-encode, so the merge refuses them. */
  readonly unreadable: string[];
}

function ownedKeys(cm: ConfigMapLike | undefined): Set<string> {
  const raw = cm?.metadata?.annotations?.[OWNED_ROWS_ANNOTATION];
  if (!raw) return new Set();
  try {
    const v: unknown = JSON.parse(raw);
    if (Array.isArray(v) && v.every((k) => typeof k === 'string')) return new Set(v);
  } catch { /* fall through */ }
  throw new Error(`aws-auth annotation ${OWNED_ROWS_ANNOTATION} is not a JSON list of row keys; fix or remove it`);
}

function mergeList<T>(live: readonly T[], ours: readonly T[], key: (t: T) => string, owned: Set<string>, force: boolean, r: { conflicts: string[]; added: string[]; removed: string[] }, same: (a: T, b: T) => boolean): T[] {
  const ourByKey = new Map(ours.map((o) => [key(o), o]));
  const out: T[] = [];
  const placed = new Set<string>();
  for (const row of live) {
    const k = key(row);
    const mine = ourByKey.get(k);
    if (mine !== undefined) {
      if (!owned.has(k) && !same(row, mine) && !force) {
        r.conflicts.push(k);
        out.push(row);
      } else {
        out.push(mine);
      }
      placed.add(k);
    } else if (owned.has(k)) {
      r.removed.push(k);
    } else {
      out.push(row);
    }
  }
  for (const o of ours) {
    if (!placed.has(key(o))) {
      out.push(o);
      r.added.push(key(o));
    }
  }
  return out;
}

const sameRole = (a: RoleMapping, b: RoleMapping) => a.username === b.username && a.groups.join('\n') === b.groups.join('\n');
const sameUser = (a: UserMapping, b: UserMapping) => a.username === b.username && a.groups.join('\n') === b.groups.join('\n');

/**
 * Merges `ours` into the live ConfigMap `live` (undefined when aws-auth does not exist yet). Pure: reads nothing,
 * writes nothing. Other data keys and all metadata are preserved.
 */
export function mergeAwsAuth(live: ConfigMapLike | undefined, ours: AwsAuthContent, opts: { force?: boolean } = {}): AwsAuthMergeResult {
  const parsed = parseAwsAuth(live?.data);
  const unreadable = parsed.errors.filter((e) => e.severity === 'error').map((e) => `${e.location}: ${e.message}`);
  const owned = ownedKeys(live);
  const r = { conflicts: [] as string[], added: [] as string[], removed: [] as string[] };
  const force = opts.force ?? false;
  const roles = mergeList(parsed.roles, ours.roles, roleRowKey, owned, force, r, sameRole);
  const users = mergeList(parsed.users, ours.users, userRowKey, owned, force, r, sameUser);
  const accounts = mergeList(parsed.accounts, ours.accounts, accountRowKey, owned, force, r, (a, b) => a === b);
  const data: Record<string, string> = { ...(live?.data ?? {}) };
  delete data.mapRoles;
  delete data.mapUsers;
  delete data.mapAccounts;
  Object.assign(data, awsAuthData({ roles, users, accounts }));
  const ownedNow = rowKeys(ours).filter((k) => !r.conflicts.includes(k));
  const configMap: ConfigMapLike = {
    ...(live ?? {}),
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      ...(live?.metadata ?? {}),
      name: 'aws-auth',
      namespace: 'kube-system',
      annotations: { ...(live?.metadata?.annotations ?? {}), [OWNED_ROWS_ANNOTATION]: JSON.stringify(ownedNow) },
    },
    data,
  };
  return { configMap, conflicts: r.conflicts, added: r.added, removed: r.removed, unreadable };
}
