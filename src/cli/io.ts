/** Where the CLI writes: injectable so that tests run commands in-process. */
export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Progress and colour only on a TTY. */
  isTTY: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
}

export const processIO = (): CliIO => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  isTTY: process.stderr.isTTY === true,
  env: process.env,
  cwd: process.cwd(),
});

/** Bad usage: exit 64 with the message and the command's usage line. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage?: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}
