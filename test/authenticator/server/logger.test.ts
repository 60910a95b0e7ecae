/**
 * The webhook logger: its default destination (stdout written synchronously, in batches of at most FLUSH_DELAY_MS or
 * FLUSH_BYTES, never through the libuv thread pool) and the hand-built info lines of logInfo, which must be exactly
 * what pino would write.
 */
import pino from 'pino';
import { logInfo } from '../../../authenticator/server/log-line';
import { BatchedDestination, createWebhookLogger, FLUSH_BYTES, FLUSH_DELAY_MS } from '../../../authenticator/server/logger';


function capture() {
  const writes: string[] = [];
  return { writes, stream: { write: (s: string) => void writes.push(s) } };
}

test('the default destination writes stdout synchronously (pino\'s own default goes through the thread pool)', () => {
  // Seen in a CPU profile at one review at a time: two asynchronous fs.write round trips per request, ~17% of the CPU.
  const logger = createWebhookLogger('info') as unknown as Record<symbol, BatchedDestination>;
  const stream = logger[pino.symbols.streamSym];
  expect(stream).toBeInstanceOf(BatchedDestination);
  const out = stream.out as unknown as { fd: number; sync: boolean };
  expect([out.fd, out.sync]).toEqual([1, true]);
});

test('the lines of FLUSH_DELAY_MS leave in one write, in order; none waits longer; FLUSH_BYTES pending leave at once', () => {
  jest.useFakeTimers();
  try {
    const sink = capture();
    const logger = createWebhookLogger('info', new BatchedDestination(sink.stream as never));
    logger.info('one');
    logger.warn({ result: 'x' }, 'two');
    logInfo(logger, { a: 'b' }, 'three');
    jest.advanceTimersByTime(FLUSH_DELAY_MS - 1);
    expect(sink.writes).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(sink.writes).toHaveLength(1);
    expect(sink.writes[0].split('\n').filter(Boolean).map((l) => JSON.parse(l).msg)).toEqual(['one', 'two', 'three']);
    logger.info('four');
    jest.advanceTimersByTime(FLUSH_DELAY_MS);
    expect(sink.writes).toHaveLength(2);
    // A large batch does not wait for the timer.
    const long = 'x'.repeat(1000);
    for (let i = 0; i * 1000 < FLUSH_BYTES; i++) logger.info(long);
    expect(sink.writes).toHaveLength(3);
    expect(Buffer.byteLength(sink.writes[2])).toBeGreaterThanOrEqual(FLUSH_BYTES);
  } finally {
    jest.useRealTimers();
  }
});

test('a pending batch neither keeps the process alive nor is lost when it exits', async () => {
  const { spawnSync } = await import('node:child_process');
  const logger = require.resolve('../../../authenticator/server/logger');
  // A script that logs and returns at once: the unreferenced timer lets it exit, the 'exit' handler writes the line.
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e',
    `require(${JSON.stringify(logger)}).createWebhookLogger('info').info('last words')`], { encoding: 'utf8', timeout: 60_000 });
  expect(r.status).toBe(0);
  expect(JSON.parse(r.stdout.trim()).msg).toBe('last words');
});

test('logInfo writes byte for byte what pino writes (time aside), for the logger and its children', () => {
  const fast = capture();
  const slow = capture();
  const fastLogger = createWebhookLogger('info', fast.stream);
  const slowLogger = createWebhookLogger('info', slow.stream);
  const fields = { tokenSha256: 'abc', arn: 'arn:aws:iam::1:user/a"b\\c\u2028', sessionName: '', userId: undefined, groups: ['g', 'h "i"'] };
  logInfo(fastLogger, fields, 'STS response');
  slowLogger.info(fields, 'STS response');
  logInfo(fastLogger.child({ component: 'm' }), { x: 'y' }, 'child line');
  slowLogger.child({ component: 'm' }).info({ x: 'y' }, 'child line');
  const withoutTime = (s: string) => s.replace(/"time":\d+/, '"time":0');
  expect(fast.writes.map(withoutTime)).toEqual(slow.writes.map(withoutTime));
});

test('logInfo leaves to pino a line carrying a field pino redacts, a disabled level and any other logger', () => {
  const sink = capture();
  const logger = createWebhookLogger('info', sink.stream);
  logInfo(logger, { token: 'k8s-aws-v1.secret', url: 'https://x/?X-Amz-Signature=s' }, 'oops');
  expect(sink.writes.join('')).not.toMatch(/secret|Signature=s/);
  expect(JSON.parse(sink.writes[0])).toMatchObject({ token: '<redacted>', url: '<redacted>' });
  const quiet = createWebhookLogger('warn', sink.stream);
  logInfo(quiet, { a: 'b' }, 'not written');
  expect(sink.writes).toHaveLength(1);
  const info = jest.fn();
  logInfo({ info, isLevelEnabled: () => true } as unknown as pino.Logger, { a: 'b' }, 'elsewhere');
  expect(info).toHaveBeenCalledWith({ a: 'b' }, 'elsewhere');
});

test('shared stdout (serve --workers): a turn\'s lines leave in whole-line writes of at most PIPE_BUF bytes, in order', async () => {
  // POSIX makes pipe writes atomic up to PIPE_BUF only: a longer write could interleave mid-line with another worker's.
  const { PIPE_BUF } = await import('../../../authenticator/server/logger');
  const sink = capture();
  const destination = new BatchedDestination(sink.stream as never, true);
  const logger = createWebhookLogger('info', destination);
  const sent: string[] = [];
  for (let i = 0; i < 200; i++) {
    const msg = `line ${i} ${'é'.repeat(i % 50)}`; // multi-byte characters: the bound is in bytes, not characters
    sent.push(msg);
    logger.info(msg);
  }
  destination.flush();
  expect(sink.writes.length).toBeGreaterThan(1);
  for (const w of sink.writes) {
    expect(Buffer.byteLength(w)).toBeLessThanOrEqual(PIPE_BUF);
    expect(w.endsWith('\n')).toBe(true);
  }
  expect(sink.writes.join('').trim().split('\n').map((l) => JSON.parse(l).msg)).toEqual(sent);
});

test('a cluster worker\'s default logger cuts its writes at PIPE_BUF; a single process does not', () => {
  const atomic = (l: unknown) => ((l as Record<symbol, unknown>)[pino.symbols.streamSym] as unknown as { atomicWrites: boolean }).atomicWrites;
  expect(atomic(createWebhookLogger('info'))).toBe(false);
  process.env.NODE_UNIQUE_ID = '1';
  try {
    expect(atomic(createWebhookLogger('info'))).toBe(true);
  } finally {
    delete process.env.NODE_UNIQUE_ID;
  }
});
