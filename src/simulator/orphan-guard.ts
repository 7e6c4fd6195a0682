/**
 * workerd runs as Miniflare's child process. When this process dies without running its exit hooks (SIGKILL, a
 * crash of the runtime itself), workerd lives on, holding the edge's port, and the next `edgeware dev` can't start.
 * A tiny detached `sh` watches each workerd of this process and kills it once it is orphaned (its parent pid is no
 * longer this process). Linux only (it reads /proc); elsewhere nothing is watched.
 */
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'

/** Children of `pid` whose command name is `comm` (Linux: /proc). */
function childrenNamed(pid: number, comm: string): number[] {
  const out: number[] = []
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'latin1')
      const close = stat.lastIndexOf(')')
      if (stat.slice(stat.indexOf('(') + 1, close) === comm && Number(stat.slice(close + 2).split(' ')[1]) === pid) out.push(Number(e))
    } catch {
      /* gone meanwhile */
    }
  }
  return out
}

/**
 * Starts the watchdog for this process's workerd children; returns what stops it (call it before closing Miniflare,
 * whose own ending of workerd is not an orphan's).
 *
 * @example
 * ```ts
 * await mf.ready
 * const unguard = guardOrphans()
 * // …
 * unguard()
 * await mf.dispose()
 * ```
 */
export function guardOrphans(comm = 'workerd'): () => void {
  if (process.platform !== 'linux') return () => {}
  let pids: number[]
  try {
    pids = childrenNamed(process.pid, comm)
  } catch {
    return () => {}
  }
  if (pids.length === 0) return () => {}
  // For each child: wait while its parent is this process, then kill it if it is still that program (no /proc
  // entry: it ended by itself).
  const script = pids
    .map((p) => `(while [ "$(cut -d' ' -f4 /proc/${p}/stat 2>/dev/null)" = "${process.pid}" ]; do sleep 0.25; done; [ "$(cut -d' ' -f2 /proc/${p}/stat 2>/dev/null)" = "(${comm})" ] && kill -9 ${p}) &`)
    .join('\n') + '\nwait\n'
  const watchdog = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' })
  watchdog.on('error', () => {})
  watchdog.unref()
  const stop = (): void => {
    process.off('exit', stop)
    // The whole group (the sh and its loops: detached made it a group leader).
    try {
      if (watchdog.pid !== undefined) process.kill(-watchdog.pid, 'SIGKILL')
    } catch {
      /* already gone */
    }
  }
  process.on('exit', stop)
  return stop
}
