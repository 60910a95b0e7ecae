/**
 * Raw TLS clients that try to hold the webhook's capacity, as a caller on the network would (issue 22, items 7 and 8):
 *
 * - a keep-alive holder: a connection that sends `GET /healthz` now and then, under the keep-alive timeout, so that it
 *   is never silent and never times out — it only holds a connection slot;
 * - a slow body: POST /authenticate headers declaring a large `Content-Length`, then the body a byte at a time.
 *
 * Both bind a chosen loopback source address (`127.0.0.x`: Linux routes all of 127.0.0.0/8 to `lo`), so that a test
 * or the benchmark can play several peers without leaving the machine. Every loop here is bounded by the caller.
 */
import { connect as netConnect } from 'node:net';
import { connect as tlsConnect, TLSSocket } from 'node:tls';

export interface AttackTarget {
  readonly port: number;
  readonly caPem: string;
}

/** One raw TLS connection to the webhook on 127.0.0.1 from `localAddress`. */
export interface RawConnection {
  readonly socket: TLSSocket;
  /** Everything the server sent so far (latin1, enough to read status lines). */
  readonly received: () => string;
  /** Resolves when the connection is closed (by either side); never rejects. */
  readonly closed: Promise<void>;
  /** True once `closed` resolved. */
  isClosed(): boolean;
}

export function openRaw(target: AttackTarget, localAddress: string): Promise<RawConnection> {
  return new Promise((resolve, reject) => {
    let text = '';
    let isClosed = false;
    // tls.connect has no localAddress: the TCP connection is made first and TLS runs over it.
    const tcp = netConnect({ host: '127.0.0.1', port: target.port, localAddress });
    tcp.on('error', () => {}); // reported through the TLS socket
    const socket = tlsConnect({ socket: tcp, ca: target.caPem, servername: 'localhost' },
      () => resolve({ socket, received: () => text, closed, isClosed: () => isClosed }));
    const closed = new Promise<void>((done) => socket.once('close', () => {
      isClosed = true;
      done();
    }));
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    socket.on('error', (e) => {
      if (!isClosed) reject(e); // after 'secureConnect' the promise is settled and this is a no-op
    });
  });
}

/** Waits until what the server sent passes `test`; false if the connection closed or `timeoutMs` passed first. */
function waitFor(conn: RawConnection, test: (text: string) => boolean, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const check = () => {
      if (test(conn.received())) finish(true);
      else if (conn.isClosed()) finish(false);
    };
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      conn.socket.off('data', check);
      conn.socket.off('close', check);
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    conn.socket.on('data', check);
    conn.socket.on('close', check);
    check();
  });
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

/**
 * Sends one `GET /healthz` on a keep-alive connection and waits for its answer: after this the connection has sent a
 * request and is idle (what the server's connection cap used to protect). Resolves false if it was closed instead.
 */
export async function healthzOnce(conn: RawConnection, timeoutMs = 5000): Promise<boolean> {
  const before = countOf(conn.received(), '\r\n\r\nok\n');
  if (conn.isClosed()) return false;
  conn.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
  return waitFor(conn, (t) => countOf(t, '\r\n\r\nok\n') > before, timeoutMs);
}

/**
 * Starts a slow body: POST /authenticate headers declaring `contentLength` bytes, with `Expect: 100-continue` so that
 * the caller learns when the server has parsed the headers (Node answers `100 Continue` just before it hands the
 * request to the handler). Resolves once that happened; the body is then sent with `trickle`.
 */
export async function slowBodyHeaders(conn: RawConnection, contentLength = 60000, timeoutMs = 5000): Promise<boolean> {
  conn.socket.write(
    'POST /authenticate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n'
    + `Content-Length: ${contentLength}\r\nExpect: 100-continue\r\n\r\n`,
  );
  return waitFor(conn, (t) => t.includes('100 Continue'), timeoutMs);
}

/**
 * Sends `bytesPerTick` body bytes every `everyMs` until the connection closes or `maxMs` passed; resolves with the
 * number of bytes sent. The timer is cleared on close, so nothing outlives the connection.
 */
export function trickle(conn: RawConnection, everyMs: number, maxMs: number, bytesPerTick = 1): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    const stop = () => {
      clearInterval(timer);
      clearTimeout(limit);
      resolve(sent);
    };
    const timer = setInterval(() => {
      if (conn.isClosed() || conn.socket.destroyed) return stop();
      conn.socket.write(' '.repeat(bytesPerTick));
      sent += bytesPerTick;
    }, everyMs);
    const limit = setTimeout(stop, maxMs);
    void conn.closed.then(stop);
  });
}

/** The status code of the first final (non-1xx) response the server sent on `conn`, or 0 if none. */
export function finalStatus(conn: RawConnection): number {
  for (const m of conn.received().matchAll(/HTTP\/1\.1 (\d{3}) /g)) {
    const code = Number(m[1]);
    if (code >= 200) return code;
  }
  return 0;
}
