/**
 * Keep-alive HTTP/1.1 connections over TLS to one STS host, for StsClient's one kind of request (a GET with a fixed
 * set of headers). Written instead of using node:https because of what that costs per call: measured on the webhook
 * benchmark's machine against the same stand-in, a keep-alive `https.request` GET took 0.12 ms of CPU at 64 calls in
 * flight (0.16 ms at one), the same GET written by hand on a TLS socket 0.02 ms (0.06 ms); see
 * bench/results/RESULTS.md, webhook.
 *
 * - Up to `maxSockets` connections; idle ones are reused last-in first-out (the warmest first) and closed after
 *   IDLE_TIMEOUT_MS; a request finding none free waits for one.
 * - A request sent on a reused connection that the server had closed meanwhile (no byte of reply) is sent once more
 *   on a new connection, as Go's http.Transport does for idempotent requests; any other failure is the caller's.
 * - TLS is verified as usual (system roots or the caller's secure context; the server name is the STS host).
 * - Error messages name the dialled address (Node's socket and TLS errors) or the protocol problem, never the request.
 */
import * as tls from 'node:tls';
import { HttpReplyParser } from './http-reply';

/** Idle connections are closed after this long (Go's http.Transport keeps them 90 s). */
export const IDLE_TIMEOUT_MS = 60_000;

export interface Endpoint {
  /** Address dialled (the STS host itself, or a test-only override). */
  readonly host: string;
  readonly port: number;
  /** TLS server name: the validated STS host. */
  readonly servername: string;
  readonly secureContext?: tls.SecureContext;
}

export interface Exchange {
  /** The whole request head, CRLF-terminated (no body). */
  readonly request: string;
  readonly maxBodyBytes: number;
  readonly timeoutMs: number;
  /** The whole deadline, when `timeoutMs` is what is left of it (a call handed over from an h2 connect): for the message. */
  readonly deadlineMs?: number;
  readonly signal?: AbortSignal;
}

export interface Reply {
  readonly status: number;
  readonly body: string;
}

/** What the connection's current request wants to hear. */
interface Listener {
  data(chunk: Buffer): void;
  /** The connection failed (`error`) or ended. */
  gone(error?: Error): void;
}

class Connection {
  listener?: Listener;

  constructor(readonly socket: tls.TLSSocket, onClose: (c: Connection) => void) {
    socket.setNoDelay(true);
    // Bytes or an end while idle: the server is done with this connection.
    socket.on('data', (chunk: Buffer) => (this.listener ? this.listener.data(chunk) : socket.destroy()));
    socket.on('end', () => this.listener?.gone());
    socket.on('error', (err: Error) => this.listener?.gone(err)); // 'close' follows
    socket.on('close', () => {
      this.listener?.gone();
      onClose(this);
    });
    socket.on('timeout', () => socket.destroy()); // armed only while idle
  }
}

type Use = (c: Connection, reused: boolean) => void;

export class TlsKeepAlivePool {
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  private readonly waiting: Use[] = [];
  private closed = false;

  constructor(private readonly endpoint: Endpoint, private readonly maxSockets: number) {}

