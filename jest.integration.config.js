// Integration tests: a real Docker engine and the local stand-in image. One worker (they share the
// daemon and build real images), long timeouts.
import unit from './jest.config.js'

export default {
  ...unit,
  testMatch: ['<rootDir>/__tests__/integration/**/*.test.ts'],
  testTimeout: 10 * 60 * 1000,
  maxWorkers: 1,
  globalSetup: '<rootDir>/__tests__/global/setup.mjs',
  globalTeardown: '<rootDir>/__tests__/global/teardown.mjs',
}
