/**
 * Benchmark 2: verification CPU per token excluding STS, ours against the Go verifier (pkg/token of
 * sigs.k8s.io/aws-iam-authenticator v0.7.10, built from bench/go/verify-cpu with the Go module proxy). Both verify
 * the same 200 real presigned tokens in a loop, single-threaded, in fresh processes, with a canned STS reply.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateToken } from '../../authenticator/token';
import { buildGoProgram } from '../lib/go-build';
import { BenchResult, row } from '../lib/result';
import { median } from '../lib/stats';

const TOKENS = 200;
const ROUNDS = 7;
const ROUND_MS = 400;
const CLUSTER = 'bench-cluster';

function nsPerOp(command: string, args: string[]): number[] {
  const res = spawnSync(command, args, { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`bench verify-cpu: ${command} failed: ${res.stderr.slice(-1000)}`);
  return res.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { nsPerOp: number }).nsPerOp);
}

export async function run(): Promise<BenchResult> {
  const goBinary = buildGoProgram('verify-cpu');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-verify-'));
  try {
    const file = path.join(dir, 'tokens.txt');
    const credentials = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
    const tokens: string[] = [];
    for (let i = 0; i < TOKENS; i++) {
      const now = new Date(Date.now() - i * 1000); // distinct tokens, all within their 15-minute lifetime
      tokens.push((await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials, now })).token);
    }
    writeFileSync(file, tokens.join('\n') + '\n');
    const args = [file, CLUSTER, String(ROUNDS), String(ROUND_MS)];
    const ours = median(nsPerOp(process.execPath, [path.join(__dirname, '..', 'workers', 'verify-cpu-ours.js'), ...args])) / 1000;
    const go = median(nsPerOp(goBinary, args)) / 1000;
    return {
      name: 'verify-cpu',
      title: 'Token verification CPU per token, STS excluded (single thread)',
      rows: [
        row({
          case: `${TOKENS} distinct presigned tokens`, metric: 'CPU per verification', unit: 'µs/op', ours, baseline: go,
          baselineName: 'Go pkg/token Verify',
        }),
      ],
      notes: [
        `CPU time (user + system, GC included) per verification, median of ${ROUNDS} rounds of ≥ ${ROUND_MS} ms each, after a warm-up pass. Ours: TokenVerifier.check + parseCallerIdentity + identityFromSts ` +
          '(bench/workers/verify-cpu-ours.ts). Go: token.Verifier.Verify with http.DefaultTransport replaced by an in-process RoundTripper ' +
          'returning the same canned JSON (bench/go/verify-cpu), so it also pays building the http.Request and the client round trip.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
