/**
 * The synth-time error with a stable id per rule, for lib/k8s and lib/aws alike (as aws-cdk-lib's `ValidationError`
 * does, which is internal to aws-cdk-lib). The message starts with the construct path (or the field) and ends with the
 * rule id, so both a reader and a tool find what failed; `ruleId` and `path` carry them unparsed.
 */
/**
 * jsii refuses `extends Error` on an exported class, even an `@internal` one; a module-private base is invisible to it
 * (aws-cdk-lib/core/lib/errors.ts does the same with its `ConstructError`).
 */
abstract class LibraryError extends Error {}

/**
 * Not part of the jsii API (jsii cannot extend `Error`), as aws-cdk-lib's `ValidationError` is `@internal`: other
 * languages get the message, which carries the path and the rule id.
 * @internal
 */
export class RuleError extends LibraryError {
  /** Stable id of the rule, e.g. `eks-access:rbac-verb`; listed in the README's validation sections. */
  public readonly ruleId: string;
  /** Construct path (or field path) the problem belongs to. */
  public readonly path: string;

  constructor(ruleId: string, path: string, message: string) {
    super(`${path}: ${message} [${ruleId}]`);
    this.name = 'RuleError';
    this.ruleId = ruleId;
    this.path = path;
  }
}
