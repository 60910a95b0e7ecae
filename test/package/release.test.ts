/**
 * scripts/release.ts, run as the release runs it, on a scratch git repository under the OS temp dir (real git, no
 * credentials, no network): the version computed from Conventional Commits, the CHANGELOG section, the commit and the
 * annotated tag, and the publish dry run that checks every artifact jsii-pacmak lays out in dist/ and prints publib's
 * commands without running them.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bumpOf, changelogSection, main, nextVersion, parseCommit, withSection } from '../../scripts/release';
import { checkArtifacts } from '../../scripts/release-artifacts';

const PKG = {
  name: 'cdk-eks-access',
  version: '0.1.0',
  jsii: {
    outdir: 'dist',
    targets: {
      python: { distName: 'cdk-eks-access', module: 'cdk_eks_access' },
      java: { package: 'io.github.cdkeksaccess', maven: { groupId: 'io.github.cdk-eks-access', artifactId: 'cdk-eks-access' } },
      dotnet: { namespace: 'CdkEksAccess', packageId: 'CdkEksAccess' },
      go: { moduleName: 'github.com/cdk-eks-access/cdk-eks-access-go' },
    },
  },
};

let repo: string;

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
}

function commit(subject: string, body = ''): void {
  writeFileSync(join(repo, 'work.txt'), `${subject}\n${Math.random()}\n`);
  git('add', 'work.txt');
  git('commit', '--quiet', '-m', body ? `${subject}\n\n${body}` : subject);
}

function release(...argv: string[]): { code: number; out: string } {
  const lines: string[] = [];
  const code = main([...argv, '--cwd', repo, '--date', '2026-12-06'], (l) => lines.push(l), {});
  return { code, out: lines.join('\n') };
}

/** The artifacts of every jsii target as jsii-pacmak names them, for `version` (the js tarball a real `tar`). */
function writeArtifacts(version: string, skip: string[] = []): void {
  const dist = join(repo, 'dist');
  rmSync(dist, { recursive: true, force: true });
  const staging = join(repo, 'stage', 'package');
  mkdirSync(staging, { recursive: true });
  writeFileSync(join(staging, 'package.json'), JSON.stringify({ name: 'cdk-eks-access', version }));
  mkdirSync(join(dist, 'js'), { recursive: true });
  execFileSync('tar', ['-czf', join(dist, 'js', `cdk-eks-access@${version}.jsii.tgz`), '-C', join(repo, 'stage'), 'package']);
  mkdirSync(join(dist, 'python'));
  writeFileSync(join(dist, 'python', `cdk_eks_access-${version}-py3-none-any.whl`), 'wheel');
  writeFileSync(join(dist, 'python', `cdk_eks_access-${version}.tar.gz`), 'sdist');
  const maven = join(dist, 'java', 'io', 'github', 'cdk-eks-access', 'cdk-eks-access', version);
  mkdirSync(maven, { recursive: true });
  for (const suffix of ['.pom', '.jar', '-sources.jar', '-javadoc.jar']) writeFileSync(join(maven, `cdk-eks-access-${version}${suffix}`), 'x');
  if (!skip.includes('dotnet')) {
    mkdirSync(join(dist, 'dotnet'));
    writeFileSync(join(dist, 'dotnet', `CdkEksAccess.${version}.nupkg`), 'x');
  }
  mkdirSync(join(dist, 'go', 'cdkeksaccess'), { recursive: true });
  writeFileSync(join(dist, 'go', 'cdkeksaccess', 'go.mod'), 'module github.com/cdk-eks-access/cdk-eks-access-go/cdkeksaccess\n\ngo 1.23\n');
  writeFileSync(join(dist, 'go', 'cdkeksaccess', 'version'), `${version}\n`);
}

beforeAll(() => {
  repo = mkdtempSync(join(tmpdir(), 'cdk-eks-access-release-'));
  git('init', '--quiet', '--initial-branch', 'main');
  git('config', 'user.email', 'release-test@example.com');
  git('config', 'user.name', 'release test');
  git('config', 'commit.gpgsign', 'false');
  git('config', 'tag.gpgsign', 'false');
  writeFileSync(join(repo, 'package.json'), `${JSON.stringify(PKG, null, 2)}\n`);
  writeFileSync(join(repo, 'CHANGELOG.md'), '# Changelog\n\nIntro.\n\n## 0.1.0 (unreleased)\n\nThe first version, by hand.\n');
  writeFileSync(join(repo, '.gitignore'), 'dist/\nstage/\n');
  writeFileSync(join(repo, 'Dockerfile'), 'ARG VERSION=0.1.0\nFROM scratch\n');
  git('add', '.');
  git('commit', '--quiet', '-m', 'initial: not a conventional history');
});

