import { flipFuses, FuseV1Options, FuseVersion, type FuseV1Config } from '@electron/fuses';

/**
 * Electron's fuses for the packaged app: switches compiled into the Electron binary that no
 * environment variable, flag or code can turn back at run time. They are flipped once, on the
 * packaged copy of the binary (electron/main/README.md says where); the development binary in
 * node_modules/electron stays as downloaded. Packaging-time only: the app never imports this.
 */
export const WORKBENCH_FUSES = {
  version: FuseVersion.V1,
  // ELECTRON_RUN_AS_NODE would turn our signed binary into a plain Node for anyone's script.
  [FuseV1Options.RunAsNode]: false,
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS (--require a file) and --inspect would run or attach arbitrary code inside the
  // app, with its file access to every workspace.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // The app's code only from its app.asar, and only if the asar matches its recorded hash: no
  // swapped-in main script beside the binary. (DuckDB's native module loads from
  // app.asar.unpacked, which these allow.)
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The page comes from app:// (app-page.ts), so file:// needs none of its old powers (reading
  // any local file, a shared origin for all of them).
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
} as const satisfies FuseV1Config;

/**
 * Flips the workbench's fuses in a packaged Electron executable (on macOS the `.app` bundle or
 * the executable inside it). Returns how many fuse wires were written (2 in a universal macOS
 * binary). `resetAdHocDarwinSignature`: arm64 macOS builds that are not signed afterwards need
 * their ad-hoc signature renewed, or the changed binary will not start.
 */
export function flipWorkbenchFuses(
  executable: string,
  options: { resetAdHocDarwinSignature?: boolean } = {},
): Promise<number> {
  return flipFuses(executable, {
    ...WORKBENCH_FUSES,
    ...(options.resetAdHocDarwinSignature === true ? { resetAdHocDarwinSignature: true } : {}),
  });
}
