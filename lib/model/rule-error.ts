/**
 * The one synth-time error of this library, thrown by lib/model, lib/aws, lib/k8s and lib/deploy alike. It follows
 * aws-cdk-lib's `ValidationError` (aws-cdk-lib core/lib/errors.ts: a stable name per rule plus the construct path;
 * internal to aws-cdk-lib, so it cannot be reused): the message starts with the construct path (or the field, for a
 * call that has no construct) and ends with the rule id, so both a reader and a tool find what failed; `ruleId`,
 * `path` and `detail` carry them unparsed. Every id is listed in the README's validation sections
 * (test/model/rule-ids.test.ts checks that, and that no two rules share an id).
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
  /**
   * Rethrows what a step under `path` threw: a `RuleError` keeps its id and gains `path` in front of its own; anything
   * else gets `ruleIdOfOthers`. The text is `${path}: ${e.message}` either way.
   */
  public static within(path: string, e: unknown, ruleIdOfOthers: string): RuleError {
    if (e instanceof RuleError) return new RuleError(e.ruleId, path, `${e.path}: ${e.detail}`);
    return new RuleError(ruleIdOfOthers, path, (e as Error)?.message ?? String(e));
  }

  /** Stable id of the rule, e.g. `eks-access:rbac-verb`; listed in the README's validation sections. */
  public readonly ruleId: string;
  /** Construct path (or field path) the problem belongs to. */
  public readonly path: string;
  /** What is wrong and what would be valid: the message without the path and the id. */
  public readonly detail: string;

  constructor(ruleId: string, path: string, detail: string) {
    super(`${path}: ${detail} [${ruleId}]`);
    this.name = 'RuleError';
    this.ruleId = ruleId;
    this.path = path;
    this.detail = detail;
  }
}
