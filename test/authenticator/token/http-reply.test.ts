/** The STS client's HTTP/1.1 reply parser: framings, bytes split anywhere, limits, and malformed replies. */
import { HttpReplyParser } from '../../../authenticator/token/http-reply';

const BODY = '{"GetCallerIdentityResponse":{"GetCallerIdentityResult":{"Arn":"arn:aws:iam::1:user/ä"}}}';

function parse(raw: string | Buffer, { split = 0, end = false, max = 1024 } = {}): HttpReplyParser {
  const bytes = Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8');
  const p = new HttpReplyParser(max);
  if (split === 0) p.push(bytes);
  else for (let i = 0; i < bytes.length; i += split) p.push(bytes.subarray(i, i + split));
  if (end) p.end();
  return p;
}

const lengthReply = `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(BODY)}\r\n\r\n${BODY}`;
const chunkedReply = `HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n10;ext=1\r\n${BODY.slice(0, 16)}\r\n` +
  `${Buffer.byteLength(BODY.slice(16)).toString(16)}\r\n${BODY.slice(16)}\r\n0\r\nX-Trailer: t\r\n\r\n`;

test.each([1, 2, 7, 0])('reads Content-Length and chunked replies whatever the split (%i bytes at a time)', (split) => {
  for (const raw of [lengthReply, chunkedReply]) {
    const p = parse(raw, { split });
    expect([p.done, p.status, p.keepAlive, p.text()]).toEqual([true, 200, true, BODY]);
  }
});

test('Connection: close, HTTP/1.0 and a reply delimited by the close are not kept alive', () => {
  expect(parse(lengthReply.replace('Content-Type', 'Connection: close\r\nContent-Type')).keepAlive).toBe(false);
  expect(parse(lengthReply.replace('HTTP/1.1', 'HTTP/1.0')).keepAlive).toBe(false);
  const untilClose = parse(`HTTP/1.1 403 Forbidden\r\n\r\n${BODY}`);
  expect([untilClose.done, untilClose.keepAlive]).toEqual([false, false]);
  untilClose.end();
  expect([untilClose.done, untilClose.status, untilClose.text()]).toEqual([true, 403, BODY]);
});

test('a reply cut short is an error at the end of the connection', () => {
  expect(() => parse(lengthReply.slice(0, -5), { end: true })).toThrow(/connection closed before a complete reply/);
  expect(() => parse(chunkedReply.slice(0, -7), { end: true })).toThrow(/connection closed before a complete reply/);
  expect(() => parse('HTTP/1.1 200 O', { end: true })).toThrow(/connection closed before a complete reply/);
});

test.each([
  ['a body over the limit (declared)', `HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n`, /reply larger than 1024 bytes/],
  ['a body over the limit (chunked)', `HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n${'x'.repeat(2048)}`, /reply larger than 1024 bytes/],
  ['a body over the limit (until close)', `HTTP/1.1 200 OK\r\n\r\n${'x'.repeat(2048)}`, /reply larger than 1024 bytes/],
  ['a huge head', `HTTP/1.1 200 OK\r\n${'X-A: b\r\n'.repeat(3000)}`, /reply head larger than/],
  ['a bad status line', 'HTTP/2 200\r\n\r\n', /malformed HTTP status line/],
  ['an informational reply', 'HTTP/1.1 100 Continue\r\n\r\n', /informational/],
  ['a header line without a colon', 'HTTP/1.1 200 OK\r\nnonsense\r\n\r\n', /malformed HTTP header line/],
  ['conflicting lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', /invalid Content-Length/],
  ['a negative length', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', /invalid Content-Length/],
  ['an unknown transfer coding', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', /unsupported Transfer-Encoding/],
  ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /malformed chunked body/],
  ['a chunk without its CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n', /malformed chunked body/],
  ['bytes after the reply', `${lengthReply}HTTP/1.1 200 OK\r\n`, /bytes after the end of the reply/],
])('refuses %s', (_name, raw, error) => {
  expect(() => parse(raw, { max: 1024 })).toThrow(error);
});

test('a 204 has no body and is complete with its head', () => {
  const p = parse('HTTP/1.1 204 No Content\r\n\r\n');
  expect([p.done, p.text()]).toEqual([true, '']);
});
