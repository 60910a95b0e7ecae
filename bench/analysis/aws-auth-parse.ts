/**
 * `npm run bench:aws-auth-parse`: the aws-auth strings of the large-cluster fixture (large-cluster.ts: 900 mapRoles +
 * 300 mapUsers rows) read by `parseYamlText` (with its fast paths, authenticator/mapper/aws-auth-fast-path.ts) against
 * `parseYamlTextFull` (the full YAML parse alone, what every read cost before), and `parseAwsAuth` (text → checked
 * rows) as the analysis commands call it. Each figure is taken in a fresh Node process — the first call is what one
 * `eks-access can-i`/`who-can` run pays (cold: the parser's code not yet optimised) — then WARM more calls in that
 * process; medians over RUNS processes. Figures go to bench/results/aws-auth-parse.{json,md} with the machine's load:
 * the machine is shared, so figures are upper bounds when the load is above 2.
 *
 * `node dist/bench/analysis/aws-auth-parse.js [--runs 7]`
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { parseAwsAuth, parseYamlText, parseYamlTextFull } from '../../authenticator/mapper/aws-auth';
import { parseDocument } from 'yaml';
import { generateLargeCluster } from './large-cluster';
import { describeMachine, machineFacts } from '../lib/machine';
import { median } from '../lib/stats';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const RESULTS = path.join(ROOT, 'bench', 'results');
const WARM = 20;
const MODES = {
  'parseYamlText (fast path)': (data: Record<string, string>) => { for (const t of Object.values(data)) parseYamlText(t); },
  'parseYamlTextFull (full YAML parse only)': (data: Record<string, string>) => { for (const t of Object.values(data)) parseYamlTextFull(t); },
  'parseAwsAuth (fast path + row checks)': (data: Record<string, string>) => { parseAwsAuth(data); },
} as const;
type Mode = keyof typeof MODES;

/** In the child: one mode, cold then warm, as JSON on stdout. */
function child(mode: Mode, file: string): void {
  const data = (parseDocument(readFileSync(file, 'utf8')).toJS() as { data: Record<string, string> }).data;
  const time = () => {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    MODES[mode](data);
    const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
    const c = process.cpuUsage(c0);
    return { wallMs, cpuMs: (c.user + c.system) / 1000 };
  };
  const cold = time();
  const warm = Array.from({ length: WARM }, time);
  process.stdout.write(JSON.stringify({ cold, warmWallMs: median(warm.map((w) => w.wallMs)) }));
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: 'string' }, child: { type: 'string' }, file: { type: 'string' } } });
  if (values.child) return child(values.child as Mode, values.file!);
  const runs = Number(values.runs ?? 7);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aws-auth-parse-'));
  try {
    const fixture = generateLargeCluster(path.join(dir, 'snapshot'));
    const file = path.join(fixture.dir, 'kubernetes', 'aws-auth.yaml');
    const data = (parseDocument(readFileSync(file, 'utf8')).toJS() as { data: Record<string, string> }).data;
    const rows = parseAwsAuth(data);
    const loadStart = os.loadavg();
    const figures = (Object.keys(MODES) as Mode[]).map((mode) => {
      const samples = Array.from({ length: runs }, () => {
        const r = spawnSync(process.execPath, [__filename, '--child', mode, '--file', file], { encoding: 'utf8' });
        if (r.status !== 0) throw new Error(`${mode}: ${r.stderr.slice(-800)}`);
        return JSON.parse(r.stdout) as { cold: { wallMs: number; cpuMs: number }; warmWallMs: number };
      });
      const r2 = (x: number) => Math.round(x * 10) / 10;
      return {
        mode,
        coldWallMs: r2(median(samples.map((s) => s.cold.wallMs))),
        coldCpuMs: r2(median(samples.map((s) => s.cold.cpuMs))),
        warmWallMs: r2(median(samples.map((s) => s.warmWallMs))),
        allColdWallMs: samples.map((s) => r2(s.cold.wallMs)),
      };
    });
    const loadEnd = os.loadavg();
    const result = {
      machine: { ...machineFacts(), conditions: `load averages (1/5/15 min) ${loadStart.map((l) => l.toFixed(1)).join('/')} at start, ${loadEnd.map((l) => l.toFixed(1)).join('/')} at end on ${os.cpus().length} cores shared with other engineers' builds and tests, this run at nice ${os.getPriority()}` },
      method: `large-cluster.ts seed 24: aws-auth ConfigMap with ${rows.roles.length} mapRoles rows (${data.mapRoles.length} bytes) and ${rows.users.length} mapUsers rows (${data.mapUsers.length} bytes); each mode in ${runs} fresh Node processes; cold = the first call in a process (wall and CPU), warm = median of the next ${WARM} calls; figures are medians over the processes`,
      figures,
    };
    writeFileSync(path.join(RESULTS, 'aws-auth-parse.json'), `${JSON.stringify(result, null, 2)}\n`);
    const md = [
      '# aws-auth parse at size',
      '',
      `Generated by \`npm run bench:aws-auth-parse\` (bench/analysis/aws-auth-parse.ts), ${result.machine.date}, on ${describeMachine(result.machine)}.`,
      `**Machine: ${result.machine.conditions}${loadStart[0] > 2 || loadEnd[0] > 2 ? ': figures are upper bounds' : ''}.**`,
      '',
      `Method: ${result.method}.`,
      '',
      '| mode | cold wall ms | cold CPU ms | warm wall ms | cold walls, every process |',
      '|---|---|---|---|---|',
      ...figures.map((f) => `| ${f.mode} | ${f.coldWallMs} | ${f.coldCpuMs} | ${f.warmWallMs} | ${f.allColdWallMs.join(', ')} |`),
      '',
    ].join('\n');
    writeFileSync(path.join(RESULTS, 'aws-auth-parse.md'), md);
    process.stdout.write(md);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) main();
