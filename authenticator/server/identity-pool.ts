/**
 * One shared cached outcome per distinct mapped identity, so that the identity cache holds per token only its key and
 * its entry. Why: a token is cached for up to two minutes, and at thousands of new tokens a second every entry
 * outlives a young-generation GC and is promoted; with an Identity (seven strings) and an outcome object of its own
 * per token, each entry promoted ~1 KB and the tenured garbage brought V8's major GC round every few seconds (the
 * webhook benchmark's unique-token c=1 tail, bench/benches/webhook.ts). Tokens outnumber identities: one session's
 * credentials sign a new token every few minutes (client-go re-runs the exec plugin when the ExecCredential expires,
 * https://github.com/kubernetes/client-go/blob/v0.33.0/plugin/pkg/client/auth/exec/exec.go), and every kube-apiserver
 * replica asks about each token.
 *
 * Only identities a backend mapped enter the pool (IdentityResolver.confirm), and it holds at most `maxEntries`: when
 * full it starts afresh (entries already cached keep their outcome). Its memory is therefore bounded by the identity
 * cache's own bound, and no unmapped principal can grow it.
 */
import type { Identity } from '../identity';
import type { CachedOutcome } from './identity-cache';

type IdentityOutcome = Extract<CachedOutcome, { kind: 'identity' }>;

/** Field by field: the pool's string key is only a hash bucket, never trusted as equality (ARNs are STS's strings). */
function sameIdentity(a: Identity, b: Identity): boolean {
  return a.arn === b.arn && a.canonicalArn === b.canonicalArn && a.accountId === b.accountId && a.userId === b.userId
    && a.sessionName === b.sessionName && a.accessKeyId === b.accessKeyId && a.stsEndpoint === b.stsEndpoint;
}

export class IdentityPool {
  private readonly outcomes = new Map<string, IdentityOutcome>();

  constructor(private readonly maxEntries: number) {}

  get size(): number {
    return this.outcomes.size;
  }

  /** The shared outcome for an identity equal to `identity` (the first one seen, frozen), or a new one. */
  outcomeOf(identity: Identity): IdentityOutcome {
    const key = `${identity.accessKeyId}\n${identity.arn}\n${identity.userId}\n${identity.sessionName}\n${identity.stsEndpoint}`;
    const shared = this.outcomes.get(key);
    if (shared && sameIdentity(shared.identity, identity)) return shared;
    const outcome: IdentityOutcome = Object.freeze({ kind: 'identity', identity: Object.freeze({ ...identity }) });
    if (this.maxEntries <= 0) return outcome;
    if (!shared && this.outcomes.size >= this.maxEntries) this.outcomes.clear();
    this.outcomes.set(key, outcome);
    return outcome;
  }

  clear(): void {
    this.outcomes.clear();
  }
}
