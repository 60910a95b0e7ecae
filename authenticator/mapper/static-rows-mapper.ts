/**
 * In-memory rows that are already parsed and validated. Kept apart from `StaticMapper.fromDocument` (which parses
 * aws-auth YAML strings) so that the Lambda handler, whose mapping is JSON, bundles no YAML parser.
 */
import type { MappingRowError } from './row-error';
import type { AwsAuthRows } from './types';
import { TableMapper, TableMapperOptions } from './table-mapper';

export interface StaticMapperOptions extends TableMapperOptions {
  /** @default 'static' */
  readonly name?: string;
}

export class StaticRowsMapper extends TableMapper {
  readonly name: string;

  /**
   * Rows already validated (e.g. the result of `parseAwsAuth`, whose warnings are kept for `health()`). Prefer
   * `StaticMapper.fromDocument` for rows written by hand: it canonicalizes and validates ARNs.
   */
  constructor(rows: AwsAuthRows & { readonly errors?: readonly MappingRowError[] }, options: StaticMapperOptions = {}) {
    super(options);
    this.name = options.name ?? 'static';
    this.apply(rows, rows.errors ?? []);
  }
}
