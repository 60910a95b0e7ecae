/**
 * The model's synth-time validation as an error: `ClusterAccess` and the cdk8s charts (a self-managed cluster may use
 * only the charts) refuse a model `validateModel` finds problems in (a username template the authenticator would not
 * render, a boundary IAM rejects...). Every problem is listed, each under the construct's path.
 */
import type { AccessModel } from './access-model';
import { RuleError } from './rule-error';
import { validateModel } from './validate';

export const ACCESS_MODEL_RULE = 'eks-access:access-model';

/**
 * Throws a `RuleError` naming `path` and every issue of `model`, each line ending with its own rule id; the error's
 * `ruleId` is the first issue's (`ACCESS_MODEL_RULE` stays the id of model errors rethrown by the charts).
 */
export function assertValidModel(model: AccessModel, path: string): void {
  const issues = validateModel(model);
  if (issues.length === 0) return;
  const lines = issues.map((i) => `  ${path}/${i.subject}: ${i.message} [${i.ruleId}]`);
  throw new RuleError(issues[0].ruleId, path, `invalid access model:\n${lines.join('\n')}\n`);
}
