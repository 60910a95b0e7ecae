/**
 * Trust policies of the IAM roles that appear in the access configuration (access entries, aws-auth `mapRoles`,
 * IAMIdentityMappings), so the analysis can follow role assumption offline. `GetRole` by name (the ARN's last path
 * segment); the SDK honours `AWS_ENDPOINT_URL_IAM`. IAM returns the document URL-encoded (RFC 3986).
 */
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { parseIamArn } from '../../model/iam-arn';
import { SnapshotIamRole, SnapshotProblem } from './format';
import { problemOf } from './problems';

export async function readTrustPolicies(client: IAMClient, roleArns: Iterable<string>): Promise<{ roles: SnapshotIamRole[]; problems: SnapshotProblem[] }> {
  const roles: SnapshotIamRole[] = [];
  const problems: SnapshotProblem[] = [];
  // Role names are unique per account: an aws-auth row (path stripped) and an access entry (path kept) are one role.
  const seen = new Set<string>();
  for (const arn of [...new Set(roleArns)].sort((a, b) => b.length - a.length || a.localeCompare(b))) {
    const parsed = parseIamArn(arn);
    if (!parsed || parsed.resourceType !== 'role' || seen.has(`${parsed.accountId}/${parsed.name}`)) continue;
    seen.add(`${parsed.accountId}/${parsed.name}`);
    try {
      const { Role } = await client.send(new GetRoleCommand({ RoleName: parsed.name }));
      const doc = Role?.AssumeRolePolicyDocument;
      roles.push({ arn: Role?.Arn ?? arn, trustPolicy: doc ? JSON.parse(decodeURIComponent(doc)) : null });
    } catch (e) {
      problems.push(problemOf(`iam:GetRole ${arn}`, e));
    }
  }
  return { roles: roles.sort((a, b) => a.arn.localeCompare(b.arn)), problems };
}
