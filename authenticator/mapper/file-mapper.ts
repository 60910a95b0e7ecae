/**
 * A mapping file in the aws-auth format (YAML or JSON; see parseMappingDocument), reloaded when it changes.
 * Change detection uses fs.watch on the file's directory (which also sees atomic renames and the `..data` symlink
 * swap of a Kubernetes ConfigMap volume) plus stat polling as a fallback for file systems where fs.watch is silent
 * (NFS, some container overlays). A reload that cannot be used (unreadable or unparsable file, a key that is not valid
 * YAML) keeps the last good mapping and is reported through the logger and `health().lastError`; rows with errors
 * are skipped and reported while the good rows apply.
 *
 * Deliberate difference from the reference's DynamicFile: a deleted file keeps the last good mapping instead of
 * clearing it (a ConfigMap volume update briefly removes the file); to revoke access, write an empty mapping.
 */
import { createHash } from 'node:crypto';
import { FSWatcher, watch } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { parseMappingText } from './aws-auth';
import { MappingConfigError } from './row-error';
import { TableMapper, TableMapperOptions } from './table-mapper';

export interface FileMapperOptions extends TableMapperOptions {
  /** @default 'file' */
  readonly name?: string;
  /** Stat polling interval. @default 2000 */
  readonly pollIntervalMs?: number;
  /** Use fs.watch in addition to polling. @default true */
  readonly watch?: boolean;
}

export class FileMapper extends TableMapper {
  readonly name: string;
  private watcher: FSWatcher | undefined;
  private poller: NodeJS.Timeout | undefined;
  private debounce: NodeJS.Timeout | undefined;
  private lastHash: string | undefined;
  private lastStat = '';
  private reloading: Promise<void> = Promise.resolve();
  private reloads = 0;

  constructor(readonly path: string, private readonly fileOptions: FileMapperOptions = {}) {
    super(fileOptions);
    this.name = fileOptions.name ?? 'file';
  }

  /** Loads the file (a failure is reported, not thrown, so the server can start and report not-ready) and starts watching. */
  async start(): Promise<void> {
    await this.reload();
    if (this.fileOptions.watch ?? true) {
      try {
        this.watcher = watch(dirname(this.path), { persistent: false }, (_event, file) => {
          if (file === null || file === basename(this.path) || file.toString().startsWith('..')) this.scheduleReload();
        });
        this.watcher.on('error', (e) => this.reportError(`fs.watch failed (stat polling continues): ${e.message}`));
      } catch (e) {
        this.reportError(`fs.watch unavailable (stat polling continues): ${(e as Error).message}`);
      }
    }
    const interval = this.fileOptions.pollIntervalMs ?? 2000;
    this.poller = setInterval(() => void this.poll(), interval);
    this.poller.unref();
  }

  async stop(): Promise<void> {
    this.watcher?.close();
    clearInterval(this.poller);
    clearTimeout(this.debounce);
    this.watcher = undefined;
    this.poller = undefined;
    await this.reloading;
  }

  /** Number of reloads that changed the mapping in effect (for tests and metrics). */
  get reloadCount(): number {
    return this.reloads;
  }

  /** Reads the file now; resolves when done. Concurrent calls are serialised. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.load());
    return this.reloading;
  }

  private scheduleReload(): void {
    // Editors and atomic writers produce bursts of events; read once they settle.
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => void this.reload(), 50);
  }

  private async poll(): Promise<void> {
    try {
      const s = await stat(this.path);
      const sig = `${s.ino}:${s.size}:${s.mtimeMs}`;
      if (sig !== this.lastStat) {
        this.lastStat = sig;
        await this.reload();
      }
    } catch (e) {
      if (this.lastStat !== 'missing') this.unreadable(e as Error);
    }
  }

  private unreadable(e: Error): void {
    this.lastStat = 'missing';
    this.reportError(`cannot read ${this.path}: ${e.message}`);
  }

  private async load(): Promise<void> {
    let text: string;
    try {
      const s = await stat(this.path);
      this.lastStat = `${s.ino}:${s.size}:${s.mtimeMs}`;
      text = await readFile(this.path, 'utf8');
    } catch (e) {
      this.unreadable(e as Error);
      return;
    }
    const hash = createHash('sha256').update(text).digest('hex');
    if (hash === this.lastHash) {
      this.clearError();
      return;
    }
    let parsed;
    try {
      parsed = parseMappingText(text, this.path);
    } catch (e) {
      this.reportError((e as MappingConfigError).message);
      return;
    }
    if (parsed.broken) {
      this.reportError(`${this.path} is unusable: ${parsed.errors.filter((e) => e.index === undefined).map(String).join('; ')}`);
      return;
    }
    this.lastHash = hash;
    this.reloads++;
    this.apply(parsed, parsed.errors);
  }
}
