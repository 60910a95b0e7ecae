/**
 * Subjects of a binding. ServiceAccount subjects always carry their namespace: a ClusterRoleBinding subject without
 * one is rejected by the API server, and cdk8s-plus leaves it out for charts without a namespace
 * (https://github.com/cdk8s-team/cdk8s-plus/blob/k8s-28/main/src/role-binding.ts).
 */
import type { ISubject } from 'cdk8s-plus-28';
import { k8s } from 'cdk8s-plus-28';
import { NAMESPACE_NAME } from '../model/rbac-vocabulary';
import { RuleError } from '../model/rule-error';
import { RBAC_API_GROUP } from '../model/rbac-rule-forms';

export const RBAC_SUBJECT_NAMESPACE_RULE = 'eks-access:rbac-subject-namespace';
const RBAC_SUBJECT_KIND_RULE = 'eks-access:rbac-subject-kind';
const RBAC_SUBJECT_NAME_RULE = 'eks-access:rbac-subject-name';


/** Kinds of RBAC subject. */
export enum SubjectKind {
  USER = 'User',
  GROUP = 'Group',
  SERVICE_ACCOUNT = 'ServiceAccount',
}

/** A User, Group or ServiceAccount named in a RoleBinding or ClusterRoleBinding. */
export class RbacSubject {
  /** A Kubernetes user name, e.g. the username an IAM principal is mapped to. */
  public static user(name: string): RbacSubject {
    return new RbacSubject(SubjectKind.USER, name);
  }

  /** A Kubernetes group, e.g. one an IAM principal's mapping or access entry puts it in. */
  public static group(name: string): RbacSubject {
    return new RbacSubject(SubjectKind.GROUP, name);
  }

  /** A ServiceAccount; the namespace is required (a DNS label such as `tools`). */
  public static serviceAccount(name: string, namespace: string): RbacSubject {
    if (!NAMESPACE_NAME.test(namespace ?? '')) {
      throw new RuleError(RBAC_SUBJECT_NAMESPACE_RULE, `RbacSubject.serviceAccount('${name}')`,
        `namespace "${namespace}" is not a valid namespace name; give the ServiceAccount's namespace as a DNS label such as "tools" (a binding subject without one is rejected by the API server)`);
    }
    return new RbacSubject(SubjectKind.SERVICE_ACCOUNT, name, namespace);
  }

  /**
   * Adopts a cdk8s-plus subject (`User.fromName`, `Group.fromName`, `ServiceAccount`). A ServiceAccount without a
   * namespace (a chart without one) gets `defaultNamespace`, or is an error naming the construct.
   */
  public static fromCdk8sPlus(subject: ISubject, defaultNamespace?: string): RbacSubject {
    const c = subject.toSubjectConfiguration();
    const kind = Object.values(SubjectKind).find((k) => k === c.kind);
    if (kind === undefined) throw new RuleError(RBAC_SUBJECT_KIND_RULE, subject.node.path, `unsupported subject kind "${c.kind}" (User, Group or ServiceAccount)`);
    const namespace = kind === SubjectKind.SERVICE_ACCOUNT ? c.namespace ?? defaultNamespace : undefined;
    if (kind === SubjectKind.SERVICE_ACCOUNT && !namespace) {
      throw new RuleError(RBAC_SUBJECT_NAMESPACE_RULE, subject.node.path, `ServiceAccount subject "${c.name}" has no namespace; give the ServiceAccount one or pass defaultNamespace`);
    }
    return new RbacSubject(kind, c.name, namespace);
  }

  private constructor(
    /** The subject kind. */
    public readonly kind: SubjectKind,
    /** The user, group or ServiceAccount name. */
    public readonly name: string,
    /** The ServiceAccount's namespace (only for ServiceAccounts). */
    public readonly namespace?: string,
  ) {
    if (!name || name.trim() !== name) throw new RuleError(RBAC_SUBJECT_NAME_RULE, `RBAC ${kind} subject`, `name must be non-empty without surrounding spaces, got "${name}"`);
    if (kind === SubjectKind.SERVICE_ACCOUNT && !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name)) {
      throw new RuleError(RBAC_SUBJECT_NAME_RULE, 'RBAC ServiceAccount subject', `"${name}" is not a valid ServiceAccount name (DNS subdomain)`);
    }
  }

  /** A stable key, for de-duplication. */
  public get key(): string {
    return `${this.kind}:${this.namespace ?? ''}:${this.name}`;
  }

  /** The L1 form. */
  public toSubject(): k8s.Subject {
    return this.kind === SubjectKind.SERVICE_ACCOUNT
      ? { kind: this.kind, apiGroup: '', name: this.name, namespace: this.namespace }
      : { kind: this.kind, apiGroup: RBAC_API_GROUP, name: this.name };
  }
}
