/** Jest runs the TypeScript sources through ts-jest; Wix module names resolve to the local emulators. */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/local', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node', target: 'ES2022', esModuleInterop: true, isolatedModules: true } }],
  },
  moduleNameMapper: {
    '^@wix/data$': '<rootDir>/local/wix/data.ts',
    '^@wix/essentials$': '<rootDir>/local/wix/essentials.ts',
    '^@wix/secrets$': '<rootDir>/local/wix/secrets.ts',
    '^wix-web-module$': '<rootDir>/local/wix/web-module.ts',
    '^wix-fetch$': '<rootDir>/local/wix/fetch.ts',
    '^wix-http-functions$': '<rootDir>/local/wix/http-functions.ts',
    '^wix-members-backend$': '<rootDir>/local/wix/members-backend.ts',
    '^backend/(.*)$': '<rootDir>/src/backend/$1',
    '^public/(.*)$': '<rootDir>/src/public/$1',
  },
  testTimeout: 60000,
};