afterAll(() => {
  if (repo) rmSync(repo, { recursive: true, force: true });
});

describe('versions and changelog from Conventional Commits', () => {
  it('reads type, scope, ! and the BREAKING CHANGE footer; other subjects stay, without a type', () => {
    expect(parseCommit({ hash: 'a', subject: 'feat(cli): completion', body: '' })).toEqual({ hash: 'a', type: 'feat', scope: 'cli', description: 'completion', breaking: false });
    expect(parseCommit({ hash: 'b', subject: 'fix!: drop Node 20', body: '' }).breaking).toBe(true);
    expect(parseCommit({ hash: 'c', subject: 'refactor: x', body: 'BREAKING CHANGE: renamed y' }).breaking).toBe(true);
    expect(parseCommit({ hash: 'd', subject: 'README: say more', body: '' })).toEqual({ hash: 'd', type: undefined, description: 'README: say more', breaking: false });
  });

  it('bumps major (minor while 0.x), minor for a feature, patch otherwise', () => {
    const c = (subject: string) => parseCommit({ hash: 'h', subject, body: '' });
    expect(bumpOf([c('fix: a'), c('docs: b')])).toBe('patch');
    expect(bumpOf([c('fix: a'), c('feat: b')])).toBe('minor');
    expect(bumpOf([c('feat: a'), c('feat!: b')])).toBe('major');
    expect([nextVersion('0.1.0', 'major'), nextVersion('1.2.3', 'major'), nextVersion('1.2.3', 'minor'), nextVersion('1.2.3', 'patch')])
      .toEqual(['0.2.0', '2.0.0', '1.3.0', '1.2.4']);
    expect(() => nextVersion('1.2', 'patch')).toThrow(/"1\.2" is not MAJOR\.MINOR\.PATCH/);
  });

  it('writes breaking changes first, then features and fixes, and keeps what was written by hand for the version', () => {
    const commits = ['feat(chart): a', 'fix: b', 'feat!: c', 'chore: d'].map((subject, i) => parseCommit({ hash: `${i}abcdef0`, subject, body: '' }));
    const section = changelogSection('0.2.0', '2026-12-06', commits, false);
    expect(section).toBe([
      '## 0.2.0 (2026-12-06)', '', '### Breaking changes', '', '- c (2abcdef)', '', '### Features', '', '- **chart:** a (0abcdef)', '',
      '### Bug fixes', '', '- b (1abcdef)', '',
    ].join('\n'));
    const changelog = '# Changelog\n\n## 0.2.0 (unreleased)\n\nBy hand.\n\n## 0.1.0 (2026-01-01)\n\nFirst release.\n';
    expect(withSection(changelog, '0.2.0', section)).toBe(
      '# Changelog\n\n## 0.2.0 (2026-12-06)\n\nBy hand.\n\n### Breaking changes\n\n- c (2abcdef)\n\n### Features\n\n- **chart:** a (0abcdef)\n\n'
      + '### Bug fixes\n\n- b (1abcdef)\n\n## 0.1.0 (2026-01-01)\n\nFirst release.\n');
  });
});

