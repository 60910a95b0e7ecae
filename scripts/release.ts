/**
 * The release, scripted (docs/releasing.md says when to run which step):
 *
 *   npm run release -- plan                 the next version and its CHANGELOG section, from the commits since the last tag
 *   npm run release -- prepare              writes both (package.json, CHANGELOG.md, the Dockerfile's ARG VERSION),
 *                                           commits, tags v<version>
 *   npm run release -- publish              DRY RUN (the default): checks every artifact `npm run package` wrote
 *                                           carries this version, names missing credentials, prints publib's commands
 *   npm run release -- publish --no-dry-run runs those commands (CI, with the registries' credentials)
 *
 * Options: --cwd DIR (the repository; default this one), --version X.Y.Z (instead of the computed one),
 * --skip TARGET[,TARGET] (publish: targets not built here, e.g. dotnet without the .NET SDK), --date YYYY-MM-DD.
 *
 * Versions follow Conventional Commits 1.0.0 (https://www.conventionalcommits.org/en/v1.0.0/): a `!` after the type or a
 * `BREAKING CHANGE:` footer bumps the major version (the minor while it is 0, SemVer item 4), `feat` the minor, any other
 * commit the patch. The changelog lists features, fixes and performance work, and the breaking changes first, as
 * conventional-changelog's angular preset does; commits that are not conventional are listed under "Other changes"
 * rather than dropped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { checkArtifacts, CREDENTIALS, PackageJsonForRelease, Target, TARGETS } from './release-artifacts';

export interface Commit {
  readonly hash: string;
  readonly subject: string;
  readonly body: string;
}

export interface ParsedCommit {
  readonly hash: string;
  readonly type?: string;
  readonly scope?: string;
  readonly description: string;
  readonly breaking: boolean;
}

const HEADER = /^(?<type>[a-z]+)(?:\((?<scope>[^()\r\n]+)\))?(?<bang>!)?: (?<description>\S.*)$/;
const BREAKING_FOOTER = /^BREAKING[ -]CHANGE: /m;
const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

/** One commit read as a Conventional Commit; `type` is undefined when its subject is not one. */
export function parseCommit(c: Commit): ParsedCommit {
  const m = HEADER.exec(c.subject);
  if (!m?.groups) return { hash: c.hash, description: c.subject, breaking: BREAKING_FOOTER.test(c.body) };
  return {
    hash: c.hash,
    type: m.groups.type,
    scope: m.groups.scope,
    description: m.groups.description,
    breaking: !!m.groups.bang || BREAKING_FOOTER.test(c.body),
  };
}

export type Bump = 'major' | 'minor' | 'patch';

export function bumpOf(commits: readonly ParsedCommit[]): Bump {
  if (commits.some((c) => c.breaking)) return 'major';
  if (commits.some((c) => c.type === 'feat')) return 'minor';
  return 'patch';
}

export function nextVersion(current: string, bump: Bump): string {
  const m = SEMVER.exec(current);
  if (!m) throw new Error(`package.json version "${current}" is not MAJOR.MINOR.PATCH (pre-release versions are set with --version)`);
  const [major, minor, patch] = m.slice(1).map(Number);
  // SemVer 2.0.0 item 4: major version zero is for initial development; a breaking change there bumps the minor.
  if (bump === 'major') return major === 0 ? `0.${minor + 1}.0` : `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  return `${major}.${minor}.${patch + 1}`;
}

const SECTIONS: [string, (c: ParsedCommit) => boolean][] = [
  ['Breaking changes', (c) => c.breaking],
  ['Features', (c) => !c.breaking && c.type === 'feat'],
  ['Bug fixes', (c) => !c.breaking && c.type === 'fix'],
  ['Performance', (c) => !c.breaking && c.type === 'perf'],
  ['Other changes', (c) => !c.breaking && c.type === undefined],
];

/** The CHANGELOG.md section of one release. */
export function changelogSection(version: string, date: string, commits: readonly ParsedCommit[], first: boolean): string {
  const lines = [`## ${version} (${date})`, ''];
  if (first && commits.length === 0) lines.push('First release.', '');
  for (const [title, member] of SECTIONS) {
    const of = commits.filter(member);
    if (of.length === 0) continue;
    lines.push(`### ${title}`, '');
    for (const c of of) lines.push(`- ${c.scope ? `**${c.scope}:** ` : ''}${c.description} (${c.hash.slice(0, 7)})`);
    lines.push('');
  }
  if (lines.length === 2) lines.push('Maintenance only (documentation, tests, build).', '');
  return lines.join('\n');
}

/**
 * CHANGELOG.md with the release's section: it replaces a `## <version> (unreleased)` section's heading (keeping the
 * text written by hand under it, followed by the generated lists), or goes before the newest release.
 */
