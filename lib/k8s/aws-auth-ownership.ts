/**
 * Which aws-auth rows are ours: the annotation `cdk-eks-access.io/owned-aws-auth-rows` on the ConfigMap holds a JSON
 * object of row key → fingerprint of the mapping we wrote (sha256 of username and groups, 16 hex digits). The key says
 * which rows we created; the fingerprint tells whether another writer changed one of them since (then it is no longer
 * only ours to change). The earlier form, a JSON list of keys, is still read (ownership without fingerprints).
 */
import { createHash } from 'node:crypto';
import type { RoleMapping, UserMapping } from '../../authenticator/mapper/types';
import type { AwsAuthRows } from '../../authenticator/mapper/types';
import { accountRowKey, normaliseRowKey, roleRowKey, userRowKey } from '../../authenticator/mapper/table';
import { RuleError } from '../model/rule-error';

const OWNERSHIP_ANNOTATION_RULE = 'eks-access:aws-auth-ownership-annotation';

export const OWNED_ROWS_ANNOTATION = 'cdk-eks-access.io/owned-aws-auth-rows';

/** Row key → fingerprint of its mapping (undefined: owned, written by an older version without fingerprints). */
export type Ownership = Map<string, string | undefined>;

/** Fingerprint of a row's mapping: what a row of that key maps to. */
export function rowFingerprint(row: RoleMapping | UserMapping | string): string {
  const mapping = typeof row === 'string' ? row : JSON.stringify([row.username, [...row.groups]]);
  return createHash('sha256').update(mapping).digest('hex').slice(0, 16);
}

/** Every row of `content` with its key and fingerprint, in order. */
export function keyedRows(content: AwsAuthRows): [string, string][] {
  return [
    ...content.roles.map((r): [string, string] => [roleRowKey(r), rowFingerprint(r)]),
    ...content.users.map((u): [string, string] => [userRowKey(u), rowFingerprint(u)]),
    ...content.accounts.map((a): [string, string] => [accountRowKey(a), rowFingerprint(a)]),
  ];
}

/** The annotation value recording `rows` (key → fingerprint) as ours. */
export function ownershipAnnotation(rows: readonly [string, string][]): string {
  return JSON.stringify(Object.fromEntries(rows));
}

/** The rows a ConfigMap records as ours. Throws if the annotation is not one of the two forms. */
export function readOwnership(annotations: Record<string, string> | undefined): Ownership {
  const raw = annotations?.[OWNED_ROWS_ANNOTATION];
  if (!raw) return new Map();
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    v = undefined;
  }
  // Keys written before the row key was lower-cased (table.ts) are read in today's form.
  if (Array.isArray(v) && v.every((k) => typeof k === 'string')) return new Map(v.map((k: string) => [normaliseRowKey(k), undefined]));
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.values(v).every((f) => typeof f === 'string')) {
    return new Map(Object.entries(v as Record<string, string>).map(([k, f]) => [normaliseRowKey(k), f]));
  }
  throw new RuleError(OWNERSHIP_ANNOTATION_RULE, `aws-auth annotation ${OWNED_ROWS_ANNOTATION}`, 'neither a JSON object of row key → fingerprint nor a JSON list of row keys; fix or remove it');
}
