/**
 * The earlier name of the one synth-time error (`RuleError`, lib/model/rule-error.ts), kept so existing
 * `instanceof AccessValidationError` checks and imports go on working.
 */
import { RuleError } from '../model/rule-error';

/** @deprecated use `RuleError`: the same class (`ruleId`, `path`, `detail`). */
export const AccessValidationError = RuleError;
/** @deprecated use `RuleError`. */
export type AccessValidationError = RuleError;
