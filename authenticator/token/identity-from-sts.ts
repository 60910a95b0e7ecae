/**
 * Identity derivation from the STS reply (reference `getIdentityFromSTSResponse` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/token/token.go).
 */
import { classifyArn, PrincipalKind } from '../arn';
import type { Identity } from '../identity';
import type { CallerIdentity } from './sts-reply';
import { quoteForMessage, stsError } from './messages';

/** Principals whose STS `UserId` is kept whole: root (the account id), users (AIDA…), federated (`<acct>:<name>`). */
const WHOLE_USER_ID: ReadonlySet<PrincipalKind> = new Set([
  PrincipalKind.USER,
  PrincipalKind.ACCOUNT,
  PrincipalKind.FEDERATED_USER,
]);

export function identityFromSts(reply: CallerIdentity, accessKeyId: string, stsHost: string): Identity {
  let classified;
  try {
    classified = classifyArn(reply.arn);
  } catch (e) {
    throw stsError((e as Error).message);
  }
  const base = { arn: reply.arn, canonicalArn: classified.canonicalArn, accountId: reply.account, accessKeyId, stsEndpoint: stsHost };
  if (WHOLE_USER_ID.has(classified.type)) return { ...base, userId: reply.userId, sessionName: '' };
  // Roles and assumed roles: `AROA…:<session>`, exactly two parts.
  const parts = reply.userId.split(':');
  if (parts.length !== 2) throw stsError(`malformed UserID ${quoteForMessage(reply.userId, 200)}`);
  return { ...base, userId: parts[0], sessionName: parts[1] };
}
