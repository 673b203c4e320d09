import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** Builds the renderer once for the whole run; each test's server then starts with --no-build. */
export default function globalSetup(): void {
  const root = path.resolve(import.meta.dirname, '..');
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (build.status !== 0) throw new Error('electron-vite build failed');
}
