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
    { ...shared, displayName: 'functions', testMatch: ['<rootDir>/test/functions/**/*.test.ts'] },
    {
      ...shared,
      displayName: 'ui',
      testMatch: ['<rootDir>/test/ui/**/*.test.ts'],
      testEnvironment: 'jsdom',
      // Compiled pages render through Taro's asynchronous setData: slow on a busy 2-core machine.
      testTimeout: 20000,
    },
  ],
}
