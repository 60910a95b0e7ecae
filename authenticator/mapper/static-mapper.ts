/**
 * In-memory rows (used by the Lambda handler, the analysis and tests). Construction fails on any bad row: static rows
 * come from code or a deployment parameter, where failing at start is better than serving a partial mapping.
 */
import { parseMappingDocument } from './aws-auth';
import { MappingConfigError } from './row-error';
import { StaticMapperOptions, StaticRowsMapper } from './static-rows-mapper';

export type { StaticMapperOptions } from './static-rows-mapper';

export class StaticMapper extends StaticRowsMapper {
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
}