  /** Sends one request and reads its reply; rejects with an Error whose message is safe to show. */
  exchange(x: Exchange): Promise<Reply> {
    return new Promise<Reply>((resolve, reject) => {
      let settled = false;
      let conn: Connection | undefined;
      let parser: HttpReplyParser | undefined;
      let reused = false;
      let retried = false;
      const settle = () => {
        settled = true;
        clearTimeout(timer);
        x.signal?.removeEventListener('abort', onAbort);
        if (conn) conn.listener = undefined;
      };
      const fail = (reason: string) => {
        if (settled) return;
        const c = conn;
        settle();
        if (c) c.socket.destroy();
        else this.stopWaiting(use);
        reject(new Error(reason));
      };
      const onAbort = () => fail('aborted');
      const done = (p: HttpReplyParser) => {
        const c = conn!;
        settle();
        this.release(c, p.keepAlive);
        resolve({ status: p.status, body: p.text() });
      };
      const listener: Listener = {
        data: (chunk) => {
          try {
            parser!.push(chunk);
          } catch (e) {
            return fail((e as Error).message);
          }
          if (parser!.done) done(parser!);
        },
        gone: (error) => {
          if (settled) return;
          if (reused && !retried && parser!.received === 0) return retry();
          if (error) return fail(error.message);
          // Node's https client's words for the same event, which operators may already search logs for.
          if (parser!.received === 0) return fail('socket hang up (the connection closed before any reply)');
          try {
            parser!.end();
          } catch (e) {
            return fail((e as Error).message);
          }
          done(parser!);
        },
      };
      const use: Use = (c, wasIdle) => {
        if (settled) return this.release(c, true);
        conn = c;
        reused = wasIdle;
        parser = new HttpReplyParser(x.maxBodyBytes);
        c.listener = listener;
        c.socket.write(x.request, 'latin1'); // as Node writes header values
      };
      const retry = () => {
        retried = true;
        const stale = conn!;
        stale.listener = undefined;
        stale.socket.destroy();
        conn = undefined;
        this.acquire(use);
      };
      const timer = setTimeout(() => fail(`timed out after ${x.deadlineMs ?? x.timeoutMs} ms`), x.timeoutMs);
      x.signal?.addEventListener('abort', onAbort, { once: true });
      this.acquire(use);
    });
  }

  /**
   * Takes over a connected TLS socket whose server chose http/1.1 by ALPN (sts-origin.ts dials offering h2 first):
   * it serves a waiting request or joins the idle connections, so the handshake is not wasted.
   */
  adopt(socket: tls.TLSSocket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    const c = new Connection(socket, (closed) => this.forget(closed));
    this.open.add(c);
    this.release(c, true);
  }

  /** Dials one connection ahead of the first request (kept idle, as any), unless one is open already. */
  preconnect(): void {
    if (this.closed || this.open.size > 0) return;
    this.release(this.connect(), true);
  }

  /** Closes every connection; requests in progress fail. */
  close(): void {
    this.closed = true;
    for (const c of [...this.open]) c.socket.destroy();
  }

  private acquire(use: Use): void {
    while (this.idle.length > 0) {
      const c = this.idle.pop()!;
      if (c.socket.destroyed || !c.socket.writable) continue;
      c.socket.setTimeout(0);
      c.socket.ref();
      return use(c, true);
    }
    if (this.closed) {
      // A closed pool dials nothing; the caller's timer or signal ends the request.
      this.waiting.push(use);
      return;
    }
    if (this.open.size < this.maxSockets) return use(this.connect(), false);
    this.waiting.push(use);
  }

  private stopWaiting(use: Use): void {
    const i = this.waiting.indexOf(use);
    if (i >= 0) this.waiting.splice(i, 1);
  }

  private connect(): Connection {
    const { host, port, servername, secureContext } = this.endpoint;
    const socket = tls.connect({ host, port, servername, secureContext, ALPNProtocols: ['http/1.1'] });
    const c = new Connection(socket, (closed) => this.forget(closed));
    this.open.add(c);
    return c;
  }

  /** A connection closed: drop it, and dial for a waiting request if there is room now. */
  private forget(c: Connection): void {
    this.open.delete(c);
    const i = this.idle.indexOf(c);
    if (i >= 0) this.idle.splice(i, 1);
    if (!this.closed && this.waiting.length > 0 && this.open.size < this.maxSockets) this.waiting.shift()!(this.connect(), false);
  }

  private release(c: Connection, keep: boolean): void {
    if (!keep || this.closed || c.socket.destroyed) {
      c.socket.destroy();
      return;
    }
    const next = this.waiting.shift();
    if (next) return next(c, true);
    // Idle: does not keep the process alive, and closes after IDLE_TIMEOUT_MS.
    c.socket.unref();
    c.socket.setTimeout(IDLE_TIMEOUT_MS);
    this.idle.push(c);
  }
}
