#!/usr/bin/env node
// The `edgeware` command. The implementation is compiled to dist/ on install (`npm run build:lib`).
import { main } from '../dist/cli/index.js'

// Functions target Lambda's nodejs22.x; the SDK's notice that its 2027 releases need Node 22 is noise for a
// local tool running on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'

main(process.argv.slice(2)).then(
  (code) => { if (typeof code === 'number') process.exitCode = code },
  (err) => { console.error(err instanceof Error ? err.message : err); process.exitCode = 1 },
)
