/**
 * Access entries → `AccessModel` calls. Each principal is first added to a scratch model and checked with the
 * model's own `validateModel`, so the generated code never holds a call the model refuses; what it refuses becomes a
 * comment saying what live holds, why it is refused and what was done instead. Every value is written through
 * code-literal.ts; an entry `type` is written as `AccessEntryType.X` only when it is one of the enum's values.
 */
import { stripPath } from '../../../authenticator/arn';
import { AccessEntryRecord } from '../../analysis/access-entries';
import { AccessEntryType, AccessModel, AccessPolicy, AccessPolicyGrant, AuthenticationMode, validateModel } from '../../model';
import { parseIamArn } from '../../model/iam-arn';
import { defaultAccessEntryUsername, isSystemName, SYSTEM_MASTERS } from '../../../authenticator/mapper/eks-rules';
import { enumMember, enumValues, IdAllocator, literal } from './code-literal';

export interface ImportedCall {
  /** TypeScript statements (no indentation), or none when the principal was left out. */
  readonly code: string[];
  /** Comment lines placed before the call. */
  readonly notes: string[];
}

/** `AccessPolicy.AMAZON_EKS_EDIT_POLICY` for `AmazonEKSEditPolicy` (the catalogue's static field of that policy). */
function policyConstant(policy: AccessPolicy): string {
  const field = Object.entries(AccessPolicy).find(([, v]) => v === policy)?.[0];
  return field && /^[A-Z][A-Z0-9_]*$/.test(field) ? `AccessPolicy.${field}` : `AccessPolicy.of(${literal(policy.policyName)})`;
}

function grantCode(a: AccessEntryRecord['accessPolicies'][number]): { code: string; grant: AccessPolicyGrant } {
  const policy = AccessPolicy.fromArn(a.policyArn);
  if (a.scope.type === 'cluster') return { code: `${policyConstant(policy)}.atClusterScope()`, grant: policy.atClusterScope() };
  return { code: `${policyConstant(policy)}.inNamespaces(${a.scope.namespaces.map((n) => literal(n)).join(', ')})`, grant: policy.inNamespaces(...a.scope.namespaces) };
}

export class PrincipalImporter {
  constructor(
    private readonly accountId: string,
    private readonly mode: AuthenticationMode,
    private readonly partition: string,
    /** The import's one id allocator (generate.ts), shared with the chart's objects. */
    private readonly ids: IdAllocator = new IdAllocator(),
  ) {}

  /** A stable, readable model id from the IAM name, distinct from every id handed out before. */
  idFor(arn: string): string {
    return this.ids.allocate((parseIamArn(arn)?.name ?? arn.split(/[:/]/).pop() ?? '').toLowerCase(), 'principal');
  }

  entry(e: AccessEntryRecord): ImportedCall {
    try {
      return this.entryCall(e);
    } catch (err) {
      // A value the model's own constructors refuse (an access-policy ARN, a namespace): a NOTE, never a failed import.
      return { code: [], notes: [`live: access entry ${e.principalArn} (${e.type}); the model refuses it: ${(err as Error).message}.`, 'done instead: not imported (diff will report it).'] };
    }
  }

  private entryCall(e: AccessEntryRecord): ImportedCall {
    const notes: string[] = [];
    const arn = parseIamArn(e.principalArn);
    if (!arn) return { code: [], notes: [`${e.principalArn}: not an IAM user or role ARN; not imported`] };
    const entryType = enumMember('AccessEntryType', AccessEntryType, e.type);
    if (!entryType) {
      return { code: [], notes: [`live: access entry ${e.principalArn} has type ${JSON.stringify(e.type)}, which is not one of ${enumValues(AccessEntryType).join(', ')}.`, 'done instead: not imported.'] };
    }
    const id = this.idFor(e.principalArn);
    const scratch = new AccessModel({ accountId: this.accountId, authenticationMode: this.mode, partition: this.partition });
    let code: string;
    if (e.type !== AccessEntryType.STANDARD) {
      const grants = e.accessPolicies.map(grantCode);
      scratch.addNodeRole(id, e.principalArn, { entryType: e.type as AccessEntryType, accessPolicies: grants.map((g) => g.grant) });
      const policies = grants.length ? `, accessPolicies: [${grants.map((g) => g.code).join(', ')}]` : '';
      code = `model.addNodeRole(${literal(id)}, ${literal(e.principalArn)}, { entryType: ${entryType}${policies} });`;
    } else {
      const username = e.username !== undefined && e.username !== defaultAccessEntryUsername(e.principalArn, e.type as AccessEntryType) ? e.username : undefined;
      let groups = [...e.kubernetesGroups];
      const system = groups.filter(isSystemName);
      if (system.length) {
        notes.push(`live: groups ${system.join(', ')} on this access entry; the model refuses system: groups on access entries (EKS does too).`);
        notes.push(`done instead: left them out${system.includes(SYSTEM_MASTERS) ? '; system:masters is AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY.atClusterScope()' : ''}.`);
        groups = groups.filter((g) => !isSystemName(g));
      }
      const grants = e.accessPolicies.map(grantCode);
      if (system.includes(SYSTEM_MASTERS) && !grants.some((g) => g.grant.policy === AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY)) {
        const admin = AccessPolicy.AMAZON_EKS_CLUSTER_ADMIN_POLICY;
        grants.push({ code: `${policyConstant(admin)}.atClusterScope()`, grant: admin.atClusterScope() });
      }
      const props = { username, kubernetesGroups: groups.length ? groups : undefined, accessPolicies: grants.map((g) => g.grant) };
      if (arn.resourceType === 'role') scratch.importRole(id, e.principalArn, props);
      else scratch.importUser(id, e.principalArn, props);
      const fields = [
        ...(username !== undefined ? [`username: ${literal(username)}`] : []),
        ...(groups.length ? [`kubernetesGroups: ${literal(groups)}`] : []),
        ...(grants.length ? [`accessPolicies: [${grants.map((g) => g.code).join(', ')}]`] : []),
      ];
      code = `model.${arn.resourceType === 'role' ? 'importRole' : 'importUser'}(${literal(id)}, ${literal(e.principalArn)}${fields.length ? `, { ${fields.join(', ')} }` : ''});`;
    }
    const refused = validateModel(scratch).filter((i) => i.subject !== 'model');
    if (refused.length) {
      return { code: [], notes: [...notes, `live: access entry ${e.principalArn} (${e.type}); the model refuses it: ${refused.map((i) => i.message).join('; ')}.`, 'done instead: not imported (diff will report it until it is changed live or added by hand).'] };
    }
    return { code: [code], notes };
  }
}

/** aws-auth role ARN with its path stripped, and the note saying so. */
export function rowRoleArn(arn: string): { arn: string; note?: string } {
  const stripped = stripPath(arn);
  if (stripped === arn) return { arn };
  return { arn: stripped, note: `live: aws-auth row ${arn} has a path; the authenticator matches assumed-role ARNs without it, and the model writes rows without paths. done instead: ${stripped}.` };
}
