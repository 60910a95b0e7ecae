/**
 * Merging our aws-auth rows into the live ConfigMap without clobbering rows written by others (EKS node groups,
 * eksctl, other teams). Each data key is one YAML string, so neither strategic merge nor server-side apply can merge
 * rows: a whole-key owner would overwrite every other writer's rows. Instead this is a three-way merge at row level,
 * like `kubectl apply`'s last-applied annotation: the ConfigMap records the rows we created and what we wrote in them
 * (`OWNED_ROWS_ANNOTATION`, aws-auth-ownership.ts). We never adopt, change or delete a row we did not create:
 * - a live row we do not own is kept as it is: if we do not declare it, it is someone else's; if we declare the same
 *   mapping, it stays theirs (reported as `shared`, never recorded as ours, so never deleted by us later); if we
 *   declare another mapping for its ARN, that is a conflict;
 * - a live row we own and still declare is replaced by our version, unless another writer changed it since we wrote
 *   it (its fingerprint differs): a conflict;
 * - a live row we own and no longer declare is removed, unless another writer changed it since: then it is theirs now
 *   and kept (reported as `released`);
 * - a declared row not in the live ConfigMap is added and recorded as ours.
 * Conflicts keep the live row; the CLI stops with exit 3 naming them. `force` resolves conflicts in our favour (the
 * operator's explicit decision) and takes the rows over.
 * The result keeps `metadata.resourceVersion`, so `kubectl replace -f -` is a compare-and-swap: if someone wrote
 * aws-auth in between, the replace fails and the pipeline is simply re-run (README "k8s").
 */
import { AWS_AUTH_NAME, AWS_AUTH_NAMESPACE, encodeAwsAuth, parseAwsAuth } from '../../authenticator/mapper/aws-auth';
import type { AwsAuthRows } from '../../authenticator/mapper/types';
import { accountRowKey, roleRowKey, userRowKey } from '../../authenticator/mapper/table';
import { Ownership, OWNED_ROWS_ANNOTATION, ownershipAnnotation, readOwnership, rowFingerprint } from './aws-auth-ownership';

export { OWNED_ROWS_ANNOTATION } from './aws-auth-ownership';

/**
 * A ConfigMap as the merge reads and writes it. `metadata` is a plain map so that every field of it (resourceVersion,
 * labels, …) survives the merge in every jsii language (a struct would drop the fields it does not declare).
 */
export interface ConfigMapLike {
  readonly apiVersion?: string;
  readonly kind?: string;
  /** The ConfigMap's metadata as read; the merge sets `name`, `namespace` and its own annotation, and keeps the rest. */
  readonly metadata?: Record<string, unknown>;
  readonly data?: Record<string, string>;
  readonly binaryData?: Record<string, string>;
  readonly immutable?: boolean;
}

/** Options of the aws-auth merge. */
export interface AwsAuthMergeOptions {
  /** Take over rows another writer holds or changed (the operator's explicit decision). @default false */
  readonly force?: boolean;
}

/** A row the merge did not write, with why. */
export interface AwsAuthMergeConflict {
  /** Row key: `role:ARN`, `user:ARN`, `account:ID` or `sso:...`. */
  readonly key: string;
  readonly reason: string;
}

export interface AwsAuthMergeResult {
  /** The ConfigMap to write back (unchanged metadata apart from the ownership annotation). */
  readonly configMap: ConfigMapLike;
  /** Keys of rows we declare that another writer holds or changed; empty when clean. */
  readonly conflicts: string[];
  /** The conflicts with their reasons, in the same order. */
  readonly conflictDetails: AwsAuthMergeConflict[];
  /** Keys of rows appended (new) and removed (ours, no longer declared), for the log. */
  readonly added: string[];
  readonly removed: string[];
  /** Keys of rows we declare that another writer already wrote identically: kept as theirs, not recorded as ours. */
  readonly shared: string[];
  /** Keys of rows we created and no longer declare, but another writer changed since: kept, no longer ours. */
  readonly released: string[];
  /** Rows of the live ConfigMap the parser rejected; they are dropped by a re-encode, so the merge refuses them. */
  readonly unreadable: string[];
}

interface MergeState {
  readonly owned: Ownership;
  readonly force: boolean;
  readonly ownedNow: [string, string][];
  readonly conflictDetails: AwsAuthMergeConflict[];
  readonly added: string[];
  readonly removed: string[];
  readonly shared: string[];
  readonly released: string[];
}

