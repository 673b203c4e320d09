import { createReadStream, type Stats } from 'node:fs';
import { stat, readdir } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { glob, isDynamicPattern } from 'tinyglobby';
import { ApiError } from '../../../shared/api/errors';
import type { FileFormat } from '../../../shared/api/import-types';
import { copyPipe } from './guards';
import type { Scratch } from './scratch';

export interface ResolvedInputs {
  /** The files as the analyst named them: what messages and the sources table show. */
  files: string[];
  /**
   * What readers open, one per file: the file itself, or a private copy in the import's scratch
   * folder (a pipe saved to a file, a decompressed .gz).
   */
  paths: string[];
  format: FileFormat;
  /** Gzip files whose name does not say so: DuckDB must be told (it decides by extension). */
  gzipUnnamed: boolean;
  bytes: number;
}

const EXTENSION_FORMATS: [RegExp, FileFormat][] = [
  [/\.(csv|tsv|txt|tab)(\.gz)?$/i, 'csv'],
  [/\.(parquet|pq)$/i, 'parquet'],
  [/\.(json|ndjson|jsonl)(\.gz)?$/i, 'json'],
];
const HEAD_BYTES = 64 * 1024;

export interface ResolveOptions {
  /** Where a pipe (`<(cat f.csv)`, a FIFO) is saved before reading; without one it is refused. */
  scratch?: Scratch;
  signal?: AbortSignal;
}

/** Files, folders (every supported file below them, sorted) and globs, each checked to exist. */
export async function resolveInputs(
  patterns: string[],
  formatOverride?: FileFormat,
  options: ResolveOptions = {},
): Promise<ResolvedInputs> {
  const files: string[] = [];
  /** Pipes read into a private copy: the copy is what gets read. */
  const copies = new Map<string, string>();
  for (const pattern of patterns) {
    // A path that exists is that file or folder, even when its name reads as a glob: browsers
    // save a repeated download as 'events (1).csv', and '(1)' is glob syntax.
    const exists = (await stat(path.resolve(pattern)).catch(() => null)) !== null;
    if (!exists && isDynamicPattern(pattern)) {
      const matched = await glob(pattern, { absolute: true, onlyFiles: true });
      if (matched.length === 0) {
        throw new ApiError('FILE_NOT_FOUND', `No file matches ${pattern}.`, { pattern });
      }
      files.push(...matched.sort());
      continue;
    }
    const absolute = path.resolve(pattern);
    const info = await statOrExplain(absolute);
    if (!info.isFile() && !info.isDirectory()) {
      copies.set(absolute, await copySpecial(absolute, info, options));
      files.push(absolute);
    } else if (info.isDirectory()) {
      const inside = await listFolder(absolute);
      if (inside.length === 0) {
        throw new ApiError(
          'FILE_NOT_FOUND',
          `The folder ${absolute} holds no .csv, .tsv, .parquet, .json or .ndjson file.`,
          { folder: absolute },
        );
      }
      files.push(...inside);
    } else {
      files.push(absolute);
    }
  }

  const unique = [...new Set(files)];
  const paths = unique.map((f) => copies.get(f) ?? f);
  let bytes = 0;
  const formats = new Map<string, FileFormat>();
  const gzipped: boolean[] = [];
  const unnamed: boolean[] = [];
  for (const [i, file] of unique.entries()) {
    const at = paths[i] ?? file;
    const info = await stat(at).catch((e: unknown) => unreadable(file, e));
    bytes += info.size;
    const head = await readHead(at, file).catch((e: unknown) => unreadable(file, e));
    if (info.size === 0 || head.text.trim() === '') {
      throw new ApiError(
        'EMPTY_FILE',
        `${file} is empty. Export it again, or leave it out of the import.`,
        { file },
      );
    }
    const format = formatOverride ?? detectFormat(file, head);
    if (format !== 'parquet') checkText(file, head);
    formats.set(file, format);
    gzipped.push(head.gzip);
    unnamed.push(head.gzip && !/\.gz$/i.test(file));
  }
  const distinct = [...new Set(formats.values())];
  if (distinct.length > 1) {
    const list = [...formats].map(([f, fmt]) => `${path.basename(f)} (${fmt})`).join(', ');
    throw new ApiError(
      'MIXED_FORMATS',
      `These files are not all in one format: ${list}. Import each format separately.`,
      { files: Object.fromEntries(formats) },
    );
  }
  const format = distinct[0];
  if (format === undefined) throw new ApiError('FILE_NOT_FOUND', 'No input file was given.');
  const gzipUnnamed = unnamed.some(Boolean);
  if (gzipUnnamed && !gzipped.every(Boolean)) {
    const file = unique[unnamed.indexOf(true)];
    throw new ApiError(
      'UNSUPPORTED_FORMAT',
      `${file} is gzip-compressed but its name does not end in .gz, and other files are not compressed. Rename it to end in .gz.`,
      { file },
    );
  }
  return { files: unique, paths, format, gzipUnnamed, bytes };
}

