import type { DuckDBConnection } from '@duckdb/node-api';
import type { NestedSource } from '../../../shared/api/import-types';
import { queryRows } from '../duckdb/database';
import { ident, literal } from '../duckdb/sql';
import { structFields, type FileColumn } from './source';

/** Keys present in at least this share of sampled rows become typed columns. */
const COMMON_SHARE = 0.01;
const MAX_FLATTENED = 200;
const SAMPLE_ROWS = 20_000;

/** JSON text of a nested column, whatever DuckDB made of it (struct, map, JSON, JSON in text). */
export function jsonOf(column: FileColumn, shape: NestedSource['shape']): string {
  const c = ident(column.name);
  if (shape === 'keyValueList') {
    const valueFields = structFields(
      structFields(column.type.slice(0, -2)).find((f) => f.name === 'value')?.type ?? '',
    ).map((f) => f.name);
    const order = ['string_value', 'int_value', 'double_value', 'float_value'].filter((f) =>
      valueFields.includes(f),
    );
    const value =
      order.length === 0
        ? 'to_json(p."value")'
        : `coalesce(${order.map((f) => `to_json(p."value".${ident(f)})`).join(', ')})`;
    // GA4 repeats no key within one event, but a hand-made file might: keep the first.
    const unique = `list_filter(${c}, (p, i) -> p."key" IS NOT NULL AND list_position(list_transform(${c}, q -> q."key"), p."key") = i)`;
    return `to_json(map_from_entries(list_transform(${unique}, p -> {'k': p."key", 'v': ${value}})))`;
  }
  if (column.type === 'JSON') return c;
  if (column.type === 'VARCHAR') return `TRY_CAST(${c} AS JSON)`;
  return `to_json(${c})`;
}

export function jsonPath(key: string): string {
  return `$."${key.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

export interface NestedKey {
  key: string;
  share: number;
  /** DuckDB type the key's values are stored as. */
  type: string;
}

const ID_LIKE = /(^id$|_id$|Id$|ID$|^uuid$|_uuid$|^guid$)/;

export function isIdLike(name: string): boolean {
  return ID_LIKE.test(name.replace(/^\$/, ''));
}

/** The keys of a nested column that most rows carry, with the type their values agree on. */
export async function commonKeys(
  connection: DuckDBConnection,
  from: string,
  json: string,
): Promise<NestedKey[]> {
  const rows = await queryRows(
    connection,
    `WITH s AS (SELECT ${json} AS j FROM ${from} LIMIT ${SAMPLE_ROWS}),
          total AS (SELECT count(*) AS n FROM s),
          k AS (SELECT unnest(json_keys(j)) AS key, j FROM s WHERE j IS NOT NULL AND json_type(j) = 'OBJECT')
     SELECT key,
            count(*) FILTER (json_type(j, '$."' || replace(replace(key, '\\', '\\\\'), '"', '\\"') || '"') <> 'NULL') / any_value(total.n) AS share,
            list(DISTINCT json_type(j, '$."' || replace(replace(key, '\\', '\\\\'), '"', '\\"') || '"')) AS types
     FROM k, total GROUP BY key ORDER BY share DESC, key LIMIT ${MAX_FLATTENED * 2}`,
  );
  return rows
    .map((r) => ({
      key: String(r.key),
      share: Number(r.share),
      type: typeFromJsonTypes(String(r.key), (r.types as string[] | null) ?? []),
    }))
    .filter((k) => k.key !== '' && k.share >= COMMON_SHARE)
    .slice(0, MAX_FLATTENED);
}

/**
 * The JSON columns whose sampled values are all scalars (DuckDB types a column JSON when its
 * values mix strings and numbers): they are stored as text. A column with an object or a list
 * in the sample stays JSON; one first seen past the sample is still kept, as its JSON text.
 */
export async function scalarJsonColumns(
  connection: DuckDBConnection,
  from: string,
  columns: string[],
): Promise<Set<string>> {
  if (columns.length === 0) return new Set();
  const checks = columns.map(
    (c, i) =>
      `count(*) FILTER (json_type(${ident(c)}) IN ('OBJECT', 'ARRAY')) AS ${ident(`n${i}`)}`,
  );
  const [row] = await queryRows(
    connection,
    `SELECT ${checks.join(', ')} FROM (SELECT ${columns.map((c) => ident(c)).join(', ')} FROM ${from} LIMIT ${SAMPLE_ROWS})`,
  );
  return new Set(columns.filter((_, i) => Number(row?.[`n${i}`] ?? 1) === 0));
}

function typeFromJsonTypes(key: string, jsonTypes: string[]): string {
  const types = new Set(jsonTypes.filter((t) => t !== 'NULL'));
  if (types.size === 0) return 'VARCHAR';
  if ([...types].some((t) => t === 'OBJECT' || t === 'ARRAY')) return 'JSON';
  if (isIdLike(key)) return 'VARCHAR';
  const numeric = ['BIGINT', 'UBIGINT', 'DOUBLE'];
  if ([...types].every((t) => t === 'BIGINT' || t === 'UBIGINT')) return 'BIGINT';
  if ([...types].every((t) => numeric.includes(t))) return 'DOUBLE';
  if (types.size === 1 && types.has('BOOLEAN')) return 'BOOLEAN';
  return 'VARCHAR';
}

/** Removes the flattened keys (and null members) from a nested object: what is left for `properties`. */
export function restSql(json: string, flattened: string[]): string {
  const deletions = `{${flattened.map((k) => `${JSON.stringify(k)}:null`).join(',')}}`;
  const pruned = flattened.length === 0 ? json : `json_merge_patch(${json}, ${literal(deletions)})`;
  return `nullif(json_merge_patch('{}', ${pruned}), '{}')`;
}
