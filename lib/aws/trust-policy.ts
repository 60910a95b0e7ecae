/**
 * Trust policies of the roles this library creates, written out statement by statement so every condition is
 * visible: aws-cdk-lib's composite principals cannot carry per-statement conditions such as the organization id.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import type { RoleTrustJson } from '../model';

/** A principal that writes a ready-made list of statements into a role's trust policy. */
export class StatementsPrincipal extends iam.PrincipalBase implements iam.IAssumeRolePrincipal {
  public readonly policyFragment: iam.PrincipalPolicyFragment;

  constructor(private readonly statements: iam.PolicyStatement[]) {
    super();
    // Only used if something asks this principal for a fragment outside a trust policy; the statements are the truth.
    this.policyFragment = new iam.PrincipalPolicyFragment({});
  }

  public addToAssumeRolePolicy(document: iam.PolicyDocument): void {
    document.addStatements(...this.statements);
  }

  public dedupeString(): string | undefined {
    return undefined;
  }
}

/**
 * The statements of a created role's trust: named principals and accounts in one statement, the organization in
 * another (it needs `Principal: *` with `aws:PrincipalOrgID`); MFA and ExternalId conditions on both.
 */
export function roleTrustStatements(trust: RoleTrustJson, principalArns: string[], partition: string): iam.PolicyStatement[] {
  const actions = ['sts:AssumeRole'];
  if (trust.allowSourceIdentity) actions.push('sts:SetSourceIdentity');
  if (trust.allowSessionTags) actions.push('sts:TagSession');
  const conditions: Record<string, Record<string, unknown>> = {};
  if (trust.requireMfa) conditions.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
  if (trust.externalIds.length > 0) conditions.StringEquals = { 'sts:ExternalId': trust.externalIds.length === 1 ? trust.externalIds[0] : trust.externalIds };
  const statements: iam.PolicyStatement[] = [];
  const named = [...principalArns, ...trust.principalArns, ...trust.accountIds.map((a) => `arn:${partition}:iam::${a}:root`)];
  if (named.length > 0) {
    statements.push(new iam.PolicyStatement({
      actions,
      principals: named.map((arn) => new iam.ArnPrincipal(arn)),
      conditions: { ...conditions },
    }));
  }
  if (trust.organizationId) {
    statements.push(new iam.PolicyStatement({
      actions,
      principals: [new iam.AnyPrincipal()],
      conditions: { ...conditions, StringEquals: { ...(conditions.StringEquals ?? {}), 'aws:PrincipalOrgID': trust.organizationId } },
    }));
  }
  return statements;
}
