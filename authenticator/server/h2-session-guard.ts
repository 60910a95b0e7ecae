/**
 * Bounds on what one HTTP/2 session can hold or cost, for the webhook port when it offers h2 (`server.http2`). The
 * HTTP/1.1 bounds of http-server.ts and connection-guard.ts still hold for h2 connections (a session is one TLS
 * connection: the silent-connection timeout, the caps in all and per peer, idle eviction at the caps, the body limit
 * and deadline). What h2 adds, and what bounds it here:
 *
 * - streams in flight per session: SETTINGS_MAX_CONCURRENT_STREAMS (`server.http2MaxConcurrentStreams`); the peer
 *   must not exceed it (RFC 9113 §5.1.2) and nghttp2 refuses streams beyond it;
 * - header list size and pairs: SETTINGS_MAX_HEADER_LIST_SIZE and Node's maxHeaderListPairs, the same 16 KiB and
 *   100 headers as HTTP/1.1 here (Node's --max-http-header-size default; http-server.ts `maxHeadersCount`);
 * - one stream's lifetime: `server.requestTimeoutMs`, then RST_STREAM(CANCEL) (Node's headersTimeout/requestTimeout
 *   apply to HTTP/1.1 only);
 * - an idle session (no stream open) is closed with GOAWAY after `server.keepAliveTimeoutMs` — counted from its last
 *   stream, not from its last frame, so PINGs or SETTINGS do not keep it open (the socket idle timeout would be reset
 *   by them);
 * - streams over a session's lifetime: GOAWAY after MAX_STREAMS_PER_SESSION, so one connection cannot open streams
 *   for ever; a client opens a new connection (Go's http2 transport, which client-go uses, retries the requests the
 *   GOAWAY left unprocessed: golang.org/x/net/http2 transport.go, `errClientConnGotGoAway`);
 * - rapid reset (CVE-2023-44487): streams the peer resets are limited by a token bucket per session; beyond it the
 *   session gets GOAWAY(ENHANCE_YOUR_CALM) and is closed (the approach of nghttp2 1.57's
 *   nghttp2_option_set_stream_reset_rate_limit, tighter: Node 20 does not expose that option — its
 *   `streamResetBurst`/`streamResetRate` came with Node 22);
 * - SETTINGS flood (CVE-2019-9515): SETTINGS frames from the peer are limited by a token bucket per session, the
 *   same way. nghttp2 also bounds queued outbound control frames (PING/SETTINGS ACKs: NGHTTP2_DEFAULT_MAX_OBQ_FLOOD_ITEM)
 *   and Node bounds unacknowledged pings (maxOutstandingPings) and settings entries per frame (maxSettings).
 */
import { constants, type Http2SecureServer, type Http2Session, type ServerHttp2Session, type ServerHttp2Stream } from 'node:http2';

/** Why this guard closed an h2 session or stream (metric label of eks_access_webhook_closed_connections_total). */
export type H2CloseReason = 'h2_rapid_reset' | 'h2_settings_flood' | 'h2_stream_timeout';

export const H2_CLOSE_REASONS: readonly H2CloseReason[] = ['h2_rapid_reset', 'h2_settings_flood', 'h2_stream_timeout'];

/** SETTINGS_MAX_HEADER_LIST_SIZE: as HTTP/1.1's header limit here (Node's --max-http-header-size default, 16 KiB). */
export const H2_MAX_HEADER_LIST_BYTES = 16 * 1024;
/** Header pairs per request (Node counts pseudo-headers too); HTTP/1.1 keeps 100 (http-server.ts maxHeadersCount). */
export const H2_MAX_HEADER_PAIRS = 100;
/**
 * Streams over one session's lifetime before GOAWAY. kube-apiserver sends each review on a stream of its one
 * connection: at 5,000 reviews/s this is a new TLS handshake every 2 s, negligible beside the reviews.
 */
export const MAX_STREAMS_PER_SESSION = 10_000;
/**
 * Peer-reset streams per session: a burst of this many, refilled at H2_RESETS_PER_SECOND. kube-apiserver resets a
 * stream only when its own webhook timeout cancels a review — a handful per session, never hundreds a second.
 */
export const H2_RESET_BURST = 100;
export const H2_RESETS_PER_SECOND = 10;
/** SETTINGS frames per session: a client sends one at the start and seldom any later. */
export const H2_SETTINGS_BURST = 10;
export const H2_SETTINGS_PER_SECOND = 1;

export interface H2SessionGuardOptions {
  /** Streams in flight per session (SETTINGS_MAX_CONCURRENT_STREAMS), set on the server by the caller. */
  readonly streamTimeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly maxStreamsPerSession?: number;
  readonly onClosed?: (reason: H2CloseReason) => void;
}

/** A token bucket: `take()` is false once more than `burst` were taken faster than `perSecond` refills. */
class Bucket {
  private tokens: number;
  private at = Date.now();
  constructor(private readonly burst: number, private readonly perSecond: number) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    if (this.tokens < 1) return false;
    this.tokens--;
    return true;
  }
}

/** Tears a misbehaving session down: GOAWAY(ENHANCE_YOUR_CALM), then the connection is closed. */
function calmDown(session: Http2Session, reason: H2CloseReason, opts: H2SessionGuardOptions): void {
  if (session.destroyed) return;
  opts.onClosed?.(reason);
  session.goaway(constants.NGHTTP2_ENHANCE_YOUR_CALM);
  session.destroy();
}

export function guardH2Sessions(server: Http2SecureServer, opts: H2SessionGuardOptions): void {
  const maxStreams = opts.maxStreamsPerSession ?? MAX_STREAMS_PER_SESSION;
  server.on('session', (session: ServerHttp2Session) => {
    const resets = new Bucket(H2_RESET_BURST, H2_RESETS_PER_SECOND);
    const settings = new Bucket(H2_SETTINGS_BURST, H2_SETTINGS_PER_SECOND);
    let open = 0;
    let opened = 0;
    let idle: NodeJS.Timeout | undefined;
    const startIdle = () => {
      idle = setTimeout(() => session.close(), opts.idleTimeoutMs);
      idle.unref();
    };
    startIdle();
    session.on('close', () => clearTimeout(idle));
    // Errors of a session end it; the guard's counters and the connection guard's metrics say why. Without a
    // listener Node would re-emit them on the server as 'sessionError' (answered there).
    session.on('error', () => undefined);
    session.on('remoteSettings', () => {
      if (!settings.take()) calmDown(session, 'h2_settings_flood', opts);
    });
    session.on('stream', (stream: ServerHttp2Stream) => {
      open++;
      opened++;
      clearTimeout(idle);
      if (opened >= maxStreams && !session.closed) session.close(); // GOAWAY: this stream and earlier ones finish
      let timedOut = false;
      stream.setTimeout(opts.streamTimeoutMs, () => {
        timedOut = true;
        opts.onClosed?.('h2_stream_timeout');
        stream.close(constants.NGHTTP2_CANCEL);
      });
      stream.on('error', () => undefined);
      stream.on('close', () => {
        open--;
        // A non-zero code we did not send: the peer reset the stream (RST_STREAM), what a rapid-reset flood does.
        if (stream.rstCode !== constants.NGHTTP2_NO_ERROR && stream.rstCode !== undefined && !timedOut && !resets.take()) {
          calmDown(session, 'h2_rapid_reset', opts);
          return;
        }
        if (open === 0 && !session.destroyed && !session.closed) startIdle();
      });
    });
  });
}
