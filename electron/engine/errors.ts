import { ApiError } from '../../shared/api/errors';

/**
 * Turns whatever a DuckDB call threw into the contract's error shape, with a message an analyst
 * can act on. `context.file` names the file being read when the engine message does not.
 */
export function toApiError(
  error: unknown,
  context: { file?: string; sql?: boolean } = {},
): ApiError {
  if (error instanceof ApiError) return error;
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw.split('\n')[0] ?? raw;
  const file =
    /file[ =]*["']?([^"'\n]+?)["']?(\n|$)/.exec(raw)?.[1]?.trim() ??
    /(?:file|File) ["']([^"'\n]+)["']/.exec(raw)?.[1] ??
    context.file;
  const line = Number(/CSV Error on Line: (\d+)/.exec(raw)?.[1] ?? NaN);
  const where = file === undefined ? '' : `${file}${Number.isNaN(line) ? '' : ` line ${line}`}: `;
  const detail: Record<string, unknown> = { engine: raw.slice(0, 4000) };
  if (file !== undefined) detail.file = file;
  if (!Number.isNaN(line)) detail.line = line;

  if (/INTERRUPT|Interrupted/i.test(raw)) {
    return new ApiError('CANCELLED', 'Cancelled. Nothing was changed.', detail);
  }
  if (/No space left on device|disk is full|Could not write|out of disk/i.test(raw)) {
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
      `${where}not a readable Parquet file (${message.replace(/^[A-Za-z ]+Error: /, '')}). It may be truncated or still being written: export or copy it again.`,
      detail,
    );
  }
  if (/Malformed JSON|JSON/i.test(message) && /read_json|JSON/.test(raw) && !/CSV/.test(raw)) {
    return new ApiError(
      'BAD_JSON',
      `${where}the JSON could not be read (${message.replace(/^[A-Za-z ]+Error: /, '')}). Check the file is NDJSON (one object per line) or one JSON array.`,
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
  if (/No files found that match/i.test(raw)) {
    return new ApiError('FILE_NOT_FOUND', `${where}file not found.`, detail);
  }
  if (/read-only|read only/i.test(raw)) {
    return new ApiError(
      'READ_ONLY',
      `${message.replace(/^[A-Za-z ]+Error: /, '')}. The workspace is open read-only; pass --write (CLI) to change it.`,
      detail,
    );
  }
  if (context.sql) {
    return new ApiError('SQL_ERROR', raw.replace(/\n+$/, ''), detail);
  }
  return new ApiError('INTERNAL', `Unexpected engine error: ${message}`, detail);
}
