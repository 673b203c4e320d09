import { closeSync, openSync, readSync } from 'node:fs';
import { ApiError } from '../../../shared/api/errors';
import { formatBytes } from '../../../shared/util/format-bytes';
import { readHead, type ResolvedInputs } from './inputs';

/**
 * When DuckDB's readers fail they name a line that is often wrong (an NDJSON error on line 3
 * reported as line 4, a 3 MB CSV line on line 3 as line 1) or none at all (a long line at line
 * 5,002 read as a delimiter problem). These look at the file as an analyst would, on the error
 * path only, and name the file, the line and the fix.
 */

const CANDIDATES = [',', ';', '\t', '|'];
/** DuckDB's read_csv default max_line_size. */
const MAX_CSV_LINE = 2_000_000;
const CHUNK = 1 << 20;

/** Fields on one line, honouring double quotes (enough to count them, not to parse values). */
function countFields(line: string, delimiter: string): number {
  let fields = 1;
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === delimiter) fields++;
  }
  return fields;
}

const describe = (d: string): string => (d === '\t' ? 'tab' : `'${d}'`);

/**
 * When DuckDB cannot work out a CSV's dialect it says so without a line. This looks at the first
 * 64 KiB as an analyst would: the delimiter of the header line, then the first line whose field
 * count differs from it; failing that, the whole file for a line too long to be read.
 * `name` is the file as the analyst named it when `file` is a private copy.
 */
export async function diagnoseCsv(
  file: string,
  delimiter?: string,
  name: string = file,
): Promise<ApiError> {
  const head = await readHead(file, name);
  const text = head.bytes.toString('utf8');
  const lines = text.split(/\r?\n/);
  if (head.bytes.length >= 64 * 1024) lines.pop(); // possibly cut
  const header = lines[0] ?? '';
  const delim =
    delimiter ??
    CANDIDATES.map((d) => ({ d, n: countFields(header, d) })).sort((a, b) => b.n - a.n)[0]?.d ??
    ',';
  const expected = countFields(header, delim);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    const found = countFields(line, delim);
    if (found !== expected) {
      const other = CANDIDATES.filter((d) => d !== delim && line.includes(d));
      const hint =
        other.length > 0
          ? `It also uses ${other.map(describe).join(' and ')}: the file mixes delimiters.`
          : 'Quote values that contain the delimiter, or fix the line.';
      return new ApiError(
        'BAD_CSV',
        `${name} line ${i + 1}: ${found} fields where the header has ${expected} (split on ${describe(delim)}). ${hint}`,
        { file: name, line: i + 1, fields: found, expectedFields: expected, delimiter: delim },
      );
    }
  }
  const long = longCsvRecord(file, name);
  if (long !== undefined) return long;
  const mixed = CANDIDATES.filter((d) => d !== delim && header.includes(d));
  return new ApiError(
    'BAD_CSV',
    mixed.length > 0
      ? `${name}: the header splits on ${describe(delim)} but also holds ${mixed.map(describe).join(' and ')}: the file mixes delimiters. Fix it, or give the delimiter with --delimiter.`
      : `${name}: the lines could not be split into columns. Check the delimiter (--delimiter) and quoting.`,
    { file: name, delimiter: delim },
  );
}

/**
 * Calls `onChunk` with each MiB of `file` (a plain file: readers get decompressed copies) until
 * it returns false.
 */
function eachChunk(file: string, onChunk: (buf: Buffer, n: number) => boolean): void {
  const fd = openSync(file, 'r');
  const buf = Buffer.allocUnsafe(CHUNK);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0 || onChunk(buf, n) === false) return;
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * The first CSV record (a line, or several when a quoted value holds newlines) longer than
 * DuckDB reads, with the line it starts on.
 */
export function longCsvRecord(file: string, name: string): ApiError | undefined {
  let line = 1;
  let start = 1;
  let length = 0;
  let quoted = false;
  let found: ApiError | undefined;
  const report = (end: number): ApiError =>
    new ApiError(
      'BAD_CSV',
      `${name} line ${start.toLocaleString('en-US')}: the line is ${formatBytes(length)} long${end > start ? ` (it runs to line ${end.toLocaleString('en-US')}: a quote that is never closed joins the lines after it)` : ''}, longer than the ${MAX_CSV_LINE.toLocaleString('en-US')} bytes a CSV line may have. Fix or remove that line and import again.`,
      { file: name, line: start, bytes: length, maxBytes: MAX_CSV_LINE },
    );
  eachChunk(file, (buf, n) => {
    for (let i = 0; i < n; i++) {
      const b = buf[i];
      if (b === 0x22) quoted = !quoted;
      else if (b === 0x0a) {
        if (!quoted) {
          if (length > MAX_CSV_LINE) {
            found = report(line);
            return false;
          }
          line++;
          start = line;
          length = 0;
          continue;
        }
        line++;
      }
      length++;
    }
    return true;
  });
  if (found === undefined && length > MAX_CSV_LINE) found = report(line);
  return found;
}

