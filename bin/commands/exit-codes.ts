/**
 * The CLI's one exit-code policy, as data: `eks-access help` prints it, the README's "Exit codes" table is checked
 * against it (test/cli/frame.test.ts), and each command's help says which of the rows it uses. Like kubectl
 * (`kubectl auth can-i`, `kubectl diff`), 1 is an answer a script branches on, never a crash; 2 is the caller's or the
 * input's fault, so a CI gate never passes on what it could not read.
 */
export const EXIT = {
  /** Success: yes, no drift, written, verified. */
  ok: 0,
  /** The command ran and the answer is negative, as the command defines it. */
  negative: 1,
  /** Usage error, unreadable or invalid input or config, or cannot tell. */
  usage: 2,
} as const;

export interface ExitCodeRow {
  readonly code: string;
  readonly meaning: string;
}

export const EXIT_CODE_TABLE: readonly ExitCodeRow[] = [
  { code: '0', meaning: 'success: yes, no drift, written, verified, stopped cleanly' },
  {
    code: '1',
    meaning: 'the answer is negative, as each command defines it: can-i no; diff drift; risks a finding at --fail-on; '
      + 'snapshot written but a source unreadable; token no credentials or signing refused; verify not verified (other than 3-5)',
  },
  {
    code: '2',
    meaning: 'usage error (unknown command or flag, bad or missing value), unreadable or invalid input or config, '
      + 'serve could not start, or diff cannot tell (a live source the snapshot could not read)',
  },
  { code: '3', meaning: 'refused: merge-aws-auth conflicts or unreadable live rows (nothing printed); verify: FormatError' },
  { code: '4, 5', meaning: 'verify: STSError, STSThrottling' },
];

/** The table as the help text prints it. */
export function exitCodeText(): string {
  const width = Math.max(...EXIT_CODE_TABLE.map((r) => r.code.length));
  return `exit codes:\n${EXIT_CODE_TABLE.map((r) => `  ${r.code.padEnd(width)}  ${r.meaning}`).join('\n')}\n`;
}
