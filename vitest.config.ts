import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['edgeware-source'] },
  ssr: { resolve: { conditions: ['edgeware-source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // dist/ rebuilt when src/ is newer: the CLI tests run bin/edgeware.js, which loads dist/.
    globalSetup: ['test/global-setup.ts'],
    // The SDK warns that releases after Jan 2027 need Node 22 (Lambda's nodejs22.x); locally we run Node 20.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
})
