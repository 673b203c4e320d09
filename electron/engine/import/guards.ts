import {
  closeSync,
  constants,
  createReadStream,
  createWriteStream,
  openSync,
  readSync,
} from 'node:fs';
import { stat, statfs } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { ApiError } from '../../../shared/api/errors';
import { formatBytes } from '../../../shared/util/format-bytes';
import type { ResolvedInputs } from './inputs';

/**
 * Checks on an import's files that run before DuckDB reads them, because what they guard
 * against takes DuckDB (and the app with it) down or never ends: a gzip bomb, a gzip cut short
 * (DuckDB imported the rows before the cut and said nothing), a JSON line nested 10,000 levels
 * deep (a segfault), a pipe (a hang).
 */

/**
 * Event exports compress 5-20x (repetitive JSON keys up to ~40x); a 7.8 MB file that expands
 * to 3 GB (385x) is a bomb. Beyond this ratio decompression stops, unless the request allows
 * more (`maxDecompressionRatio`, CLI `--max-decompression-ratio`).
 */
export const DEFAULT_MAX_DECOMPRESSION_RATIO = 100;
/** Below this much output any ratio is harmless (a small file of one line repeated). */
const RATIO_FREE_BYTES = 64 * 1024 ** 2;
/**
 * No export nests deeper than a few dozen levels; DuckDB's JSON reader crashed at 10,000 and
 * needed 4 GB at 5,000 (its types are inferred to 16 levels, deeper values are kept as JSON text).
 */
export const MAX_JSON_DEPTH = 1_000;
/** The depth limit in force: WORKBENCH_MAX_JSON_DEPTH raises it (a file that truly nests deeper, tests). */
function maxJsonDepth(): number {
  const set = Number(process.env.WORKBENCH_MAX_JSON_DEPTH);
  return Number.isInteger(set) && set > 0 ? set : MAX_JSON_DEPTH;
}
/** A pipe that sends nothing for this long is refused rather than waited on forever. */
export const PIPE_IDLE_MS = 60_000;
/** A pipe is copied only while the disk keeps this much free. */
const PIPE_DISK_RESERVE = 1024 ** 3;

export interface GuardOptions {
  maxDecompressionRatio?: number;
  signal?: AbortSignal;
}

export interface PreparedInputs {
  inputs: ResolvedInputs;
  /** Private copy -> the name the analyst gave, to name the right file in messages. */
  aliases: Record<string, string>;
}

/**
 * The inputs as DuckDB should read them: gzip files decompressed (verified to their end: CRC and
 * length) into the scratch folder, JSON files checked for nesting depth.
 */
export async function prepareInputs(
  inputs: ResolvedInputs,
  scratchDir: string,
  options: GuardOptions = {},
): Promise<PreparedInputs> {
  const paths: string[] = [];
  const aliases: Record<string, string> = {};
  for (const [i, file] of inputs.files.entries()) {
    let at = inputs.paths[i] ?? file;
    if (await isGzip(at)) {
      const plain = path.join(scratchDir, `${i}-${path.basename(file).replace(/\.gz$/i, '')}`);
      await decompressGzip(at, plain, file, options);
      at = plain;
    }
    if (at !== file) aliases[at] = file;
    if (inputs.format === 'json') checkJsonDepth(at, file);
    paths.push(at);
  }
  return { inputs: { ...inputs, paths, gzipUnnamed: false }, aliases };
}

async function isGzip(file: string): Promise<boolean> {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** Streams `source` (gzip) into `target`, refusing a bomb and a stream that is cut or damaged. */
export async function decompressGzip(
  source: string,
  target: string,
  name: string,
  options: GuardOptions = {},
): Promise<number> {
  const compressed = (await stat(source)).size;
  const ratio = options.maxDecompressionRatio ?? DEFAULT_MAX_DECOMPRESSION_RATIO;
  const limit = Math.max(RATIO_FREE_BYTES, compressed * ratio);
  let read = 0;
  let written = 0;
  const countIn = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      read += chunk.length;
      done(null, chunk);
    },
  });
  const countOut = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      if (written > limit) {
        done(
          new ApiError(
            'DECOMPRESSION_LIMIT',
            `${name} expands more than ${ratio} times its size (${formatBytes(compressed)} compressed, over ${formatBytes(limit)} decompressed so far), far beyond what event exports compress to, so it was stopped as a possible decompression bomb. If the file is genuine, import it with --max-decompression-ratio ${ratio * 10} (API: maxDecompressionRatio), or decompress it yourself and import the result.`,
            { file: name, compressedBytes: compressed, limitBytes: limit, ratio },
          ),
        );
        return;
      }
      done(null, chunk);
    },
  });
  try {
    await pipeline(
      createReadStream(source),
      countIn,
      createGunzip(),
      countOut,
      createWriteStream(target),
      options.signal === undefined ? {} : { signal: options.signal },
    );
  } catch (error) {
    if (error instanceof ApiError) throw error;
    const e = error as NodeJS.ErrnoException;
    if (e.name === 'AbortError') throw new ApiError('CANCELLED', 'Cancelled. Nothing was changed.');
    if (e.code === 'ENOSPC') {
      throw new ApiError(
        'DISK_FULL',
        `The disk is full: ${name} decompresses to more than the ${formatBytes(written)} that fitted. Free some space and try again.`,
        { file: name },
      );
    }
    if (e.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(e.message)) {
      throw new ApiError(
        'BAD_GZIP',
        `${name} is cut short: its compressed data ends after ${formatBytes(compressed)}, in the middle of the stream (${formatBytes(written)} decompressed). The download or copy was probably interrupted: download or copy it again. Nothing was imported.`,
        { file: name, compressedBytes: compressed, decompressedBytes: written },
      );
    }
    if (e.code === 'Z_DATA_ERROR' || e.code?.startsWith('Z_') === true) {
      const check = /check/i.test(e.message);
      throw new ApiError(
        'BAD_GZIP',
        check
          ? `${name} is damaged: its decompressed data does not match the checksum stored in it (${e.message}). Download or copy it again. Nothing was imported.`
          : `${name} is damaged near compressed byte ${read.toLocaleString('en-US')} (${e.message}). Download or copy it again. Nothing was imported.`,
        { file: name, compressedBytes: compressed, at: read, zlib: e.message },
      );
    }
    throw error;
  }
  return written;
}

