import type { DuckDBConnection } from '@duckdb/node-api';
import type { ArrowPage, EventsFilter } from '../../../shared/api/browse-types';
import { ApiError } from '../../../shared/api/errors';
import { ANY_EVENT } from '../../../shared/specs/common';
import { loadCatalog } from '../analyses/catalog';
import { SpecIssues } from '../analyses/spec-issues';
import { eventFilterSql } from '../analyses/sql/properties';
import { num, queryOne } from '../duckdb/database';
import { SqlParams } from '../duckdb/params';
import { readPage } from './read-page';

/** Engine bookkeeping that an analyst never needs to see in the grid. */
const HIDDEN = new Set(['uid', 'ts', 'event', 'session_id', 'insert_key', 'properties']);

/** The WHERE of a raw-events filter over `events e` (and `users u` when a condition needs it). */
export async function eventsWhere(
  c: DuckDBConnection,
  filter: EventsFilter,
  params: SqlParams,
): Promise<{ where: string; needsUsers: boolean; columns: string[] }> {
  const catalog = await loadCatalog(c);
  const issues = new SpecIssues();
  const parts: string[] = [];
  const f = eventFilterSql(
    catalog,
    { event: ANY_EVENT, where: filter.where },
    [],
    params,
    issues,
    'filter',
  );
  issues.throwIfAny('events filter');
  parts.push(f.where);
  if (filter.users.length > 0) {
    parts.push(
      `e.uid IN (SELECT uid FROM users WHERE user_id IN (${filter.users.map((u) => params.bind(u)).join(', ')}))`,
    );
  }
  if (filter.events.length > 0) {
    parts.push(`e.event IN (${filter.events.map((e) => params.bind(e)).join(', ')})`);
  }
  if (filter.from !== undefined) parts.push(`e.ts >= ${timestamp(filter.from, 'from', params)}`);
  if (filter.to !== undefined) parts.push(`e.ts < ${timestamp(filter.to, 'to', params)}`);
  const columns = [...catalog.eventColumns.keys()].filter((name) => !HIDDEN.has(name));
  return { where: parts.join(' AND '), needsUsers: f.needsUsers, columns };
}

function timestamp(value: string, field: string, params: SqlParams): string {
  if (Number.isNaN(Date.parse(value.replace(' ', 'T')))) {
    throw new ApiError('INVALID_REQUEST', `filter.${field}: '${value}' is not a date or time.`, {
      field: `filter.${field}`,
    });
  }
  return `CAST(${params.bind(value.replace('T', ' ').replace(/Z$/, ''))} AS TIMESTAMP)`;
}

/**
 * A page of raw events in stored order (user, then time). The page is cut from the events table
 * alone, which DuckDB reads in insertion order without sorting, and only then joined to the user
 * ids; a filter on user properties needs the join first and sorts its matches by row instead.
 */
export async function eventsPage(
  c: DuckDBConnection,
  request: { filter: EventsFilter; offset: number; limit: number; count: boolean },
): Promise<ArrowPage> {
  const started = performance.now();
  const params = new SqlParams();
  const { where, needsUsers, columns } = await eventsWhere(c, request.filter, params);
  const userJoin = needsUsers ? 'JOIN users u ON u.uid = e.uid' : '';
  const page = `SELECT e.rowid AS r, e.* FROM events e ${userJoin} WHERE ${where}
    ${needsUsers ? 'ORDER BY e.rowid' : ''} LIMIT ${request.limit} OFFSET ${request.offset}`;
  const select = `SELECT u.user_id, CAST(p.ts AS VARCHAR) AS time, p.event, p.session_id,
      ${columns.map((name) => `p."${name.replaceAll('"', '""')}"`).join(', ')}${columns.length > 0 ? ',' : ''}
      CAST(p.properties AS VARCHAR) AS properties
    FROM (${page}) p JOIN users u ON u.uid = p.uid ORDER BY p.r`;
  const total = request.count
    ? num(
        (
          await queryOne(
            c,
            `SELECT count(*) AS n FROM events e ${userJoin} WHERE ${where}`,
            params.values,
          )
        ).n,
      )
    : null;
  return readPage(c, select, params.values, { offset: request.offset, total, started });
}