/** The file's stat, or an error that says why it cannot be reached: missing, or a folder we may not open. */
async function statOrExplain(absolute: string): Promise<Stats> {
  try {
    return await stat(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      // The deepest folder we can still look at is the one we may not open.
      let folder = path.dirname(absolute);
      while ((await stat(folder).catch(() => null)) === null && path.dirname(folder) !== folder) {
        folder = path.dirname(folder);
      }
      throw new ApiError(
        'UNREADABLE_FILE',
        `${absolute} cannot be read: you have no permission to open the folder ${folder}. Ask its owner for access (or chmod +x it), or copy the file somewhere readable.`,
        { file: absolute, folder },
      );
    }
    throw new ApiError(
      'FILE_NOT_FOUND',
      `${absolute} does not exist. Check the path (a folder or a glob such as 'exports/*.csv' also works).`,
      { file: absolute },
    );
  }
}

function unreadable(file: string, error: unknown): never {
  if (error instanceof ApiError) throw error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') {
    throw new ApiError(
      'UNREADABLE_FILE',
      `${file} cannot be read: you have no permission to read it. Check its permissions (ls -l; chmod +r), or copy it somewhere readable.`,
      { file },
    );
  }
  throw new ApiError(
    'UNREADABLE_FILE',
    `${file} cannot be read (${error instanceof Error ? error.message : String(error)}). Copy it to a local disk and import the copy.`,
    { file, code },
  );
}

/**
 * Pipes (`<(cat f.csv)` is /dev/fd/63, a FIFO made with mkfifo) can be read once and cannot be
 * sought, while DuckDB reads a file several times (types, then rows): they are saved to the
 * scratch folder first. Devices and sockets are refused.
 */
async function copySpecial(file: string, info: Stats, options: ResolveOptions): Promise<string> {
  if (!info.isFIFO()) {
    throw new ApiError(
      'UNSUPPORTED_FORMAT',
      `${file} is not a file (it is a ${info.isSocket() ? 'socket' : 'device'}). Save the data to a file and import that.`,
      { file },
    );
  }
  if (options.scratch === undefined) {
    throw new ApiError(
      'UNSUPPORTED_FORMAT',
      `${file} is a pipe, which this import cannot read. Save the data to a file and import that.`,
      { file },
    );
  }
  const target = options.scratch.file(`pipe-${path.basename(file)}`);
  await copyPipe(file, target, options.signal);
  return target;
}

async function listFolder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && EXTENSION_FORMATS.some(([re]) => re.test(e.name)))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

interface Head {
  bytes: Buffer;
  text: string;
  gzip: boolean;
}

/**
 * The first 64 KiB, decompressed when the file is gzip (whatever its name says). `name` is the
 * file as the analyst named it, when `file` is a private copy.
 */
export async function readHead(file: string, name: string = file): Promise<Head> {
  const raw = await readBytes(createReadStream(file, { start: 0, end: HEAD_BYTES - 1 }));
  const gzip = raw[0] === 0x1f && raw[1] === 0x8b;
  const bytes = gzip
    ? await readBytes(createReadStream(file).pipe(createGunzip()), HEAD_BYTES).catch(
        (error: unknown) => {
          throw new ApiError(
            'BAD_GZIP',
            `${name} starts like a gzip file but its data is damaged (${error instanceof Error ? error.message : String(error)}). Download or copy it again.`,
            { file: name },
          );
        },
      )
    : raw;
  return { bytes, text: bytes.toString('latin1'), gzip };
}

async function readBytes(stream: NodeJS.ReadableStream, limit = Infinity): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(buf);
      size += buf.length;
      if (size >= limit) break;
    }
  } catch (error) {
    // A truncated gzip still yields its first bytes; only an unreadable start is an error.
    if (chunks.length === 0) throw error;
  } finally {
    if ('destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, limit === Infinity ? undefined : limit);
}

function detectFormat(file: string, head: Head): FileFormat {
  if (head.bytes.subarray(0, 4).toString('latin1') === 'PAR1') return 'parquet';
  for (const [re, format] of EXTENSION_FORMATS) if (re.test(file)) return format;
  const first = head.text.trimStart()[0];
  if (first === '{' || first === '[') return 'json';
  if (looksBinary(head.bytes)) {
    throw new ApiError(
      'UNSUPPORTED_FORMAT',
      `${file} is not a CSV, Parquet or JSON file (it looks binary). Export events as CSV, Parquet or NDJSON.`,
      { file },
    );
  }
  return 'csv';
}

function looksBinary(bytes: Buffer): boolean {
  let control = 0;
  for (const b of bytes) {
    if (b === 0) return true;
    if (b < 9 || (b > 13 && b < 32)) control++;
  }
  return control > bytes.length * 0.01;
}

/** Binary garbage and non-UTF-8 text are caught here, before DuckDB guesses a dialect from them. */
function checkText(file: string, head: Head): void {
  if (looksBinary(head.bytes)) {
    throw new ApiError(
      'BINARY_FILE',
      `${file} holds binary data, not text. Is it the right file? CSV and JSON exports are text; Parquet files start with 'PAR1'.`,
      { file },
    );
  }
  // Drop a possibly cut multi-byte character at the end of the sample.
  const sample = head.bytes.length === HEAD_BYTES ? head.bytes.subarray(0, -4) : head.bytes;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample);
  } catch {
    const line = firstInvalidUtf8Line(sample);
    throw new ApiError(
      'NOT_UTF8',
      `${file} is not UTF-8 text (first bad byte on line ${line}). Save or convert it as UTF-8 (e.g. iconv -f latin1 -t utf-8) and import again.`,
      { file, line },
    );
  }
}

function firstInvalidUtf8Line(bytes: Buffer): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        decoder.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}
