/**
 * The `edgeware` commands README.md, docs/dev.md and docs/functions.md show (shell blocks and inline code) name
 * commands that exist and only options their `--help` lists, so a renamed or dropped option fails here until the
 * docs follow. What the commands do on the example is checked by the tests of each command.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runCli } from '../cli/run-cli.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const DOCS = ['README.md', 'docs/dev.md', 'docs/functions.md']

interface DocCommand {
  where: string
  command: string
  options: string[]
}

/** Every `edgeware <command> …` of the docs: lines of shell blocks, and inline code. */
function docCommands(): DocCommand[] {
  return DOCS.flatMap((doc) => {
    let fenced = false
    return readFileSync(join(ROOT, doc), 'utf8')
      .split('\n')
      .flatMap((line, i) => {
        if (line.startsWith('```')) fenced = line === '```sh'
        const found = fenced ? [line.replace(/\s#\s.*$/, '')] : [...line.matchAll(/`([^`]+)`/g)].map((m) => m[1]!)
        return found.flatMap((code) => {
          const m = /(?:^|\s|npx )edgeware ([a-z]+)\b(.*)$/.exec(code.trim())
          if (!m) return []
          const options = [...m[2]!.matchAll(/(?:^|[\s[])(--[a-z][a-z0-9-]*)/g)].map((o) => o[1]!)
          return [{ where: `${doc}:${i + 1}`, command: m[1]!, options }]
        })
      })
  })
}

describe('the edgeware commands of the README and the guides', () => {
  const commands = docCommands()

  it('are found in every doc', () => {
    for (const doc of DOCS) expect(commands.filter((c) => c.where.startsWith(doc)).length, doc).toBeGreaterThan(3)
  })

  it('name real commands, with options their --help lists', async () => {
    const helps = new Map<string, string>()
    const wrong: string[] = []
    for (const { where, command, options } of commands) {
      if (!helps.has(command)) {
        const { code, out, err } = await runCli(command, '--help')
        helps.set(command, code === 0 ? out + err : '')
      }
      const help = helps.get(command)!
      if (!help) wrong.push(`${where}: edgeware ${command}: no such command`)
      for (const o of options) if (!new RegExp(`${o}\\b`).test(help)) wrong.push(`${where}: edgeware ${command} ${o}: not an option of edgeware ${command}`)
    }
    expect(wrong).toEqual([])
  })
})
