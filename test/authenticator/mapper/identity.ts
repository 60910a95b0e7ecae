/** Builds the `Identity` a verified token for `arn` would give (test helper; canonicalization is the real code). */
import { canonicalizeArn, parseArn } from '../../../authenticator/arn';
import type { Identity } from '../../../authenticator/identity';

export interface IdentitySpec {
  readonly arn: string;
  readonly userId?: string;
  readonly accessKeyId?: string;
  readonly sessionName?: string;
  readonly accountId?: string;
}

export function identityFor(spec: IdentitySpec): Identity {
  const parsed = parseArn(spec.arn);
  const parts = parsed.resource.split('/');
  const session = parsed.service === 'sts' && parts[0] === 'assumed-role' ? parts[parts.length - 1] : '';
  return {
    arn: spec.arn,
    canonicalArn: canonicalizeArn(spec.arn),
    accountId: spec.accountId ?? parsed.accountId,
    userId: spec.userId ?? 'AIDAEXAMPLEEXAMPLE01',
    sessionName: spec.sessionName ?? session,
    accessKeyId: spec.accessKeyId ?? 'ASIAEXAMPLEEXAMPLE01',
    stsEndpoint: 'sts.us-east-1.amazonaws.com',
  };
}
