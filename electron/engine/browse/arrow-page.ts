import { DuckDBTypeId, type DuckDBDataChunk, type DuckDBType } from '@duckdb/node-api';
import {
  Bool,
  Field,
  Float64,
  Int32,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  makeData,
  tableToIPC,
  type Data,
  type DataType,
} from 'apache-arrow';
import { ApiError } from '../../../shared/api/errors';
import { plainValueConverter } from '../duckdb/convert';

/**
 * Result rows as an Arrow IPC stream, base64-encoded so it crosses every transport inside the
 * JSON reply. Built column by column from DuckDB's chunks (no row objects in between), with one
 * Arrow type per DuckDB type so the renderer never has to guess:
 *
 * - BOOLEAN -> Bool; integers up to 32 bits -> Int32; other numbers (FLOAT, DOUBLE, DECIMAL,
 *   UINTEGER) -> Float64;
 * - 64/128-bit integers -> Float64 when every value of the page is exact as a double (counts,
 *   session ids), else Utf8 with every digit — the rule the JSON replies follow, so no BigInt
 *   ever reaches a client;
 * - times, dates, intervals and text -> Utf8 as DuckDB writes them (timestamps are UTC,
 *   'YYYY-MM-DD HH:MM:SS[.ffffff]', the form every other reply uses); lists, structs, maps -> Utf8
 *   holding their JSON.
 *
 * Each field carries its DuckDB type in the metadata key `duckdb_type`.
 */

/** Rows per record batch: keeps every Utf8 column of a batch far below Arrow's 2 GiB offsets. */
const BATCH_ROWS = 65_536;

/**
 * The largest payload sent: its base64 must fit in one JavaScript string (V8 caps strings near
 * 512 MiB) with room for the JSON around it.
 */
const MAX_IPC_BYTES = 256 * 1024 * 1024;

export interface ChunkedRows {
  names: readonly string[];
  types: readonly DuckDBType[];
  chunks: readonly DuckDBDataChunk[];
}

export interface EncodedRows {
  /** Column names as in the Arrow schema (repeated names made unique: `n`, `n_2`). */
  columns: string[];
  arrow: string;
  rows: number;
}

/** The first `limit` rows of a result as base64 Arrow IPC. */
export function encodeArrow(result: ChunkedRows, limit = Number.POSITIVE_INFINITY): EncodedRows {
  const columns = uniqueNames(result.names);
  const slices = sliceChunks(result.chunks, limit);
  const rows = slices.reduce((sum, s) => sum + s.count, 0);
  const kinds = result.types.map((type, i) => kindOf(type, slices, i));
  const fields = columns.map(
    (name, i) =>
      new Field(
        name,
        arrowType(kinds[i] ?? 'text'),
        true,
        new Map([['duckdb_type', result.types[i]?.toString() ?? 'NULL']]),
      ),
  );
  const schema = new Schema(fields);
  const batches: RecordBatch[] = [];
  for (let start = 0; start < rows; start += BATCH_ROWS) {
    const length = Math.min(BATCH_ROWS, rows - start);
    const parts = windowOf(slices, start, length);
    const children = kinds.map((kind, i) => encodeColumn(kind, { parts, column: i, length }));
    batches.push(
      new RecordBatch(
        schema,
        makeData({ type: new Struct(fields), length, nullCount: 0, children }),
      ),
    );
  }
  const ipc = tableToIPC(new Table(schema, batches), 'stream');
  if (ipc.byteLength > MAX_IPC_BYTES) {
    throw new ApiError(
      'INVALID_REQUEST',
      `The result is too large to send at once (${Math.round(ipc.byteLength / 1024 / 1024)} MB for ${rows.toLocaleString('en-US')} rows). Ask for fewer rows or columns (a LIMIT, or a smaller page).`,
      { bytes: ipc.byteLength, rows },
    );
  }
  return { columns, arrow: Buffer.from(ipc).toString('base64'), rows };
}

/** SQL may repeat a name (SELECT 1 AS a, 2 AS a); an Arrow schema is looked up by name. */
function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    for (let n = 2; taken.has(candidate); n++) candidate = `${name}_${n}`;
    taken.add(candidate);
    return candidate;
  });
}

interface Slice {
  chunk: DuckDBDataChunk;
  count: number;
}

function sliceChunks(chunks: readonly DuckDBDataChunk[], limit: number): Slice[] {
  const slices: Slice[] = [];
  let left = limit;
  for (const chunk of chunks) {
    if (left <= 0) break;
    const count = Math.min(chunk.rowCount, left);
    if (count > 0) slices.push({ chunk, count });
    left -= count;
  }
  return slices;
}

/** The parts of the slices covering rows [start, start + length). */
function windowOf(slices: readonly Slice[], start: number, length: number): Part[] {
  const parts: Part[] = [];
  let position = 0;
  for (const s of slices) {
    const from = Math.max(start, position);
    const to = Math.min(start + length, position + s.count);
    if (from < to) parts.push({ chunk: s.chunk, from: from - position, to: to - position });
    position += s.count;
    if (position >= start + length) break;
  }
  return parts;
}

interface Part {
  chunk: DuckDBDataChunk;
  from: number;
  to: number;
}

interface ColumnWindow {
  parts: readonly Part[];
  column: number;
  length: number;
}

/** The vectors' own items: numbers, booleans, strings, bigints. */
function rawItems(w: ColumnWindow): unknown[] {
  const out = new Array<unknown>(w.length);
  let k = 0;
  for (const p of w.parts) {
    const vector = p.chunk.getColumnVector(w.column);
    for (let r = p.from; r < p.to; r++) out[k++] = vector.getItem(r);
  }
  return out;
}

