/** Turns a failed read into a snapshot problem: the source and the service's own error name and message, no stack. */
import { RuleError } from '../../model/rule-error';
import { KubeApiError } from '../kube/client';
import { SnapshotProblem } from './format';

export function problemOf(source: string, e: unknown): SnapshotProblem {
  if (e instanceof KubeApiError) {
    const why = e.status === 401 ? ' (not authenticated)' : e.status === 403 ? ' (missing RBAC permission)' : '';
    return { source, reason: `${e.message}${why}` };
  }
  // A limit of ours (the Kubernetes client's): its message already names the limit, the option and the rule id.
  if (e instanceof RuleError) return { source, reason: e.message };
  const err = e as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const name = err.name && err.name !== 'Error' ? `${err.name}: ` : '';
  // Node's network errors (ECONNREFUSED, ENOTFOUND...) say their code only in `code` when the message is empty.
  const message = (err.message || err.code || String(e)).split('\n')[0];
  return { source, reason: `${name}${message}` };
}

/** Problems that share one cause: the same operation failing the same way for many subjects. */
export interface ProblemGroup {
  /** The operation, e.g. `iam:GetRole` (the source without its subject). */
  readonly operation: string;
  /** The reason, with the subject's own name replaced by `…` so that per-subject messages group too. */
  readonly reason: string;
  /** Every source of the group, in order. */
  readonly sources: readonly string[];
}

/**
 * Groups problems by operation and reason, largest group first: 400 roles behind one unreachable endpoint are one
 * line (`400 × iam:GetRole: ECONNREFUSED`), not 400. The snapshot's `problems` keeps every one.
 */
export function groupProblems(problems: readonly SnapshotProblem[]): ProblemGroup[] {
  const groups = new Map<string, { operation: string; reason: string; sources: string[] }>();
  for (const p of problems) {
    const space = p.source.indexOf(' ');
    const operation = space < 0 ? p.source : p.source.slice(0, space);
    const subject = space < 0 ? '' : p.source.slice(space + 1);
    const name = subject.split(/[/:]/).pop() ?? '';
    let reason = p.reason;
    for (const s of [subject, name]) if (s.length > 2) reason = reason.split(s).join('…');
    const key = `${operation}\u0000${reason}`;
    const g = groups.get(key) ?? { operation, reason, sources: [] };
    g.sources.push(p.source);
    groups.set(key, g);
  }
  return [...groups.values()].sort((a, b) => b.sources.length - a.sources.length || a.operation.localeCompare(b.operation));
}
