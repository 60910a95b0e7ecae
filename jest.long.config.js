/**
 * The long runs (minutes each), kept out of `npm test`, whose short versions stay there: `npm run test:long`.
 * A long test is named `*.long.test.ts` next to its short version.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  testMatch: ['**/*.long.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/'],
  testTimeout: 1800000,
};