function mergeList<T>(live: readonly T[], ours: readonly T[], key: (t: T) => string, fp: (t: T) => string, s: MergeState): T[] {
  const ourByKey = new Map(ours.map((o) => [key(o), o]));
  const out: T[] = [];
  const placed = new Set<string>();
  const conflict = (k: string, reason: string, liveRow: T, mine: T) => {
    if (s.force) {
      out.push(mine);
      s.ownedNow.push([k, fp(mine)]);
    } else {
      s.conflictDetails.push({ key: k, reason });
      out.push(liveRow);
    }
  };
  for (const row of live) {
    const k = key(row);
    const mine = ourByKey.get(k);
    const liveFp = fp(row);
    const isOwned = s.owned.has(k);
    const recorded = s.owned.get(k);
    const changedByOthers = isOwned && recorded !== undefined && recorded !== liveFp;
    if (mine !== undefined) {
      placed.add(k);
      const same = fp(mine) === liveFp;
      if (!isOwned) {
        if (same) {
          s.shared.push(k);
          out.push(row);
        } else {
          conflict(k, 'another writer created this row with a different mapping', row, mine);
        }
      } else if (changedByOthers && !same) {
        conflict(k, 'another writer changed this row since we wrote it', row, mine);
      } else {
        out.push(mine);
        s.ownedNow.push([k, fp(mine)]);
      }
    } else if (isOwned && !changedByOthers) {
      s.removed.push(k);
    } else {
      if (isOwned) s.released.push(k);
      out.push(row);
    }
  }
  for (const o of ours) {
    if (!placed.has(key(o))) {
      out.push(o);
      s.added.push(key(o));
      s.ownedNow.push([key(o), fp(o)]);
    }
  }
  return out;
}

function annotationsOf(live: ConfigMapLike | undefined): Record<string, string> | undefined {
  return live?.metadata?.annotations as Record<string, string> | undefined;
}

/**
 * Merges `ours` into the live ConfigMap `live` (undefined when aws-auth does not exist yet). Pure: reads nothing,
 * writes nothing. Other data keys and all metadata are preserved.
 */
export function mergeAwsAuth(live: ConfigMapLike | undefined, ours: AwsAuthRows, opts: AwsAuthMergeOptions = {}): AwsAuthMergeResult {
  const parsed = parseAwsAuth(live?.data);
  const unreadable = parsed.errors.filter((e) => e.severity === 'error').map((e) => `${e.location}: ${e.message}`);
  const s: MergeState = {
    owned: readOwnership(annotationsOf(live)), force: opts.force ?? false, ownedNow: [],
    conflictDetails: [], added: [], removed: [], shared: [], released: [],
  };
  const roles = mergeList(parsed.roles, ours.roles, roleRowKey, rowFingerprint, s);
  const users = mergeList(parsed.users, ours.users, userRowKey, rowFingerprint, s);
  const accounts = mergeList(parsed.accounts, ours.accounts, accountRowKey, rowFingerprint, s);
  const data: Record<string, string> = { ...(live?.data ?? {}) };
  delete data.mapRoles;
  delete data.mapUsers;
  delete data.mapAccounts;
  Object.assign(data, encodeAwsAuth({ roles, users, accounts }));
  const configMap: ConfigMapLike = {
    ...(live ?? {}),
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      ...(live?.metadata ?? {}),
      name: AWS_AUTH_NAME,
      namespace: AWS_AUTH_NAMESPACE,
      annotations: { ...(annotationsOf(live) ?? {}), [OWNED_ROWS_ANNOTATION]: ownershipAnnotation(s.ownedNow) },
    },
    data,
  };
  return {
    configMap, conflicts: s.conflictDetails.map((c) => c.key), conflictDetails: s.conflictDetails,
    added: s.added, removed: s.removed, shared: s.shared, released: s.released, unreadable,
  };
}

/** `mergeAwsAuth` for every jsii language (free functions are TypeScript-only). */
export class AwsAuthMerge {
  /**
   * Merges `ours` into the live aws-auth ConfigMap (none when aws-auth does not exist yet), changing only rows this
   * library wrote before; see `AwsAuthMergeResult` for conflicts. (`live` comes second here: jsii allows no optional
   * parameter before a required one.)
   */
  public static merge(ours: AwsAuthRows, live?: ConfigMapLike, options: AwsAuthMergeOptions = {}): AwsAuthMergeResult {
    return mergeAwsAuth(live, ours, options);
  }

  private constructor() {}
}
