#!/usr/bin/env node
// npm start: the desktop app where Electron can start; otherwise one line saying why, then the
// fallback. Never `require('electron')` to find out: newer versions download on require.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.join(root, 'node_modules', 'electron');

function electronBinary() {
  const pathFile = path.join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function hasDisplay() {
  if (process.platform === 'darwin' || process.platform === 'win32') return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/** First start on a laptop with internet: fetch the binary with electron's own install script. */
function fetchElectron() {
  if (!existsSync(path.join(electronDir, 'install.js'))) return null;
  process.stderr.write('Fetching the Electron binary (first start only)…\n');
  const result = spawnSync(process.execPath, ['install.js'], {
    cwd: electronDir,
    stdio: ['ignore', 'ignore', 'ignore'],
    timeout: 120_000,
  });
  return result.status === 0 ? electronBinary() : null;
}

function run(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}

const forceBrowser = process.argv.includes('--browser') || process.env.CI === 'true';
let reason = null;
if (forceBrowser) reason = 'browser mode requested';
else if (!hasDisplay()) reason = 'no display to open a window on';
else if (electronBinary() === null && fetchElectron() === null) {
  reason = 'no Electron binary, and it could not be downloaded (no network?)';
}

if (reason === null) {
  const build = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    {
      cwd: root,
      stdio: 'inherit',
    },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
  run(electronBinary(), [root]);
} else {
  process.stderr.write(`Electron cannot start here (${reason}); starting browser mode instead.\n`);
  run(process.execPath, [path.join(root, 'scripts', 'web.mjs')]);
}
