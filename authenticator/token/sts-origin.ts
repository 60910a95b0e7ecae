/**
 * One STS origin (the address dialled and the validated server name): h2 when the server offers it by ALPN, the
 * HTTP/1.1 keep-alive pool of sts-connection.ts otherwise (issue 27: whether real STS offers h2 cannot be checked from
 * here — query-protocol endpoints are taken to speak HTTP/1.1, aws/aws-sdk-go#2984 — so the client must be right
 * either way).
 *
 * - A new connection offers ALPN `['h2', 'http/1.1']`. When the server picks h2, one HTTP/2 session (node:http2 over
 *   that very TLS socket) carries every call to the origin, up to MAX_STREAMS at once (or fewer, if the server's
 *   SETTINGS_MAX_CONCURRENT_STREAMS says so); further calls wait for a free stream, as they wait for a free socket in
 *   the pool. When it picks http/1.1 (or nothing), the socket is handed to the HTTP/1.1 pool, not wasted, and the
 *   answer is remembered for PROTOCOL_MEMORY_MS: calls go straight to the pool until then.
 * - GOAWAY: Node's http2 closes the session gracefully (NO_ERROR) or destroys it (any other code)
 *   (nodejs/node lib/internal/http2/core.js, onGoawayData); either way the next call dials a new session. A stream
 *   the server refused unprocessed (REFUSED_STREAM, RFC 9113 §8.7: "the request has not been processed", which is
 *   what streams above a GOAWAY's last stream id get) is sent once more on a new session, as Go's http2 transport
 *   retries it; any other failure is the caller's.
 * - The same bounds as the pool: the caller's deadline covers the connect, the wait for a stream and the reply; the
 *   reply body is limited to `maxBodyBytes` (checked as DATA frames arrive), the reply head to MAX_HEADER_LIST_BYTES
 *   (the SETTINGS_MAX_HEADER_LIST_SIZE we advertise, enforced by nghttp2); no push (SETTINGS_ENABLE_PUSH 0).
 * - Errors name the protocol problem or Node's socket/TLS/http2 error, never the request.
 * - An idle session does not keep the process alive and is closed after IDLE_TIMEOUT_MS without frames.
 */
import * as http2 from 'node:http2';
import * as tls from 'node:tls';
import { Endpoint, Exchange, IDLE_TIMEOUT_MS, Reply, TlsKeepAlivePool } from './sts-connection';

/**
 * Whether an STS client offers h2 unless told (`StsClientOptions.http2`, `TokenVerifier`'s `stsHttp2`, the server
 * config's `sts.http2`): no. node:http2 costs our client 2.3–4.4× the CPU per call of the HTTP/1.1 keep-alive pool
 * (bench/results/RESULTS.md, sts-client, two runs of 2026-12-07 at load 7–14: 0.055–0.066 against 0.024–0.025 ms at
 * 64 calls in flight, 0.097–0.142 against 0.025–0.033 ms at one;
 * a profile puts it in Node's own per-stream work — a Duplex ClientHttp2Stream, an AsyncResource bound per request,
 * header list conversion, nghttp2 framing — not in this file), and the pool never reconnects once warm, so h2 has
 * nothing to win back: the webhook with h2 negotiated (h2 stand-in) answered 0.52–0.64× the req/s of the same
 * webhook over the pool (HTTP/1.1 stand-in) at c=16/64, 0.68–0.80× at c=1 (RESULTS.md, webhook tables, ours: "STS h2"
 * against "STS HTTP/1.1" rows, runs of 2026-12-06/07). Go's client gains from h2 because its
 * default transport keeps 2 idle connections per host and reconnects otherwise; ours keeps up to 64.
 * `true` still negotiates by ALPN and multiplexes when the endpoint accepts (issue 27).
 */
export const STS_HTTP2_DEFAULT: boolean = false;

/** Streams in flight on one session at most (Go's http2 transport assumes 100 until the server says otherwise). */
export const MAX_STREAMS = 100;
/** How long an origin's "http/1.1" answer is trusted before a new connection offers h2 again. */
export const PROTOCOL_MEMORY_MS = 10 * 60_000;
/** The reply header list may not exceed this (the HTTP/1.1 parser's head limit, http-reply.ts). */
const MAX_HEADER_LIST_BYTES = 16 * 1024;

export interface StsExchange extends Exchange {
  /** The same request as HTTP/2 headers (pseudo-headers included), for an h2 session. */
  readonly h2Headers: http2.OutgoingHttpHeaders;
}

export type Protocol = 'h2' | 'http/1.1';

/** One call in progress on this origin: its deadline, abort and settlement, whichever connection carries it. */
class Call {
  settled = false;
  /** Sent once more after a refused stream. */
  retried = false;
  readonly deadline: number;
  stream?: http2.ClientHttp2Stream;
  private readonly timer: NodeJS.Timeout;
  private readonly onAbort = () => this.fail('aborted');

