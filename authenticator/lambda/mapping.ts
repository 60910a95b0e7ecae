/**
 * The Lambda's identity mapping: a JSON aws-auth document with lists (`{"mapRoles": [...], "mapUsers": [...],
 * "mapAccounts": [...]}`), from `EKS_ACCESS_MAPPING` (inline), `EKS_ACCESS_MAPPING_FILE` (a path; AuthenticatorFunction
 * ships the model's mapping as a Lambda layer file) or `EKS_ACCESS_MAPPING_SSM_PARAMETER`, plus the rows of
 * `EKS_ACCESS_MAPPING_DEPLOY_ROWS` (same format: the rows whose ARNs CloudFormation only knows at deploy time, e.g. a
 * role created in the same CDK app, which a file asset cannot hold). JSON only, so the bundle carries no YAML parser;
 * any bad row fails the cold start (a partial mapping would deny silently).
 */
import { readFile } from 'node:fs/promises';
import { ConfigError } from '../config-reader';
import { Ec2PrivateDnsResolver } from '../mapper/ec2-private-dns';
import { isPlainObject } from '../mapper/row-reader';
import { AWS_AUTH_KEYS, misspelledKeys, ParsedAwsAuth, readRows } from '../mapper/mapping-lists';
import { MappingConfigError, MappingRowError } from '../mapper/row-error';
import { StaticRowsMapper } from '../mapper/static-rows-mapper';
import { TemplateRenderer } from '../mapper/templates';
import type { MapperLogger } from '../mapper/types';
import { Env, readSsmParameter } from './env';

/** Where the mapping comes from, and its text. */
async function mappingText(env: Env): Promise<{ field: string; text: string }> {
  if (env.EKS_ACCESS_MAPPING) return { field: 'EKS_ACCESS_MAPPING', text: env.EKS_ACCESS_MAPPING };
  const file = env.EKS_ACCESS_MAPPING_FILE;
  if (file) {
    try {
      return { field: 'EKS_ACCESS_MAPPING_FILE', text: await readFile(file, 'utf8') };
    } catch (e) {
      throw new ConfigError('EKS_ACCESS_MAPPING_FILE', `cannot read ${file}: ${(e as Error).message}`);
    }
  }
  const parameter = env.EKS_ACCESS_MAPPING_SSM_PARAMETER;
  if (parameter) return { field: 'EKS_ACCESS_MAPPING_SSM_PARAMETER', text: await readSsmParameter(parameter, 'EKS_ACCESS_MAPPING_SSM_PARAMETER') };
  throw new ConfigError('EKS_ACCESS_MAPPING', 'set EKS_ACCESS_MAPPING, EKS_ACCESS_MAPPING_FILE or EKS_ACCESS_MAPPING_SSM_PARAMETER');
}

/** Parses the mapping document; every problem is an error naming its source and row. */
export function parseJsonMapping(text: string, field: string): ParsedAwsAuth {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ConfigError(field, `must be JSON (the Lambda reads no YAML): ${(e as Error).message}`);
  }
  if (!isPlainObject(doc)) throw new ConfigError(field, 'must be a JSON object with mapRoles, mapUsers and/or mapAccounts lists');
  const errors: MappingRowError[] = [];
  for (const key of AWS_AUTH_KEYS) {
    if (typeof doc[key] === 'string') errors.push(new MappingRowError(key, undefined, undefined, 'must be a JSON list (an aws-auth YAML string needs the container authenticator)'));
  }
  const parsed = readRows(errors.length ? {} : doc);
  const bad = [...errors, ...misspelledKeys(Object.keys(doc)), ...parsed.errors].filter((e) => e.severity === 'error');
  if (bad.length > 0) throw new MappingConfigError(`${field}: invalid mapping`, bad);
  return parsed;
}

/** The variable AuthenticatorFunction renders (with Fn::Join) for rows whose ARNs are deploy-time values. */
export const DEPLOY_ROWS_VARIABLE = 'EKS_ACCESS_MAPPING_DEPLOY_ROWS';

/** Both documents' rows, the deploy-time rows after the file's (the model refuses duplicate principals anyway). */
function joinMappings(a: ParsedAwsAuth, b: ParsedAwsAuth): ParsedAwsAuth {
  return {
    roles: [...a.roles, ...b.roles],
    users: [...a.users, ...b.users],
    accounts: [...a.accounts, ...b.accounts],
    errors: [...a.errors, ...b.errors],
    broken: a.broken || b.broken,
  };
}

export async function loadMapper(env: Env, logger: MapperLogger, region: string | undefined): Promise<StaticRowsMapper> {
  const { field, text } = await mappingText(env);
  const deployRows = env[DEPLOY_ROWS_VARIABLE];
  let mapping = parseJsonMapping(text, field);
  if (deployRows) mapping = joinMappings(mapping, parseJsonMapping(deployRows, DEPLOY_ROWS_VARIABLE));
  // `{{EC2PrivateDNSName}}` rows (nodes) resolve through EC2 DescribeInstances, as in the server (build-mappers.ts).
  const renderer = new TemplateRenderer({ ec2: new Ec2PrivateDnsResolver({ region }) });
  return new StaticRowsMapper(mapping, { logger, renderer });
}
