import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import { ANY_EVENT } from '../../../shared/specs/common';
import { closest, loadCatalog } from '../analyses/catalog';
import { num } from '../duckdb/database';
import { resolveProperty } from '../sql/conditions';
import { query, raw, sql } from '../sql/fragment';
import { PlanNotes } from '../sql/notes';

export interface PropertyValue {
  value: string | number | boolean | null;
  /** Events carrying it (event properties) or users (user properties). */
  count: number;
}

/**
 * The most frequent values of a property, for the value pickers of filters: of the events of
 * one type when given, else of all events; of the people table for user properties.
 */
export async function propertyValues(
  c: DuckDBConnection,
  request: {
    property: string;
    source: 'event' | 'user';
    event?: string | undefined;
    limit: number;
  },
): Promise<PropertyValue[]> {
  const catalog = await loadCatalog(c);
  const known =
    request.source === 'user'
      ? catalog.userColumns.has(request.property) && request.property !== 'uid'
      : catalog.eventColumns.has(request.property) || request.property.startsWith('properties.');
  if (!known) {
    const names =
      request.source === 'user' ? catalog.userColumns.keys() : catalog.eventColumns.keys();
    const nearest = closest(
      request.property,
      [...names].filter((n) => n !== 'uid'),
    );
    throw new ApiError(
      'INVALID_REQUEST',
      `No ${request.source} property '${request.property}'; nearest: ${nearest.join(', ')}.`,
    );
  }
  // The name is known (checked above), so resolving it notes nothing.
  const ref = resolveProperty(catalog, request.property, request.source, new PlanNotes());
  const from =
    request.source === 'user'
      ? raw('users u')
      : request.event !== undefined && request.event !== ANY_EVENT
        ? sql`events e WHERE e.event = ${request.event}`
        : raw('events e');
  const rows = await query(
    c,
    sql`SELECT ${ref.sql} AS value, count(*) AS n FROM ${from}
     GROUP BY ALL HAVING value IS NOT NULL ORDER BY n DESC, value LIMIT ${raw(String(request.limit))}`,
  );
  return rows.map((r) => ({
    value: (typeof r.value === 'object'
      ? JSON.stringify(r.value)
      : r.value) as PropertyValue['value'],
    count: num(r.n),
  }));
}
