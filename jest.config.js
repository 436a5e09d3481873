/** Jest runs the TypeScript sources through ts-jest; Wix module names resolve to the local emulators. */
const wixShims = require('./local/wix/modules.json');

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/local', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { module: 'commonjs', moduleResolution: 'node', target: 'ES2022', esModuleInterop: true, isolatedModules: true } }],
  },
  moduleNameMapper: {
    // Wix module names → the local shims (one table: local/wix/modules.json).
    ...Object.fromEntries(Object.entries(wixShims).map(([name, file]) => [`^${name.replace(/[/.]/g, '\\$&')}$`, `<rootDir>/local/wix/${file}`])),
    '^backend/(.*)$': '<rootDir>/src/backend/$1',
    '^public/(.*)$': '<rootDir>/src/public/$1',
  },
  testTimeout: 60000,
};
