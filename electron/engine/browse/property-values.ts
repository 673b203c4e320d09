import type { DuckDBConnection } from '@duckdb/node-api';
import { ApiError } from '../../../shared/api/errors';
import { ANY_EVENT } from '../../../shared/specs/common';
import { closest, loadCatalog } from '../analyses/catalog';
import { SpecIssues } from '../analyses/spec-issues';
import { propertyRef } from '../analyses/sql/properties';
import { num, queryRows } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';

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
  const issues = new SpecIssues();
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
  const params = new SqlParams();
  const ref = propertyRef(catalog, request.property, request.source, issues, 'property', params);
  issues.throwIfAny('property');
  const from =
    request.source === 'user'
      ? 'users u'
      : `events e${request.event !== undefined && request.event !== ANY_EVENT ? ` WHERE e.event = ${params.bind(request.event)}` : ''}`;
  const rows = await queryRows(
    c,
    `SELECT ${ref.sql} AS value, count(*) AS n FROM ${from}
     GROUP BY ALL HAVING value IS NOT NULL ORDER BY n DESC, value LIMIT ${request.limit}`,
    params.values,
  );
  return rows.map((r) => ({
    value: (typeof r.value === 'object'
      ? JSON.stringify(r.value)
      : r.value) as PropertyValue['value'],
    count: num(r.n),
  }));
}
