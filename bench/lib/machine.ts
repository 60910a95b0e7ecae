import { execFileSync } from 'node:child_process';
import * as os from 'node:os';

/** The facts a reader needs to weigh the figures: cores, CPU model, memory, Node and Go versions. */
export interface MachineFacts {
  readonly date: string;
  readonly cores: number;
  readonly cpu: string;
  readonly memoryGiB: number;
  readonly node: string;
  readonly go: string;
  readonly platform: string;
  /** What else loaded the machine during the run (1-min load averages), when known. */
  readonly conditions?: string;
}

function goVersion(): string {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' }).trim();
  } catch {
    return 'not installed';
  }
}

export function machineFacts(): MachineFacts {
  return {
    date: new Date().toISOString(),
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    go: goVersion(),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  };
}