/** DuckDB's JSON form of each value, as the JSON replies carry it (times as text). */
function jsonItems(w: ColumnWindow): unknown[] {
  const out = new Array<unknown>(w.length);
  let k = 0;
  for (const p of w.parts) {
    const values = p.chunk.convertColumnValues(w.column, plainValueConverter);
    for (let r = p.from; r < p.to; r++) out[k++] = values[r] ?? null;
  }
  return out;
}

type Kind = 'bool' | 'int32' | 'float64' | 'decimal' | 'wide' | 'wide-text' | 'varchar' | 'text';

const INT32 = new Set([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
]);
const FLOAT64 = new Set([DuckDBTypeId.UINTEGER, DuckDBTypeId.FLOAT, DuckDBTypeId.DOUBLE]);
const WIDE = new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

function kindOf(type: DuckDBType, slices: readonly Slice[], column: number): Kind {
  const id = type.typeId;
  if (id === DuckDBTypeId.BOOLEAN) return 'bool';
  if (INT32.has(id)) return 'int32';
  if (FLOAT64.has(id)) return 'float64';
  if (id === DuckDBTypeId.DECIMAL) return 'decimal';
  if (id === DuckDBTypeId.VARCHAR) return 'varchar';
  if (!WIDE.has(id)) return 'text';
  // One look at the whole page decides, so every batch of the column has the same type.
  for (const s of slices) {
    const vector = s.chunk.getColumnVector(column);
    for (let r = 0; r < s.count; r++) {
      const v = vector.getItem(r) as bigint | null;
      if (v !== null && (v > MAX_EXACT || v < -MAX_EXACT)) return 'wide-text';
    }
  }
  return 'wide';
}

const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);

function arrowType(kind: Kind): DataType {
  switch (kind) {
    case 'bool':
      return new Bool();
    case 'int32':
      return new Int32();
    case 'float64':
    case 'decimal':
    case 'wide':
      return new Float64();
    case 'wide-text':
    case 'varchar':
    case 'text':
      return new Utf8();
  }
}

function encodeColumn(kind: Kind, w: ColumnWindow): Data {
  switch (kind) {
    case 'bool':
      return bool(rawItems(w) as (boolean | null)[]);
    case 'int32':
      return int32(rawItems(w) as (number | null)[]);
    case 'float64':
      return float64(rawItems(w) as (number | null)[]);
    case 'decimal':
      return float64(jsonItems(w) as (number | null)[]);
    case 'wide':
      return float64(
        (rawItems(w) as (bigint | null)[]).map((v) => (v === null ? null : Number(v))),
      );
    case 'wide-text':
      return utf8(
        (rawItems(w) as (bigint | null)[]).map((v) => (v === null ? null : v.toString())),
      );
    case 'varchar':
      return utf8(rawItems(w) as (string | null)[]);
    case 'text':
      return utf8(
        jsonItems(w).map((v) =>
          v === null || v === undefined ? null : typeof v === 'string' ? v : JSON.stringify(v),
        ),
      );
  }
}

/** Arrow's validity bitmap: bit i set = row i has a value. */
function validity(values: readonly unknown[]): { bitmap: Uint8Array | null; nulls: number } {
  const bitmap = new Uint8Array(Math.ceil(values.length / 8));
  let nulls = 0;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null || values[i] === undefined) nulls++;
    else bitmap[i >> 3] = (bitmap[i >> 3] ?? 0) | (1 << (i & 7));
  }
  return { bitmap: nulls === 0 ? null : bitmap, nulls };
}

function float64(values: readonly (number | null)[]): Data<Float64> {
  const { bitmap, nulls } = validity(values);
  const data = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i] ?? 0;
  return makeData({
    type: new Float64(),
    length: values.length,
    nullCount: nulls,
    nullBitmap: bitmap,
    data,
  });
}

function int32(values: readonly (number | null)[]): Data<Int32> {
  const { bitmap, nulls } = validity(values);
  const data = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) data[i] = values[i] ?? 0;
  return makeData({
    type: new Int32(),
    length: values.length,
    nullCount: nulls,
    nullBitmap: bitmap,
    data,
  });
}

function bool(values: readonly (boolean | null)[]): Data<Bool> {
  const { bitmap, nulls } = validity(values);
  const bits = new Uint8Array(Math.ceil(values.length / 8));
  for (let i = 0; i < values.length; i++) {
    if (values[i] === true) bits[i >> 3] = (bits[i >> 3] ?? 0) | (1 << (i & 7));
  }
  return makeData({
    type: new Bool(),
    length: values.length,
    nullCount: nulls,
    nullBitmap: bitmap,
    data: bits,
  });
}

function utf8(values: readonly (string | null)[]): Data<Utf8> {
  const { bitmap, nulls } = validity(values);
  const offsets = new Int32Array(values.length + 1);
  // Fast path: one native encode of the joined text. Character offsets are byte offsets as long
  // as the text is ASCII (ids, event names, times); otherwise each value is measured in bytes.
  let position = 0;
  for (let i = 0; i < values.length; i++) {
    offsets[i] = position;
    position += values[i]?.length ?? 0;
  }
  offsets[values.length] = position;
  const joined = values.join('');
  let bytes = Buffer.from(joined, 'utf8');
  if (bytes.length !== joined.length) {
    bytes = Buffer.allocUnsafe(bytes.length);
    position = 0;
    for (let i = 0; i < values.length; i++) {
      offsets[i] = position;
      const v = values[i];
      if (v !== null && v !== undefined) position += bytes.write(v, position, 'utf8');
    }
    offsets[values.length] = position;
  }
  return makeData({
    type: new Utf8(),
    length: values.length,
    nullCount: nulls,
    nullBitmap: bitmap,
    valueOffsets: offsets,
    data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length),
  });
}
