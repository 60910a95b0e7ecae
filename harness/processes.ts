import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { appendFileSync, closeSync, createWriteStream, openSync, readFileSync } from 'node:fs';

/**
 * Long-running child processes of the end-to-end run (etcd, kube-apiserver, webhook servers, proxies).
 *
 * Every process is registered so that it is stopped even when a test throws, jest times out, or the node process
 * exits: `stopAll()` from afterAll, and a synchronous SIGKILL of whatever is left from the 'exit' hook.
 */
export interface ManagedProcess {
  readonly name: string;
  readonly child: ChildProcess;
  /** Combined stdout+stderr of the process, also used in failure messages. */
  readonly logFile: string;
  /** The last lines of the log, for error messages. */
  tail(lines?: number): string;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
  exited(): boolean;
}

const running = new Set<ManagedProcess>();

function killLeftovers(): void {
  for (const p of running) {
    if (!p.exited() && p.child.pid !== undefined) {
      try {
        process.kill(p.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}
process.once('exit', killLeftovers);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killLeftovers();
    process.exit(130);
  });
}

/**
 * `command args` run on the given CPUs through `taskset -c` (which execs it, so the child's pid is the program's own,
 * as /proc CPU accounting needs); unchanged without `cpus`.
 */
export function pinned(cpus: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpus === undefined ? [command, args] : ['taskset', ['-c', cpus, command, ...args]];
}

/**
 * Starts `command args` with its stdout and stderr appended to `logFile`.
 *
 * By default the child holds the file itself, so no process of ours is woken to copy its output: a benchmark's
 * measuring process shares a CPU with the load generator (bench/workers/webhook-netns.ts), and copying a server's log
 * lines through a pipe there competed with the load it measured. `logWriter: 'parent'` keeps the pipe, this process
 * writing the file: for a child in a memory cgroup of its own, whose log file's page cache must not be charged to that
 * cgroup — a container runtime's shim writes a container's log from outside the pod's cgroup.
 */
export function startProcess(name: string, command: string, args: string[], logFile: string,
  options: SpawnOptions & { logWriter?: 'child' | 'parent' } = {}): ManagedProcess {
  const { logWriter = 'child', ...spawnOptions } = options;
  let child: ChildProcess;
  if (logWriter === 'parent') {
    const log = createWriteStream(logFile, { flags: 'a' });
    child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log, { end: false });
    child.stderr?.pipe(log, { end: false });
    child.once('close', () => log.end());
  } else {
    const fd = openSync(logFile, 'a');
    try {
      // spawn() forks and execs before it returns: the child has its own copies of the descriptor by then.
      child = spawn(command, args, { ...spawnOptions, stdio: ['ignore', fd, fd] });
    } finally {
      closeSync(fd);
    }
  }
  let hasExited = false;
  const exit = new Promise<void>((resolve) => {
    const ended = () => {
      hasExited = true;
      resolve();
    };
    child.once('exit', ended);
    // A program that could not be started emits 'error' and never 'exit' (events.once(child, 'exit') would reject).
    child.on('error', (err) => {
      appendFileSync(logFile, `spawn error: ${err.message}\n`);
      if (child.pid === undefined) ended();
    });
  });
  const managed: ManagedProcess = {
    name,
    child,
    logFile,
    exited: () => hasExited,
    tail(lines = 30) {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
    async stop(graceMs = 5000) {
      if (!hasExited) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exit;
        clearTimeout(timer);
      }
      running.delete(managed);
    },
  };
  running.add(managed);
  return managed;
}

/** Stops every process still running, newest first (clients before the servers they talk to). */
export async function stopAll(): Promise<void> {
  for (const p of [...running].reverse()) {
    await p.stop();
  }
}
