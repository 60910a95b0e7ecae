/**
 * Shared types of the identity mappers: the rows of the aws-auth format and the mapper contract
 * (reference: pkg/config/types.go RoleMapping/UserMapping, pkg/mapper/mapper.go Mapper).
 */
import type { Identity, MappedUser } from '../identity';
import type { MappingRowError } from './row-error';

/** An AWS IAM Identity Center (SSO) permission-set role, matched instead of a literal role ARN. */
export interface SsoRoleSelector {
  readonly permissionSetName: string;
  /** 12-digit account id. */
  readonly accountId: string;
  /** @default 'aws' */
  readonly partition?: string;
}

/** A `mapRoles` row: exactly one of `roleArn` / `sso`. */
export interface RoleMapping {
  readonly roleArn?: string;
  readonly sso?: SsoRoleSelector;
  /** May contain templates (`{{SessionName}}`, …); see docs/mapping.md. */
  readonly username: string;
  readonly groups: string[]; // a plain array: the type is part of the jsii API (lib/model re-exports it)
  /** If set, the identity's STS user id (AROA…) must equal it too (protects against a deleted and recreated role). */
  readonly userId?: string;
  /** Where the row came from (e.g. `mapRoles[2]`), set by the parsers; used in logs and duplicate reports. */
  readonly source?: string;
}

/** A `mapUsers` row. */
export interface UserMapping {
  readonly userArn: string;
  readonly username: string;
  readonly groups: string[]; // a plain array: the type is part of the jsii API (lib/model re-exports it)
  /** If set, the identity's STS user id (AIDA…) must equal it too. */
  readonly userId?: string;
  /** Where the row came from (e.g. `mapUsers[0]`), set by the parsers. */
  readonly source?: string;
}

/**
 * The rows of an aws-auth document: the one shape for what the charts, the CDK constructs and the model write and what
 * the webhook reads (`encodeRowLists` / `encodeAwsAuth` put it on the wire, the parsers read it back).
 */
export interface AwsAuthRows {
  /** `mapRoles` rows. */
  readonly roles: RoleMapping[];
  /** `mapUsers` rows. */
  readonly users: UserMapping[];
  /** `mapAccounts`: account ids whose every principal is mapped to its own ARN (username = canonical ARN, no groups). */
  readonly accounts: string[];
}

/** Load state of a mapper's configuration, for `/readyz` and logs. */
export interface MapperHealth {
  readonly name: string;
  /** True once a configuration has been loaded successfully at least once. */
  readonly ready: boolean;
  /** Number of role, user and account rows in effect. */
  readonly rows: number;
  /** When the configuration in effect was loaded. */
  readonly loadedAt?: Date;
  /** The last load or watch problem (the last good configuration stays in effect), cleared by a good load. */
  readonly lastError?: string;
  /** Load/watch problems since start (for a failures metric, like the reference's configmap_watch_failures_total). */
  readonly failures: number;
  /** Row problems of the configuration in effect (rows with `severity: 'error'` are not applied). */
  readonly rowErrors: readonly MappingRowError[];
}

/** The mapper contract shared by all backends and by custom mappers. */
export interface IdentityMapper {
  readonly name: string;
  /** Loads the configuration and starts watching it; resolves after the first load attempt. */
  start?(): Promise<void>;
  /** Stops watching; idempotent. */
  stop?(): Promise<void>;
  /** The Kubernetes user for a verified identity, or undefined if this mapper does not map it. */
  map(identity: Identity): Promise<MappedUser | undefined>;
  health?(): MapperHealth;
}

/** Which kind of row matched; `account` is the `mapAccounts` allow-list. */
export type MatchKind = 'role' | 'sso' | 'user' | 'account';

/** An explicit row that matched an identity, before template rendering. */
export interface MappingMatch {
  readonly kind: Exclude<MatchKind, 'account'>;
  readonly username: string;
  readonly groups: readonly string[];
  /** Where the row came from, e.g. `mapRoles[2]`, for logs and errors. */
  readonly row: string;
}

/** Minimal structured logger (a subset of pino's API) through which backends report reloads and problems. */
export interface MapperLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export const SILENT_LOGGER: MapperLogger = { info: () => {}, warn: () => {}, error: () => {} };
