/**
 * The one way benchmarks and tests start the fast STS stand-in (bench/go/sts-fast): listening on free ports of
 * 127.0.0.1 for HTTPS and for its counters, ready once it prints both addresses on stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as http from 'node:http';

export interface StsFast {
  /** host:port of the HTTPS listener. */
  readonly https: string;
  /** host:port of the counters (GET /stats). */
  readonly stats: string;
  readonly child: ChildProcess;
  /** The stand-in's counters now (`requests`, `accepts`: TLS connections accepted). */
  readStats(): Promise<{ readonly requests: number; readonly accepts: number }>;
}

/** `args`: sts-fast's other flags (`-cert`, `-key`, `-h2`, `-account`…). */
export async function startStsFast(binary: string, args: readonly string[]): Promise<StsFast> {
  const child = spawn(binary, ['-addr', '127.0.0.1:0', '-stats', '127.0.0.1:0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (log.includes('listening')) resolve(log);
    });
    child.on('exit', (code) => reject(new Error(`sts-fast exited ${code}: ${log}`)));
  });
  const [, https, stats] = /https=(\S+) stats=(\S+)/.exec(line)!;
  const readStats = () => new Promise<{ requests: number; accepts: number }>((resolve, reject) => {
    http.get(`http://${stats}/stats`, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(JSON.parse(body)));
    }).on('error', reject);
  });
  return { https, stats, child, readStats };
}
