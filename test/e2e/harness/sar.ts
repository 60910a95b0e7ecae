import { readFileSync } from 'node:fs';
import { httpsCall } from '../../../harness/net';
import type { RunningKubeApiserver } from '../../../harness/apiserver';
import type { AccessCase } from './random-rbac';

/** The body of an authorization.k8s.io/v1 SubjectAccessReview asking `c`. */
export function subjectAccessReviewFor(c: AccessCase): object {
  const spec: Record<string, unknown> = { user: c.user, groups: c.groups };
  if (c.resource) {
    spec.resourceAttributes = {
      verb: c.verb,
      group: c.resource.group,
      resource: c.resource.resource,
      ...(c.resource.subresource ? { subresource: c.resource.subresource } : {}),
      ...(c.resource.name ? { name: c.resource.name } : {}),
      ...(c.resource.namespace ? { namespace: c.resource.namespace } : {}),
    };
  } else {
    spec.nonResourceAttributes = { verb: c.verb, path: c.nonResourcePath };
  }
  return { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec };
}

/** Asks the real apiserver's authorizer about every case, `concurrency` at a time; returns `allowed` per case. */
export async function subjectAccessReviews(api: RunningKubeApiserver, cases: readonly AccessCase[], concurrency = 16): Promise<boolean[]> {
  const ca = readFileSync(api.caFile, 'utf8');
  const results: boolean[] = new Array(cases.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const i = next++;
      const res = await httpsCall(`${api.url}/apis/authorization.k8s.io/v1/subjectaccessreviews`, ca, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.adminToken}` },
        body: JSON.stringify(subjectAccessReviewFor(cases[i])),
      });
      if (res.status !== 201 && res.status !== 200) {
        throw new Error(`SubjectAccessReview for ${JSON.stringify(cases[i])} failed: HTTP ${res.status} ${res.text}`);
      }
      results[i] = JSON.parse(res.text).status?.allowed === true;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}
