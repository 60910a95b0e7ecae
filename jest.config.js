/**
 * Unit, conformance and integration tests (real local peers): `npm test`, each file seconds, not minutes. End-to-end
 * tests (jest.e2e.config.js) and the long runs (`*.long.test.ts`, jest.long.config.js: `npm run test:long`) have
 * their own configs; the soak, fuzz and flood runs are `npm run soak|fuzz|flood` (short versions in test/bench/).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/e2e/', '<rootDir>/dist/', '\\.long\\.test\\.ts$'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
