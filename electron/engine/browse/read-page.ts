import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import type { ArrowPage } from '../../../shared/api/browse-types';
import { encodeArrow } from './arrow-page';

/** Runs a page query (bounded by its own LIMIT) and hands its rows over as Arrow. */
export async function readPage(
  c: DuckDBConnection,
  sql: string,
  values: DuckDBValue[],
  page: { offset: number; total: number | null; started: number },
): Promise<ArrowPage> {
  const result = await c.run(sql, values);
  const encoded = encodeArrow({
    names: result.columnNames(),
    types: result.columnTypes(),
    chunks: await result.fetchAllChunks(),
  });
  return {
    columns: encoded.columns,
    arrow: encoded.arrow,
    offset: page.offset,
    rows: encoded.rows,
    total: page.total,
    seconds: (performance.now() - page.started) / 1000,
  };
}
