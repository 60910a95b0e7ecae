/** FileMapper against real files in a temporary directory: fs.watch and the stat-polling fallback. */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileMapper } from '../../../authenticator/mapper';
import { identityFor } from './identity';
import { waitUntil } from '../../../harness/net';

const ACCT = '111122223333';
const admin = identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/Admin/alice` });
const dev = identityFor({ arn: `arn:aws:sts::${ACCT}:assumed-role/Dev/bob` });
const rolesYaml = (...rows: Array<[string, string]>) =>
  `mapRoles:\n${rows.map(([role, user]) => `  - rolearn: arn:aws:iam::${ACCT}:role/${role}\n    username: ${user}\n`).join('')}`;

describe('FileMapper', () => {
  let dir: string;
  let file: string;
  const mappers: FileMapper[] = [];
  const start = async (opts: ConstructorParameters<typeof FileMapper>[1] = {}) => {
    const m = new FileMapper(file, { pollIntervalMs: 100, ...opts });
    mappers.push(m);
    await m.start();
    return m;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'file-mapper-'));
    file = join(dir, 'mapping.yaml');
  });
  afterEach(async () => {
    await Promise.all(mappers.splice(0).map((m) => m.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads the file at start and picks up an in-place edit', async () => {
    writeFileSync(file, rolesYaml(['Admin', 'admin']));
    const m = await start();
    expect(await m.map(admin)).toEqual({ username: 'admin', groups: [] });
    expect(await m.map(dev)).toBeUndefined();
    writeFileSync(file, rolesYaml(['Admin', 'admin'], ['Dev', 'dev']));
    await waitUntil('the reloaded file to map dev', async () => (await m.map(dev))?.username === 'dev');
    expect(m.health()).toMatchObject({ name: 'file', ready: true, rows: 2, lastError: undefined });
  });

  it('picks up an atomic replace (write temp file + rename), as editors and ConfigMap volumes do', async () => {
    writeFileSync(file, rolesYaml(['Admin', 'admin']));
    const m = await start();
    writeFileSync(join(dir, '.tmp'), rolesYaml(['Admin', 'root-admin']));
    renameSync(join(dir, '.tmp'), file);
    await waitUntil('the reloaded file to map admin to root-admin', async () => (await m.map(admin))?.username === 'root-admin');
  });

  it('detects changes by stat polling alone when fs.watch is off', async () => {
    writeFileSync(file, JSON.stringify({ mapRoles: [{ rolearn: `arn:aws:iam::${ACCT}:role/Admin`, username: 'json-admin' }] }));
    const m = await start({ watch: false });
    expect((await m.map(admin))?.username).toBe('json-admin');
    writeFileSync(file, JSON.stringify({ mapRoles: [{ rolearn: `arn:aws:iam::${ACCT}:role/Admin`, username: 'json-admin-2' }] }));
    await waitUntil('the reloaded JSON to map admin to json-admin-2', async () => (await m.map(admin))?.username === 'json-admin-2');
  });

  it('a broken reload keeps the last good mapping and reports it; fixing the file recovers', async () => {
    writeFileSync(file, rolesYaml(['Admin', 'admin']));
    const m = await start();
    const good = m.reloadCount;
    writeFileSync(file, 'mapRoles:\n  - rolearn: [unclosed\n');
    await waitUntil('the error to be reported', () => m.health().lastError !== undefined);
    expect(m.health().lastError).toMatch(/mapping\.yaml is not valid YAML\/JSON/);
    expect(await m.map(admin)).toEqual({ username: 'admin', groups: [] });
    expect(m.reloadCount).toBe(good);
    writeFileSync(file, rolesYaml(['Admin', 'admin'], ['Dev', 'dev']));
    await waitUntil('the repaired file to map dev again', async () => (await m.map(dev)) !== undefined);
    expect(m.health().lastError).toBeUndefined();
  });

  it('a bad row in a reload drops only that row and is reported with its location', async () => {
    writeFileSync(file, rolesYaml(['Admin', 'admin']));
    const m = await start();
    writeFileSync(
      file,
      `mapRoles:\n  - rolearn: arn:aws:iam::${ACCT}:role/Admin\n    username: admin\n  - rolearn: arn:aws:iam::${ACCT}:role/Dev\n    username: dev\n    groups: devs\n`,
    );
    await waitUntil('the row errors to be reported', () => m.health().rowErrors.length > 0);
    expect(m.health().rowErrors.map(String)).toEqual(['mapRoles[1].groups: must be a list of strings, got "devs"']);
    expect(await m.map(admin)).toEqual({ username: 'admin', groups: [] });
    expect(await m.map(dev)).toBeUndefined();
  });

  it('a missing file makes the mapper not ready until the file appears; a deleted file keeps the last mapping', async () => {
    const m = await start();
    expect(m.health()).toMatchObject({ ready: false, rows: 0 });
    expect(m.health().lastError).toMatch(/cannot read .*mapping\.yaml/);
    writeFileSync(file, rolesYaml(['Admin', 'admin']));
    await waitUntil('the mapper to be ready', () => m.health().ready);
    rmSync(file);
    await waitUntil('the read error to be reported', () => /cannot read/.test(m.health().lastError ?? ''));
    expect(await m.map(admin)).toEqual({ username: 'admin', groups: [] });
  });

  it('reads a ConfigMap manifest (kind: ConfigMap) as well', async () => {
    writeFileSync(
      file,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: aws-auth\n  namespace: kube-system\ndata:\n  mapRoles: |\n    - rolearn: arn:aws:iam::${ACCT}:role/Admin\n      username: cm-admin\n  mapAccounts: |\n    - "${ACCT}"\n`,
    );
    const m = await start();
    expect(await m.map(admin)).toEqual({ username: 'cm-admin', groups: [] });
    expect(await m.map(dev)).toEqual({ username: `arn:aws:iam::${ACCT}:role/Dev`, groups: [] });
  });
});
