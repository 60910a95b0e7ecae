/**
 * The one boundary between the model's camelCase `IamStatementJson` and IAM's own JSON spelling
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html: `Effect`, `Action`,
 * `Resource`, `Condition`), in both directions.
 */
import type { IamStatementJson } from './types';

/** A statement as IAM (and CloudFormation's `PolicyDocument`) spells it. */
interface IamPolicyStatement {
  readonly Effect: string;
  readonly Action: string[];
  readonly Resource: string[];
  readonly Condition?: IamStatementJson['condition'];
}

/** The statement in IAM JSON, for `iam.PolicyDocument.fromJson`; a condition block only when there is one. */
export function toIamPolicyJson(st: IamStatementJson): IamPolicyStatement {
  return { Effect: st.effect, Action: st.action, Resource: st.resource, ...(st.condition ? { Condition: st.condition } : {}) };
}

/**
 * A statement of a model JSON document: camelCase as `toJson()` writes it, or IAM's spelling as documents of this
 * model version written before the jsii build (camelCase is what jsii structs need) hold it.
 */
export function statementFromJson(st: IamStatementJson | IamPolicyStatement): IamStatementJson {
  if (!('Effect' in st)) return st;
  return { effect: st.Effect, action: st.Action, resource: st.Resource, ...(st.Condition ? { condition: st.Condition } : {}) };
}
