/**
 * Validation of single aws-auth rows (reference: RoleMapping.Validate / UserMapping.Validate, pkg/config/types.go).
 * Stricter than the reference in one respect: an ARN that cannot be an identity ARN (e.g. `arn:iam:matlan`, which the
 * reference accepts and which can never match) is reported and the row is not applied.
 */
import { classifyArn, isAccountId, PrincipalKind } from '../arn';
import { plainIamPrincipalType } from '../arn-plain';
import { findPartition } from '../partitions';
import { describe, isPlainObject, RowReader } from './row-reader';
import { MappingRowError } from './row-error';
import type { RoleMapping, SsoRoleSelector, UserMapping } from './types';

export interface RowResult<T> {
  readonly row?: T;
  readonly errors: readonly MappingRowError[];
}

const ROLE_FIELDS = ['rolearn', 'sso', 'username', 'groups', 'userid'];
const USER_FIELDS = ['userarn', 'username', 'groups', 'userid'];
const SSO_FIELDS = ['permissionsetname', 'accountid', 'partition'];
const PERMISSION_SET_NAME = /^[\w+=,.@-]{1,32}$/;
const USERNAME_HINT = 'the Kubernetes user name, may contain templates such as {{SessionName}}';

function reader(value: unknown, key: string, index: number): RowReader | MappingRowError {
  if (!isPlainObject(value)) {
    return new MappingRowError(key, index, undefined, `must be an object with fields, got ${describe(value)}`);
  }
  return new RowReader(value, key, index);
}

function classify(arn: string): { type: PrincipalKind; canonicalArn: string } | string {
  try {
    return classifyArn(arn);
  } catch (e) {
    return (e as Error).message;
  }
}

/** The result of a row without problems (shared: nobody writes to it). */
const NO_ERRORS: readonly MappingRowError[] = [];

/** A string the reader takes as it is: non-empty, nothing for `trim()` to remove. */
function exact(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v.trim() === v;
}

/** What `RowReader.stringList` returns for `v` when it finds nothing to report, else undefined. */
function exactList(v: unknown): string[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v)) return undefined;
  // Indexed loops here and below: for-of's iterator protocol is slow in the not-yet-optimised code of a cold start.
  for (let i = 0; i < v.length; i++) if (!exact(v[i])) return undefined;
  return v.slice() as string[];
}

/**
 * The row as the full reader below would return it, for the shape every writer emits (`encodeRowLists`, eksctl, the
 * console): a plain object whose only fields are `<arnField>`, `username`, `groups` and `userid`, spelt so, holding
 * values the reader would not trim or refuse, and an ARN of `plainIamPrincipalType`'s shape and type. Anything else
 * (other spellings, unknown fields, `sso`, nulls, session ARNs…) is undefined and the full reader decides, so nothing
 * is accepted that it would refuse. It skips the per-row field map, the case-folding and the error bookkeeping, which
 * on a 3,000-row Lambda mapping were most of the cold start's mapping cost (bench/results/RESULTS.md, lambda);
 * test/authenticator/mapper/rows-fast-path.test.ts checks it against the full reader on rows around its edges.
 */
function plainRow(value: unknown, arnField: 'rolearn' | 'userarn', type: 'role' | 'user'): { arn: string; username: string; groups: string[]; userId?: string } | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const obj = value as Record<string, unknown>;
  let arn: unknown;
  let username: unknown;
  let groups: unknown;
  let userId: unknown;
  // Own enumerable fields only, as the full reader reads them (never an inherited property).
  const names = Object.keys(obj);
  for (let i = 0; i < names.length; i++) {
    const name = names[i];
    if (name === arnField) arn = obj[name];
    else if (name === 'username') username = obj[name];
    else if (name === 'groups') groups = obj[name];
    else if (name === 'userid') userId = obj[name];
    else return undefined;
  }
  if (!exact(arn) || plainIamPrincipalType(arn) !== type || !exact(username)) return undefined;
  if (userId !== undefined && !exact(userId)) return undefined;
  const list = exactList(groups);
  if (list === undefined) return undefined;
  return { arn, username, groups: list, userId };
}

/** `readRoleRowFull`'s result for a row of `plainRow`'s shape, else undefined. */
export function plainRoleRow(value: unknown, source: string): RowResult<RoleMapping> | undefined {
  const plain = plainRow(value, 'rolearn', 'role');
  if (plain === undefined) return undefined;
  return { row: { roleArn: plain.arn, sso: undefined, username: plain.username, groups: plain.groups, userId: plain.userId, source }, errors: NO_ERRORS };
}

/** `readUserRowFull`'s result for a row of `plainRow`'s shape, else undefined. */
export function plainUserRow(value: unknown, source: string): RowResult<UserMapping> | undefined {
  const plain = plainRow(value, 'userarn', 'user');
  if (plain === undefined) return undefined;
  return { row: { userArn: plain.arn, username: plain.username, groups: plain.groups, userId: plain.userId, source }, errors: NO_ERRORS };
}

/** Reads one `mapRoles` row. A rolearn given as an `assumed-role` session ARN is canonicalized to the role ARN. */
export function readRoleRow(value: unknown, key: string, index: number, source: string): RowResult<RoleMapping> {
  return plainRoleRow(value, source) ?? readRoleRowFull(value, key, index, source);
}

