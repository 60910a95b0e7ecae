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

/**
 * Reads trust policies as role ARNs become known (access entries page by page, then aws-auth and the mappings), each
 * role once; at most `limit`'s number of GetRole calls in flight; `onRole` is called as each role is done.
 */
export class TrustPolicyReader {
  private readonly started = new Map<string, Promise<void>>();
  private readonly roles: SnapshotIamRole[] = [];
  private readonly problems: SnapshotProblem[] = [];

  constructor(private readonly client: IAMClient, private readonly limit: Limiter = limiter(1), private readonly onRole: () => void = () => undefined) {}

  /** Starts reading the roles among `roleArns` not read yet; returns how many that is. */
  add(roleArns: Iterable<string>): number {
    let added = 0;
    for (const { arn, name, key } of uniqueRoles(roleArns)) {
      if (this.started.has(key)) continue;
      added++;
      this.started.set(key, this.read(arn, name));
    }
    return added;
  }

  /** Every role added, once all are read (sorted by ARN, problems by source). */
  async done(): Promise<{ roles: SnapshotIamRole[]; problems: SnapshotProblem[] }> {
    await Promise.all(this.started.values());
    return { roles: [...this.roles].sort((a, b) => a.arn.localeCompare(b.arn)), problems: [...this.problems].sort((a, b) => a.source.localeCompare(b.source)) };
  }

  private async read(arn: string, name: string): Promise<void> {
    try {
      const { Role } = await this.limit(() => this.client.send(new GetRoleCommand({ RoleName: name })));
      const doc = Role?.AssumeRolePolicyDocument;
      this.roles.push({ arn: Role?.Arn ?? arn, trustPolicy: doc ? JSON.parse(decodeURIComponent(doc)) : null });
    } catch (e) {
      this.problems.push(problemOf(`iam:GetRole ${arn}`, e));
    }
    this.onRole();
  }
}

/** The trust policies of `roleArns`, each role once. */
export function readTrustPolicies(client: IAMClient, roleArns: Iterable<string>, limit?: Limiter): Promise<{ roles: SnapshotIamRole[]; problems: SnapshotProblem[] }> {
  const reader = new TrustPolicyReader(client, limit);
  reader.add(roleArns);
  return reader.done();
}

/**
 * The roles to read, one per account and name (`key`): role names are unique per account, so an aws-auth row (path
 * stripped) and an access entry (path kept) are one role; the longer ARN (with its path) is kept.
 */
export function uniqueRoles(roleArns: Iterable<string>): Array<{ arn: string; name: string; key: string }> {
  const seen = new Set<string>();
  const out: Array<{ arn: string; name: string; key: string }> = [];
  for (const arn of [...new Set(roleArns)].sort((a, b) => b.length - a.length || a.localeCompare(b))) {
    const parsed = parseIamArn(arn);
    const key = parsed ? `${parsed.accountId}/${parsed.name}` : '';
    if (!parsed || parsed.resourceType !== 'role' || seen.has(key)) continue;
    seen.add(key);
    out.push({ arn, name: parsed.name, key });
  }
  return out;
}
