/**
 * The container image's version and metadata. No Docker engine or registry is reachable here, so the bundle the
 * Dockerfile's build stage makes (scripts/bundle-server.ts) is built and run from a folder holding nothing else — no
 * package.json, as in the image — and the Dockerfile is read for what the image carries besides (LICENSE, labels).
 * test/k8s/container-bundle.test.ts serves a TokenReview from the same bundle.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundleServer } from '../../scripts/bundle-server';

const ROOT = join(__dirname, '..', '..');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; license: string; repository: { url: string } };
const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

/** The instructions of the Dockerfile's last (runtime) stage. */
function runtimeStage(): string {
  return dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
}

/** The LABEL key/values of a stage (one LABEL instruction, continued lines). */
function labels(stage: string): Record<string, string> {
  const instruction = /^LABEL ((?:.*\\\n)*.*)$/m.exec(stage)?.[1] ?? '';
  return Object.fromEntries([...instruction.matchAll(/([\w.-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

describe('the container image', () => {
  let dir: string;
  let bundle: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'cdk-eks-access-image-'));
    bundle = await bundleServer(join(dir, 'app'));
  }, 120_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('bakes the package version into the bundle: `eks-access --version` answers it from a folder without package.json', () => {
    expect(readdirSync(join(dir, 'app'))).toEqual(['eks-access.js']);
    const out = execFileSync(process.execPath, [bundle, '--version'], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
    expect(out).toBe(`${pkg.version}\n`);
  });

  it('the build_info metric reads the same version (one function for both)', () => {
    // metrics.ts sets build_info{version} from packageVersion(); the CLI's --version is that function too.
    const metrics = readFileSync(join(ROOT, 'authenticator', 'server', 'metrics.ts'), 'utf8');
    const runner = readFileSync(join(ROOT, 'bin', 'cli-runner.ts'), 'utf8');
    expect(metrics).toMatch(/import \{ packageVersion \} from '\.\/build-info'/);
    expect(runner).toMatch(/import \{ packageVersion \} from '\.\.\/authenticator\/server\/build-info'/);
  });

  it('ships LICENSE and NOTICE next to the bundle', () => {
    expect(runtimeStage()).toMatch(/^COPY LICENSE NOTICE \/app\/$/m);
  });

  it('carries the OCI annotations (opencontainers image-spec annotations.md), its version the one baked into the bundle', () => {
    const l = labels(runtimeStage());
    expect(l).toEqual(expect.objectContaining({
      'org.opencontainers.image.title': 'eks-access',
      'org.opencontainers.image.version': '${VERSION}',
      'org.opencontainers.image.revision': '${REVISION}',
      'org.opencontainers.image.licenses': pkg.license,
      'org.opencontainers.image.source': pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, ''),
    }));
    expect(l['org.opencontainers.image.description']).toBeTruthy();
    // The build arg defaults to package.json's version, and the build stage refuses a bundle reporting another one.
    expect(/^ARG VERSION=(\S+)$/m.exec(dockerfile)?.[1]).toBe(pkg.version);
    expect(dockerfile).toMatch(/test "\$\(node \/out\/eks-access\.js --version\)" = "\$VERSION"/);
  });
});