  constructor(
    readonly x: StsExchange,
    private readonly resolve: (r: Reply) => void,
    private readonly reject: (e: Error) => void,
    private readonly onSettle: (c: Call) => void,
  ) {
    this.deadline = Date.now() + x.timeoutMs;
    this.timer = setTimeout(() => this.fail(`timed out after ${x.timeoutMs} ms`), x.timeoutMs);
    x.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Stops this call's own timer and abort listener (when the pool takes the call over, or it ends). */
  detach(): void {
    this.settled = true;
    clearTimeout(this.timer);
    this.x.signal?.removeEventListener('abort', this.onAbort);
  }

  succeed(reply: Reply): void {
    if (this.settled) return;
    this.detach();
    this.onSettle(this);
    this.resolve(reply);
  }

  fail(reason: string): void {
    if (this.settled) return;
    this.detach();
    const s = this.stream;
    if (s && !s.closed) s.close(http2.constants.NGHTTP2_CANCEL);
    this.onSettle(this);
    this.reject(new Error(reason));
  }

  /** The same outcome as `p` (the pool's promise for this call). */
  follow(p: Promise<Reply>): void {
    this.detach();
    this.onSettle(this);
    p.then(this.resolve, this.reject);
  }
}

/** One TLS connection of the origin: connecting (ALPN not known yet), then an h2 session. */
class H2Connection {
  session?: http2.ClientHttp2Session;
  /** No new streams (GOAWAY received, closing, or closed). */
  draining = false;
  readonly queued: Call[] = [];
  readonly active = new Set<Call>();
  private readonly socket: tls.TLSSocket;

  constructor(private readonly origin: StsOrigin, private readonly endpoint: Endpoint) {
    const { host, port, servername, secureContext } = endpoint;
    this.socket = tls.connect({ host, port, servername, secureContext, ALPNProtocols: ['h2', 'http/1.1'] });
    this.socket.setNoDelay(true);
    const onError = (err: Error) => this.gone(err.message);
    this.socket.once('error', onError);
    this.socket.once('secureConnect', () => {
      this.socket.off('error', onError);
      if (this.socket.alpnProtocol === 'h2') this.startSession();
      else this.origin.fellBackToHttp1(this, this.socket);
    });
  }

  get connecting(): boolean {
    return this.session === undefined && !this.draining;
  }

  submit(call: Call): void {
    if (this.session && !this.draining && this.active.size < this.maxStreams()) return this.start(call);
    this.queued.push(call);
  }

  /** A call ended (any way): forget it, and close a connection still dialling for nobody. */
  forget(call: Call): void {
    this.active.delete(call);
    const i = this.queued.indexOf(call);
    if (i >= 0) this.queued.splice(i, 1);
    if (this.connecting && this.queued.length === 0) this.gone('no call waits for this connection');
    else this.pump();
  }

  /** Hands the calls still waiting for a stream to whoever takes them next (the origin), and stops. */
  takeQueued(): Call[] {
    return this.queued.splice(0);
  }

  close(): void {
    this.draining = true;
    if (this.session) this.session.destroy();
    else this.socket.destroy();
  }

  private maxStreams(): number {
    const remote = this.session?.remoteSettings.maxConcurrentStreams;
    return Math.max(1, Math.min(MAX_STREAMS, remote ?? MAX_STREAMS));
  }

  private startSession(): void {
    this.origin.sawH2();
    const session = http2.connect(`https://${this.endpoint.servername}`, {
      createConnection: () => this.socket,
      settings: { enablePush: false, maxHeaderListSize: MAX_HEADER_LIST_BYTES },
      maxHeaderListPairs: 64,
    });
    this.session = session;
    session.on('error', () => undefined); // 'close' follows; the streams report their own failure
    session.on('goaway', () => this.drain());
    session.on('close', () => this.gone('the HTTP/2 session closed'));
    session.on('remoteSettings', () => this.pump());
    session.setTimeout(IDLE_TIMEOUT_MS, () => {
      if (this.active.size === 0) session.close();
    });
    this.pump();
  }

  /** No more streams here: calls not yet started go to the origin's next connection. */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.origin.retired(this);
    for (const call of this.takeQueued()) this.origin.resubmit(call);
  }

  /** The connection failed or closed: calls not started yet go elsewhere only if it ever worked; else they fail. */
  private gone(reason: string): void {
    const wasConnecting = this.session === undefined;
    this.draining = true;
    this.origin.retired(this);
    this.socket.destroy();
    for (const call of this.takeQueued()) {
      // Moved to a new connection once at most: a server that keeps dropping sessions fails the call, not loops it.
      if (wasConnecting || call.retried) call.fail(reason);
      else {
        call.retried = true;
        this.origin.resubmit(call);
      }
    }
  }

  private pump(): void {
    const session = this.session;
    if (!session || this.draining) return;
    while (this.queued.length > 0 && this.active.size < this.maxStreams()) this.start(this.queued.shift()!);
    if (this.active.size === 0) session.unref();
    else session.ref();
  }

