/**
 * The aws-auth format (reference: pkg/mapper/configmap ParseMap/EncodeMap). `parseAwsAuth` reads ConfigMap `data`
 * (each key a YAML/JSON string); `parseMappingDocument` reads a whole document (a mapping file, a ConfigMap manifest,
 * or in-memory rows) whose keys may hold lists directly. Bad rows are reported by location and skipped; the good rows
 * of the same key are kept.
 */
import YAML from 'yaml';
import { describe, isPlainObject } from './row-reader';
import { MappingConfigError, MappingRowError } from './row-error';
import { AWS_AUTH_KEYS, encodeRowLists, misspelledKeys, ParsedAwsAuth, readRows } from './mapping-lists';
import { parseAwsAuthTextFast } from './aws-auth-fast-path';
import type { AwsAuthRows } from './types';

export { AWS_AUTH_KEYS, encodeRowLists } from './mapping-lists';

export type { AwsAuthRowLists, ParsedAwsAuth } from './mapping-lists';

/** Name and namespace of the aws-auth ConfigMap (https://docs.aws.amazon.com/eks/latest/userguide/auth-configmap.html). */
export const AWS_AUTH_NAME = 'aws-auth';
export const AWS_AUTH_NAMESPACE = 'kube-system';

/**
 * "Is this the aws-auth ConfigMap?", decided once for every reader (analysis inputs, drift, import, merge): kind
 * ConfigMap, name `aws-auth`, namespace `kube-system` — or no namespace, as a manifest written for `kubectl apply -n
 * kube-system` or `kubectl get -o yaml` piped through a filter may lack it. A ConfigMap named aws-auth in ANY other
 * namespace is not the one EKS reads, so it grants nothing and is not read as one.
 */
export function isAwsAuthConfigMap(o: unknown): boolean {
  if (!isPlainObject(o) || o.kind !== 'ConfigMap' || !isPlainObject(o.metadata)) return false;
  const { name, namespace } = o.metadata;
  return name === AWS_AUTH_NAME && (namespace === undefined || namespace === AWS_AUTH_NAMESPACE);
}

/**
 * Values the reference treats as "no value" (`ParseMap` in
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/mapper/configmap/configmap.go,
 * TestBadParseMap).
 */
const BLANK_VALUES = new Set(['', '``', '""', "''"]);

/**
 * Parses YAML or JSON with the failsafe schema: every scalar stays a string, so `accountID: 012345678912` keeps its
 * leading zero and `groups: [yes]` is the group "yes", as with the reference's `[]string` decoding. Text in the common
 * shapes (JSON of strings, a plain block list of rows) is read by a fast path that returns the same value or defers
 * to this parse (aws-auth-fast-path.ts).
 */
export function parseYamlText(text: string): unknown {
  const fast = parseAwsAuthTextFast(text);
  if (fast !== undefined) return fast;
  return parseYamlTextFull(text);
}

/** The full YAML parse, without the fast paths: what they are checked against. */
export function parseYamlTextFull(text: string): unknown {
  const doc = YAML.parseDocument(text, { schema: 'failsafe', uniqueKeys: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0];
    const where = e.linePos ? ` (line ${e.linePos[0].line}, column ${e.linePos[0].col})` : '';
    throw new Error(`${e.code}: ${e.message.split('\n')[0]}${where}`);
  }
  return doc.toJS();
}

