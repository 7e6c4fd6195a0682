import { defineConfig } from 'vitest/config'

export default defineConfig({
  resolve: { conditions: ['edgeware-source'] },
  ssr: { resolve: { conditions: ['edgeware-source'] } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
