/**
 * What validation reports: problems (`ValidationIssue`) and what it could not check or accepted on trust
 * (`ValidationNote`), each with its rule id. Apart from validate.ts so that the checks in other modules
 * (validate-identity, model-warnings) report without importing the module that imports them.
 */

/** One problem found in a model. */
export interface ValidationIssue {
  /** What it is about: a principal id, `groupGrants/<group>`, `serviceAccounts/<id>` or `model`. */
  readonly subject: string;
  /** What is wrong and what would be valid (without the rule id). */
  readonly message: string;
  /** Stable id of the check that found it, e.g. `eks-access:principal-arn` (README rule table). */
  readonly ruleId: string;
}

/** Why a `ValidationNote` was raised. */
export enum ValidationNoteKind {
  /** A value is a CDK token (known at deploy time only): the checks it hides were not made. */
  UNRESOLVED_TOKEN = 'UNRESOLVED_TOKEN',
  /** An access policy outside this version's catalogue (`AccessPolicy.of`): used as named, maybe a typo. */
  UNCATALOGUED_ACCESS_POLICY = 'UNCATALOGUED_ACCESS_POLICY',
}

/** Something the model could not check at synth time, or accepted on trust; `ClusterAccess` turns notes into warnings. */
export interface ValidationNote {
  readonly kind: ValidationNoteKind;
  /** What it is about, as in `ValidationIssue`. */
  readonly subject: string;
  readonly message: string;
  /** `UNRESOLVED_TOKENS_WARNING` or `UNCATALOGUED_ACCESS_POLICY_WARNING`, by kind: the CDK warning id. */
  readonly ruleId: string;
}
