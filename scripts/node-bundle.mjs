#!/usr/bin/env node
// The CLI and the browser-mode server as JavaScript bundles (esbuild), so a command starts in a
// fraction of a second instead of compiling TypeScript at every start (tsx: 1.8-2 s).
//
// `ensureBundle()` is what bin/workbench.js and scripts/web.mjs call: it returns the folder of a
// bundle built from the sources as they are now, building one first when there is none or a
// source changed since (a developer edits a file, then runs `npx workbench`). Right after
// `npm ci` on a clean clone the first command builds it (about a second); every later one reuses
// it. `node scripts/node-bundle.mjs` builds it outright (npm test does, before the tests).
//
// Several processes may start at once (vitest forks, Playwright workers): each build goes to a
// folder of its own and becomes current by an atomic rename of current.json, so a process never
// sees half a build, and one that is still running keeps the files it started from.
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outRoot = path.join(root, 'out', 'node');
const pointer = path.join(outRoot, 'current.json');

/**
 * Entry points, named as the files they become (cli.mjs, web.mjs). `import-reader` is the child
 * process imports read files in (electron/engine/import/reader.ts looks for it beside itself);
 * `engine-worker` is the worker thread of the analysis scans (electron/engine/workers/pool.ts
 * looks for it the same way).
 */
const ENTRIES = {
  cli: 'electron/cli/run.ts',
  web: 'electron/server/web.ts',
  'import-reader': 'electron/engine/import/reader-child.ts',
  'engine-worker': 'electron/engine/workers/worker-main.ts',
};

/**
 * Stay out of the bundle: DuckDB's Node API loads a native binary (libduckdb, 70 MB) from its
 * platform package beside it. Everything else (commander, zod, apache-arrow, ...) is bundled.
 */
const EXTERNAL = ['@duckdb/node-api', '@duckdb/node-bindings'];

/** A build is stale when this file, the lockfile (a new dependency) or any bundled input changed. */
const ALWAYS_CHECKED = ['scripts/node-bundle.mjs', 'package-lock.json'];

/** Finished builds older than this, other than the current one, are removed by the next build. */
const KEEP_OLD_MS = 10 * 60_000;

function stamp(relative) {
  try {
    const info = statSync(path.join(root, relative));
    return `${info.size}:${info.mtimeMs}`;
  } catch {
    return null;
  }
}

function readPointer() {
  try {
    const current = JSON.parse(readFileSync(pointer, 'utf8'));
    const dir = path.join(outRoot, current.dir);
    return existsSync(path.join(dir, 'cli.mjs')) ? { ...current, dir } : null;
  } catch {
    return null;
  }
}

/** Whether every input is as it was when the build was made (size and mtime of each). */
function isFresh(current) {
  return Object.entries(current.inputs).every(([file, seen]) => stamp(file) === seen);
}

async function loadEsbuild() {
  try {
    return await import('esbuild');
  } catch {
    return null;
  }
}

/** Builds the bundles into a new folder and makes it current; returns the folder. */
export async function buildBundle() {
  const esbuild = await loadEsbuild();
  if (esbuild === null) {
    throw new Error(
      'esbuild is not installed, so the workbench cannot be built. Run `npm ci` (with dev dependencies) in ' +
        root,
    );
  }
  mkdirSync(outRoot, { recursive: true });
  const name = `build-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;
  const dir = path.join(outRoot, name);
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: ENTRIES,
    outdir: dir,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunks/[name]-[hash]',
    external: EXTERNAL,
    // Bundled CommonJS packages (commander, cli-table3) call require() for Node built-ins.
    banner: {
      js: "import { createRequire as __workbenchRequire } from 'node:module'; const require = __workbenchRequire(import.meta.url);",
    },
    minify: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = {};
  for (const file of [...Object.keys(result.metafile.inputs), ...ALWAYS_CHECKED]) {
    if (file.startsWith('node_modules/')) continue;
    inputs[file] = stamp(file);
  }
  // Dependencies change as a whole with npm ci / npm install, which rewrites this file.
  inputs['node_modules/.package-lock.json'] = stamp('node_modules/.package-lock.json');
  const temp = `${pointer}.${process.pid}.${randomBytes(3).toString('hex')}`;
  await writeFile(temp, JSON.stringify({ dir: name, inputs }, null, 1));
  renameSync(temp, pointer);
  pruneOldBuilds(name);
  return dir;
}

function pruneOldBuilds(keep) {
  const now = Date.now();
  for (const entry of readdirSync(outRoot, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === keep || !entry.name.startsWith('build-')) continue;
    const full = path.join(outRoot, entry.name);
    if (now - statSync(full).mtimeMs > KEEP_OLD_MS) rmSync(full, { recursive: true, force: true });
  }
}

/**
 * The folder of an up-to-date bundle, built first when needed. Where esbuild is missing (an
 * install without dev dependencies) an existing bundle is used as it is.
 */
export async function ensureBundle() {
  const current = readPointer();
  if (current !== null && isFresh(current)) return current.dir;
  if (current !== null && (await loadEsbuild()) === null) return current.dir;
  return buildBundle();
}

/** Runs one entry of the bundle (`cli` or `web`) in this process. */
export async function runBundled(entry) {
  let dir;
  try {
    dir = await ensureBundle();
  } catch (error) {
    // A source that does not compile (a half-finished edit): say where, not esbuild's stack.
    const found = Array.isArray(error?.errors) ? error.errors : [];
    const where = found.map((e) =>
      e.location
        ? `  ${e.location.file}:${e.location.line}:${e.location.column}: ${e.text}`
        : `  ${e.text}`,
    );
    process.stderr.write(
      `error: the workbench could not be built from its sources (scripts/node-bundle.mjs):\n${where.length > 0 ? where.join('\n') : `  ${error instanceof Error ? error.message : String(error)}`}\n`,
    );
    process.exit(1);
  }
  // Stack traces of unexpected errors then name the TypeScript sources (about 10 ms at start).
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(path.join(dir, `${entry}.mjs`)).href);
}

if (
  process.argv[1] !== undefined &&
  path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
  const started = performance.now();
  const dir = await buildBundle();
  process.stderr.write(
    `Built ${Object.keys(ENTRIES).join(', ')} into ${path.relative(root, dir)} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
