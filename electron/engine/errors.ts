import { ApiError } from '../../shared/api/errors';

/**
 * What the engine was doing when DuckDB threw: the same engine message needs different advice in
 * each. "Malformed JSON" is the file's fault while importing, but the analyst's own statement in
 * the SQL view (`SELECT '{'::JSON`), so file-reading advice is given in the import context only.
 *
 * - `import`: reading the files of an import or preview; `file` names them when the engine
 *   message does not, and `aliases` maps private copies (a decompressed .gz, a pipe saved to a
 *   temp file) back to the names the analyst gave.
 * - `sql`: the SQL view (`{ sql: true }` is the same, the shape sql-query.ts has always passed).
 * - `analysis`: running an analysis spec: a number out of range is the spec's, not a bug.
 * - anything else (the default): opening workspaces, settings, segments.
 */
export type ErrorContext =
  | { in: 'import'; file?: string | undefined; aliases?: Readonly<Record<string, string>> }
  | { in: 'sql' }
  | { sql: true }
  | { in: 'analysis' }
  | { in: 'engine' };

type Place = 'import' | 'sql' | 'analysis' | 'engine';

function placeOf(context: ErrorContext): Place {
  if ('sql' in context) return 'sql';
  return context.in;
}

const stripKind = (message: string): string => message.replace(/^[A-Za-z ]+Error: /, '');

/**
 * Turns whatever a DuckDB or Node call threw into the contract's error shape, with a message an
 * analyst can act on in the context it happened in.
 */
export function toApiError(error: unknown, context: ErrorContext = { in: 'engine' }): ApiError {
  if (error instanceof ApiError) return error;
  const place = placeOf(context);
  let raw = error instanceof Error ? error.message : String(error);
  const importing = 'in' in context && context.in === 'import' ? context : undefined;
  for (const [copy, original] of Object.entries(importing?.aliases ?? {})) {
    raw = raw.replaceAll(copy, original);
  }
  const message = raw.split('\n')[0] ?? raw;
  const errno = errnoOf(error);
  const detail: Record<string, unknown> = { engine: raw.slice(0, 4000) };

  if (/INTERRUPT|Interrupted/i.test(raw)) {
    return new ApiError('CANCELLED', 'Cancelled. Nothing was changed.', detail);
  }
  if (errno === 'ENOSPC' || /No space left on device|disk is full|out of disk/i.test(raw)) {
    return new ApiError(
      'DISK_FULL',
      `The disk holding the workspace is full (${message}). Nothing was imported; free some space and try again.`,
      detail,
    );
  }
  if (/Could not set lock on file/i.test(raw)) {
    const holder = /Conflicting lock is held in (.+?) \(PID (\d+)\)/.exec(raw);
    const who = holder ? ` (${holder[1]}, PID ${holder[2]})` : '';
    return new ApiError(
      'WORKSPACE_LOCKED',
      `This workspace is open in another process${who}. Close it there (or the workbench window using it) and try again.`,
      detail,
    );
  }
  if (place === 'import') return importError(raw, message, errno, detail, importing?.file);
  if (/Could not write|write failed/i.test(raw) && place !== 'sql') {
    return new ApiError(
      'DISK_FULL',
      `The workspace file could not be written (${message}). Check the disk has space and the file is writable.`,
      detail,
    );
  }
  const readOnly = readOnlyError(raw, message, detail);
  if (readOnly !== undefined) return readOnly;
  if (place === 'sql') return new ApiError('SQL_ERROR', raw.replace(/\n+$/, ''), detail);
  if (
    place === 'analysis' &&
    /out of range|overflow|Could not convert|Conversion Error/i.test(raw)
  ) {
    return new ApiError(
      'INVALID_REQUEST',
      `A number in the analysis is out of range for the data (${stripKind(message)}). Use a smaller value.`,
      detail,
    );
  }
  return new ApiError('INTERNAL', `Unexpected engine error: ${message}`, detail);
}

/** A write refused because the workspace is open read-only, in any context. */
function readOnlyError(
  raw: string,
  message: string,
  detail: Record<string, unknown>,
): ApiError | undefined {
  if (!/read-only|read only/i.test(raw)) return undefined;
  return new ApiError(
    'READ_ONLY',
    `${stripKind(message)}. The workspace is open read-only; pass --write (CLI) to change it.`,
    detail,
  );
}

function errnoOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error)) return undefined;
  const code = (error as { code: unknown }).code;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) ? code : undefined;
}

/** Reading an import's files: name the file (and line where the engine knows it) and the fix. */
function importError(
  raw: string,
  message: string,
  errno: string | undefined,
  detail: Record<string, unknown>,
  contextFile: string | undefined,
): ApiError {
  // CSV errors list their options as "  file = /path"; JSON and Parquet say 'file "/path"'.
  const file =
    /^\s*file = (.+?)\s*$/m.exec(raw)?.[1] ??
    /\b[Ff]ile ["']([^"'\n]+)["']/.exec(raw)?.[1] ??
    (errno === undefined ? undefined : /'([^'\n]+)'\s*$/.exec(message)?.[1]) ??
    contextFile;
  const line = Number(/CSV Error on Line: (\d+)/.exec(raw)?.[1] ?? NaN);
  const where = file === undefined ? '' : `${file}${Number.isNaN(line) ? '' : ` line ${line}`}: `;
  if (file !== undefined) detail.file = file;
  if (!Number.isNaN(line)) detail.line = line;

  if (errno === 'EACCES' || errno === 'EPERM' || /Permission denied/i.test(raw)) {
    return new ApiError(
      'UNREADABLE_FILE',
      `${where}the file cannot be read (permission denied). Check that you may read it and its folder (ls -l), or copy it somewhere readable and import the copy.`,
      detail,
    );
  }
  if (errno === 'ENOENT' || /No files found that match/i.test(raw)) {
    return new ApiError(
      'FILE_NOT_FOUND',
      `${where}file not found. Check the path; it may have been moved while importing.`,
      detail,
    );
  }
  if (errno === 'EISDIR' || errno === 'EIO') {
    return new ApiError(
      'UNREADABLE_FILE',
      `${where}the file cannot be read (${errno}). Copy it to a local disk and import the copy.`,
      detail,
    );
  }
  if (/Invalid unicode|not utf-8 encoded/i.test(raw)) {
    return new ApiError(
      'NOT_UTF8',
      `${where}the file is not UTF-8 text. Convert it to UTF-8 (e.g. iconv -f latin1 -t utf-8) and import again.`,
      detail,
    );
  }
  if (/No magic bytes found|Parquet|parquet/.test(raw) && !/CSV/.test(raw)) {
    return new ApiError(
      'BAD_PARQUET',
      `${where}not a readable Parquet file (${stripKind(message)}). It may be truncated or still being written: export or copy it again.`,
      detail,
    );
  }
  if (/gzip|GZIP|decompress/i.test(raw)) {
    return new ApiError(
      'BAD_GZIP',
      `${where}the compressed data is damaged (${stripKind(message)}). Download or copy the file again.`,
      detail,
    );
  }
  if (/Malformed JSON|JSON/i.test(message) && /read_json|JSON/.test(raw) && !/CSV/.test(raw)) {
    return new ApiError(
      'BAD_JSON',
      `${where}the JSON could not be read (${stripKind(message)}). Check the file is NDJSON (one object per line) or one JSON array.`,
      detail,
    );
  }
  if (/CSV Error|sniffing file|CSV file|Could not convert string/i.test(raw)) {
    const reason =
      /Error when converting column[^\n]*|Expected Number of Columns[^\n]*|Value with unterminated quote[^\n]*|Maximum line size[^\n]*/.exec(
        raw,
      )?.[0];
    return new ApiError(
      'BAD_CSV',
      `${where}the CSV could not be read${reason ? ` (${reason.trim()})` : ''}. Check the delimiter (--delimiter), quoting and that every line has the same number of fields.`,
      detail,
    );
  }
  if (/out of range|overflow|Conversion Error/i.test(raw)) {
    return new ApiError(
      'BAD_INPUT',
      `${where}a value in the file does not fit its column (${stripKind(message)}). Fix or remove that value, or map another column (--map).`,
      detail,
    );
  }
  if (/Could not write|write failed/i.test(raw)) {
    return new ApiError(
      'DISK_FULL',
      `${where}the import could not write its working copy (${message}). Check the disk has space.`,
      detail,
    );
  }
  const readOnly = readOnlyError(raw, message, detail);
  if (readOnly !== undefined) return readOnly;
  return new ApiError(
    'INTERNAL',
    `${where}unexpected engine error while reading: ${message}. Check the file opens in another tool; if it does, report this message.`,
    detail,
  );
}
