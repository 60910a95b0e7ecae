/**
 * Base of the built-in backends: a `MappingTable` that a subclass replaces as its source changes, template rendering,
 * the reserved-username-prefix check and load state. `MapperChain` uses `matchExplicit`/`allowsAccount` directly so
 * that explicit rows of every backend are consulted before any backend's `mapAccounts` (see chain.ts).
 */
import type { Identity, MappedUser } from '../identity';
import { MappingError, MappingRowError } from './row-error';
import { MappingTable } from './table';
import { TemplateRenderer } from './templates';
import { AwsAuthRows, IdentityMapper, MapperHealth, MapperLogger, MappingMatch, SILENT_LOGGER } from './types';

export interface TableMapperOptions {
  /** Renders templates; share one so all backends share the EC2 cache. @default a renderer without EC2 */
  readonly renderer?: TemplateRenderer;
  /**
   * Rendered usernames of explicit rows must not start with these (reference: `reservedPrefixConfig`, plain
   * case-sensitive prefix, usernames only, not the account automap). @default none
   */
  readonly reservedUsernamePrefixes?: readonly string[];
  /** @default silent */
  readonly logger?: MapperLogger;
}

export abstract class TableMapper implements IdentityMapper {
  abstract readonly name: string;
  protected readonly logger: MapperLogger;
  private readonly renderer: TemplateRenderer;
  private table: MappingTable = MappingTable.EMPTY;
  private ready = false;
  private loadedAt: Date | undefined;
  private lastError: string | undefined;
  private rowErrors: readonly MappingRowError[] = [];
  private failures = 0;

  protected constructor(private readonly options: TableMapperOptions = {}) {
    this.renderer = options.renderer ?? new TemplateRenderer();
    this.logger = options.logger ?? SILENT_LOGGER;
  }

  /** Puts new rows in effect; `rowErrors` are the problems found while reading them. */
  protected apply(rows: AwsAuthRows, rowErrors: readonly MappingRowError[]): void {
    const table = new MappingTable(rows);
    this.table = table;
    this.rowErrors = [...rowErrors, ...table.duplicates];
    this.ready = true;
    this.loadedAt = new Date();
    this.lastError = undefined;
    const summary = { mapper: this.name, roles: rows.roles.length, users: rows.users.length, accounts: rows.accounts.length };
    if (this.rowErrors.length > 0) {
      this.logger.warn({ ...summary, rowErrors: this.rowErrors.map(String) }, 'mapping loaded; some rows have problems');
    } else {
      this.logger.info(summary, 'mapping loaded');
    }
  }

  /** Records a load/watch problem; the rows in effect stay. */
  protected reportError(message: string): void {
    this.lastError = message;
    this.failures++;
    this.logger.error({ mapper: this.name, error: message }, 'mapping source problem; keeping the last good mapping');
  }

  /** The source is readable again but unchanged: clears the reported problem. */
  protected clearError(): void {
    if (this.lastError === undefined) return;
    this.lastError = undefined;
    this.logger.info({ mapper: this.name }, 'mapping source recovered');
  }

  matchExplicit(identity: Identity): MappingMatch | undefined {
    return this.table.match(identity);
  }

  allowsAccount(accountId: string): boolean {
    return this.table.allowsAccount(accountId);
  }

  /** Renders a matched row; throws `MappingError` (deny) on a template error or a reserved username prefix. */
  async render(match: MappingMatch, identity: Identity): Promise<MappedUser> {
    let user: MappedUser;
    try {
      user = await this.renderer.renderUser(match.username, match.groups, identity);
    } catch (e) {
      throw new MappingError(`mapper ${this.name} ${match.row}: ${(e as Error).message}`);
    }
    if (user.username === '') {
      throw new MappingError(`mapper ${this.name} ${match.row}: the username '${match.username}' renders empty for this identity`);
    }
    const reserved = (this.options.reservedUsernamePrefixes ?? []).find((p) => user.username.startsWith(p));
    if (reserved !== undefined) {
      throw new MappingError(`mapper ${this.name} ${match.row}: invalid username '${user.username}': it must not begin with the reserved prefix '${reserved}'`);
    }
    return user;
  }

  async map(identity: Identity): Promise<MappedUser | undefined> {
    const match = this.matchExplicit(identity);
    if (match) return this.render(match, identity);
    return this.allowsAccount(identity.accountId) ? accountUser(identity) : undefined;
  }

  health(): MapperHealth {
    return {
      name: this.name,
      ready: this.ready,
      rows: this.table.size,
      loadedAt: this.loadedAt,
      lastError: this.lastError,
      failures: this.failures,
      rowErrors: this.rowErrors,
    };
  }
}

/** The `mapAccounts` automap: username = canonical ARN, no groups, no templates (reference behaviour). */
export function accountUser(identity: Identity): MappedUser {
  return { username: identity.canonicalArn, groups: [] };
}
