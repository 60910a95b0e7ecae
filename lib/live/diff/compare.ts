/**
 * Drift between the code (desired) and the cluster (live), per item: `added` = live has it and the code does not,
 * `removed` = the code has it and live does not, `changed` = both, different (the fields that differ, both values).
 */
import { AccessState, ComparedAccessEntry, ComparedAwsAuthRow } from './state';

export enum DriftChange {
  ADDED = 'added',
  REMOVED = 'removed',
  CHANGED = 'changed',
}

export interface FieldDiff {
  readonly field: string;
  readonly desired: unknown;
  readonly live: unknown;
}

export interface DriftItem {
  /** `access-entry`, `aws-auth` or `rbac`. */
  readonly area: string;
  /** Principal ARN, aws-auth row key (`role ARN`, `user ARN`, `account ID`) or `Kind namespace/name`. */
  readonly key: string;
  readonly change: DriftChange;
  readonly fields: FieldDiff[];
}

export interface DriftReport {
  readonly items: DriftItem[];
  /** Why the answer cannot be trusted (unreadable live sources); non-empty means exit 2. */
  readonly unknown: string[];
  /** What the user must be told when the cluster was read just now (TLS verification off); no effect on the exit code. */
  readonly warnings?: string[];
}

function fieldsOf(desired: object, live: object): FieldDiff[] {
  const d = desired as Record<string, unknown>;
  const l = live as Record<string, unknown>;
  return Object.keys(d).filter((k) => JSON.stringify(d[k]) !== JSON.stringify(l[k])).map((k) => ({ field: k, desired: d[k], live: l[k] }));
}

function compareMaps<T>(area: string, desired: Map<string, T>, live: Map<string, T>, details: (v: T) => object): DriftItem[] {
  const items: DriftItem[] = [];
  for (const key of [...new Set([...desired.keys(), ...live.keys()])].sort()) {
    const d = desired.get(key);
    const l = live.get(key);
    if (d && !l) items.push({ area, key, change: DriftChange.REMOVED, fields: Object.entries(details(d)).map(([field, v]) => ({ field, desired: v, live: undefined })) });
    else if (!d && l) items.push({ area, key, change: DriftChange.ADDED, fields: Object.entries(details(l)).map(([field, v]) => ({ field, desired: undefined, live: v })) });
    else if (d && l) {
      const fields = fieldsOf(details(d), details(l));
      if (fields.length) items.push({ area, key, change: DriftChange.CHANGED, fields });
    }
  }
  return items;
}

/**
 * `otherIsCode`: the `live` side is code too (`diff --current`), so an aws-auth ConfigMap it manages and `desired` does
 * not is compared as well: its rows are what `desired` stops holding (e.g. the rows `usage --propose` moves to access
 * entries, or drops).
 */
export function compareAccess(desired: AccessState, live: AccessState, opts: { otherIsCode?: boolean } = {}): DriftItem[] {
  const rbacDetails = (v: string) => JSON.parse(v) as object;
  const compareAwsAuth = desired.awsAuthRows || (opts.otherIsCode && live.awsAuthRows);
  return [
    ...compareMaps<ComparedAccessEntry>('access-entry', desired.accessEntries, live.accessEntries, (e) => e),
    // No aws-auth in the code: against a cluster, the code does not manage it, so its rows are not drift.
    ...(compareAwsAuth ? compareMaps<ComparedAwsAuthRow>('aws-auth', desired.awsAuthRows ?? new Map(), live.awsAuthRows ?? new Map(), (r) => r) : []),
    ...compareMaps<string>('rbac', desired.rbac, live.rbac, rbacDetails),
  ];
}
