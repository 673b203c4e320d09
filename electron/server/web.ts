import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../engine/engine';
import { createLocalClient } from '../engine/local-client';
import { startServer } from './http-server';

/**
 * `npm run web`: builds the renderer, opens the demo workspace (generating it on first use) or
 * the one given, and serves both on 127.0.0.1 with a session token in the URL, like a notebook
 * server. The URL is the one line on stdout, so scripts and tests can read it.
 */
const { values: options } = parseArgs({
  options: {
    workspace: { type: 'string' },
    port: { type: 'string' },
    build: { type: 'boolean', default: true },
    'no-build': { type: 'boolean', default: false },
    open: { type: 'boolean', default: true },
    'no-open': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (options.help) {
  process.stdout.write(`Usage: npm run web -- [--workspace FILE] [--port N] [--no-build] [--no-open]

  --workspace FILE  open this workspace (created when missing) instead of the demo
  --port N          listen on this port (default: WORKBENCH_PORT, else any free port)
  --no-build        serve the renderer as last built (out/renderer)
  --no-open         do not open the URL in the system browser
`);
  process.exit(0);
}

const root = path.resolve(import.meta.dirname, '../..');
if (options.build && !options['no-build']) {
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const engine = new Engine();
const api = createLocalClient(engine);
if (options.workspace !== undefined) {
  await api['workspace.open']({ path: path.resolve(options.workspace) });
} else {
  process.stderr.write('Opening the demo workspace (generated on first use)…\n');
  await api['workspace.openDemo']({});
}
const port = Number(options.port ?? process.env.WORKBENCH_PORT ?? 0);
const server = await startServer({ engine, port, staticDir: path.join(root, 'out', 'renderer') });
process.stdout.write(`Retention Workbench (browser mode): ${server.url}\n`);

// Like a notebook server: open the page for a person at a terminal, never in CI or tests.
const interactive =
  options.open && !options['no-open'] && process.env.CI !== 'true' && process.stdout.isTTY;
if (interactive) openInBrowser(server.url);

function openInBrowser(url: string): void {
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  // No browser opener (a bare server): the printed URL is enough.
  child.on('error', () => undefined);
  child.unref();
}

const stop = async (): Promise<void> => {
  await server.close();
  engine.dispose();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
