/**
 * The `edgeware` command as users run it: bin/edgeware.js in its own process (test/global-setup.ts keeps dist/
 * current), and what a test needs to watch such a process: its output, its process tree, the ports it holds.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, symlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')
export const BIN = join(ROOT, 'bin', 'edgeware.js')

/** What a finished command printed. */
export interface Finished {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs `node bin/edgeware.js …args` to the end (`env`: variables added to this process's).
 *
 * @example
 * ```ts
 * const { code, stderr } = await edgeware(['dev'], { cwd: emptyDir })
 * ```
 */
export function edgeware(args: string[], opts: { cwd: string; timeoutMs?: number; env?: Record<string, string> }): Promise<Finished> {
  return new Promise((resolve) => {
    const env = { ...process.env, ...opts.env }
    execFile(process.execPath, [BIN, ...args], { cwd: opts.cwd, env, timeout: opts.timeoutMs ?? 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

/** A long-running process and everything it printed so far. */
export interface Running {
  child: ChildProcess
  output(): string
  /** Resolves with the first match of `re` in the output; rejects with the output after `timeoutMs` or on exit. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>
  /** Resolves with the exit code (or the signal's name). */
  exited: Promise<number | string>
}

/**
 * Starts `command args` in `cwd`, collecting stdout and stderr together.
 *
 * @example
 * ```ts
 * const dev = start('npm', ['run', 'dev'], dir)
 * await dev.waitFor(/open (http:\S+)\//)
 * ```
 */
export function start(command: string, args: string[], cwd: string): Running {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  const watchers = new Set<() => void>()
  const onData = (d: Buffer): void => {
    out += d.toString('utf8')
    for (const w of watchers) w()
  }
  child.stdout!.on('data', onData)
  child.stderr!.on('data', onData)
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  return {
    child,
    output: () => out,
    exited,
    waitFor: (re, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          const m = re.exec(out)
          if (m) done(() => resolve(m))
        }
        const timer = setTimeout(() => done(() => reject(new Error(`no ${re} within ${timeoutMs} ms; output:\n${out}`))), timeoutMs)
        const done = (f: () => void): void => {
          clearTimeout(timer)
          watchers.delete(check)
          f()
        }
        watchers.add(check)
        void exited.then(() => setImmediate(() => done(() => reject(new Error(`exited before ${re}; output:\n${out}`)))))
        check()
      }),
  }
}

/** Whether a process is alive (a zombie, dead but not yet reaped, counts as gone). Linux: /proc. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z'
  } catch {
    return false
  }
}

/** Every process below `pid` (children, grandchildren, …). Linux: /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>()
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'latin1')
      parentOf.set(Number(e), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {
      /* gone meanwhile */
    }
  }
  const out: number[] = []
  let frontier = [pid]
  while (frontier.length) {
    const next = [...parentOf].filter(([, ppid]) => frontier.includes(ppid)).map(([p]) => p)
    out.push(...next)
    frontier = next
  }
  return out
}

/** Whether nothing listens on `port` at 127.0.0.1 (binds it and lets go). */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer()
    s.once('error', () => resolve(false))
    s.listen({ port, host: '127.0.0.1', exclusive: true }, () => s.close(() => resolve(true)))
  })
}

/**
 * A port for a server the test starts later in another process: below the kernel's ephemeral range (Linux: from
 * 32768), where no `listen(0)` (dynalite, workerd's own sockets, other tests) can be handed it in the meantime, and
 * with nothing listening on it now.
 */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    if (await portFree(port)) return port
  }
}

/**
 * What `npm install` would link in a project that depends on this checkout: node_modules/edgeware and its bin.
 *
 * @example
 * ```ts
 * linkEdgeware(projectDir) // then `npm run dev` there finds `edgeware`
 * ```
 */
export function linkEdgeware(dir: string): void {
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true })
  if (!existsSync(join(dir, 'node_modules', 'edgeware'))) symlinkSync(ROOT, join(dir, 'node_modules', 'edgeware'), 'dir')
  if (!existsSync(join(dir, 'node_modules', '.bin', 'edgeware'))) symlinkSync(BIN, join(dir, 'node_modules', '.bin', 'edgeware'))
}

/** Waits until `check` holds, polling every 50 ms; resolves with the ms it took, or rejects after `timeoutMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<number> {
  const t0 = Date.now()
  while (!(await check())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return Date.now() - t0
}
