/**
 * In-memory rows (used by the Lambda handler, the analysis and tests). Construction fails on any bad row: static rows
 * come from code or a deployment parameter, where failing at start is better than serving a partial mapping.
 */
import { parseMappingDocument } from './aws-auth';
import { MappingConfigError, MappingRowError } from './row-error';
import { MappingRows } from './table';
import { TableMapper, TableMapperOptions } from './table-mapper';

export interface StaticMapperOptions extends TableMapperOptions {
  /** @default 'static' */
  readonly name?: string;
}

export class StaticMapper extends TableMapper {
  readonly name: string;

  /**
   * Parses a mapping document (`{mapRoles, mapUsers, mapAccounts}` with lists or aws-auth strings, or a ConfigMap
   * manifest). Throws `MappingConfigError` listing every bad row.
   */
  static fromDocument(doc: unknown, options: StaticMapperOptions = {}): StaticMapper {
    const parsed = parseMappingDocument(doc);
    const bad = parsed.errors.filter((e) => e.severity === 'error');
    if (bad.length > 0) throw new MappingConfigError(`mapper ${options.name ?? 'static'}: invalid mapping`, bad);
    return new StaticMapper(parsed, options);
  }

  /**
   * Rows already validated (e.g. the result of `parseAwsAuth`, whose warnings are kept for `health()`). Prefer
   * `fromDocument` for rows written by hand: it canonicalizes and validates ARNs.
   */
  constructor(rows: MappingRows & { readonly errors?: readonly MappingRowError[] }, options: StaticMapperOptions = {}) {
    super(options);
    this.name = options.name ?? 'static';
    this.apply(rows, rows.errors ?? []);
  }
}
