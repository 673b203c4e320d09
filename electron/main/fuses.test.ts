import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses';
import { afterAll, describe, expect, it } from 'vitest';
import { flipWorkbenchFuses, WORKBENCH_FUSES } from './fuses';

// The Electron binary cannot be downloaded here, so the flip is tested on a stand-in with the
// same fuse wire layout: a sentinel, the wire's version and length, one byte per fuse
// ('0' off, '1' on), as Electron's build writes it.
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ON = 0x31;
const OFF = 0x30;
const dir = mkdtempSync(path.join(os.tmpdir(), 'workbench-fuses-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Electron 41's defaults: 9 fuses, RunAsNode, cookie encryption off, ... as shipped. */
function fakeElectron(fuses: number[]): string {
  const file = path.join(dir, `electron-${Math.random().toString(36).slice(2)}`);
  const before = Buffer.from('\x7fELF...code...');
  const wire = Buffer.from([...Buffer.from(SENTINEL), 1, fuses.length, ...fuses]);
  writeFileSync(file, Buffer.concat([before, wire, Buffer.from('...more code')]));
  return file;
}

describe('the packaged app’s fuses', () => {
  it('closes every door the workbench does not use', () => {
    expect(WORKBENCH_FUSES).toMatchObject({
      [FuseV1Options.RunAsNode]: false,
      [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
      [FuseV1Options.EnableNodeCliInspectArguments]: false,
      [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
      [FuseV1Options.OnlyLoadAppFromAsar]: true,
      [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
      [FuseV1Options.EnableCookieEncryption]: true,
    });
    // Every fuse the library knows is decided, none left to the binary's default.
    const known = Object.values(FuseV1Options).filter((v) => typeof v === 'number');
    expect(known.every((fuse) => fuse in WORKBENCH_FUSES)).toBe(true);
  });

  it('writes them into the binary’s fuse wire and nothing else', async () => {
    const shipped = [ON, OFF, ON, ON, OFF, OFF, OFF, ON, ON];
    const file = fakeElectron(shipped);
    const original = readFileSync(file);
    expect(await flipWorkbenchFuses(file)).toBe(1);
    const wire = await getCurrentFuseWire(file);
    expect(
      [0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => String.fromCharCode(wire[i as FuseV1Options] ?? 0)),
    ).toEqual(['0', '1', '0', '0', '1', '1', '0', '0', '1']);
    // Same length, and only the wire's bytes changed: a later fuse this version does not know
    // (index 8) keeps Electron's default.
    const flipped = readFileSync(file);
    expect(flipped.length).toBe(original.length);
    const changed = [...flipped.keys()].filter((i) => flipped[i] !== original[i]);
    const wireStart = original.indexOf(SENTINEL) + SENTINEL.length + 2;
    expect(changed.every((i) => i >= wireStart && i < wireStart + 8)).toBe(true);
  });

  it('refuses a file that is not an Electron binary', async () => {
    const file = path.join(dir, 'not-electron');
    writeFileSync(file, 'hello');
    await expect(flipWorkbenchFuses(file)).rejects.toThrow(/sentinel/);
  });
});