  private start(call: Call): void {
    const session = this.session!;
    this.active.add(call);
    session.ref();
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request(call.x.h2Headers, { endStream: true });
    } catch {
      this.active.delete(call);
      // The session went away between the check and the request: try the next one.
      this.drain();
      return this.origin.resubmit(call);
    }
    call.stream = stream;
    let status = 0;
    let bytes = 0;
    const chunks: Buffer[] = [];
    stream.on('response', (headers) => {
      status = Number(headers[':status']);
    });
    stream.on('data', (chunk: Buffer) => {
      if (call.settled) return;
      bytes += chunk.length;
      if (bytes > call.x.maxBodyBytes) return call.fail(`reply larger than ${call.x.maxBodyBytes} bytes`);
      chunks.push(chunk);
    });
    stream.on('error', () => undefined); // 'close' follows, with the code
    stream.on('end', () => {
      if (status === 0) return;
      call.succeed({ status, body: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8') });
    });
    stream.on('close', () => {
      this.active.delete(call);
      if (!call.settled) {
        const code = stream.rstCode;
        if (code === http2.constants.NGHTTP2_REFUSED_STREAM && status === 0 && !call.retried) {
          call.retried = true;
          call.stream = undefined;
          this.origin.resubmit(call);
        } else if (status !== 0 && code === http2.constants.NGHTTP2_NO_ERROR) {
          call.fail('stream closed before a complete reply');
        } else {
          call.fail(code ? `HTTP/2 stream closed with error code ${code}` : 'HTTP/2 stream closed before any reply');
        }
      }
      this.pump();
    });
  }
}

export class StsOrigin {
  /** The connection new calls go to (connecting or an open h2 session), if any. */
  private current?: H2Connection;
  private readonly connections = new Set<H2Connection>();
  /** The origin's last ALPN answer, trusted until `protocolUntil`. */
  private protocol?: Protocol;
  private protocolUntil = 0;
  private closed = false;
  private readonly pool: TlsKeepAlivePool;

  constructor(private readonly endpoint: Endpoint, maxSockets: number, private readonly offerH2: boolean) {
    this.pool = new TlsKeepAlivePool(endpoint, maxSockets);
  }

  /** The protocol this origin was last seen to speak (undefined before the first connection). */
  get negotiated(): Protocol | undefined {
    return this.protocol;
  }

  /** Sends one request and reads its reply; rejects with an Error whose message is safe to show. */
  exchange(x: StsExchange): Promise<Reply> {
    if (!this.offerH2 || this.closed || (this.protocol === 'http/1.1' && Date.now() < this.protocolUntil)) return this.pool.exchange(x);
    return new Promise<Reply>((resolve, reject) => {
      const call = new Call(x, resolve, reject, (c) => this.settled(c));
      this.resubmit(call);
    });
  }

  /**
   * Dials the origin ahead of the first call (a Lambda's init: the TLS handshake, ~40 ms on a fresh Node, then overlaps
   * the mapping's load instead of delaying the first review). Offering h2 as any new connection does; an idle result
   * joins the h2 session or the HTTP/1.1 pool like any other.
   */
  preconnect(): void {
    if (this.closed) return;
    if (!this.offerH2 || (this.protocol === 'http/1.1' && Date.now() < this.protocolUntil)) return this.pool.preconnect();
    if (this.current) return;
    this.current = new H2Connection(this, this.endpoint);
    this.connections.add(this.current);
  }

  close(): void {
    this.closed = true;
    for (const c of [...this.connections]) c.close();
    this.pool.close();
  }

  /** @internal a call to (re)place on the current connection, dialling one if there is none. */
  resubmit(call: Call): void {
    if (call.settled) return;
    if (this.protocol === 'http/1.1' && Date.now() < this.protocolUntil) return this.toPool(call);
    if (this.closed) return; // its own timer or signal ends it, as in a closed pool
    if (!this.current) {
      this.current = new H2Connection(this, this.endpoint);
      this.connections.add(this.current);
    }
    this.current.submit(call);
  }

  /** @internal this connection takes no new calls. */
  retired(c: H2Connection): void {
    if (this.current === c) this.current = undefined;
    this.connections.delete(c);
  }

  /** @internal the server chose h2. */
  sawH2(): void {
    this.protocol = 'h2';
  }

  /** @internal the server chose http/1.1 (or no ALPN): remember it, give the socket and the waiting calls to the pool. */
  fellBackToHttp1(c: H2Connection, socket: tls.TLSSocket): void {
    this.protocol = 'http/1.1';
    this.protocolUntil = Date.now() + PROTOCOL_MEMORY_MS;
    if (this.current === c) this.current = undefined;
    this.connections.delete(c);
    const waiting = c.takeQueued();
    c.draining = true;
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.pool.adopt(socket);
    for (const call of waiting) this.toPool(call);
  }

  private toPool(call: Call): void {
    const remaining = call.deadline - Date.now();
    if (remaining <= 0) return call.fail(`timed out after ${call.x.timeoutMs} ms`);
    call.follow(this.pool.exchange({ ...call.x, timeoutMs: remaining, deadlineMs: call.x.timeoutMs }));
  }

  private settled(call: Call): void {
    for (const c of this.connections) c.forget(call);
  }
}
