/**
 * Spreading the resources of a large model over nested stacks (CloudFormation allows 500 resources per stack, EKS
 * 3,000 access entries per cluster). A principal's shard is a hash of its id modulo a fixed shard count, so adding or
 * removing a principal never moves another one: moving would recreate its IAM user/role and access entry, which
 * fails (names and entries are unique) or cuts access.
 */
import { createHash } from 'node:crypto';
import { PrincipalJson, PrincipalKind, PrincipalOrigin, ServiceAccountJson, ServiceAccountMechanism } from '../model';

/** When `ClusterAccess` puts resources into nested stacks. */
export enum ShardingMode {
  /**
   * In the construct's own stack while the estimate stays within `inlineResourceLimit`, else sharded. The switch moves
   * every principal once (a replacement): choose `ALWAYS` up front for models expected to grow past the limit.
   */
  AUTO = 'AUTO',
  /** Always in `shardCount` nested stacks (stable from the first deploy on). */
  ALWAYS = 'ALWAYS',
  /** Never: everything in the construct's stack (synth fails past 500 resources). */
  NEVER = 'NEVER',
}

/** How `ClusterAccess` shards. */
export interface ShardingOptions {
  /**
   * When to shard.
   * @default ShardingMode.AUTO
   */
  readonly mode?: ShardingMode;
  /**
   * Number of nested stacks. Fixed once deployed: changing it moves principals between stacks.
   * @default 64 (3,000 principals with user, policy and entry stay far below 500 resources each)
   */
  readonly shardCount?: number;
  /**
   * `AUTO` shards when the estimated resource count of the model exceeds this.
   * @default 400 (leaves 100 of the stack's 500 for other resources)
   */
  readonly inlineResourceLimit?: number;
}

export const DEFAULT_SHARD_COUNT = 64;
export const DEFAULT_INLINE_RESOURCE_LIMIT = 400;
/** CloudFormation: resources per stack. */
export const MAX_RESOURCES_PER_STACK = 500;

/** Stable shard of an id: the first 32 bits of its SHA-256, modulo the shard count. */
export function shardOf(key: string, shardCount: number): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % shardCount;
}

/** CloudFormation resources `PrincipalAccess` will create for a principal. */
export function estimatePrincipalResources(p: PrincipalJson, withEntry: boolean): number {
  let n = withEntry ? 1 : 0;
  if (p.origin === PrincipalOrigin.CREATED) {
    n += 1;
    if (p.kind === PrincipalKind.USER) n += 1 + (p.user?.createAccessKey ? 2 : 0);
  }
  return n;
}

/** CloudFormation resources `ServiceAccountRole` will create. */
export function estimateServiceAccountResources(sa: ServiceAccountJson): number {
  return sa.mechanism === ServiceAccountMechanism.POD_IDENTITY ? 2 : 1;
}
