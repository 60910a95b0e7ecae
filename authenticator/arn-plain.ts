/**
 * The shape almost every mapping row and every verified identity has:
 * `arn:<known partition>:iam::<12 digits>:(user|role)/<printable ASCII without ':' or space>`. For it arn.ts's full
 * parse (`parseIdentityArn`) would split exactly six sections with an empty region, accept the partition and read
 * `user`/`role` as the resource type, so `classifyArn` returns the ARN unchanged as USER/ROLE and `stripPath` only
 * drops the path: arn.ts computes just that for this shape, without splitting, and leaves every other string (sts,
 * root, odd accounts, `:` in the resource, spaces…) to the full parse. A 3,000-row mapping is classified and keyed at a
 * Lambda cold start, in not-yet-optimised code, where the split/slice/join of `splitSections` was a third of the
 * mapping's cost (bench/results/RESULTS.md, lambda). test/authenticator/arn-plain.test.ts checks `classifyArn` and
 * `stripPath` against the full parse on ARNs built around the shape's edges.
 *
 * Kept out of arn.ts so it is not part of the public `cdk-eks-access/authenticator` API.
 */
import { PARTITIONS } from './partitions';

const PLAIN_IAM_PRINCIPAL = new RegExp(`^arn:(?:${PARTITIONS.map((p) => p.id).join('|')}):iam::[0-9]{12}:(?:user|role)/[\\x21-\\x39\\x3b-\\x7e]*$`);

/** `role` or `user` for an ARN of the shape above, else undefined (then only the full parse can tell). */
export function plainIamPrincipalType(arn: string): 'user' | 'role' | undefined {
  if (!PLAIN_IAM_PRINCIPAL.test(arn)) return undefined;
  // The shape has no `:` after the resource type, so `:role/` can only be the type itself.
  return arn.includes(':role/') ? 'role' : 'user';
}