/**
 * Throws when a JSON value in `file` nests deeper than MAX_JSON_DEPTH, naming the line. A byte
 * scan: brackets outside strings open and close levels; it never builds the values.
 */
export function checkJsonDepth(file: string, name: string, maxDepth = maxJsonDepth()): void {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let depth = 0;
  let inString = false;
  let escaped = false;
  let line = 1;
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) return;
      for (let i = 0; i < n; i++) {
        const b = buf[i];
        if (inString) {
          if (escaped) escaped = false;
          else if (b === 0x5c) escaped = true;
          else if (b === 0x22) inString = false;
        } else if (b === 0x22) inString = true;
        else if (b === 0x5b || b === 0x7b) {
          if (++depth > maxDepth) {
            throw new ApiError(
              'BAD_JSON',
              `${name} line ${line.toLocaleString('en-US')}: a value nests more than ${maxDepth.toLocaleString('en-US')} levels deep. No event export nests like that: the line is damaged or generated. Remove or fix it and import again.`,
              { file: name, line, depth, maxDepth },
            );
          }
        } else if (b === 0x5d || b === 0x7d) depth = Math.max(0, depth - 1);
        else if (b === 0x0a) line++;
      }
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Copies a pipe into `target` without ever blocking a thread: opened non-blocking and read as a
 * socket, so a FIFO nobody writes to fails after PIPE_IDLE_MS instead of hanging, and a
 * cancelled import stops it. Stops before the copy would leave the disk nearly full.
 */
export async function copyPipe(
  source: string,
  target: string,
  signal?: AbortSignal,
  idleMs = PIPE_IDLE_MS,
): Promise<void> {
  const fd = openSync(source, constants.O_RDONLY | constants.O_NONBLOCK);
  const socket = new net.Socket({ fd, readable: true, writable: false });
  socket.setTimeout(idleMs);
  let written = 0;
  let sinceCheck = 0;
  const free = async (): Promise<number> => {
    const s = await statfs(path.dirname(target));
    return Number(s.bavail) * Number(s.bsize);
  };
  let room = (await free()) - PIPE_DISK_RESERVE;
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      written += chunk.length;
      sinceCheck += chunk.length;
      const pass = (): void => {
        if (written > room) {
          done(
            new ApiError(
              'DISK_FULL',
              `${source}: the pipe sent more than the disk can hold (${formatBytes(written)} so far). Free some space, or save the data to a file on a bigger disk and import that.`,
              { file: source, bytes: written },
            ),
          );
        } else done(null, chunk);
      };
      if (sinceCheck < 64 * 1024 ** 2) {
        pass();
        return;
      }
      sinceCheck = 0;
      void free().then((f) => {
        room = written + f - PIPE_DISK_RESERVE;
        pass();
      }, pass);
    },
  });
  socket.on('timeout', () =>
    socket.destroy(
      new ApiError(
        'UNREADABLE_FILE',
        `${source} is a pipe that sent ${written === 0 ? 'nothing' : `nothing more after ${formatBytes(written)}`} for ${idleMs / 1000} s. Is the program writing to it still running? Save its output to a file and import that.`,
        { file: source, bytes: written },
      ),
    ),
  );
  try {
    await pipeline(
      socket,
      guard,
      createWriteStream(target),
      signal === undefined ? {} : { signal },
    );
  } catch (error) {
    if ((error as Error).name === 'AbortError') {
      throw new ApiError('CANCELLED', 'Cancelled. Nothing was changed.');
    }
    throw error;
  }
}
