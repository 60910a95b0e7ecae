/**
 * The aws-auth rows of a document whose keys already hold lists (JSON, or YAML already parsed): the part of the
 * aws-auth format that needs no YAML parser, so the Lambda handler (JSON mapping) bundles none. aws-auth.ts adds the
 * YAML strings of ConfigMap `data` on top.
 */
import { describe } from './row-reader';
import { MappingRowError } from './row-error';
import { readAccountRow, readRoleRow, readUserRow, RowResult } from './rows';
import type { AwsAuthRows, RoleMapping, UserMapping } from './types';

export const AWS_AUTH_KEYS = ['mapRoles', 'mapUsers', 'mapAccounts'] as const;

/**
 * The parsed content of an aws-auth document: its rows, the rows that were rejected or are suspicious (`errors`), and
 * whether the document was unusable as a whole (then backends keep their last good config).
 */
export interface ParsedAwsAuth extends AwsAuthRows {
  readonly errors: readonly MappingRowError[];
  /** True when a key (or the document) could not be parsed at all, e.g. a YAML syntax error. */
  readonly broken: boolean;
}

/** Keys that differ from a known key only in letter case are ignored by the reference, silently; we say so. */
export function misspelledKeys(keys: readonly string[]): MappingRowError[] {
  const out: MappingRowError[] = [];
  for (const k of keys) {
    const known = AWS_AUTH_KEYS.find((known) => known.toLowerCase() === k.toLowerCase());
    if (known !== undefined && known !== k) {
      out.push(new MappingRowError(k, undefined, undefined, `is ignored: key names are case-sensitive; did you mean '${known}'?`));
    }
  }
  return out;
}

function readList<T>(
  values: Record<string, unknown>,
  key: string,
  read: (v: unknown, key: string, i: number, source: string) => RowResult<T>,
  errors: MappingRowError[],
): { rows: T[]; broken: boolean } {
  const v = values[key];
  if (v === undefined || v === null || v === '') return { rows: [], broken: false };
  if (!Array.isArray(v)) {
    errors.push(new MappingRowError(key, undefined, undefined, `must be a list of rows, got ${describe(v)}`));
    return { rows: [], broken: true };
  }
  const rows: T[] = [];
  v.forEach((item, i) => {
    const r = read(item, key, i, `${key}[${i}]`);
    // No spread of the (usually empty) problem list: this runs for each row of a 3,000-row mapping at a Lambda cold
    // start, in not-yet-optimised code (bench/results/RESULTS.md, lambda).
    if (r.errors.length > 0) errors.push(...r.errors);
    if (r.row !== undefined) rows.push(r.row);
  });
  return { rows, broken: false };
}

export function readRows(values: Record<string, unknown>): ParsedAwsAuth {
  const errors: MappingRowError[] = [];
  const roles = readList<RoleMapping>(values, 'mapRoles', readRoleRow, errors);
  const users = readList<UserMapping>(values, 'mapUsers', readUserRow, errors);
  const accounts = readList<string>(values, 'mapAccounts', (v, k, i) => readAccountRow(v, k, i), errors);
  return {
    roles: roles.rows,
    users: users.rows,
    accounts: accounts.rows,
    errors,
    broken: roles.broken || users.broken || accounts.broken,
  };
}

/** aws-auth rows in the wire form: the three lists under their ConfigMap keys, rows with the reference's field names. */
export interface AwsAuthRowLists {
  readonly mapRoles: Record<string, unknown>[];
  readonly mapUsers: Record<string, unknown>[];
  readonly mapAccounts: string[];
}

/**
 * The one wire encoder of aws-auth rows (`encodeAwsAuth` writes these lists as YAML; the static backend and the Lambda
 * mapping file take them as JSON). Field names and order are the reference's (`rolearn`,
 * `sso{permissionSetName, accountID, partition}`, `username`, `groups`, `userid`; pkg/config/types.go RoleMapping,
 * UserMapping of https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/config/types.go); empty
 * groups are left out, as the reference's `omitempty` does.
 */
export function encodeRowLists(rows: AwsAuthRows): AwsAuthRowLists {
  return {
    mapRoles: rows.roles.map((r) => ({
      ...(r.roleArn !== undefined ? { rolearn: r.roleArn } : {}),
      ...(r.sso
        ? { sso: { permissionSetName: r.sso.permissionSetName, accountID: r.sso.accountId, ...(r.sso.partition ? { partition: r.sso.partition } : {}) } }
        : {}),
      username: r.username,
      ...(r.groups.length ? { groups: [...r.groups] } : {}),
      ...(r.userId ? { userid: r.userId } : {}),
    })),
    mapUsers: rows.users.map((u) => ({
      userarn: u.userArn,
      username: u.username,
      ...(u.groups.length ? { groups: [...u.groups] } : {}),
      ...(u.userId ? { userid: u.userId } : {}),
    })),
    mapAccounts: [...rows.accounts],
  };
}
