import {
  existsSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  statSync,
  truncateSync,
} from 'node:fs';
import { num, openInstance, queryOne, connect } from '../duckdb/database';

/**
 * DuckDB's single-file layout: three 4 KiB headers (the file header and two alternating
 * database headers), then blocks of `block_size` bytes, numbered from 0. A checkpointed file is
 * exactly HEADER_BYTES + total_blocks * block_size long (workspace tests check this, so an
 * engine upgrade that changes the layout fails a test before it can cut a file short).
 */
export const DUCKDB_HEADER_BYTES = 3 * 4096;

/** How long the file would be if it ended at DuckDB's last block. */
export async function logicalSize(file: string): Promise<number> {
  const instance = await openInstance(file, { readOnly: true });
  try {
    const c = await connect(instance);
    try {
      const row = await queryOne(
        c,
        `SELECT total_blocks, block_size FROM pragma_database_size() WHERE database_name = current_database()`,
      );
      return DUCKDB_HEADER_BYTES + num(row.total_blocks) * num(row.block_size);
    } finally {
      c.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/**
 * Cuts off the tail of a closed workspace file that lies past DuckDB's last block, and returns
 * the bytes given back.
 *
 * Why this is needed (measured with DuckDB 1.5.5 on a 200 MB tmpfs): an import that fills the
 * disk fails and rolls back cleanly, but the file stays at 100% of the disk. The blocks the
 * rolled-back transaction wrote are only marked free; CHECKPOINT and FORCE CHECKPOINT do not
 * shrink the file (DuckDB truncates trailing free blocks only in a checkpoint that follows a
 * change, and on a full disk no change can commit: its WAL cannot be written), and a few of
 * those blocks stay marked used until the database is closed. After a close, DuckDB's header
 * ends at the last checkpoint's blocks and everything past it is garbage DuckDB would itself
 * overwrite as new blocks: cutting it restores the file to its size before the import, with
 * the same contents (same row hashes).
 *
 * Safe only on a file no instance has open, and only without a write-ahead log: a log may refer
 * to blocks written after the last checkpoint, which lie past the header's end. The cut never
 * goes below what DuckDB itself reports as the end of its blocks.
 */
export async function trimFileTail(file: string): Promise<number> {
  if (file === ':memory:' || !existsSync(file)) return 0;
  const wal = `${file}.wal`;
  if (existsSync(wal) && statSync(wal).size > 0) return 0;
  const logical = await logicalSize(file);
  const size = statSync(file).size;
  if (logical <= DUCKDB_HEADER_BYTES || logical >= size) return 0;
  truncateSync(file, logical);
  return size - logical;
}

/**
 * Whether this process still has `file` open: a connection that outlives its instance keeps the
 * database alive after closeSync, and a second instance on the same file in one process would
 * corrupt it (file locks do not guard within a process). Known on Linux only; null elsewhere.
 */
export function openInThisProcess(file: string): boolean | null {
  if (process.platform !== 'linux') return null;
  try {
    const target = realpathSync(file);
    return readdirSync('/proc/self/fd').some((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`) === target;
      } catch {
        return false;
      }
    });
  } catch {
    return null;
  }
}
