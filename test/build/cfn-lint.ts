/**
 * `cfn-lint` on a template the build wrote. Tests that need it skip with a loud message when it is missing.
 */
import { spawnSync } from 'node:child_process'
import { expect } from 'vitest'

/** Whether cfn-lint is on the PATH. */
export const HAS_CFN_LINT = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0
if (!HAS_CFN_LINT) {
  console.warn('\n*** cfn-lint is not installed: the CloudFormation lint tests are SKIPPED (pip install cfn-lint) ***\n')
}

/** Runs cfn-lint on a template file: its exit code (0 clean) and what it printed. */
export function cfnLint(file: string): { code: number; output: string } {
  const r = spawnSync('cfn-lint', [file], { encoding: 'utf8' })
  return { code: r.status ?? -1, output: `${r.stdout}${r.stderr}` }
}

/** Expects cfn-lint to find no error and no warning in a template file (its output is shown otherwise). */
export function expectLintClean(file: string): void {
  const r = cfnLint(file)
  expect(r.output, file).toBe('')
  expect(r.code, file).toBe(0)
}
