/** Usage errors of `snapshot`, `diff` and `import`: exit 2, the message says what is missing, JSON errors on stdout. */
import { runEksAccess } from '../analysis/run-cli';

it.each([
  [['snapshot', '--out', 'x'], /give exactly one of --cluster NAME or --fleet FILE/],
  [['snapshot', '--cluster', 'c'], /--out DIR is required/],
  [['diff', '--live', 'x'], /--desired PATH is required/],
  [['diff', '--desired', 'x'], /exactly one of --live DIR, --cluster NAME or --current PATH/],
  [['diff', '--desired', 'x', '--live', 'y', '--cluster', 'c'], /exactly one of --live DIR, --cluster NAME or --current PATH/],
  [['diff', '--desired', 'x', '--live', 'y', '--current', 'z'], /exactly one of --live DIR, --cluster NAME or --current PATH/],
  [['import', '--from', 'x'], /either --from DIR or --aws-auth FILE, and --out FILE, are required/],
  [['diff', '--desired', 'x', '--live', 'y', '--output', 'xml'], /--output must be text, json or yaml, not 'xml'/],
  [['import', '--bogus'], /Unknown option '--bogus'/],
])('%j → exit 2', async (args, message) => {
  const r = await runEksAccess(...args);
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(message);
});

it('JSON errors go to stdout; an unreadable --live is exit 2 naming the path', async () => {
  const r = await runEksAccess('diff', '--desired', '/nonexistent/cdk.out', '--live', '/nonexistent/snap', '--output', 'json');
  expect(r.code).toBe(2);
  expect(JSON.parse(r.stdout)).toEqual({ error: { type: 'SourceError', message: expect.stringContaining('/nonexistent/cdk.out') } });
});

it('import of a folder without a snapshot says so', async () => {
  const r = await runEksAccess('import', '--from', __dirname, '--out', '/dev/null');
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('holds no cluster.json of `eks-access snapshot`');
});
