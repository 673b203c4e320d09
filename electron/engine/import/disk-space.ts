import { existsSync, statSync, statfsSync } from 'node:fs';
import path from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import type { FileFormat } from '../../../shared/api/import-types';
import { parseByteSize } from '../../../shared/util/byte-size';
import { formatBytes } from '../../../shared/util/format-bytes';
import { num, queryOne, setTempBudget, str } from '../duckdb/database';
import type { Workspace } from '../workspace/workspace';

/**
 * What an import takes on disk, per byte of input, measured with DuckDB 1.5.5 on generated
 * 4M- and 30M-event exports (7 columns) under 256 MB and 2 GB memory limits:
 *
 * - `unpacked`: the rows as DuckDB holds them while staging, deduplicating, deriving sessions
 *   and sorting; what does not fit in memory spills (4M events: 1.0 GB of spill from a 72 MB
 *   Parquet, a 370 MB CSV or an 85 MB CSV.gz at 256 MB; 30M events from a 541 MB Parquet: 6.4
 *   GB at 2 GB; none at 2 GB for 4M);
 * - `stored`: the compressed events table in the workspace file (172 MB for 4M events).
 *
 * Parquet packs repetitive columns tightly, so its factors are the highest; a real export with
 * more varied values packs less and is over-estimated, on the safe side.
 */
const PER_INPUT_BYTE: Record<FileFormat, { unpacked: number; stored: number }> = {
  parquet: { unpacked: 16, stored: 2.5 },
  csv: { unpacked: 3.5, stored: 0.5 },
  json: { unpacked: 2, stored: 0.3 },
};
/** A .gz export expands about this much (a 370 MB CSV gzips to 85 MB). */
const GZIP_RATIO = 5;
/**
 * Appending rewrites every stored event in (uid, ts) order beside the old copy, and sorts them:
 * appending 4M events to 4M (a 172 MB file) spilled 1.3 GB more than into an empty workspace.
 */
const UNPACKED_PER_STORED_BYTE = 7.5;
/** Room for the WAL, the derived tables (users, user_days, session_facts) and the estimate's error. */
const MARGIN = 1.2;
const SLACK = 16 * 1024 ** 2;

export interface SpaceEstimate {
  /** Bytes the workspace file grows by (the rewritten events beside the old ones). */
  file: number;
  /** Bytes spilled to the temp directory (and staged in the import's scratch folder). */
  spill: number;
}

export interface InputFile {
  file: string;
  bytes: number;
  gzip: boolean;
}

/**
 * What importing `inputs` needs on disk, from their size and format, the memory DuckDB may use
 * and the bytes the workspace holds now (rewritten by an append; left in place by a replace).
 */
export function estimateImportSpace(input: {
  files: InputFile[];
  format: FileFormat;
  memoryLimit: number;
  storedBytes: number;
  replace: boolean;
}): SpaceEstimate {
  const factors = PER_INPUT_BYTE[input.format];
  const expanded = input.files.reduce((n, f) => n + f.bytes * (f.gzip ? GZIP_RATIO : 1), 0);
  const gunzipped = input.files.reduce((n, f) => n + (f.gzip ? f.bytes * GZIP_RATIO : 0), 0);
  const stored = input.replace ? 0 : input.storedBytes;
  const newStored = expanded * factors.stored;
  const unpacked = expanded * factors.unpacked + stored * UNPACKED_PER_STORED_BYTE;
  // DuckDB keeps some of the limit for what cannot spill; half of it holds rows.
  const spilled = Math.max(0, unpacked - input.memoryLimit / 2);
  return {
    file: Math.ceil((stored + newStored) * MARGIN + SLACK),
    // The staged copy of the new rows and a decompressed copy of each .gz may sit on disk too.
    spill: Math.ceil((spilled + newStored + gunzipped) * MARGIN),
  };
}

type StatFs = typeof statfsSync;

/** The nearest existing folder at or above `p`: statfs and stat need one. */
function existing(p: string): string {
  let at = path.resolve(p);
  while (!existsSync(at) && path.dirname(at) !== at) at = path.dirname(at);
  return at;
}

/** Free bytes (for an unprivileged writer) and a device id of the file system holding `dir`. */
function diskOf(dir: string, statfs: StatFs): { free: number; device: number; at: string } {
  const at = existing(dir);
  const s = statfs(at);
  return { free: Number(s.bavail) * Number(s.bsize), device: statSync(at).dev, at };
}

/** Bytes of the workspace file and its write-ahead log: what a failed import may have grown. */
function fileBytes(file: string): number {
  const size = (p: string): number => (existsSync(p) ? statSync(p).size : 0);
  return file === ':memory:' ? 0 : size(file) + size(`${file}.wal`);
}

export interface SpaceGuard {
  /** Gives back what a failed import left in the workspace file, then rethrows `error`. */
  giveBack(error: unknown): Promise<never>;
}

/**
 * Before an import: refuses it with DISK_FULL, naming what it needs and what is free, when the
 * disk holding the workspace (and the spill folder beside it) cannot take it, unless the request
 * says skipSpaceCheck; then lets the spill use what the workspace file will not. After a
 * failure: gives the space the import took back (Workspace.reclaimSpace), so "free some space
 * and try again" is possible, and calls a spill over its bound what it is, a full disk.
 */
