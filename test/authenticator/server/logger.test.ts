/** The webhook logger's default destination: stdout written synchronously, never through the libuv thread pool. */
import pino from 'pino';
import { createWebhookLogger } from '../../../authenticator/server/logger';

test('the default destination writes stdout synchronously (pino\'s own default goes through the thread pool)', () => {
  // Seen in a CPU profile at one review at a time: two asynchronous fs.write round trips per request, ~17% of the CPU.
  const logger = createWebhookLogger('info') as unknown as Record<symbol, { sync: boolean; fd: number }>;
  const stream = logger[pino.symbols.streamSym];
  expect(stream.fd).toBe(1);
  expect(stream.sync).toBe(true);
});
