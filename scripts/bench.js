#!/usr/bin/env node
// `npm run bench`: runs every bench/*.bench.mjs in its own fresh node process, one after another,
// so one benchmark's heap and JIT state never colour another's. Each prints ratios against a baseline
// measured side by side in the same run. `npm run bench -- core` runs only the files whose name contains "core".
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const filter = process.argv.slice(2)
const files = readdirSync(join(root, 'bench'))
  .filter((f) => f.endsWith('.bench.mjs'))
  .filter((f) => filter.length === 0 || filter.some((w) => f.includes(w)))
  .sort()
let failed = 0
for (const f of files) {
  console.log(`\n=== bench/${f}`)
  const r = spawnSync(process.execPath, ['--expose-gc', join(root, 'bench', f)], {
    stdio: 'inherit',
    cwd: root,
    // functions target nodejs22.x; the SDK's notice that its 2027 releases need Node 22 is noise here
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
