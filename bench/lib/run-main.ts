/**
 * Runs a bench's `main` and makes its result the exit code, so a missed target
 * or a failed run fails the command; an unexpected error prints its stack.
 */
export function runMain(main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      console.error(error instanceof Error ? error.stack : error);
      process.exitCode = 1;
    },
  );
}
