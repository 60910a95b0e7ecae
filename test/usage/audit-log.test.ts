import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { AuditRequest, emptyStats, MAX_REASONS, OTHER_REASON, readAuditRequests } from '../../lib/usage/audit-log';
import { auditEvent, jsonLines } from './audit-events';

async function readAll(paths: string[], opts = {}): Promise<{ reqs: AuditRequest[]; stats: ReturnType<typeof emptyStats> }> {
  const stats = emptyStats();
  const reqs: AuditRequest[] = [];
  for await (const r of readAuditRequests(paths, stats, opts)) reqs.push(r);
  return { reqs, stats };
}

const dir = () => mkdtempSync(join(tmpdir(), 'usage-log-'));

describe('audit log reader', () => {
  it('counts a request once, at ResponseComplete (ResponseStarted for a watch), and drops a repeated auditID', async () => {
    const d = dir();
    writeFileSync(join(d, 'audit.log'), jsonLines([
      auditEvent({ auditID: 'a', verb: 'get', username: 'u', resource: 'pods', namespace: 'ns', stage: 'RequestReceived' }),
      auditEvent({ auditID: 'a', verb: 'get', username: 'u', resource: 'pods', namespace: 'ns' }),
      auditEvent({ auditID: 'w', verb: 'watch', username: 'u', resource: 'pods', namespace: 'ns', stage: 'ResponseStarted' }),
      auditEvent({ auditID: 'w', verb: 'watch', username: 'u', resource: 'pods', namespace: 'ns' }),
      auditEvent({ auditID: 'a', verb: 'get', username: 'u', resource: 'pods', namespace: 'ns' }),
    ]));
    const { reqs, stats } = await readAll([d]);
    expect(reqs.map((r) => `${r.auditID} ${r.verb}`)).toEqual(['a get', 'w watch']);
    expect(stats).toMatchObject({ lines: 5, counted: 2, otherStages: 2, duplicates: 1 });
  });

  it('reads gzip files, folders, CloudWatch records (message) and S3 export lines alike', async () => {
    const d = dir();
    mkdirSync(join(d, 'sub'));
    const e = (id: string) => auditEvent({ auditID: id, verb: 'list', username: 'u', resource: 'secrets', namespace: 'kube-system' });
    writeFileSync(join(d, 'sub', 'a.log.gz'), gzipSync(jsonLines([e('gz')])));
    writeFileSync(join(d, 'cw.jsonl'), `${JSON.stringify({ logStreamName: 'kube-apiserver-audit-1', timestamp: 1, message: JSON.stringify(e('cw')), eventId: '1' })}\n`);
    writeFileSync(join(d, 's3.txt'), `2026-12-01T10:00:00.000Z ${JSON.stringify(e('s3'))}\r\n`);
    const { reqs } = await readAll([d]);
    expect(reqs.map((r) => r.auditID).sort()).toEqual(['cw', 'gz', 's3']);
    expect(reqs[0].objectRef).toEqual({ apiGroup: '', resource: 'secrets', subresource: '', namespace: 'kube-system', name: '' });
  });

  it('reads the AWS CLI\'s indented filter-log-events output line by line, taking each message', async () => {
    const d = dir();
    const e = (id: string) => auditEvent({ auditID: id, verb: 'get', username: 'u', resource: 'pods', namespace: 'n' });
    // The shape of FilterLogEvents' output (botocore logs service model: events[], searchedLogStreams[], nextToken),
    // indented by 4 as the AWS CLI's JSON formatter writes it.
    writeFileSync(join(d, 'out.json'), `${JSON.stringify({
      events: [
        { logStreamName: 'kube-apiserver-audit-abc', timestamp: 1764583200000, message: JSON.stringify(e('one')), ingestionTime: 1764583201000, eventId: '1' },
        { logStreamName: 'kube-apiserver-audit-abc', timestamp: 1764583200001, message: `${JSON.stringify(e('two'))}\n", "injected": "`, ingestionTime: 1764583201001, eventId: '2' },
        { logStreamName: 'kube-apiserver-audit-abc', timestamp: 1764583200002, message: 'not an event', ingestionTime: 1764583201002, eventId: '3' },
      ],
      searchedLogStreams: [{ logStreamName: 'kube-apiserver-audit-abc', searchedCompletely: true }],
      nextToken: 'tok',
    }, null, 4)}\n`);
    const { reqs, stats } = await readAll([d]);
    expect(reqs.map((r) => r.auditID)).toEqual(['one']);
    expect(stats.malformed).toEqual({ 'not JSON': 2 });
  });

  it('counts hostile lines by reason and never throws: bad JSON, wrong kind, missing fields, over-long lines, corrupt gzip', async () => {
    const d = dir();
    const good = auditEvent({ auditID: 'ok', verb: 'get', username: 'u', resource: 'pods', namespace: 'n' });
    const noUser = { ...auditEvent({ auditID: 'x', verb: 'get', username: 'u' }), user: { groups: 'nope' } };
    writeFileSync(join(d, 'a.log'), [
      '{not json', '[1,2]', JSON.stringify({ kind: 'Pod', apiVersion: 'v1' }), JSON.stringify(noUser),
      JSON.stringify({ message: '{{' }), 'x'.repeat(5000), JSON.stringify({ ...good, stage: '\u001b[31mEvil' }), JSON.stringify(good),
    ].join('\n'));
    const gz = gzipSync(jsonLines([good]));
    writeFileSync(join(d, 'b.gz'), gz.subarray(0, gz.length - 10));
    const { reqs, stats } = await readAll([d], { maxLineBytes: 4096 });
    expect(reqs.map((r) => r.auditID)).toEqual(['ok']);
    expect(stats.malformed).toMatchObject({
      'not JSON': 1,
      'not a JSON object': 1,
      'not an audit.k8s.io/v1 Event (kind "Pod", apiVersion "v1")': 1,
      'no user.username': 1,
      'CloudWatch record whose message is not JSON': 1,
      'line longer than 4096 bytes': 1,
      'unknown stage "\\u001b[31mEvil"': 1,
    });
    expect(Object.keys(stats.malformed).some((k) => k.startsWith('gzip stream unreadable'))).toBe(true);
  });

  it('drops an over-long line without buffering it whole, and reads the next line', async () => {
    const d = dir();
    const good = auditEvent({ auditID: 'after', verb: 'get', username: 'u', resource: 'pods', namespace: 'n' });
    writeFileSync(join(d, 'big.log'), `${'y'.repeat(3 * 1024 * 1024)}\n${JSON.stringify(good)}\n`);
    const { reqs, stats } = await readAll([d], { maxLineBytes: 64 * 1024 });
    expect(reqs.map((r) => r.auditID)).toEqual(['after']);
    expect(stats.malformed['line longer than 65536 bytes']).toBe(1);
  });

  it('keeps at most MAX_REASONS distinct reasons (a hostile log varies the quoted kind per line) and says where each was first seen', async () => {
    const d = dir();
    const lines = Array.from({ length: MAX_REASONS + 50 }, (_, i) => JSON.stringify({ kind: `K${i}`, apiVersion: 'v1' }));
    writeFileSync(join(d, 'a.log'), `${lines.join('\n')}\n`);
    const { stats } = await readAll([d]);
    expect(Object.keys(stats.malformed)).toHaveLength(MAX_REASONS + 1);
    expect(stats.malformed[OTHER_REASON]).toBe(50);
    expect(stats.malformedFirstAt['not an audit.k8s.io/v1 Event (kind "K1", apiVersion "v1")']).toBe(`${join(d, 'a.log')}:2`);
    expect(stats.malformedFirstAt[OTHER_REASON]).toBe(`${join(d, 'a.log')}:${MAX_REASONS + 1}`);
  });

  it('names the path that does not exist', async () => {
    await expect(readAll(['/nonexistent/audit.log'])).rejects.toThrow(/--audit-log \/nonexistent\/audit.log: no such file/);
  });
});
