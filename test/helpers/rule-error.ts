/** The `RuleError` that `fn` throws (for assertions on its rule id and message); any other outcome fails the test. */
import { RuleError } from '../../lib/model';

export function ruleErrorOf(fn: () => unknown): RuleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RuleError) return e;
    throw e;
  }
  throw new Error('expected a RuleError');
}
