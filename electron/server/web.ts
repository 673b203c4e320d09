import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { Engine } from '../engine/engine';
import { createLocalClient } from '../engine/local-client';
import { startServer } from './http-server';

/**
 * `npm run web`: builds the renderer, opens the demo workspace (generating it on first use) and
 * serves both on 127.0.0.1 with a session token in the URL, like a notebook server.
 */
const root = path.resolve(import.meta.dirname, '../..');
const build = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
  {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
if (build.status !== 0) process.exit(build.status ?? 1);

const engine = new Engine();
const api = createLocalClient(engine);
process.stderr.write('Opening the demo workspace (generated on first use)…\n');
await api['workspace.openDemo']({});
const port = Number(process.env.WORKBENCH_PORT ?? 0);
const server = await startServer({ engine, port, staticDir: path.join(root, 'out', 'renderer') });
process.stdout.write(`Retention Workbench (browser mode): ${server.url}\n`);
const stop = async (): Promise<void> => {
  await server.close();
  engine.dispose();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
