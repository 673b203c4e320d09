import { runCli } from './index';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs one CLI command in this process, as `workbench <args>` would in a terminal whose stdout
 * and stderr are pipes: the same program, sessions and engine, without starting Node, loading
 * DuckDB and forking a reader for every command. `env` is added to this process's environment.
 */
export async function runWorkbench(
  args: string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    env: { ...process.env, ...env },
  });
  return { code, stdout, stderr };
}
