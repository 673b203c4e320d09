import { ApiError } from '../../../shared/api/errors';
import { readHead } from './inputs';

const CANDIDATES = [',', ';', '\t', '|'];

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
 * count differs from it.
 */
export async function diagnoseCsv(file: string, delimiter?: string): Promise<ApiError> {
  const head = await readHead(file);
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
        `${file} line ${i + 1}: ${found} fields where the header has ${expected} (split on ${describe(delim)}). ${hint}`,
        { file, line: i + 1, fields: found, expectedFields: expected, delimiter: delim },
      );
    }
  }
  const mixed = CANDIDATES.filter((d) => d !== delim && header.includes(d));
  return new ApiError(
    'BAD_CSV',
    mixed.length > 0
      ? `${file}: the header splits on ${describe(delim)} but also holds ${mixed.map(describe).join(' and ')}: the file mixes delimiters. Fix it, or give the delimiter with --delimiter.`
      : `${file}: the lines could not be split into columns. Check the delimiter (--delimiter) and quoting.`,
    { file, delimiter: delim },
  );
}
