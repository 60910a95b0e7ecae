/**
 * The chart side of the model's synth-time validation: a self-managed cluster may use only the cdk8s charts (no
 * `ClusterAccess`), and the aws-auth rows and RBAC they render must meet the same rules (a username template the
 * authenticator would not render, a boundary IAM rejects...). Every problem is listed, each under the chart's path.
 */
import { AccessModel, validateModel } from '../model';
import { RuleError } from '../model/rule-error';

export const ACCESS_MODEL_RULE = 'eks-access:access-model';

/** Throws a `RuleError` naming `path` and every issue of `model`. */
export function checkModel(model: AccessModel, path: string): void {
  const issues = validateModel(model);
  if (issues.length === 0) return;
  throw new RuleError(ACCESS_MODEL_RULE, path, `invalid access model:\n${issues.map((i) => `  ${path}/${i.subject}: ${i.message}`).join('\n')}\n`);
}
