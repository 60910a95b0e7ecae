/**
 * Runs a CLI entry as the process: closed pipes end quietly (`eks-access report | head`), the returned code becomes
 * the exit code, and an unexpected error is one line on stderr with exit 1, never a stack trace.
 */
import { endQuietlyOnClosedPipeWhenUsed } from './closed-pipe';
import { errorLine } from './commands/help';

export function runAsProcess(main: (argv: string[]) => Promise<number>): void {
  endQuietlyOnClosedPipeWhenUsed('stdout');
  endQuietlyOnClosedPipeWhenUsed('stderr');
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(errorLine(undefined, err instanceof Error ? err.message : String(err)));
      process.exitCode = 1;
    },
  );
}