export function withSection(changelog: string, version: string, section: string): string {
  const unreleased = new RegExp(`^## ${version.replace(/\./g, '\\.')} \\(unreleased\\)\\n`, 'm');
  const m = unreleased.exec(changelog);
  if (m) {
    const [heading, ...rest] = section.split('\n');
    const generated = rest.join('\n').replace(/^\s*(First release\.)?\s*/, '').trim();
    const start = m.index + m[0].length;
    const next = changelog.slice(start).search(/^## /m);
    const end = next < 0 ? changelog.length : start + next;
    const byHand = changelog.slice(start, end).trim();
    const body = [byHand, generated].filter(Boolean).join('\n\n');
    return `${changelog.slice(0, m.index)}${heading}\n\n${body}\n${end < changelog.length ? `\n${changelog.slice(end)}` : ''}`;
  }
  const first = changelog.search(/^## /m);
  return first < 0 ? `${changelog.trimEnd()}\n\n${section}` : `${changelog.slice(0, first)}${section}\n${changelog.slice(first)}`;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The newest `v*` tag reachable from HEAD, or undefined before the first release. */
export function lastTag(cwd: string): string | undefined {
  try {
    return git(cwd, ['describe', '--tags', '--abbrev=0', '--match', 'v[0-9]*']);
  } catch {
    return undefined;
  }
}

export function commitsSince(cwd: string, tag: string | undefined): Commit[] {
  const SEP = '\u001e';
  const out = git(cwd, ['log', '--no-merges', `--format=%H%x1f%s%x1f%b${SEP}`, ...(tag ? [`${tag}..HEAD`] : ['HEAD'])]);
  return out.split(SEP).map((r) => r.trim()).filter(Boolean).map((r) => {
    const [hash, subject, body] = r.split('\u001f');
    return { hash, subject, body: body ?? '' };
  }).reverse();
}

export interface Plan {
  readonly previous?: string;
  readonly version: string;
  readonly bump?: Bump;
  readonly section: string;
}

/**
 * The next release. Before the first tag, the release is package.json's version as it is (the project's history
 * before it is not conventional) and the section says "First release.".
 */
export function plan(cwd: string, options: { version?: string; date: string }): Plan {
  const pkg = readPackage(cwd);
  const previous = lastTag(cwd);
  const commits = previous ? commitsSince(cwd, previous).map(parseCommit) : [];
  if (previous && commits.length === 0) throw new Error(`nothing to release: no commit since ${previous}`);
  const bump = previous ? bumpOf(commits) : undefined;
  const version = options.version ?? (bump ? nextVersion(pkg.version, bump) : pkg.version);
  if (!SEMVER.test(version) && !/^\d+\.\d+\.\d+-[0-9A-Za-z.-]+$/.test(version)) throw new Error(`--version "${version}" is not a SemVer version`);
  return { previous, version, bump, section: changelogSection(version, options.date, commits, !previous) };
}

function readPackage(cwd: string): PackageJsonForRelease & Record<string, unknown> {
  return JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')) as PackageJsonForRelease & Record<string, unknown>;
}

/** Writes the version and the section, commits them and tags `v<version>` (annotated). Refuses a dirty tree. */
export function prepare(cwd: string, p: Plan): string {
  if (git(cwd, ['status', '--porcelain', '--untracked-files=no']) !== '') throw new Error('the working tree has uncommitted changes: commit or stash them first');
  const tag = `v${p.version}`;
  if (git(cwd, ['tag', '--list', tag]) !== '') throw new Error(`tag ${tag} exists already`);
  const pkgText = readFileSync(join(cwd, 'package.json'), 'utf8');
  // Only the version field changes: the rest of package.json keeps its formatting.
  writeFileSync(join(cwd, 'package.json'), pkgText.replace(/^(\s*"version":\s*")[^"]+(")/m, `$1${p.version}$2`));
  const changelogPath = join(cwd, 'CHANGELOG.md');
  let changelog = '# Changelog\n';
  try {
    changelog = readFileSync(changelogPath, 'utf8');
  } catch {
    // the first release writes the file
  }
  writeFileSync(changelogPath, withSection(changelog, p.version, p.section));
  const files = ['package.json', 'CHANGELOG.md'];
  // The image's version label and the build stage's check (Dockerfile `ARG VERSION=`) follow package.json.
  const dockerfile = join(cwd, 'Dockerfile');
  if (existsSync(dockerfile)) {
    writeFileSync(dockerfile, readFileSync(dockerfile, 'utf8').replace(/^ARG VERSION=\S+$/m, `ARG VERSION=${p.version}`));
    files.push('Dockerfile');
  }
  git(cwd, ['add', ...files]);
  git(cwd, ['commit', '--quiet', '-m', `chore(release): ${p.version}`]);
  git(cwd, ['tag', '-a', tag, '-m', `cdk-eks-access ${p.version}`]);
  return tag;
}

export interface PublishReport {
  readonly ok: boolean;
  readonly lines: string[];
  readonly commands: string[];
}

/** The publish step: every artifact checked; with `dryRun` nothing is run and missing credentials are only named. */
export function publish(cwd: string, options: { dryRun: boolean; skip: readonly Target[]; env: NodeJS.ProcessEnv }): PublishReport {
  const pkg = readPackage(cwd);
  const lines: string[] = [];
  let ok = true;
  const tag = `v${pkg.version}`;
  const tagged = (() => {
    try {
      return git(cwd, ['rev-list', '-n', '1', tag]) === git(cwd, ['rev-parse', 'HEAD']);
    } catch {
      return false;
    }
  })();
  if (!tagged) {
    ok = false;
    lines.push(`FAIL HEAD is not tagged ${tag} (run \`npm run release -- prepare\` first)`);
  }
  const targets = TARGETS.filter((t) => !options.skip.includes(t));
  const checks = checkArtifacts(cwd, pkg, targets);
  for (const c of checks) {
    if (c.problem) ok = false;
    const missing = CREDENTIALS[c.target].filter((v) => !options.env[v]);
    lines.push(`${c.problem ? 'FAIL' : 'ok  '} ${c.target.padEnd(6)} ${c.problem ?? c.files.join(', ')}`
      + (missing.length > 0 ? ` — to publish, set ${missing.join(', ')}` : ''));
    if (!options.dryRun && missing.length > 0) ok = false;
  }
  for (const s of options.skip) lines.push(`skip ${s.padEnd(6)} (--skip)`);
  const commands = checks.map((c) => c.publish);
  if (ok && !options.dryRun) {
    for (const command of commands) {
      const [bin, ...args] = command.split(' ');
      const r = spawnSync(bin, args, { cwd, stdio: 'inherit', env: options.env });
      if (r.status !== 0) return { ok: false, lines: [...lines, `FAIL ${command} (exit ${r.status})`], commands };
    }
  }
  return { ok, lines, commands };
}

interface Args {
  readonly command: string;
  readonly cwd: string;
  readonly version?: string;
  readonly skip: Target[];
  readonly dryRun: boolean;
  readonly date: string;
}

export function parseArgs(argv: readonly string[], defaultCwd: string, today: string): Args {
  const [command, ...rest] = argv;
  if (!['plan', 'prepare', 'publish'].includes(command ?? '')) throw new Error('usage: release plan|prepare|publish [--cwd DIR] [--version X.Y.Z] [--skip TARGETS] [--no-dry-run] [--date YYYY-MM-DD]');
  let cwd = defaultCwd;
  let version: string | undefined;
  let skip: Target[] = [];
  let dryRun = true;
  let date = today;
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--cwd') cwd = resolve(value());
    else if (flag === '--version') version = value();
    else if (flag === '--date') date = value();
    else if (flag === '--no-dry-run') dryRun = false;
    else if (flag === '--dry-run') dryRun = true;
    else if (flag === '--skip') {
      const asked = value().split(',').filter(Boolean);
      const unknown = asked.filter((t) => !(TARGETS as readonly string[]).includes(t));
      if (unknown.length > 0) throw new Error(`--skip: unknown target(s) ${unknown.join(', ')}; valid: ${TARGETS.join(', ')}`);
      skip = asked as Target[];
    } else throw new Error(`unknown option ${flag}`);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new Error(`--date "${date}" is not YYYY-MM-DD`);
  return { command, cwd, version, skip, dryRun, date };
}

/** The command line; returns the exit code (0 done, 1 a check failed, 2 usage). */
export function main(argv: readonly string[], out: (line: string) => void = (l) => process.stdout.write(`${l}\n`), env: NodeJS.ProcessEnv = process.env): number {
  let args: Args;
  try {
    args = parseArgs(argv, join(__dirname, '..').replace(/[\\/]dist$/, ''), new Date().toISOString().slice(0, 10));
  } catch (e) {
    out(`release: ${(e as Error).message}`);
    return 2;
  }
  try {
    if (args.command === 'publish') {
      const report = publish(args.cwd, { dryRun: args.dryRun, skip: args.skip, env });
      for (const l of report.lines) out(l);
      out(args.dryRun ? 'dry run: nothing was published; the publish commands would be:' : 'published with:');
      for (const c of report.commands) out(`  ${c}`);
      return report.ok ? 0 : 1;
    }
    const p = plan(args.cwd, { version: args.version, date: args.date });
    out(`${p.previous ? `since ${p.previous}` : 'first release'}: ${p.version}${p.bump ? ` (${p.bump})` : ''}`);
    out(p.section);
    if (args.command === 'prepare') out(`tagged ${prepare(args.cwd, p)}; next: npm run build && npm run package && npm run release -- publish`);
    return 0;
  } catch (e) {
    out(`release: ${(e as Error).message}`);
    return 1;
  }
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
