/**
 * Recognizes CDK tokens (values only known at deploy time: `stack.account`, `role.roleArn`, `Fn::GetAtt`) inside model
 * strings without importing aws-cdk-lib: the model is loaded by the CLI and the analysis, which must not pay for (or
 * depend on) the CDK. The encoding is aws-cdk-lib's own string-token format (aws-cdk-lib
 * `packages/aws-cdk-lib/core/lib/private/encoding.ts`: `${Token[<key>]}` with key characters `a-zA-Z0-9:._-`, and
 * stringified number tokens `-1.<digits>e+289`); test/aws/token-principals.test.ts pins this predicate against
 * `Token.isUnresolved` so a change of the encoding fails a test instead of slipping past validation.
 */

const STRING_TOKEN = /\$\{Token\[[a-zA-Z0-9:._-]+\]\}|-1\.\d{10,16}e\+289/;

/** True when the string holds a CDK token anywhere (the value, or part of it, is only known at deploy time). */
export function hasUnresolvedToken(value?: string): boolean {
  return value !== undefined && STRING_TOKEN.test(value);
}

/** `value` with every CDK token replaced by `placeholder` (e.g. to estimate a length once the tokens are resolved). */
export function replaceTokens(value: string, placeholder: string): string {
  return value.replace(new RegExp(STRING_TOKEN.source, 'g'), placeholder);
}
