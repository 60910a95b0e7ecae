/**
 * A small local Lambda Runtime API (2018-06-01) for running the real runtime interface client (aws-lambda-ric):
 * it hands out queued events on `GET /runtime/invocation/next` and collects `/response` and `/error` posts.
 * Only AWS's own Runtime API cannot run here; the RIC, the bundled handler and Node are the real ones.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';

interface Pending {
  readonly id: string;
  readonly event: unknown;
  readonly deadlineMs: number;
  /** process.hrtime.bigint() when the event was handed to the runtime. */
  handedOut?: bigint;
  resolve(result: InvocationResult): void;
}

export interface InvocationResult {
  readonly kind: 'response' | 'error';
  readonly payload: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  /**
   * Ms from handing the event to the runtime (`/invocation/next` answered) to its `/response` or `/error`: the
   * invocation's Duration as the Lambda service measures and bills it (before rounding up to 1 ms).
   */
  readonly durationMs: number;
}

const PREFIX = '/2018-06-01/runtime';

export class LocalRuntimeApi {
  private server!: Server;
  private queue: Pending[] = [];
  private readonly waiting: Array<(p: Pending) => void> = [];
  private readonly inFlight = new Map<string, Pending>();
  private counter = 0;
  readonly initErrors: unknown[] = [];
  private child: ChildProcess | undefined;
  output = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Spawns `aws-lambda-ric index.handler` in `taskRoot` against this Runtime API. */
  async spawnRic(taskRoot: string, env: NodeJS.ProcessEnv): Promise<void> {
    const api = `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    // Resolved through Node's module lookup, so the helper also works compiled into dist/ (the benchmarks use it).
    const bin = join(dirname(require.resolve('aws-lambda-ric/package.json')), 'bin', 'index.mjs');
    this.child = spawn(bin, ['index.handler'], {
      cwd: taskRoot,
      env: {
        PATH: process.env.PATH, AWS_LAMBDA_RUNTIME_API: api, LAMBDA_TASK_ROOT: taskRoot, _HANDLER: 'index.handler',
        AWS_LAMBDA_FUNCTION_NAME: 'eks-access-webhook', AWS_LAMBDA_FUNCTION_VERSION: '$LATEST', AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '256',
        AWS_REGION: 'us-east-1',
        // The Lambda runtime provides the AWS SDK v3 (the bundle leaves `@aws-sdk/*` out); this repository's copy
        // stands in for the runtime's /var/runtime/node_modules.
        NODE_PATH: join(dirname(require.resolve('@aws-sdk/client-ssm/package.json')), '..', '..'),
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.on('error', (e) => (this.output += `spawn error: ${e.message} (is aws-lambda-ric 3.3.0 installed? it needs autoconf, automake, libtool)\n`));
  }

  /** The RIC process (a benchmark reads its CPU time from /proc). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** Queues an event and resolves with what the handler answered. */
  invoke(event: unknown, timeoutMs = 30000): Promise<InvocationResult> {
    return new Promise<InvocationResult>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer from the RIC within ${timeoutMs} ms; its output:\n${this.output}`)), timeoutMs);
      const pending: Pending = {
        id: `req-${++this.counter}`, event, deadlineMs: Date.now() + timeoutMs,
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
      };
      const w = this.waiting.shift();
      if (w) w(pending);
      else this.queue.push(pending);
    });
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((r) => this.child!.once('exit', r));
      this.child.kill('SIGKILL');
      await exited;
    }
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const url = req.url ?? '';
    if (req.method === 'GET' && url === `${PREFIX}/invocation/next`) {
      const next = this.queue.shift() ?? (await new Promise<Pending>((r) => this.waiting.push(r)));
      this.inFlight.set(next.id, next);
      res.writeHead(200, {
        'Content-Type': 'application/json',
        'Lambda-Runtime-Aws-Request-Id': next.id,
        'Lambda-Runtime-Deadline-Ms': String(next.deadlineMs),
        'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:123456789012:function:eks-access-webhook',
        'Lambda-Runtime-Trace-Id': 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1',
      });
      next.handedOut = process.hrtime.bigint();
      res.end(JSON.stringify(next.event));
      return;
    }
    const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/(response|error)$/.exec(url);
    if (req.method === 'POST' && m) {
      const pending = this.inFlight.get(m[1]);
      this.inFlight.delete(m[1]);
      const durationMs = pending?.handedOut === undefined ? NaN : Number(process.hrtime.bigint() - pending.handedOut) / 1e6;
      pending?.resolve({ kind: m[2] as 'response' | 'error', payload: body ? JSON.parse(body) : undefined, durationMs });
      res.writeHead(202).end('{"status":"OK"}');
      return;
    }
    if (req.method === 'POST' && url === `${PREFIX}/init/error`) {
      this.initErrors.push(body);
      res.writeHead(202).end('{"status":"OK"}');
      return;
    }
    res.writeHead(404).end();
  }
}

/** A Lambda Function URL event (payload format 2.0) as AWS delivers it for an HTTP POST from kube-apiserver. */
export function functionUrlEvent(opts: { body?: string; base64?: boolean; method?: string; authorization?: string; headers?: Record<string, string> }): object {
  const method = opts.method ?? 'POST';
  const body = opts.body === undefined ? undefined : opts.base64 ? Buffer.from(opts.body).toString('base64') : opts.body;
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: '/',
    rawQueryString: '',
    headers: {
      'content-type': 'application/json',
      'accept': 'application/json, */*',
      'host': 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws',
      'user-agent': 'kube-apiserver/v1.33.0 (linux/amd64) kubernetes/abcdef0',
      'x-amzn-trace-id': 'Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700',
      'x-forwarded-for': '203.0.113.10',
      'x-forwarded-port': '443',
      'x-forwarded-proto': 'https',
      ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}),
      ...(opts.authorization !== undefined ? { authorization: opts.authorization } : {}),
      ...opts.headers,
    },
    requestContext: {
      accountId: 'anonymous',
      apiId: 'abcdefghijklmnopqrstuvwxyz012345',
      domainName: 'abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws',
      domainPrefix: 'abcdefghijklmnopqrstuvwxyz012345',
      http: { method, path: '/', protocol: 'HTTP/1.1', sourceIp: '203.0.113.10', userAgent: 'kube-apiserver/v1.33.0' },
      requestId: '6b1a3a8e-0d0c-4b8f-9c1e-2f0f1b9e8a11',
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded: opts.base64 ?? false,
  };
}
