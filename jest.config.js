// Projects: pure domain units, local-cloud itself, cloud functions against a real local-cloud
// database, and compiled weapp pages in miniprogram-simulate.
const shared = {
  transform: { '^.+\\.(t|j)sx?$': 'babel-jest' },
  moduleFileExtensions: ['ts', 'tsx', 'js', 'jsx', 'json'],
  moduleNameMapper: {
    // Functions import the real SDK name; tests run them against local-cloud.
    '^wx-server-sdk$': '<rootDir>/local-cloud/sdk.ts',
    '^@/(.*)$': '<rootDir>/src/$1',
  },
  testEnvironment: 'node',
}

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...shared, displayName: 'local-cloud', testMatch: ['<rootDir>/test/local-cloud/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'functions',
      testMatch: [
        '<rootDir>/test/functions/**/*.test.ts',
        '<rootDir>/test/scheduler/**/*.test.ts',
        '<rootDir>/test/db/**/*.test.ts',
      ],
      // Fails a test whose function calls scan a whole collection the manifest marks large.
      setupFilesAfterEnv: ['<rootDir>/test/support/no-full-scans.ts'],
    },
    {
      ...shared,
      displayName: 'deploy',
      // WeChat's compiler (miniprogram-ci) over a copy of dist/: the file sets its own timeout.
      testMatch: ['<rootDir>/test/deploy/**/*.test.ts'],
    },
    // The same database calls through local-cloud and through the unpatched SDK over HTTP.
    { ...shared, displayName: 'contract', testMatch: ['<rootDir>/test/contract/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'ui',
      testMatch: ['<rootDir>/test/ui/**/*.test.ts'],
      testEnvironment: 'jsdom',
      setupFilesAfterEnv: ['<rootDir>/test/support/slow-pages.ts'],
    },
  ],
}
