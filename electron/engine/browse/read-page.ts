import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ArrowPage } from '../../../shared/api/browse-types';
import { plainValueConverter } from '../duckdb/convert';
import { arrowBase64 } from './arrow-page';

/** Runs a page query and hands its rows over as Arrow. */
export async function readPage(
  c: DuckDBConnection,
  sql: string,
  values: DuckDBValue[],
  page: { offset: number; total: number | null; started: number },
): Promise<ArrowPage> {
  const reader = await c.runAndReadAll(sql, values);
  const columns = reader.columnNames();
  const rows = reader.convertRows(plainValueConverter);
  return {
    columns,
    arrow: arrowBase64(columns, rows),
    offset: page.offset,
    rows: rows.length,
    total: page.total,
    seconds: (performance.now() - page.started) / 1000,
  };
}
