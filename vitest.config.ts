import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // test/unit: in-process; test/e2e: through the bundles in dist/ (`npm test` builds them first).
    include: ['test/unit/**/*.test.ts', 'test/e2e/**/*.test.ts'],
    testTimeout: 30_000,
    setupFiles: ['test/support/setup.ts'],
    // The JSON report lets .ci/run print a plain "N passed, N failed" closing line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' }
  }
})
