#!/usr/bin/env node
// `npm run web` (and npm start's fallback, and the e2e servers): browser mode from its JavaScript
// bundle, built on first use like the CLI's (scripts/node-bundle.mjs). tsx is for development
// only: `npx tsx electron/server/web.ts` runs the same server from source.
import { runBundled } from './node-bundle.mjs';

await runBundled('web');
