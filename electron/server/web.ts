import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ApiError } from '../../shared/api/errors';
import { Engine } from '../engine/engine';
import { createLocalClient } from '../engine/local-client';
import { startServer } from './http-server';

/**
 * `npm run web`: builds the renderer, opens a workspace (the demo unless told otherwise) and
 * serves both on 127.0.0.1 with a session token in the URL, like a notebook server. The URL is
 * printed as one line on stdout, and nothing else goes there, so scripts and tests can read it;
 * everything else goes to stderr.
 */
const USAGE = `Usage: npm run web -- [--workspace FILE] [--port N] [--no-build] [--no-open]

  --workspace FILE  open this workspace (created when missing) instead of the demo;
                    default: $WORKBENCH_WORKSPACE, else the demo workspace
  --port N          listen on this port; default: $WORKBENCH_PORT, else any free port
  --no-build        serve the renderer as last built (out/renderer)
  --no-open         do not open the URL in the system browser
`;

const options = parseOptions();
const root = packageRoot(import.meta.dirname);

if (options.build) {
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const engine = new Engine();
const api = createLocalClient(engine);
try {
  if (options.workspace !== undefined) {
    await api['workspace.open']({ path: path.resolve(options.workspace) });
  } else {
    process.stderr.write('Opening the demo workspace (generated on first use)…\n');
    await api['workspace.openDemo']({});
  }
} catch (error) {
  // An analyst-facing message ("the workspace is locked by another process"), not a stack.
  process.stderr.write(`${error instanceof ApiError ? error.message : String(error)}\n`);
  engine.dispose();
  process.exit(1);
}
const server = await startServer({
  engine,
  port: options.port,
  staticDir: path.join(root, 'out', 'renderer'),
});
process.stdout.write(`Retention Workbench (browser mode): ${server.url}\n`);
if (options.open && isInteractive()) openInBrowser(server.url);

let stopping = false;
const stop = async (): Promise<void> => {
  if (stopping) return;
  stopping = true;
  // A long call still running would keep close() waiting; the workspace is closed either way.
  setTimeout(() => process.exit(0), 3_000).unref();
  await server.close();
  engine.dispose();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());

/**
 * The folder of package.json: two levels up from this source file, three from its bundle
 * (out/node/<build>/web.mjs), so found by walking up rather than by a fixed count.
 */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}.`);
  }
}

function parseOptions(): {
  workspace: string | undefined;
  port: number;
  build: boolean;
  open: boolean;
} {
  let values;
  try {
    ({ values } = parseArgs({
      allowNegative: true,
      options: {
        workspace: { type: 'string', short: 'w' },
        port: { type: 'string' },
        build: { type: 'boolean', default: true },
        open: { type: 'boolean', default: true },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(USAGE);
    process.exit(0);
  }
  const portText = values.port ?? process.env.WORKBENCH_PORT ?? '0';
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) {
    process.stderr.write(`--port: '${portText}' is not a port number (0 = any free port).\n`);
    process.exit(2);
  }
  const workspace = values.workspace ?? (process.env.WORKBENCH_WORKSPACE || undefined);
  return { workspace, port, build: values.build, open: values.open };
}

/**
 * Someone at a terminal with a screen: the same test as `npm start` (CI=true means a machine;
 * on Linux no DISPLAY means xdg-open could only start a text browser in this terminal).
 */
function isInteractive(): boolean {
  if (process.env.CI === 'true' || !process.stdout.isTTY) return false;
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

function openInBrowser(url: string): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '', url]]
        : ['xdg-open', [url]];
  const child = spawn(command, args, { stdio: 'ignore', detached: true });
  // No opener installed: the printed URL is enough.
  child.on('error', () => undefined);
  child.unref();
}