/** The first line of `file` that is not valid UTF-8. */
export function firstNonUtf8Line(file: string): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let line = 1;
  let carry = Buffer.alloc(0);
  let result: number | undefined;
  eachChunk(file, (buf, n) => {
    // Whole lines only: a multi-byte character never spans a newline.
    const data = Buffer.concat([carry, buf.subarray(0, n)]);
    const last = data.lastIndexOf(0x0a);
    const complete = last < 0 ? Buffer.alloc(0) : data.subarray(0, last + 1);
    carry = Buffer.from(last < 0 ? data : data.subarray(last + 1));
    try {
      decoder.decode(complete);
      for (let i = complete.indexOf(0x0a); i >= 0; i = complete.indexOf(0x0a, i + 1)) line++;
      return true;
    } catch {
      let from = 0;
      for (;;) {
        const to = complete.indexOf(0x0a, from);
        const end = to < 0 ? complete.length : to;
        try {
          decoder.decode(complete.subarray(from, end));
        } catch {
          result = line;
          return false;
        }
        if (to < 0) return false;
        line++;
        from = to + 1;
      }
    }
  });
  if (result === undefined && carry.length > 0) {
    try {
      decoder.decode(carry);
    } catch {
      result = line;
    }
  }
  return result;
}

/**
 * The first line of an NDJSON file that does not parse, with JavaScript's reason. Undefined
 * for a file that is not one object per line (a pretty-printed array): there a line number
 * would mislead, and DuckDB's byte offset is all there is.
 */
export function firstBadJsonLine(file: string): { line: number; reason: string } | undefined {
  let line = 1;
  let parts: Buffer[] = [];
  let size = 0;
  let result: { line: number; reason: string } | undefined;
  let seenObject = false;
  const check = (bytes: Buffer): boolean => {
    const text = bytes.toString('utf8').trim();
    if (text === '') return true;
    try {
      JSON.parse(text);
      seenObject = true;
      return true;
    } catch (error) {
      // Before any line has parsed, a line that does not open an object on its own (`[`, `{`
      // alone, indented keys) means a pretty-printed document, not NDJSON.
      if (!seenObject && (!text.startsWith('{') || text === '{')) return false;
      result = { line, reason: (error as Error).message };
      return false;
    }
  };
  eachChunk(file, (buf, n) => {
    let from = 0;
    for (;;) {
      const to = buf.indexOf(0x0a, from);
      if (to < 0 || to >= n) {
        parts.push(Buffer.from(buf.subarray(from, n)));
        size += n - from;
        // A line this long is checked when it ends; one past 256 MB DuckDB refuses anyway.
        return size < 256 * 1024 ** 2;
      }
      const piece = buf.subarray(from, to);
      const whole = parts.length === 0 ? piece : Buffer.concat([...parts, piece]);
      parts = [];
      size = 0;
      if (!check(whole)) return false;
      line++;
      from = to + 1;
    }
  });
  if (result === undefined && parts.length > 0) check(Buffer.concat(parts));
  return result;
}

/**
 * A better error than DuckDB's for a read that failed on `inputs`, when the file can tell:
 * the NDJSON line that does not parse, the CSV line too long to read, the line that is not
 * UTF-8. Undefined when it cannot.
 */
export async function diagnoseReadError(
  error: unknown,
  inputs: ResolvedInputs,
): Promise<ApiError | undefined> {
  const raw = error instanceof Error ? error.message : String(error);
  // The file the engine names, else the first.
  let index = inputs.paths.findIndex((p) => raw.includes(p));
  if (index < 0) index = 0;
  const file = inputs.paths[index];
  const name = inputs.files[index] ?? file;
  if (file === undefined || name === undefined) return undefined;
  if (/Invalid unicode|not utf-8 encoded/i.test(raw)) {
    const line = firstNonUtf8Line(file);
    if (line === undefined) return undefined;
    return new ApiError(
      'NOT_UTF8',
      `${name} line ${line.toLocaleString('en-US')} is not UTF-8 text. Save or convert the file as UTF-8 (e.g. iconv -f latin1 -t utf-8) and import again.`,
      { file: name, line, engine: raw.slice(0, 2000) },
    );
  }
  if (inputs.format === 'json' && /JSON/.test(raw)) {
    const bad = firstBadJsonLine(file);
    if (bad === undefined) return undefined;
    return new ApiError(
      'BAD_JSON',
      `${name} line ${bad.line.toLocaleString('en-US')} is not valid JSON (${bad.reason}). Each line must hold one JSON object (NDJSON): fix or remove that line and import again.`,
      { file: name, line: bad.line, reason: bad.reason, engine: raw.slice(0, 2000) },
    );
  }
  if (inputs.format === 'csv' && /Maximum line size/i.test(raw)) {
    return longCsvRecord(file, name);
  }
  // A damaged block: DuckDB's Parquet reader says "Corrupted file?", "Payload value bigger than
  // allowed" and the like, which read as an engine bug.
  if (inputs.format === 'parquet' && /corrupt|payload|thrift|footer|invalid error/i.test(raw)) {
    const reason = (raw.split('\n')[0] ?? raw).replace(/^[A-Za-z ]+Error: /, '');
    return new ApiError(
      'BAD_PARQUET',
      `${name} is damaged: DuckDB cannot read part of it (${reason}). Export or copy it again; if another tool opens it, re-save it as Parquet from there.`,
      { file: name, engine: raw.slice(0, 2000) },
    );
  }
  return undefined;
}
