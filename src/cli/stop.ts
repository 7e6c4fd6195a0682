/**
 * When a long-running command (`edgeware dev`) stops: SIGINT, SIGTERM or SIGHUP to this process, or the process that
 * started it going away. `npm run dev` runs a script through `sh -c`: SIGTERM to npm ends npm and the shell, SIGHUP
 * ends npm alone, and neither reaches this process, which would keep the edge's ports. So the parent is watched,
 * and when the parent is such a shell (Linux: /proc), the process that started the shell too.
 */
import { readFileSync } from 'node:fs'

/** The signals that stop the command. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
/** How long closing may take before the process exits anyway. */
const STOP_DEADLINE_MS = 2000
/** How often the command looks whether the process that started it is still there. */
const PARENT_POLL_MS = 200

/** A stop being watched for ({@link whenToStop}). */
export interface StopWatch {
  /** Resolves with what asked for the stop: the signal's name, or `'parent'` when the parent process went away. */
  requested: Promise<string>
  /** Waits for `closing` (at most {@link STOP_DEADLINE_MS}, or until a second stop), then ends the process. */
  exitAfter(closing: Promise<void>): Promise<never>
  /** Stops watching. */
  dispose(): void
}

/**
 * Starts watching for a stop: the three signals and the parent process (its pid changes when it dies and this
 * process is handed to init or a subreaper).
 *
 * @example
 * ```ts
 * const stop = whenToStop()
 * const dev = await startDev({ config: 'wrangler.toml' })
 * await stop.requested
 * await stop.exitAfter(dev.close())
 * ```
 */
export function whenToStop(): StopWatch {
  let fire: (why: string) => void = () => {}
  let stopping = false
  const requested = new Promise<string>((resolve) => (fire = resolve))
  const onStop = (why: string): void => {
    // A second Ctrl+C while closing: leave now.
    if (stopping) process.exit(1)
    stopping = true
    fire(why)
  }
  const handlers = STOP_SIGNALS.map((s) => [s, () => onStop(s)] as const)
  for (const [s, h] of handlers) process.on(s, h)
  const parent = process.ppid
  const launcher = shellParent(parent)
  const poll = setInterval(() => {
    if (process.ppid !== parent || (launcher !== undefined && parentOf(parent) !== launcher)) onStop('parent')
  }, PARENT_POLL_MS).unref()
  const dispose = (): void => {
    clearInterval(poll)
    for (const [s, h] of handlers) process.off(s, h)
    // Still exit on a second signal while closing (the default action would end the process without `exit` hooks).
    if (stopping) for (const s of STOP_SIGNALS) process.once(s, () => process.exit(1))
  }
  const exitAfter = async (closing: Promise<void>): Promise<never> => {
    const deadline = setTimeout(() => process.exit(1), STOP_DEADLINE_MS).unref()
    let code = 0
    try {
      await closing
    } catch (e) {
      console.error(`could not close cleanly: ${(e as Error).message}`)
      code = 1
    }
    clearTimeout(deadline)
    process.exit(code)
  }
  return { requested, exitAfter, dispose }
}

/** The parent pid of `pid` (Linux: /proc/<pid>/stat), or undefined when it can't be read (gone, or no /proc). */
function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    // pid (comm) state ppid …: comm may hold spaces and parentheses, so read after the last ')'
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
  } catch {
    return undefined
  }
}

/** When `pid` is a shell running a command line for another process (`sh -c …`, as npm runs scripts): that process. */
function shellParent(pid: number): number | undefined {
  try {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'latin1').split('\0')
    if (!/(^|\/)(sh|dash|bash|zsh|ash)$/.test(argv[0] ?? '') || !argv.includes('-c')) return undefined
    return parentOf(pid)
  } catch {
    return undefined
  }
}
