import type { EventsFilter } from '../../../shared/api/browse-types';
import type { PropertyCondition, PropertyOperator } from '../../../shared/specs/common';

/** What the filter bar holds while the analyst edits it: text as typed, nothing parsed yet. */
export interface FilterDraft {
  /** user ids, comma or space separated */
  users: string;
  events: string[];
  /** `datetime-local` values (YYYY-MM-DDTHH:MM), read as UTC like the grid's times */
  from: string;
  to: string;
  property: string;
  op: PropertyOperator;
  value: string;
}

export const EMPTY_DRAFT: FilterDraft = {
  users: '',
  events: [],
  from: '',
  to: '',
  property: '',
  op: '=',
  value: '',
};

const NO_VALUE: readonly PropertyOperator[] = ['is set', 'is not set'];
const LIST: readonly PropertyOperator[] = ['in', 'not in'];
const ORDERED: readonly PropertyOperator[] = ['>', '>=', '<', '<='];

export function takesValue(op: PropertyOperator): boolean {
  return !NO_VALUE.includes(op);
}

export function takesList(op: PropertyOperator): boolean {
  return LIST.includes(op);
}

/**
 * A typed value: numbers are numbers only where the operator compares order, or where the
 * property is numeric; `plan = 10` on a text column stays the text '10'.
 */
function scalar(text: string, op: PropertyOperator, numeric: boolean): string | number | boolean {
  const trimmed = text.trim();
  if ((numeric || ORDERED.includes(op)) && trimmed !== '' && Number.isFinite(Number(trimmed))) {
    return Number(trimmed);
  }
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  return trimmed;
}

/** The one property condition of the bar, or a sentence saying what is missing. */
export function buildCondition(
  draft: Pick<FilterDraft, 'property' | 'op' | 'value'>,
  numeric = false,
): PropertyCondition | { problem: string } | null {
  if (draft.property === '') return null;
  const base = { property: draft.property, source: 'event' as const, op: draft.op };
  if (!takesValue(draft.op)) return base;
  if (takesList(draft.op)) {
    const values = splitList(draft.value).map((v) => scalar(v, draft.op, numeric));
    if (values.length === 0) return { problem: `Give one or more values for '${draft.op}'.` };
    return { ...base, value: values };
  }
  if (draft.value.trim() === '') return { problem: `Give a value for ${draft.property}.` };
  return { ...base, value: scalar(draft.value, draft.op, numeric) };
}

/** `2024-03-01T09:00` (a datetime-local input, UTC) -> `2024-03-01T09:00:00Z`. */
export function utcTimestamp(local: string): string | undefined {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2}(?:\.\d+)?)?)?$/.exec(local.trim());
  if (match === null) return undefined;
  const [, day, minutes, seconds] = match;
  return `${day ?? ''}T${minutes ?? '00:00'}${seconds ?? ':00'}Z`;
}

/** Inverse of utcTimestamp, for putting a request's bounds back into the inputs. */
export function localInput(iso: string | undefined): string {
  if (iso === undefined) return '';
  return /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})/.exec(iso)?.slice(1, 3).join('T') ?? '';
}

function splitList(text: string): string[] {
  return text
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/**
 * The request filter of a draft, or the first problem that stops it (a condition without a
 * value, a range that ends before it starts), worded for the filter bar.
 */
export function buildEventsFilter(
  draft: FilterDraft,
  numericProperties: ReadonlySet<string> = new Set(),
): { filter: EventsFilter } | { problem: string } {
  const condition = buildCondition(draft, numericProperties.has(draft.property));
  if (condition !== null && 'problem' in condition) return condition;
  const from = draft.from === '' ? undefined : utcTimestamp(draft.from);
  const to = draft.to === '' ? undefined : utcTimestamp(draft.to);
  if (draft.from !== '' && from === undefined) return { problem: `'${draft.from}' is not a time.` };
  if (draft.to !== '' && to === undefined) return { problem: `'${draft.to}' is not a time.` };
  if (from !== undefined && to !== undefined && to <= from) {
    return { problem: 'The end of the time range is before its start.' };
  }
  return {
    filter: {
      users: draft.users
        .split(/[\s,]+/)
        .map((u) => u.trim())
        .filter((u) => u !== ''),
      events: [...new Set(draft.events)],
      ...(from === undefined ? {} : { from }),
      ...(to === undefined ? {} : { to }),
      where: condition === null ? [] : [condition],
    },
  };
}

/** The draft that shows a request filter (the bar reopens with what is applied). */
export function draftOf(filter: EventsFilter): FilterDraft {
  const condition = filter.where[0];
  const value = condition?.value;
  return {
    users: filter.users.join(', '),
    events: [...filter.events],
    from: localInput(filter.from),
    to: localInput(filter.to),
    property: condition?.property ?? '',
    op: condition?.op ?? '=',
    value: Array.isArray(value) ? value.join(', ') : value === undefined ? '' : String(value),
  };
}

export const NO_FILTER: EventsFilter = { users: [], events: [], where: [] };

export function isEmptyFilter(filter: EventsFilter): boolean {
  return (
    filter.users.length === 0 &&
    filter.events.length === 0 &&
    filter.where.length === 0 &&
    filter.from === undefined &&
    filter.to === undefined
  );
}

/** Property types DuckDB reports that compare as numbers. */
export function isNumericType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|REAL|DOUBLE|DECIMAL)/i.test(
    type,
  );
}