/** Parses the `data` of a `kube-system/aws-auth` ConfigMap. Top-level keys are case-sensitive, like the reference. */
export function parseAwsAuth(data: Readonly<Record<string, string | undefined>> | undefined): ParsedAwsAuth {
  const values: Record<string, unknown> = {};
  const errors: MappingRowError[] = [];
  let broken = false;
  for (const key of AWS_AUTH_KEYS) {
    const text: unknown = data?.[key];
    if (text === undefined || text === null || (typeof text === 'string' && BLANK_VALUES.has(text.trim()))) continue;
    if (typeof text !== 'string') {
      // e.g. a manifest written `mapRoles:` instead of `mapRoles: |` (reference fixture aws-auth-missing-bar.yaml).
      broken = true;
      errors.push(new MappingRowError(key, undefined, undefined, `must be a string holding YAML or JSON (in a manifest write '${key}: |'), got ${describe(text)}`));
      continue;
    }
    try {
      values[key] = parseYamlText(text);
    } catch (e) {
      broken = true;
      errors.push(new MappingRowError(key, undefined, undefined, `is not valid YAML/JSON: ${(e as Error).message}`));
    }
  }
  errors.push(...misspelledKeys(Object.keys(data ?? {})));
  const parsed = readRows(values);
  return { ...parsed, errors: [...errors, ...parsed.errors], broken: broken || parsed.broken };
}

/**
 * Parses a mapping document: `{mapRoles, mapUsers, mapAccounts}` where each value is a list or an aws-auth string, or
 * a whole ConfigMap manifest (`kind: ConfigMap` with `data`). Other top-level keys of the reference's DynamicFile
 * format (`Version`, `LastUpdatedDateTime`) are accepted and ignored.
 */
export function parseMappingDocument(doc: unknown): ParsedAwsAuth {
  if (doc === undefined || doc === null || doc === '') return { roles: [], users: [], accounts: [], errors: [], broken: false };
  if (!isPlainObject(doc)) {
    const err = new MappingRowError('(document)', undefined, undefined, `must be an object with mapRoles/mapUsers/mapAccounts, got ${describe(doc)}`);
    return { roles: [], users: [], accounts: [], errors: [err], broken: true };
  }
  if (doc.kind === 'ConfigMap') {
    const data = doc.data;
    if (data !== undefined && data !== '' && !isPlainObject(data)) {
      const err = new MappingRowError('data', undefined, undefined, `must be an object of strings, got ${describe(data)}`);
      return { roles: [], users: [], accounts: [], errors: [err], broken: true };
    }
    return parseAwsAuth(data as Record<string, string> | undefined);
  }
  const values: Record<string, unknown> = {};
  const errors: MappingRowError[] = [];
  let broken = false;
  for (const key of AWS_AUTH_KEYS) {
    const v = doc[key];
    if (typeof v === 'string' && !BLANK_VALUES.has(v.trim())) {
      try {
        values[key] = parseYamlText(v);
      } catch (e) {
        broken = true;
        errors.push(new MappingRowError(key, undefined, undefined, `is not valid YAML/JSON: ${(e as Error).message}`));
      }
    } else if (typeof v !== 'string') {
      values[key] = v;
    }
  }
  errors.push(...misspelledKeys(Object.keys(doc)));
  const parsed = readRows(values);
  return { ...parsed, errors: [...errors, ...parsed.errors], broken: broken || parsed.broken };
}

/** Parses the text of a mapping file (YAML or JSON); throws `MappingConfigError` if it is not YAML/JSON at all. */
export function parseMappingText(text: string, sourceName: string): ParsedAwsAuth {
  let doc: unknown;
  try {
    doc = parseYamlText(text);
  } catch (e) {
    throw new MappingConfigError(`${sourceName} is not valid YAML/JSON: ${(e as Error).message}`);
  }
  return parseMappingDocument(doc);
}

/**
 * Encodes rows as ConfigMap `data` (reference: EncodeMap, yaml.v2 Marshal): the lists of `encodeRowLists` as YAML,
 * sequences not indented, only the keys that have rows, so the reference's round-trip vector is reproduced byte for
 * byte (TestParseMap of
 * https://github.com/kubernetes-sigs/aws-iam-authenticator/blob/v0.7.18/pkg/mapper/configmap/configmap_test.go).
 */
export function encodeAwsAuth(rows: AwsAuthRows): Record<string, string> {
  const lists = encodeRowLists(rows);
  const out: Record<string, string> = {};
  for (const key of AWS_AUTH_KEYS) {
    if (lists[key].length) out[key] = YAML.stringify(lists[key], { indentSeq: false, lineWidth: 0 });
  }
  return out;
}
