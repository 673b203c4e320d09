import os from 'node:os';
import path from 'node:path';

/**
 * Where workspaces live when no path is given: the platform's per-user data directory, or
 * $WORKBENCH_HOME when set (tests, portable installs).
 */
export function dataDirectory(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WORKBENCH_HOME) return path.resolve(env.WORKBENCH_HOME);
  const home = os.homedir();
  switch (process.platform) {
    case 'darwin':
      return path.join(home, 'Library', 'Application Support', 'Retention Workbench');
    case 'win32':
      return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'Retention Workbench');
    default:
      return path.join(
        env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'),
        'retention-workbench',
      );
  }
}

export function defaultWorkspacePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDirectory(env), 'workspaces', 'default.duckdb');
}

/** The demo workspace a first-time user opens, beside the default one. */
export function demoWorkspacePath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(dataDirectory(env), 'workspaces', 'demo.duckdb');
}
