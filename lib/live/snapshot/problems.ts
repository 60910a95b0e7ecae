/** Turns a failed read into a snapshot problem: the source and the service's own error name and message, no stack. */
import { KubeApiError } from '../kube/client';
import { SnapshotProblem } from './format';

export function problemOf(source: string, e: unknown): SnapshotProblem {
  if (e instanceof KubeApiError) {
    const why = e.status === 401 ? ' (not authenticated)' : e.status === 403 ? ' (missing RBAC permission)' : '';
    return { source, reason: `${e.message}${why}` };
  }
  const err = e as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
  return { source, reason: `${name}${(err.message ?? String(e)).split('\n')[0]}` };
}
