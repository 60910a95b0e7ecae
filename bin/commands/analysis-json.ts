/** Machine-readable forms of the asking principal and the request, for `--output json` of can-i, who-can and matrix. */
import type { AnalysedPrincipal } from '../../lib/analysis/access-analysis';
import type { RequestAttributes } from '../../lib/analysis/rbac-types';

export function principalJson(p: AnalysedPrincipal): object {
  return { display: p.display, username: p.user.name, groups: p.user.groups, ...(p.mappedBy ? { mappedBy: p.mappedBy } : {}) };
}

export function requestJson(r: RequestAttributes): object {
  return { ...r };
}