/** `readRoleRow` without the fast path: what it is checked against. */
export function readRoleRowFull(value: unknown, key: string, index: number, source: string): RowResult<RoleMapping> {
  const r = reader(value, key, index);
  if (r instanceof MappingRowError) return { errors: [r] };
  const rawArn = r.string('rolearn', false, 'an IAM role ARN');
  const ssoObj = r.object('sso');
  let roleArn: string | undefined;
  let sso: SsoRoleSelector | undefined;
  if (rawArn !== undefined && ssoObj !== undefined) {
    r.fail(undefined, `give only one of '${r.nameOf('rolearn')}' or '${r.nameOf('sso')}'`);
  } else if (rawArn === undefined && ssoObj === undefined && r.ok) {
    r.fail(undefined, "one of 'rolearn' or 'sso' must be supplied");
  } else if (rawArn !== undefined) {
    const c = classify(rawArn);
    if (typeof c === 'string') {
      r.fail(r.nameOf('rolearn'), `${c}; expected an IAM role ARN like arn:aws:iam::111122223333:role/NAME`);
    } else if (c.type !== PrincipalKind.ROLE && c.type !== PrincipalKind.ASSUMED_ROLE) {
      r.fail(r.nameOf('rolearn'), `'${rawArn}' is not a role ARN (it is a ${c.type.toLowerCase()}; put users in mapUsers)`);
    } else {
      roleArn = c.canonicalArn;
    }
  } else if (ssoObj !== undefined) {
    sso = readSso(new RowReader(ssoObj, key, index), r);
  }
  const username = r.string('username', true, USERNAME_HINT);
  const groups = r.stringList('groups');
  const userId = r.string('userid', false, 'the STS user id, e.g. AROA…');
  r.warnUnknownFields(ROLE_FIELDS);
  if (!r.ok || username === undefined) return { errors: r.errors };
  return { row: { roleArn, sso, username, groups, userId, source }, errors: r.errors };
}

function readSso(s: RowReader, row: RowReader): SsoRoleSelector | undefined {
  const prefix = `${row.nameOf('sso')}.`;
  const permissionSetName = s.string('permissionSetName', true, 'the IAM Identity Center permission set name');
  const accountId = s.string('accountID', true, 'the 12-digit account id');
  const partition = s.string('partition', false, 'an AWS partition such as aws or aws-cn');
  if (permissionSetName !== undefined && !PERMISSION_SET_NAME.test(permissionSetName)) {
    s.fail(s.nameOf('permissionSetName'), `'${permissionSetName}' is not a permission set name (1-32 of [A-Za-z0-9_+=,.@-])`);
  }
  if (accountId !== undefined && !isAccountId(accountId)) {
    s.fail(s.nameOf('accountID'), `'${accountId}' is not a 12-digit account id (quote it in YAML to keep leading zeros)`);
  }
  if (partition !== undefined && !findPartition(partition)) {
    s.fail(s.nameOf('partition'), `'${partition}' is not an AWS partition (aws, aws-cn, aws-us-gov, aws-iso, …)`);
  }
  s.warnUnknownFields(SSO_FIELDS);
  // Re-home the nested errors under the row's `sso.` prefix so the location reads `mapRoles[1].sso.accountID`.
  for (const e of s.errors) row.errors.push(new MappingRowError(e.key, e.index, prefix + (e.field ?? ''), e.message, e.severity));
  if (!s.ok || permissionSetName === undefined || accountId === undefined) return undefined;
  return { permissionSetName, accountId, partition };
}

/** Reads one `mapUsers` row. */
export function readUserRow(value: unknown, key: string, index: number, source: string): RowResult<UserMapping> {
  return plainUserRow(value, source) ?? readUserRowFull(value, key, index, source);
}

/** `readUserRow` without the fast path: what it is checked against. */
export function readUserRowFull(value: unknown, key: string, index: number, source: string): RowResult<UserMapping> {
  const r = reader(value, key, index);
  if (r instanceof MappingRowError) return { errors: [r] };
  const rawArn = r.string('userarn', true, 'an IAM user ARN');
  let userArn: string | undefined;
  if (rawArn !== undefined) {
    const c = classify(rawArn);
    if (typeof c === 'string') {
      r.fail(r.nameOf('userarn'), `${c}; expected an IAM user ARN like arn:aws:iam::111122223333:user/NAME`);
    } else if (c.type === PrincipalKind.ROLE || c.type === PrincipalKind.ASSUMED_ROLE) {
      r.fail(r.nameOf('userarn'), `'${rawArn}' is a role ARN; put roles in mapRoles`);
    } else {
      userArn = c.canonicalArn;
    }
  }
  const username = r.string('username', true, USERNAME_HINT);
  const groups = r.stringList('groups');
  const userId = r.string('userid', false, 'the STS user id, e.g. AIDA…');
  r.warnUnknownFields(USER_FIELDS);
  if (!r.ok || userArn === undefined || username === undefined) return { errors: r.errors };
  return { row: { userArn, username, groups, userId, source }, errors: r.errors };
}

/** Reads one `mapAccounts` entry. Stricter than the reference, which accepts any string. */
export function readAccountRow(value: unknown, key: string, index: number): RowResult<string> {
  const v = typeof value === 'string' ? value.trim() : value;
  if (typeof v !== 'string' || !isAccountId(v)) {
    return { errors: [new MappingRowError(key, index, undefined, `${describe(value)} is not a 12-digit account id`)] };
  }
  return { row: v, errors: [] };
}
