/**
 * "Who may do this?": the Kubernetes subjects whose bindings allow the request (the subject locator of
 * https://github.com/kubernetes/kubernetes/tree/01aa0f3f/plugin/pkg/auth/authorizer/rbac, one row per subject and
 * binding), and the IAM principals of the inputs that reach it through their mapping, their groups or their access
 * policies.
 */
import { AccessAnalysis, AccessGrant, AnalysedPrincipal, describeGrant } from './access-analysis';
import { IamPrincipalResolver } from './iam-principals';
import { RequestAttributes, Subject } from './rbac-types';

export interface SubjectRow {
  readonly subject: Subject;
  readonly binding: string;
  /** False for the default bindings of the bootstrap policy. */
  readonly fromInputs: boolean;
}

export interface IamRow {
  readonly principal: AnalysedPrincipal;
  readonly grant: AccessGrant;
  readonly via: string;
}

export interface WhoCanResult {
  readonly subjects: SubjectRow[];
  readonly iamPrincipals: IamRow[];
}

export async function whoCan(analysis: AccessAnalysis, resolver: IamPrincipalResolver, request: RequestAttributes): Promise<WhoCanResult> {
  const iamPrincipals: IamRow[] = [];
  for (const arn of resolver.knownPrincipalArns()) {
    const principal = await resolver.resolve(arn).catch(() => undefined);
    if (!principal) continue;
    const d = analysis.decide(principal, request);
    if (d.grant) iamPrincipals.push({ principal, grant: d.grant, via: describeGrant(d.grant) });
  }
  return { subjects: analysis.rbacSubjectsFor(request), iamPrincipals };
}

export function subjectLabel(s: Subject): string {
  return s.kind === 'ServiceAccount' && s.namespace ? `${s.namespace}/${s.name}` : s.name;
}
