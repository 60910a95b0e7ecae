/** End to end on a real control plane (kube-apiserver + etcd + webhook + STS stand-in). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 600000,
  globalSetup: '<rootDir>/test/e2e/setup/global-setup.ts',
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
