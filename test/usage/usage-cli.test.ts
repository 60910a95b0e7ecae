import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import YAML from 'yaml';
import { App } from 'cdk8s';
import { emittedShapeProblems, runEmitted } from '../../harness/emitted-module';
import { runEksAccess } from '../analysis/run-cli';
import { auditEvent, jsonLines } from './audit-events';
import { DEV, IDLE, writeFixture } from './fixture';

describe('eks-access usage', () => {
  const fx = writeFixture();

  it('prints per principal used, DENIED and unused rows and the principals never seen', async () => {
    const r = await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--no-bootstrap');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('audit log: 1 file(s), 9 lines, 9 requests counted');
    expect(r.stdout).toMatch(new RegExp(`${DEV}: 6 request\\(s\\), 2 denied`));
    expect(r.stdout).toMatch(/used\s+get\s+pods\/log\s+team-a\s+1/);
    expect(r.stdout).toMatch(/DENIED\s+delete\s+pods\s+team-a\s+1/);
    expect(r.stdout).toMatch(/unused\s+list,watch\s+pods\/log\s+team-a\s+0/);
    expect(r.stdout).toContain(`never seen in the window (1):\n  ${IDLE}`);
  });

  it('-o json and -o yaml carry the same report', async () => {
    const j = await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--no-bootstrap', '-o', 'json');
    const y = await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--no-bootstrap', '-o', 'yaml');
    const data = JSON.parse(j.stdout);
    expect(YAML.parse(y.stdout)).toEqual(data);
    expect(data.neverSeen).toEqual([IDLE]);
    expect(data.principals.find((p: { principal: string }) => p.principal === DEV).deniedRequests).toHaveLength(2);
  });

  it('escapes control and bidi characters read from the log in text output', async () => {
    const log = `${fx.log}.hostile`;
    writeFileSync(log, jsonLines([auditEvent({ auditID: 'h', verb: 'get', username: 'evil\u001b[2J\u202euser', resource: 'pods\u001b]8;;x', namespace: 'n\u2028s' })]));
    const r = await runEksAccess('usage', '--from', fx.model, '--audit-log', log, '--no-bootstrap');
    expect(r.code).toBe(0);
    // eslint-disable-next-line no-control-regex
    expect(r.stdout).not.toMatch(/[\u001b\u202e\u2028]/);
    expect(r.stdout).toContain('evil\\x1b[2J\\u202euser');
  });

  it('reports malformed lines grouped, with where each reason was first seen', async () => {
    const log = `${fx.log}.bad`;
    writeFileSync(log, `{oops\n${jsonLines([auditEvent({ auditID: 'z', verb: 'get', username: 'u', resource: 'pods', namespace: 'n' })])}{oops\n`);
    const r = await runEksAccess('usage', '--from', fx.model, '--audit-log', log, '--no-bootstrap');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`2 malformed line(s)`);
    expect(r.stdout).toContain(`  malformed: 2 × not JSON (first at ${log}:1)`);
  });

  it('requires --audit-log or --log-group and names a missing path', async () => {
    const none = await runEksAccess('usage', '--from', fx.model);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('give --audit-log PATH (an audit log file, .gz file or folder; repeatable), --log-group NAME --since WHEN (CloudWatch Logs, live), or both');
    const missing = await runEksAccess('usage', '--from', fx.model, '--audit-log', '/nonexistent/x.log', '-o', 'json');
    expect(JSON.parse(missing.stdout).error).toEqual({ type: 'AuditLogError', message: expect.stringContaining('--audit-log /nonexistent/x.log: no such file') });
  });

  it('--propose FILE.ts writes the used access as code through the import emitter, with its NOTEs in -o json', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'usage-propose-cli-')), 'proposed.ts');
    const lib = resolve(__dirname, '..', '..', 'lib', 'index');
    const r = await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--no-bootstrap', '--propose', out, '--module', lib);
    expect(r.code).toBe(0);
    const source = readFileSync(out, 'utf8');
    expect(r.stdout).toMatch(/wrote \S+proposed\.ts with \d+ NOTE\(s\)/);
    expect(r.stdout).toContain(`what it takes away, once synthesized: eks-access diff --desired <its cdk.out> --desired <its manifests> --current ${fx.model}\n`);
    expect(emittedShapeProblems(source, [lib])).toEqual([]);
    expect(runEmitted(source, () => new App())).toEqual({ forbiddenModules: [], manifests: expect.any(String) });
    // The aws-auth row's username template is kept (not the one session the log saw), its groups are a NOTE.
    expect(source).toContain('username: "dev:{{SessionName}}", kubernetesGroups: ["usage-proposed:dev"]');
    expect(source).toContain('// NOTE moved arn:aws:iam::111122223333:role/dev: from aws-auth mapRoles[0] to an access entry');
    expect(source).toContain('// NOTE removed from arn:aws:iam::111122223333:role/dev: Kubernetes group dev-team');
    expect(source).toContain(`// NOTE removed: ${IDLE}, never seen in the window`);
    const j = await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--no-bootstrap', '--propose', out, '-o', 'json');
    expect(JSON.parse(j.stdout).proposal).toEqual({ file: out, notes: expect.arrayContaining([expect.stringContaining('removed from arn:aws:iam::111122223333:role/ops: get on secrets cluster-wide')]) });
    const stray = await runEksAccess('usage', '--from', fx.model, '--audit-log', fx.log, '--module', lib);
    expect([stray.code, stray.stderr]).toEqual([2, expect.stringContaining('--module goes with --propose FILE.ts')]);
  });
});
