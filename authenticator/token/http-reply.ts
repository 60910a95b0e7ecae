/**
 * Incremental parser of one HTTP/1.1 reply (RFC 9112): status line, headers, then a body delimited by Content-Length,
 * chunked transfer coding, or the end of the connection. Written for the STS client's keep-alive connections
 * (sts-connection.ts), whose one request is a GET, so a reply always has a body unless its status says otherwise.
 * Bounded: the head and the body each have a byte limit, checked as bytes arrive.
 */

/** The reply head may not exceed this (STS sends a few hundred bytes). */
const MAX_HEAD_BYTES = 16 * 1024;
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;

/** A reply that breaks HTTP/1.1 or a limit; the message names no request data. */
export class HttpReplyError extends Error {}

type Framing = 'length' | 'chunked' | 'close' | 'none';
type ChunkState = 'size' | 'data' | 'data-end' | 'trailer';

export class HttpReplyParser {
  status = 0;
  /** False when the server asked to close the connection (or the reply is delimited by the close). */
  keepAlive = true;
  /** The whole reply has arrived. */
  done = false;
  /** Bytes received, head included (0: nothing yet). */
  received = 0;
  private headText = '';
  private framing: Framing = 'none';
  private remaining = 0;
  private chunkState: ChunkState = 'size';
  private pending: Buffer = Buffer.alloc(0);
  private readonly body: Buffer[] = [];
  private bodyBytes = 0;

  constructor(private readonly maxBodyBytes: number) {}

  /** The body as UTF-8, once `done`. */
  text(): string {
    return this.body.length === 1 ? this.body[0].toString('utf8') : Buffer.concat(this.body).toString('utf8');
  }

  /** Consumes bytes of the reply; throws HttpReplyError. Bytes past the end of the reply are an error. */
  push(data: Buffer): void {
    if (this.done) throw new HttpReplyError('bytes after the end of the reply');
    this.received += data.length;
    let rest = data;
    if (this.status === 0) {
      rest = this.pushHead(data);
      if (this.status === 0) return;
    }
    this.pushBody(rest);
  }

  /** The connection ended: completes a reply delimited by the close, else it came too early. */
  end(): void {
    if (this.done) return;
    if (this.status !== 0 && this.framing === 'close') {
      this.done = true;
      return;
    }
    throw new HttpReplyError('connection closed before a complete reply');
  }

  /** Accumulates the head; once complete, parses it and returns the bytes after it. */
  private pushHead(data: Buffer): Buffer {
    const before = this.headText.length;
    this.headText += data.toString('latin1');
    const end = this.headText.indexOf('\r\n\r\n');
    if (end < 0) {
      if (this.headText.length > MAX_HEAD_BYTES) throw new HttpReplyError(`reply head larger than ${MAX_HEAD_BYTES} bytes`);
      return Buffer.alloc(0);
    }
    if (end > MAX_HEAD_BYTES) throw new HttpReplyError(`reply head larger than ${MAX_HEAD_BYTES} bytes`);
    this.parseHead(this.headText.slice(0, end));
    return data.subarray(end + 4 - before);
  }

  private parseHead(head: string): void {
    const lines = head.split('\r\n');
    const m = STATUS_LINE.exec(lines[0]);
    if (!m) throw new HttpReplyError('malformed HTTP status line');
    const status = Number(m[2]);
    if (status < 200) throw new HttpReplyError(`unexpected informational reply ${status}`);
    if (m[1] === '0') this.keepAlive = false;
    let length: number | undefined;
    let chunked = false;
    for (let i = 1; i < lines.length; i++) {
      const colon = lines[i].indexOf(':');
      if (colon <= 0) throw new HttpReplyError('malformed HTTP header line');
      const name = lines[i].slice(0, colon).trim().toLowerCase();
      const value = lines[i].slice(colon + 1).trim();
      if (name === 'content-length') {
        if (!/^\d{1,15}$/.test(value) || (length !== undefined && length !== Number(value))) {
          throw new HttpReplyError('invalid Content-Length');
        }
        length = Number(value);
      } else if (name === 'transfer-encoding') {
        // Only `chunked` as the final coding delimits a body we can read (RFC 9112 §6.3).
        if (!/(^|,)\s*chunked$/i.test(value)) throw new HttpReplyError(`unsupported Transfer-Encoding ${JSON.stringify(value.slice(0, 40))}`);
        chunked = true;
      } else if (name === 'connection' && /(^|,)\s*close\s*(,|$)/i.test(value)) {
        this.keepAlive = false;
      }
    }
    this.status = status;
    this.headText = '';
    if (status === 204 || status === 304) this.framing = 'none';
    else if (chunked) this.framing = 'chunked';
    else if (length !== undefined) {
      if (length > this.maxBodyBytes) throw this.tooLarge();
      this.framing = 'length';
      this.remaining = length;
    } else {
      this.framing = 'close';
      this.keepAlive = false;
    }
    if (this.framing === 'none' || (this.framing === 'length' && length === 0)) this.done = true;
  }

  private pushBody(data: Buffer): void {
    if (data.length === 0 && !this.done) return;
    if (this.done) {
      if (data.length > 0) throw new HttpReplyError('bytes after the end of the reply');
      return;
    }
    if (this.framing === 'chunked') return this.pushChunked(data);
    if (this.framing === 'length' && data.length > this.remaining) throw new HttpReplyError('bytes after the end of the reply');
    this.keep(data);
    if (this.framing === 'length') {
      this.remaining -= data.length;
      if (this.remaining === 0) this.done = true;
    }
  }

  private keep(data: Buffer): void {
    this.bodyBytes += data.length;
    if (this.bodyBytes > this.maxBodyBytes) throw this.tooLarge();
    if (data.length > 0) this.body.push(data);
  }

  private tooLarge(): HttpReplyError {
    return new HttpReplyError(`reply larger than ${this.maxBodyBytes} bytes`);
  }

  /** Chunked transfer coding (RFC 9112 §7.1): size line, data, CRLF, …, a zero size, trailer lines, an empty line. */
  private pushChunked(data: Buffer): void {
    let buf = this.pending.length > 0 ? Buffer.concat([this.pending, data]) : data;
    for (;;) {
      if (this.chunkState === 'data') {
        const take = Math.min(this.remaining, buf.length);
        this.keep(buf.subarray(0, take));
        buf = buf.subarray(take);
        this.remaining -= take;
        if (this.remaining > 0) break;
        this.chunkState = 'data-end';
        continue;
      }
      const eol = buf.indexOf('\r\n');
      if (eol < 0) {
        if (buf.length > 1024) throw new HttpReplyError('malformed chunked body');
        break;
      }
      const line = buf.subarray(0, eol).toString('latin1');
      buf = buf.subarray(eol + 2);
      if (this.chunkState === 'data-end') {
        if (line !== '') throw new HttpReplyError('malformed chunked body');
        this.chunkState = 'size';
      } else if (this.chunkState === 'size') {
        const m = /^([0-9a-fA-F]{1,8})(?:[ \t]*;.*)?$/.exec(line);
        if (!m) throw new HttpReplyError('malformed chunked body');
        this.remaining = parseInt(m[1], 16);
        this.chunkState = this.remaining === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        this.done = true;
        if (buf.length > 0) throw new HttpReplyError('bytes after the end of the reply');
        break;
      }
    }
    this.pending = buf.length > 0 ? Buffer.from(buf) : Buffer.alloc(0);
  }
}
