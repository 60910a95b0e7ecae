/**
 * `IAMIdentityMapping` objects (iamauthenticator.k8s.aws/v1alpha1, cluster-scoped; `spec{arn, username, groups}`),
 * listed and watched (reference: https://github.com/kubernetes-sigs/aws-iam-authenticator/tree/v0.7.18/pkg/mapper/crd).
 *
 * Deliberate differences: the canonical ARN is computed here from `spec.arn` instead of by a controller writing
 * `status.canonicalARN` (in the reference a mapping is invisible until its controller has run, and this webhook
 * should not need write access to the API); role ARNs with a path match after path stripping like every other
 * backend; when two objects map the same principal, the one whose name sorts first wins (the reference's indexer
 * returns an arbitrary one); an object with an invalid spec is skipped and reported. As in the reference, this
 * backend has no account allow-list.
 */
import { MappingRowError } from './row-error';
import { KubeConnection } from './kube/connection';
import { KubeObject, ListWatch } from './kube/list-watch';
import { readRoleRow, readUserRow } from './rows';
import { TableMapper, TableMapperOptions } from './table-mapper';
import type { RoleMapping, UserMapping } from './types';
import { isPlainObject } from './row-reader';
import { classifyArn, PrincipalKind } from '../arn';

export const IAM_IDENTITY_MAPPING_PATH = '/apis/iamauthenticator.k8s.aws/v1alpha1/iamidentitymappings';

export interface CrdMapperOptions extends TableMapperOptions {
  /** @default 'crd' */
  readonly name?: string;
  readonly watch?: { readonly watchTimeoutSeconds?: number; readonly initialBackoffMs?: number; readonly maxBackoffMs?: number };
}

export class CrdMapper extends TableMapper {
  readonly name: string;
  readonly listWatch: ListWatch;

  constructor(connection: KubeConnection, options: CrdMapperOptions = {}) {
    super(options);
    this.name = options.name ?? 'crd';
    this.listWatch = new ListWatch(connection, {
      ...options.watch,
      path: IAM_IDENTITY_MAPPING_PATH,
      onChange: (objects) => this.onChange(objects),
      onError: (msg) => this.reportError(msg),
    });
  }

  start(): Promise<void> {
    return this.listWatch.start();
  }

  stop(): Promise<void> {
    return this.listWatch.stop();
  }

  private onChange(objects: ReadonlyMap<string, KubeObject>): void {
    const rows = iamIdentityMappingRows([...objects].map(([name, o]) => ({ name, spec: o.spec })));
    this.apply({ roles: rows.roles, users: rows.users, accounts: [] }, rows.errors);
  }
}

/** The rows of IAMIdentityMapping objects, and the problems of those that are skipped. */
export interface IamIdentityMappingRows {
  readonly roles: RoleMapping[];
  readonly users: UserMapping[];
  readonly errors: MappingRowError[];
}

/**
 * IAMIdentityMapping `spec{arn, username, groups}` → aws-auth rows, the one reading for the CRD backend and the offline
 * analysis: objects in name order (the first name wins a duplicate), the spec read by the aws-auth row readers
 * (a role or assumed-role `arn` as `rolearn`, anything else as `userarn`), errors keyed `IAMIdentityMapping/<name>.spec.*`.
 */
export function iamIdentityMappingRows(objects: ReadonlyArray<{ readonly name: string; readonly spec: unknown }>): IamIdentityMappingRows {
  const roles: RoleMapping[] = [];
  const users: UserMapping[] = [];
  const errors: MappingRowError[] = [];
  for (const { name, spec } of [...objects].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const key = `IAMIdentityMapping/${name}`;
    if (!isPlainObject(spec)) {
      errors.push(new MappingRowError(key, undefined, 'spec', 'must be an object with arn, username, groups'));
      continue;
    }
    const { arn, ...rest } = spec;
    // The spec's `arn` may name a role or a user; reuse the aws-auth row validation under the matching field name.
    let isRole = false;
    try {
      const t = classifyArn(String(arn)).type;
      isRole = t === PrincipalKind.ROLE || t === PrincipalKind.ASSUMED_ROLE;
    } catch {
      // reported by the row reader below
    }
    const result = isRole ? readRoleRow({ rolearn: arn, ...rest }, key, 0, key) : readUserRow({ userarn: arn, ...rest }, key, 0, key);
    // Re-key the errors to the object (`IAMIdentityMapping/x.spec.arn`), not to a synthetic row index.
    for (const e of result.errors) {
      const field = e.field === 'rolearn' || e.field === 'userarn' ? 'arn' : e.field;
      errors.push(new MappingRowError(key, undefined, field ? `spec.${field}` : 'spec', e.message, e.severity));
    }
    if (result.row && isRole) roles.push(result.row as RoleMapping);
    else if (result.row) users.push(result.row as UserMapping);
  }
  return { roles, users, errors };
}
