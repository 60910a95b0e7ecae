/**
 * The mapper chain: backends consulted in the configured order (reference: `doMapping` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/server/server.go).
 *
 * Precedence, deliberately different from the reference (README "differences"):
 *   1. explicit rows (mapRoles/mapUsers/IAMIdentityMapping/access entries) of ALL backends, in backend order — the
 *      first backend with a matching row wins;
 *   2. only then the `mapAccounts` allow-lists, in backend order (username = canonical ARN, no groups).
 * The reference checks each backend's account list right after that backend's own rows, so an account allow-listed
 * in an earlier backend pre-empted an explicit mapping in a later one (a user mapped to `system:masters` in the
 * ConfigMap was silently demoted to the bare-ARN automap by a file backend's mapAccounts).
 *
 * A matched row whose templates cannot be rendered denies the review (`MappingError`) instead of falling through to
 * later backends, like the reference: falling through could grant a broader later mapping.
 * Custom mappers without `matchExplicit` take part in step 1 through `map()`.
 */
import type { Identity, MappedUser } from '../identity';
import type { IdentityMapper, MapperHealth, MatchKind } from './types';
import { accountUser, TableMapper } from './table-mapper';
import { ConfigError } from '../errors';

/** The outcome of resolving one identity through the chain: the user, and the backend and row that gave it (for logs and metrics). */
export interface ChainResolution {
  readonly user: MappedUser;
  readonly mapper: string;
  readonly kind: MatchKind | 'custom';
  /** The row, e.g. `mapRoles[3]`; the account id for `account`. */
  readonly row: string;
}

function isTableMapper(m: IdentityMapper): m is TableMapper {
  return typeof (m as TableMapper).matchExplicit === 'function' && typeof (m as TableMapper).allowsAccount === 'function';
}

export class MapperChain implements IdentityMapper {
  readonly name = 'chain';

  constructor(readonly mappers: readonly IdentityMapper[]) {
    if (mappers.length === 0) throw ConfigError.argument('MapperChain: at least one mapper must be given');
    const seen = new Set<string>();
    for (const m of mappers) {
      if (seen.has(m.name)) throw ConfigError.argument(`MapperChain: mapper name '${m.name}' is used twice; names must be unique`);
      seen.add(m.name);
    }
  }

  async start(): Promise<void> {
    await Promise.all(this.mappers.map((m) => m.start?.()));
  }

  async stop(): Promise<void> {
    await Promise.all(this.mappers.map((m) => m.stop?.()));
  }

  async map(identity: Identity): Promise<MappedUser | undefined> {
    return (await this.resolve(identity))?.user;
  }

  /** Like `map`, also saying which mapper and row matched. Throws `MappingError` when a matched row cannot render. */
  async resolve(identity: Identity): Promise<ChainResolution | undefined> {
    for (const m of this.mappers) {
      if (isTableMapper(m)) {
        const match = m.matchExplicit(identity);
        if (match) return { user: await m.render(match, identity), mapper: m.name, kind: match.kind, row: match.row };
      } else {
        const user = await m.map(identity);
        if (user) return { user, mapper: m.name, kind: 'custom', row: m.name };
      }
    }
    for (const m of this.mappers) {
      if (isTableMapper(m) && m.allowsAccount(identity.accountId)) {
        return { user: accountUser(identity), mapper: m.name, kind: 'account', row: `mapAccounts ${identity.accountId}` };
      }
    }
    return undefined;
  }

  /** Health of every mapper that reports it. */
  health(): MapperHealth {
    const all = this.healthOfMappers();
    return {
      name: this.name,
      ready: all.every((h) => h.ready),
      rows: all.reduce((n, h) => n + h.rows, 0),
      lastError: all.filter((h) => h.lastError).map((h) => `${h.name}: ${h.lastError}`).join('; ') || undefined,
      failures: all.reduce((n, h) => n + h.failures, 0),
      rowErrors: all.flatMap((h) => h.rowErrors),
    };
  }

  healthOfMappers(): MapperHealth[] {
    return this.mappers.flatMap((m) => (m.health ? [m.health()] : []));
  }
}