export async function checkImportSpace(
  workspace: Workspace,
  inputs: { files: string[]; format: FileFormat; gzipUnnamed: boolean },
  request: { mode: 'append' | 'replace'; skipSpaceCheck?: boolean },
  statfs: StatFs = statfsSync,
): Promise<SpaceGuard> {
  // One session for the checkpoint, the engine's settings and the spill bound.
  return workspace.use(async (c) => {
    // A log left from earlier changes would be checkpointed after a failure into a header that
    // counts the failed blocks (then no longer cut off): fold it into the file first.
    await workspace.checkpoint(c);
    const before = fileBytes(workspace.path);
    const guard: SpaceGuard = {
      async giveBack(error: unknown): Promise<never> {
        if (fileBytes(workspace.path) > before) await workspace.reclaimSpace().catch(() => 0);
        throw spillBoundError(error) ?? error;
      },
    };
    if (request.skipSpaceCheck === true) return guard;
    await checkFreeSpace(c, workspace, inputs, request, statfs);
    return guard;
  });
}

/** Refuses the import with DISK_FULL when it does not fit; else bounds its spill to what is free. */
async function checkFreeSpace(
  c: DuckDBConnection,
  workspace: Workspace,
  inputs: { files: string[]; format: FileFormat; gzipUnnamed: boolean },
  request: { mode: 'append' | 'replace' },
  statfs: StatFs,
): Promise<void> {
  const files = inputs.files.map((file) => ({
    file,
    bytes: existsSync(file) ? statSync(file).size : 0,
    gzip: inputs.gzipUnnamed || /\.gz$/i.test(file),
  }));
  const engine = await queryOne(
    c,
    `SELECT current_setting('memory_limit') AS memory, current_setting('temp_directory') AS temp,
            (SELECT used_blocks * block_size FROM pragma_database_size()
             WHERE database_name = current_database()) AS stored`,
  );
  const estimate = estimateImportSpace({
    files,
    format: inputs.format,
    memoryLimit: parseByteSize(str(engine.memory) ?? '') ?? 0,
    storedBytes: workspace.path === ':memory:' ? 0 : num(engine.stored),
    replace: request.mode === 'replace',
  });

  // The file and the spill folder are usually on one disk; when not, each is checked on its own.
  const fileDisk =
    workspace.path === ':memory:' ? undefined : diskOf(path.dirname(workspace.path), statfs);
  const spillDisk = diskOf(str(engine.temp) ?? path.dirname(workspace.path), statfs);
  const needs = new Map<number, { disk: typeof spillDisk; bytes: number }>();
  const add = (disk: typeof spillDisk, bytes: number): void => {
    const entry = needs.get(disk.device) ?? { disk, bytes: 0 };
    entry.bytes += bytes;
    needs.set(disk.device, entry);
  };
  if (fileDisk !== undefined) add(fileDisk, estimate.file);
  add(spillDisk, estimate.spill);

  for (const { disk, bytes } of needs.values()) {
    if (bytes <= disk.free) continue;
    const what =
      files.length === 1
        ? `${path.basename(files[0]?.file ?? '')} (${formatBytes(files[0]?.bytes ?? 0)})`
        : `${files.length} files (${formatBytes(files.reduce((n, f) => n + f.bytes, 0))})`;
    throw new ApiError(
      'DISK_FULL',
      `Not enough free disk space to import ${what}: it needs about ${formatBytes(bytes)} on the disk holding ${disk.at} ` +
        `(the workspace grows by about ${formatBytes(estimate.file)}, and the import spills about ${formatBytes(estimate.spill)} while it sorts), ` +
        `and ${formatBytes(disk.free)} is free. Free some space or move the workspace to a bigger disk; ` +
        `if you know the estimate is too high, import anyway (CLI: --skip-space-check; API: skipSpaceCheck: true).`,
      {
        needed: bytes,
        free: disk.free,
        folder: disk.at,
        estimate,
        files: files.map((f) => f.file),
      },
    );
  }
  // The spill may use what the file does not need; the rest of the disk stays free.
  const spillRoom =
    fileDisk !== undefined && fileDisk.device === spillDisk.device
      ? spillDisk.free - estimate.file
      : spillDisk.free;
  await setTempBudget(c, Math.max(spillRoom * 0.95, estimate.spill)).catch(() => undefined);
}

/**
 * DuckDB says "failed to offload data block" when the spill folder reaches its bound
 * (max_temp_directory_size): for the analyst that is a full disk, so it is reported as one.
 */
function spillBoundError(error: unknown): ApiError | undefined {
  const raw =
    error instanceof ApiError
      ? String(error.detail?.engine ?? error.message)
      : error instanceof Error
        ? error.message
        : String(error);
  if (!/failed to offload data block|max_temp_directory_size/i.test(raw)) return undefined;
  return new ApiError(
    'DISK_FULL',
    'The import needed more room for its temporary files than the disk has free, and stopped. Nothing was imported; free some space and try again.',
    error instanceof ApiError ? error.detail : { engine: raw.slice(0, 4000) },
  );
}
