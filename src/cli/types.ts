/** What every CLI command gets: its streams and environment, so commands run in tests without a child process. */
export interface CliContext {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Fires on SIGINT/SIGTERM; long commands stop cleanly when it does. */
  signal: AbortSignal;
}

export interface Command {
  name: string;
  /** One line for `parley --help`. */
  summary: string;
  /** Full usage text for `parley <name> --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], ctx: CliContext): Promise<number>;
}

/** A failure with a one-line reason for the user; main prints it and exits non-zero. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}
