// The suite runs once per database: always on SQLite, and again on MySQL when
// TEST_MYSQL_URL is set. Each project sets the dialect the test helpers build on.
const base = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // Tests that start an app of their own create and migrate a whole database first: on a busy
  // two-core CI machine with MySQL that alone can pass Jest's default 5 s.
  testTimeout: 20_000,
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': ['ts-jest', { useESM: true }] },
};

const dialects = ['sqlite', ...(process.env.TEST_MYSQL_URL ? ['mysql'] : [])];

export default {
  globalSetup: '<rootDir>/tests/global-setup.ts',
  // A global option: Jest does not read it from the projects.
  testTimeout: base.testTimeout,
  projects: dialects.map((dialect) => ({
    ...base,
    displayName: dialect,
    globals: { CASEHUB_TEST_DIALECT: dialect },
    // `*.mysql.test.ts`: behaviour only a server database has (it can go down, it has sessions).
    testPathIgnorePatterns: dialect === 'mysql' ? ['/node_modules/'] : ['/node_modules/', '\\.mysql\\.test\\.ts$'],
  })),
};
