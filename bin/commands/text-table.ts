/**
 * Left-aligned plain-text columns, as kubectl prints tables. Every cell is input (names read from a cluster, a
 * snapshot, a cdk.out), so each is escaped for the terminal (terminal-text.ts) before the columns are measured.
 */
import { terminalSafe } from './terminal-text';

export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const safe = [headers, ...rows].map((r) => r.map((c) => terminalSafe(c ?? '')));
  const widths = safe[0].map((_, i) => Math.max(...safe.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('   ').trimEnd();
  return `${safe.map(line).join('\n')}\n`;
}
