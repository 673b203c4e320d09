import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';
import { contentSecurityPolicy } from './electron/main/csp';

/**
 * The built page carries the app's Content-Security-Policy as a <meta> tag: browser mode serves
 * it as a plain file, without the header the desktop's app:// handler sets (app-protocol.ts).
 * Not in development, where the dev server's header (electron/main/csp.ts) allows hot reload.
 */
function contentSecurityPolicyMeta(): Plugin {
  return {
    name: 'workbench-content-security-policy',
    apply: 'build',
    transformIndexHtml: () => [
      {
        tag: 'meta',
        attrs: {
          'http-equiv': 'Content-Security-Policy',
          content: contentSecurityPolicy({ meta: true }),
        },
        injectTo: 'head-prepend',
      },
    ],
  };
}

/**
 * electron-vite builds the three Electron targets. Native and Node-only packages (DuckDB) stay
 * external to the main bundle and load from node_modules at run time.
 */
export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          // The process imports read files in (electron/engine/import/reader.ts).
          'import-reader': resolve(import.meta.dirname, 'electron/engine/import/reader-child.ts'),
          // The worker thread of the analysis scans (electron/engine/workers/pool.ts).
          'engine-worker': resolve(import.meta.dirname, 'electron/engine/workers/worker-main.ts'),
          // The engine's utility process (electron/main/engine-host.ts).
          'engine-host': resolve(import.meta.dirname, 'electron/main/engine-host.ts'),
        },
        external: ['@duckdb/node-api', '@duckdb/node-bindings'],
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve(import.meta.dirname, 'electron/preload/index.ts') },
        // Sandboxed preload scripts cannot be ES modules.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    build: {
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
    plugins: [react(), contentSecurityPolicyMeta()],
  },
});
