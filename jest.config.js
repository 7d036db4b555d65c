// Tiers (see README "Tests"). `npm test` runs two: unit tests are pure logic; integration tests talk to a real
// DynamoDB-compatible server (embedded dynalite, or the endpoint in TEST_DYNAMODB_ENDPOINT) and to the service over
// real sockets. The drills (reliability), the soaks and the browser have commands of their own; .ci/run runs them all.
// jose (6.x) ships only ES modules, which Jest's CommonJS runtime does not load (Jest runs tests as CommonJS):
// its files are compiled to CommonJS like ours. Each tier has a test that it runs on the Node.js of .nvmrc.
const transform = {
  '^.+\\.ts$': ['@swc/jest'],
  '/node_modules/jose/.+\\.js$': ['@swc/jest', { jsc: { parser: { syntax: 'ecmascript' }, target: 'es2022' }, module: { type: 'commonjs' } }],
};
const transformIgnorePatterns = ['/node_modules/(?!jose/)'];

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // Every REST response the tier receives is held to the published contract (openapi/picus.yaml).
      setupFilesAfterEnv: ['<rootDir>/test/support/test-timeout.ts', '<rootDir>/test/support/openapi-hooks.ts'],
      globals: { testTimeoutMs: 30000 },
    },
    {
      // Load, faults and fuzzing over real processes and sockets; slower, same rules.
      displayName: 'reliability',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/reliability/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/test-timeout.ts'],
      globals: { testTimeoutMs: 120000 },
    },
    {
      // Three minutes of load each on the whole system and on the production build, judged on memory and errors:
      // npm run test:soak (the harness is tools/soak).
      displayName: 'soak',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/soak/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/test-timeout.ts'],
      globals: { testTimeoutMs: 120000 },
    },
    {
      // A real browser (headless Chromium) against the local system: npm run test:browser.
      displayName: 'browser',
      testEnvironment: 'node',
      transform,
      transformIgnorePatterns,
      testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/test-timeout.ts'],
      globals: { testTimeoutMs: 60000 },
    },
  ],
};
