import {
  DuckDBTypeId,
  JsonDuckDBValueConverter,
  type DuckDBValueConverter,
  type Json,
} from '@duckdb/node-api';

/**
 * Results cross to JSON clients: counts come back as numbers (exact up to 2^53, which covers any
 * count of events), larger integers as strings so no digit is lost, everything else as DuckDB's
 * JSON form (timestamps as 'YYYY-MM-DD HH:MM:SS[.ffffff]').
 */
const bigIntTypes = new Set<DuckDBTypeId>([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT,
]);

export const plainValueConverter: DuckDBValueConverter<Json> = (value, type, converter) => {
  if (value === null) return null;
  if (bigIntTypes.has(type.typeId) && typeof value === 'bigint') {
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  }
  if (type.typeId === DuckDBTypeId.DECIMAL) return Number(String(value));
  if (type.typeId === DuckDBTypeId.DOUBLE && typeof value === 'number' && !Number.isFinite(value)) {
    return String(value);
  }
  return JsonDuckDBValueConverter(value, type, converter);
};