describe('the release on a scratch repository', () => {
  it('first release: package.json\'s version as it is, the hand-written section dated, a commit and an annotated tag', () => {
    const r = release('prepare');
    expect(r).toEqual({ code: 0, out: expect.stringContaining('first release: 0.1.0') });
    expect(git('describe', '--tags', '--exact-match')).toBe('v0.1.0');
    expect(git('cat-file', '-t', 'v0.1.0')).toBe('tag'); // annotated
    expect(git('log', '-1', '--format=%s')).toBe('chore(release): 0.1.0');
    expect(readFileSync(join(repo, 'CHANGELOG.md'), 'utf8')).toBe('# Changelog\n\nIntro.\n\n## 0.1.0 (2026-12-06)\n\nThe first version, by hand.\n');
  });

  it('publish dry run: refuses missing artifacts, naming each', () => {
    rmSync(join(repo, 'dist'), { recursive: true, force: true });
    const r = release('publish');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL js {5}missing dist\/js\/cdk-eks-access@0\.1\.0\.jsii\.tgz/m);
    expect(r.out).toMatch(/^FAIL python incomplete \(a wheel and an sdist\)/m);
    expect(r.out).toMatch(/^FAIL go {5}missing dist\/go\/cdkeksaccess\/go\.mod/m);
  });

  it('publish dry run: every artifact present with the version passes, runs nothing and prints publib\'s commands', () => {
    writeArtifacts('0.1.0');
    const r = release('publish');
    expect(r.code).toBe(0);
    expect(r.out).toContain('ok   js     dist/js/cdk-eks-access@0.1.0.jsii.tgz — to publish, set NPM_TOKEN');
    expect(r.out).toContain('ok   java   dist/java/io/github/cdk-eks-access/cdk-eks-access/0.1.0/cdk-eks-access-0.1.0.pom');
    expect(r.out).toContain('dry run: nothing was published');
    expect(r.out.split('\n').filter((l) => l.startsWith('  npx publib-'))).toEqual([
      '  npx publib-npm dist/js', '  npx publib-pypi dist/python', '  npx publib-maven dist/java', '  npx publib-nuget dist/dotnet', '  npx publib-golang dist/go',
    ]);
  });

  it('publish without --dry-run and without credentials publishes nothing and fails', () => {
    const r = release('publish', '--no-dry-run');
    expect(r.code).toBe(1);
    expect(r.out).toContain('set NPM_TOKEN');
  });

  it('an artifact of another version fails the dry run, naming what it holds', () => {
    writeArtifacts('0.1.0');
    writeArtifacts('0.0.9');
    const checks = checkArtifacts(repo, PKG).map((c) => [c.target, c.problem]);
    expect(checks).toEqual([
      ['js', expect.stringMatching(/missing dist\/js\/cdk-eks-access@0\.1\.0\.jsii\.tgz \(found: cdk-eks-access@0\.0\.9\.jsii\.tgz\)/)],
      ['python', expect.stringMatching(/missing cdk_eks_access-0\.1\.0-py3-none-any\.whl, cdk_eks_access-0\.1\.0\.tar\.gz/)],
      ['java', expect.any(String)],
      ['dotnet', expect.any(String)],
      ['go', 'dist/go/cdkeksaccess/version says 0.0.9, expected 0.1.0'],
    ]);
  });

  it('next release: the bump from the commits since v0.1.0, then a dry run with dotnet skipped (no .NET SDK here)', () => {
    commit('feat(cli): shell completion');
    commit('fix: a typo', 'BREAKING CHANGE: the flag --x is gone');
    commit('docs: say so');
    expect(release('plan')).toEqual({ code: 0, out: expect.stringContaining('since v0.1.0: 0.2.0 (major)') });
    expect(release('prepare').code).toBe(0);
    expect(git('describe', '--tags', '--exact-match')).toBe('v0.2.0');
    expect(JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')).version).toBe('0.2.0');
    expect(readFileSync(join(repo, 'Dockerfile'), 'utf8')).toBe('ARG VERSION=0.2.0\nFROM scratch\n');
    expect(git('status', '--porcelain')).toBe('');
    const changelog = readFileSync(join(repo, 'CHANGELOG.md'), 'utf8');
    expect(changelog.indexOf('## 0.2.0 (2026-12-06)')).toBeLessThan(changelog.indexOf('## 0.1.0 (2026-12-06)'));
    expect(changelog).toMatch(/### Breaking changes\n\n- a typo \([0-9a-f]{7}\)\n\n### Features\n\n- \*\*cli:\*\* shell completion/);
    writeArtifacts('0.2.0', ['dotnet']);
    expect(release('publish').code).toBe(1); // dotnet missing
    const skipped = release('publish', '--skip', 'dotnet');
    expect(skipped).toEqual({ code: 0, out: expect.stringContaining('skip dotnet (--skip)') });
  });

  it('refuses a second prepare with nothing new, a dirty tree, and unknown options (exit 2)', () => {
    expect(release('prepare')).toEqual({ code: 1, out: expect.stringContaining('nothing to release: no commit since v0.2.0') });
    commit('fix: another');
    writeFileSync(join(repo, 'package.json'), `${readFileSync(join(repo, 'package.json'), 'utf8')} `);
    expect(release('prepare')).toEqual({ code: 1, out: expect.stringContaining('uncommitted changes') });
    git('checkout', 'package.json');
    expect(release('publish', '--skip', 'cobol').code).toBe(2);
    expect(release('bump').code).toBe(2);
  });
});
