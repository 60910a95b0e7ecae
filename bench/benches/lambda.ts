/**
 * Benchmark 5: the Lambda TokenReview handler — bundle size (esbuild, minified, as scripts/bundle-lambda.ts ships it)
 * and cold init: from spawning the real runtime interface client (aws-lambda-ric 3.3.0) on the bundle to the first
 * TokenReview answered (a real token, verified against the STS stand-in), through a local Runtime API
 * (test/authenticator/lambda/runtime-api.ts). The floor is the same RIC start with a handler that answers at once.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { LAMBDA_RUNTIME_PROVIDED } from '../../scripts/bundle-lambda';
import { generateToken } from '../../authenticator/token';
import { functionUrlEvent, LocalRuntimeApi } from '../../test/authenticator/lambda/runtime-api';
import { startStsStandIn, StsStandIn } from '../../test/fixtures/sts-standin';
import { timeCommand } from '../lib/command';
import { BenchResult, row } from '../lib/result';
import { median, repeat } from '../lib/stats';

const RUNS = 20;
const CLUSTER = 'bench-cluster';
const SECRET = 'bench-shared-secret-0123456789abcdef';
const BUDGET_KB = 250;
const REPO = path.resolve(__dirname, '..', '..', '..');

/** Runs the repository's own bundle script (ts-node: it locates authenticator/lambda.ts from its source dir). */
function bundle(outDir: string): string {
  execFileSync(path.join(REPO, 'node_modules', '.bin', 'ts-node'), ['--transpile-only', path.join(REPO, 'scripts', 'bundle-lambda.ts'), outDir], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return path.join(outDir, 'index.js');
}

/**
 * What the bundle is made of: the same esbuild build as scripts/bundle-lambda.ts (entry, node22, cjs, minified)
 * with a metafile, summed per package, largest first. Explains a size over budget without guessing.
 */
async function sizeByPackage(): Promise<Array<[string, number]>> {
  const result = await build({
    entryPoints: [path.join(REPO, 'authenticator', 'lambda.ts')], bundle: true, platform: 'node', target: 'node22', format: 'cjs',
    minify: true, write: false, metafile: true, outfile: 'index.js', logLevel: 'silent',
    external: LAMBDA_RUNTIME_PROVIDED, supported: { 'dynamic-import': false },
  });
  const bytes = new Map<string, number>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      const pkg = /node_modules\/((@[^/]+\/)?[^/]+)/.exec(input)?.[1] ?? input.split('/').slice(0, 2).join('/');
      bytes.set(pkg, (bytes.get(pkg) ?? 0) + bytesInOutput);
    }
  }
  return [...bytes].sort((a, b) => b[1] - a[1]);
}

