/**
 * cfn-lint over synthesized CloudFormation templates, shared by the CDK and cdk8s/packaging tests. A cfn-lint process
 * costs ~1.6 s to start, so templates are collected while tests synthesize and linted in one call (`CfnLintBatch`).
 * cfn-lint is a real peer: if it is missing the run fails with the command to install it.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Stage } from 'aws-cdk-lib';

/** What `app.synth()` returns. */
export type CloudAssembly = ReturnType<Stage['synth']>;

/** One cfn-lint finding (`--format json`). */
export interface CfnLintFinding {
  readonly Rule: { readonly Id: string };
  readonly Message: string;
  readonly Level: string;
  readonly Filename: string;
}

/**
 * Every `*.template.json` of a cloud assembly directory, nested-stack templates included. Templates without resources
 * (a stack that only imports things) are left out: CloudFormation never receives them as they are.
 */
export function assemblyTemplates(assembly: CloudAssembly | string): string[] {
  const dir = typeof assembly === 'string' ? assembly : assembly.directory;
  return readdirSync(dir)
    .filter((f) => f.endsWith('.template.json'))
    .map((f) => join(dir, f))
    .filter((f) => Object.keys((JSON.parse(readFileSync(f, 'utf8')) as { Resources?: object }).Resources ?? {}).length > 0);
}

/** Runs cfn-lint once over all files; resolves with the findings (empty = clean). */
export function cfnLint(files: readonly string[]): Promise<CfnLintFinding[]> {
  if (files.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    execFile('cfn-lint', ['--format', 'json', '--', ...files], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        reject(new Error('cfn-lint is not installed: run `pip install cfn-lint` (needed to check synthesized templates)'));
        return;
      }
      try {
        resolve(stdout.trim() === '' ? [] : JSON.parse(stdout) as CfnLintFinding[]);
      } catch {
        reject(new Error(`cfn-lint failed: ${stderr || stdout || error?.message}`));
      }
    });
  });
}

/** Collects templates across the tests of a file; `run()` lints them all in one cfn-lint call. */
export class CfnLintBatch {
  private readonly files = new Set<string>();

  /** `errorsOnly`: report only findings of level Error (for templates of third-party constructs). */
  constructor(private readonly options: { readonly errorsOnly?: boolean } = {}) {}

  /** Adds the templates of an assembly (or directory); returns how many were added. */
  public add(assembly: CloudAssembly | string): number {
    const templates = assemblyTemplates(assembly);
    templates.forEach((t) => this.files.add(t));
    return templates.length;
  }

  /** Adds template files one by one (a sample of an assembly); returns how many were added. */
  public addFiles(files: readonly string[]): number {
    files.forEach((f) => this.files.add(f));
    return files.length;
  }

  public get size(): number {
    return this.files.size;
  }

  /** Lints everything collected; findings formatted one per line for a readable assertion failure. */
  public async run(): Promise<string[]> {
    const findings = (await cfnLint([...this.files])).filter((f) => !this.options.errorsOnly || f.Level === 'Error');
    return findings.map((f) => `${f.Filename}: ${f.Level} ${f.Rule.Id} ${f.Message}`);
  }
}
