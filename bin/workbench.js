#!/usr/bin/env node
// `npx workbench`: runs the CLI's JavaScript bundle, built from the sources on first use and
// again whenever a source changes (scripts/node-bundle.mjs), so a command starts in a fraction
// of a second. Development without a bundle: `npx tsx electron/cli/run.ts ...`.
import { runBundled } from '../scripts/node-bundle.mjs';

await runBundled('cli');
