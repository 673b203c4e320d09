import { flipWorkbenchFuses, WORKBENCH_FUSES } from '../electron/main/fuses';
import { FuseV1Options } from '@electron/fuses';

/**
 * Packaging step: `npx tsx scripts/flip-fuses.ts <packaged executable or .app> [--reset-adhoc]`
 * flips the workbench's fuses (electron/main/fuses.ts) in a packaged copy of Electron, before it
 * is signed. Never run it on node_modules/electron: development needs that binary as shipped.
 */
const args = process.argv.slice(2);
const executable = args.find((a) => !a.startsWith('--'));
if (executable === undefined) {
  process.stderr.write(
    'Usage: npx tsx scripts/flip-fuses.ts <packaged executable or .app> [--reset-adhoc]\n',
  );
  process.exit(2);
}
if (/node_modules[\\/]electron[\\/]/.test(executable)) {
  process.stderr.write(`Refusing to flip the development binary ${executable}.\n`);
  process.exit(2);
}
try {
  const wires = await flipWorkbenchFuses(executable, {
    resetAdHocDarwinSignature: args.includes('--reset-adhoc'),
  });
  const set = Object.entries(WORKBENCH_FUSES)
    .filter(([key]) => key !== 'version')
    .map(([key, on]) => `${FuseV1Options[Number(key)] ?? key}=${String(on)}`);
  process.stdout.write(`Flipped ${wires} fuse wire(s) in ${executable}: ${set.join(', ')}\n`);
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
