/**
 * Trust policies of the IAM roles that appear in the access configuration (access entries, aws-auth `mapRoles`,
 * IAMIdentityMappings), so the analysis can follow role assumption offline. `GetRole` by name (the ARN's last path
 * segment); the SDK honours `AWS_ENDPOINT_URL_IAM`. IAM returns the document URL-encoded (RFC 3986).
 */
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { parseIamArn } from '../../model/iam-arn';
import { SnapshotIamRole, SnapshotProblem } from './format';
import { Limiter, limiter } from './limiter';
import { problemOf } from './problems';

/** At most `limit`'s number of GetRole calls in flight; `onRole` is called as each role is done. */
export async function readTrustPolicies(
  client: IAMClient, roleArns: Iterable<string>, limit: Limiter = limiter(1), onRole: () => void = () => undefined,
): Promise<{ roles: SnapshotIamRole[]; problems: SnapshotProblem[] }> {
  const roles: SnapshotIamRole[] = [];
  const problems: SnapshotProblem[] = [];
  await Promise.all(uniqueRoles(roleArns).map(async ({ arn, name }) => {
    try {
      const { Role } = await limit(() => client.send(new GetRoleCommand({ RoleName: name })));
      const doc = Role?.AssumeRolePolicyDocument;
      roles.push({ arn: Role?.Arn ?? arn, trustPolicy: doc ? JSON.parse(decodeURIComponent(doc)) : null });
    } catch (e) {
      problems.push(problemOf(`iam:GetRole ${arn}`, e));
    }
    onRole();
  }));
  return { roles: roles.sort((a, b) => a.arn.localeCompare(b.arn)), problems: problems.sort((a, b) => a.source.localeCompare(b.source)) };
}

/**
 * The roles to read, one per account and name: role names are unique per account, so an aws-auth row (path stripped)
 * and an access entry (path kept) are one role; the longer ARN (with its path) is kept.
 */
export function uniqueRoles(roleArns: Iterable<string>): Array<{ arn: string; name: string }> {
  const seen = new Set<string>();
  const out: Array<{ arn: string; name: string }> = [];
  for (const arn of [...new Set(roleArns)].sort((a, b) => b.length - a.length || a.localeCompare(b))) {
    const parsed = parseIamArn(arn);
    if (!parsed || parsed.resourceType !== 'role' || seen.has(`${parsed.accountId}/${parsed.name}`)) continue;
    seen.add(`${parsed.accountId}/${parsed.name}`);
    out.push({ arn, name: parsed.name });
  }
  return out;
}
