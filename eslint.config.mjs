import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'cdk.out/**', 'node_modules/**', 'coverage/**', 'test/**/__snapshots__/**', 'bench/results/**', '**/*.js', '**/*.mjs', '**/*.py'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // The authenticator is the webhook core: it must never pull in CDK or cdk8s.
    files: ['authenticator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk8s', 'cdk8s-plus-*', '**/lib', '**/lib/*'] }],
    },
  },
  {
    // CDK constructs build on the model and the authenticator, never on the cdk8s charts (test/architecture/layering.test.ts).
    files: ['lib/aws/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['../k8s', '../k8s/*', '**/lib/k8s', '**/lib/k8s/*', 'cdk8s', 'cdk8s-plus-*'] }],
    },
  },
  {
    // The access model is loaded by the CLI and the offline analysis: CDK types may be named (grantRole/grantUser take
    // an iam.IRole / iam.IUser) but no CDK code may be loaded; tokens are recognized by lib/model/tokens.ts.
    files: ['lib/model/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [{ group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs', 'cdk8s', 'cdk8s-plus-*'], allowTypeImports: true, message: 'lib/model loads no CDK code; use `import type`' }],
      }],
    },
  },
);
