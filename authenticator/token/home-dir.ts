/**
 * The user's home directory as `os.homedir()` finds it, without loading node:os on every `eks-access token` run (the
 * token bundles make node:os lazy: scripts/bundle-token.ts): on POSIX libuv's `uv_os_homedir` answers `$HOME` when it
 * is set (libuv src/unix/core.c), so node:os is asked only when it is not, or on Windows, where `USERPROFILE` comes
 * first (libuv src/win/util.c).
 */
import { homedir } from 'node:os';

export function homeDirectory(): string {
  return (process.platform !== 'win32' && process.env.HOME) || homedir();
}