/** Milliseconds from spawning the RIC in `taskRoot` to the first invocation's answer; checks the answer. */
async function coldStart(taskRoot: string, env: NodeJS.ProcessEnv, event: object, expectStatus: number): Promise<number> {
  const api = new LocalRuntimeApi();
  await api.start();
  try {
    const start = process.hrtime.bigint();
    await api.spawnRic(taskRoot, env);
    const out = await api.invoke(event);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (out.kind !== 'response' || out.payload?.statusCode !== expectStatus) {
      throw new Error(`bench lambda: unexpected answer ${JSON.stringify(out).slice(0, 500)}; RIC output:\n${api.output}`);
    }
    return ms;
  } finally {
    await api.stop();
  }
}

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-lambda-'));
  let standIn: StsStandIn | undefined;
  try {
    const ours = path.join(dir, 'ours');
    const file = bundle(ours);
    const sizeKb = statSync(file).size / 1024;
    const gzipKb = gzipSync(readFileSync(file)).length / 1024;
    const floorDir = mkdtempSync(path.join(dir, 'floor-'));
    writeFileSync(path.join(floorDir, 'index.js'), "exports.handler = async () => ({ statusCode: 200, body: '{}' });\n");

    standIn = await startStsStandIn();
    const user = await standIn.createUser('lambda-bench');
    const env = {
      EKS_ACCESS_CLUSTER_ID: CLUSTER,
      EKS_ACCESS_WEBHOOK_SECRET: SECRET,
      EKS_ACCESS_MAPPING: JSON.stringify({ mapUsers: [{ userarn: user.arn, username: 'bench', groups: ['bench'] }] }),
      EKS_ACCESS_STS_CONNECT_TO: standIn.connectTo, // benchmark only: real STS cannot run here
      EKS_ACCESS_STS_CA_FILE: standIn.caFile,
      EKS_ACCESS_LOG_LEVEL: 'warn',
    };
    const reviewEvent = async () => {
      const { token } = await generateToken({ clusterId: CLUSTER, region: 'us-east-1', credentials: user });
      const body = JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } });
      return functionUrlEvent({ body, authorization: `Bearer ${SECRET}` });
    };
    const oursMs: number[] = [];
    const floorMs: number[] = [];
    // Interleaved, so drifting machine load hits both alike.
    await repeat(RUNS, async () => {
      oursMs.push(await coldStart(ours, env, await reviewEvent(), 200));
      floorMs.push(await coldStart(floorDir, {}, functionUrlEvent({ body: '{}' }), 200));
    });
    // How much of the cold init is just loading the bundle: require() it in a bare Node, against `node -e 0`.
    const requireMs: number[] = [];
    const nodeMs: number[] = [];
    const bare = { PATH: process.env.PATH };
    await repeat(RUNS / 2, async () => {
      requireMs.push(...(await timeCommand(process.execPath, ['-e', `require(${JSON.stringify(file)})`], bare, 1)));
      nodeMs.push(...(await timeCommand(process.execPath, ['-e', '0'], bare, 1)));
    });
    const loadMs = median(requireMs) - median(nodeMs);
    const cold = median(oursMs);
    const parts = await sizeByPackage();
    const top = parts.slice(0, 6).map(([pkg, b]) => `${pkg} ${(b / 1024).toFixed(0)} KB`).join(', ');
    const floor = median(floorMs);
    return {
      name: 'lambda',
      title: 'Lambda handler: bundle size and cold init through aws-lambda-ric',
      rows: [
        row({
          case: 'bundle (esbuild, minified)', metric: 'size', unit: 'KB', ours: sizeKb, baseline: BUDGET_KB, baselineName: 'budget',
          target: { text: `≤ ${BUDGET_KB} KB`, met: (_r, o) => o <= BUDGET_KB },
          explanation: sizeKb > BUDGET_KB
            ? `largest parts of the minified bundle: ${top}. The AWS SDK (${LAMBDA_RUNTIME_PROVIDED.join(', ')}) is left to the Lambda runtime, ` +
              'so what remains is our code and its non-AWS dependencies'
            : undefined,
        }),
        row({
          case: 'cold init: module load → first TokenReview answered', metric: 'wall above the RIC floor', unit: 'ms', ours: cold - floor, baseline: floor,
          baselineName: 'RIC + empty handler', target: { text: '≤ 100 ms', met: (_r, o) => o <= 100 },
          explanation: cold - floor > 100
            ? `loading the ${sizeKb.toFixed(0)} KB bundle alone (require() in a bare Node, minus \`node -e 0\`) takes ${loadMs.toFixed(0)} ms; ` +
              'the rest is configuration, the first STS round trip to the loopback Python stand-in (a new TLS connection; see the webhook ' +
              'benchmark for the stand-in\'s own latency) and the answer. On Lambda that round trip goes to regional STS instead'
            : undefined,
        }),
        row({ case: 'loading the bundle (require in bare Node)', metric: 'wall above `node -e 0`', unit: 'ms', ours: loadMs, baseline: median(nodeMs), baselineName: 'node -e 0' }),
        row({ case: 'cold start: RIC spawn → first TokenReview answered', metric: 'wall', unit: 'ms', ours: cold, baseline: floor, baselineName: 'RIC + empty handler' }),
      ],
      notes: [
        `Bundle gzipped: ${gzipKb.toFixed(0)} KB; largest parts: ${top}. Cold figures: median of ${RUNS} fresh RIC processes each (ours and floor interleaved). ` +
          'Each of ours answers a real TokenReview (Function URL event, fresh token, mapped user) verified against the STS stand-in over HTTPS, ' +
          'so "module load → first answer" includes one STS round trip to the loopback stand-in. ' +
          'The floor is the same RIC, Runtime API and event loop with a one-line handler: Node start + RIC start-up, which Lambda bills as init too.',
      ],
    };
  } finally {
    await standIn?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
