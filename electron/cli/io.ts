/** Where one run of the CLI writes, and the environment it reads. */
export interface CliStream {
  write(text: string): unknown;
  /** A terminal gets tables in bold and a progress bar; a pipe or a file gets plain text. */
  isTTY?: boolean;
}

export interface CliIo {
  stdout: CliStream;
  stderr: CliStream;
  /** WORKBENCH_HOME (the default workspace and the recent list), WORKBENCH_NOW (the clock), ... */
  env: NodeJS.ProcessEnv;
}

/** The terminal's: what `bin/workbench.js` runs with. */
export const processIo = (): CliIo => ({
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
});
