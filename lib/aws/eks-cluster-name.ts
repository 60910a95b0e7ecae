/**
 * EKS cluster names: 1-100 characters, a letter or digit first, then letters, digits, '-' and '_' (EKS API
 * `CreateCluster.name`, pattern `^[0-9A-Za-z][A-Za-z0-9\-_]*`, length 1-100: botocore data/eks/2017-11-01/service-2.json,
 * ClusterName). One rule for every construct that takes a cluster name.
 */
import { quotedValue } from '../model/unsafe-text';

const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

/** What is wrong with `name` as an EKS cluster name (a literal string), or `undefined` when it is one. */
export function eksClusterNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string') return `expected an EKS cluster name (a string), got ${name === null ? 'null' : typeof name}`;
  if (EKS_CLUSTER_NAME.test(name)) return undefined;
  return `${quotedValue(name)} is not an EKS cluster name (1-100 letters, digits, '-' or '_', a letter or digit first)`;
}
