import type { DuckDBConnection } from '@duckdb/node-api';
import { catalogOf, type Catalog } from '../sql/catalog';

export { closest, type Catalog } from '../sql/catalog';

/** The catalog read through `c` (cached per data generation on `owner`, the workspace). */
export function loadCatalog(c: DuckDBConnection, owner: object = c): Promise<Catalog> {
  return catalogOf(owner, c);
}
