/**
 * A compiled, immutable lookup table over aws-auth rows. Precedence inside one table is deterministic (the reference
 * iterates a Go map, so when an exact row and an SSO row both match the winner is random — `Map` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/mapper/file/mapper.go):
 *   1. an exact `rolearn` row (role identities) or `userarn` row (user identities);
 *   2. for roles, the first matching SSO row in document order;
 *   3. the `mapAccounts` allow-list is not consulted here but by `allowsAccount` (see MapperChain for why).
 * When two rows name the same principal, the first wins and the later one is reported as a warning.
 *
 * Role rows whose ARN has an IAM path (`role/team/dev`) match the assumed-role session of role `dev`: STS session ARNs
 * never carry the path, so the reference could never match such a row (its most reported issue: #98, #153, #268).
 * Stripping the path cannot widen access to another principal, because IAM role names are unique per account
 * regardless of path; a deleted and recreated role of the same name (any path) is matched, exactly as for path-less
 * rows — pin `userid` (the AROA… id) to prevent that.
 */
import { isIamRoleArn, stripPath } from '../arn';
import type { Identity } from '../identity';
import { MappingRowError } from './row-error';
import { matchesSsoRole } from './sso';
import type { AwsAuthRows, MappingMatch, RoleMapping, UserMapping } from './types';

function safeStripPath(arn: string): string {
  try {
    return stripPath(arn);
  } catch {
    return arn;
  }
}

/** The lookup key of a role ARN: path stripped, lower-cased (matching is case-insensitive like the reference). */
export function roleKey(roleArn: string): string {
  return safeStripPath(roleArn).toLowerCase();
}

/*
 * The one key of an aws-auth row, for every reader and writer (the model's normalisation, the merge and its ownership
 * annotation in lib/k8s, the drift check): `role:<arn>` (path stripped), `sso:<partition>:<account>:<permission set>`,
 * `user:<arn>`, `account:<id>`, lower-cased — the authenticator matches ARNs and SSO selectors case-insensitively
 * (`roleKey` above; `EqualFold` in the reference's pkg/config/types.go), so two rows differing only in case are one
 * row to it, and must be one key everywhere.
 */
/** The key of a `mapRoles` row (a role ARN or an SSO selector). */
export function roleRowKey(r: RoleMapping): string {
  if (r.roleArn !== undefined) return `role:${roleKey(r.roleArn)}`;
  return `sso:${r.sso?.partition || 'aws'}:${r.sso?.accountId}:${r.sso?.permissionSetName}`.toLowerCase();
}
/** The key of a `mapUsers` row. */
export function userRowKey(u: UserMapping): string {
  return `user:${u.userArn.toLowerCase()}`;
}
/** The key of a `mapAccounts` entry. */
export function accountRowKey(accountId: string): string {
  return `account:${accountId}`;
}
/** All row keys of `rows`, in order. */
export function rowKeys(rows: AwsAuthRows): string[] {
  return [...rows.roles.map(roleRowKey), ...rows.users.map(userRowKey), ...rows.accounts.map(accountRowKey)];
}
/** A row key written by an earlier version (case kept), in today's form. */
export function normaliseRowKey(key: string): string {
  return key.toLowerCase();
}

export class MappingTable {
  static readonly EMPTY = new MappingTable({ roles: [], users: [], accounts: [] });

  /** Rows shadowed by an earlier row for the same principal. */
  readonly duplicates: readonly MappingRowError[];
  private readonly roles = new Map<string, RoleMapping>();
  private readonly ssoRoles: RoleMapping[] = [];
  private readonly users = new Map<string, UserMapping>();
  private readonly accounts: ReadonlySet<string>;

  constructor(readonly rows: AwsAuthRows) {
    const duplicates: MappingRowError[] = [];
    const note = (source: string | undefined, earlier: string | undefined, what: string) =>
      duplicates.push(
        new MappingRowError(source ?? '(row)', undefined, undefined, `maps the same ${what} as ${earlier ?? 'an earlier row'}; the earlier row wins`, 'warning'),
      );
    // Indexed loops: for-of's iterator protocol is slow in the not-yet-optimised code of a Lambda cold start, which
    // builds this table over up to 3,000 rows (bench/results/RESULTS.md, lambda).
    for (let i = 0; i < rows.roles.length; i++) {
      const r = rows.roles[i];
      if (r.sso) {
        this.ssoRoles.push(r);
        continue;
      }
      const key = roleKey(r.roleArn!);
      const earlier = this.roles.get(key);
      if (earlier) note(r.source, earlier.source, `role (${key})`);
      else this.roles.set(key, r);
    }
    for (let i = 0; i < rows.users.length; i++) {
      const u = rows.users[i];
      const key = u.userArn.toLowerCase();
      const earlier = this.users.get(key);
      if (earlier) note(u.source, earlier.source, `user (${key})`);
      else this.users.set(key, u);
    }
    this.accounts = new Set(rows.accounts);
    this.duplicates = duplicates;
  }

  get size(): number {
    return this.rows.roles.length + this.rows.users.length + this.rows.accounts.length;
  }

  /** The explicit row for `identity` (by canonical ARN), or undefined. */
  match(identity: Identity): MappingMatch | undefined {
    const canonical = identity.canonicalArn;
    if (isIamRoleArn(canonical)) {
      const key = roleKey(canonical);
      const exact = this.roles.get(key);
      if (exact && userIdMatches(exact.userId, identity)) return toMatch('role', exact);
      const sso = this.ssoRoles.find((r) => matchesSsoRole(key, r.sso!) && userIdMatches(r.userId, identity));
      return sso ? toMatch('sso', sso) : undefined;
    }
    const user = this.users.get(canonical.toLowerCase());
    return user && userIdMatches(user.userId, identity) ? toMatch('user', user) : undefined;
  }

  allowsAccount(accountId: string): boolean {
    return this.accounts.has(accountId);
  }
}

/** A row pinned to a user id (AROA…/AIDA…) only matches that principal (reference: DynamicFile UserID-strict mode). */
function userIdMatches(userId: string | undefined, identity: Identity): boolean {
  return userId === undefined || userId === identity.userId;
}

function toMatch(kind: MappingMatch['kind'], row: RoleMapping | UserMapping): MappingMatch {
  return { kind, username: row.username, groups: row.groups, row: row.source ?? kind };
}
