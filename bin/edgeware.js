#!/usr/bin/env node
// The `edgeware` command. The implementation is compiled to dist/ on install (`npm run build:lib`).
import { main } from '../dist/cli/index.js'

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1 },
)
