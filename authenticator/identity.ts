/**
 * The AWS identity proven by a verified token (reference: `Identity` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/token/token.go).
 */
export interface Identity {
  /** ARN exactly as STS returned it, e.g. `arn:aws:sts::111122223333:assumed-role/Admin/alice`. */
  readonly arn: string;
  /** Canonical ARN: assumed-role session → `arn:<p>:iam::<acct>:role/<name>` (path lost, as STS gives none). */
  readonly canonicalArn: string;
  readonly accountId: string;
  /** The principal id part of STS `UserId` (before `:` for roles). */
  readonly userId: string;
  /** Role session name, empty for IAM users. */
  readonly sessionName: string;
  /** Access key id from `X-Amz-Credential`. */
  readonly accessKeyId: string;
  /** The STS host the token was signed for and verified against. */
  readonly stsEndpoint: string;
}

/** Kubernetes identity produced by a mapper. */
export interface MappedUser {
  readonly username: string;
  readonly groups: readonly string[];
}
