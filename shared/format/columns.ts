import type { AnalysisResult, AnalysisSpec, ResultTable } from '../specs/analysis-spec';
import { resultTable } from '../specs/result-table';
import { COMPLETE_COLUMNS } from '../specs/retention';
import { trendsRows, type TrendMeasure } from '../specs/trends';
import { EMPTY, formatCount, formatDuration, formatPercent, formatValue } from './numbers';

/**
 * What a result column holds, so the grid and the CLI table pick its format from the column
 * instead of guessing from the number: counts grouped, shares as percentages, seconds as
 * durations, measured values (sums, averages, ratios) without float noise, dates and text as
 * they are.
 */
export type ColumnKind = 'count' | 'percent' | 'duration' | 'value' | 'date' | 'text';

/** Kinds whose cells are numbers: right-aligned, sorted as numbers. */
export const NUMERIC_KINDS: ReadonlySet<ColumnKind> = new Set([
  'count',
  'percent',
  'duration',
  'value',
]);

export interface ResultColumn {
  /** The machine id, as in resultTable, CSV and JSON. */
  id: string;
  /** What people read. */
  header: string;
  kind: ColumnKind;
  /** Per table row, where rows differ (trends: each series has its measure's kind). */
  rowKinds?: ColumnKind[];
  /**
   * Per table row, the share the number stands for, shown beside it (retention by users: the
   * users retained out of the cohort, as the heat map shows them). Null where there is none.
   */
  shares?: (number | null)[];
}

/** One cell's value in the format of its kind. */
export function formatAs(kind: ColumnKind, value: unknown): string {
  if (value === null || value === undefined) return EMPTY;
  if (typeof value === 'number') {
    switch (kind) {
      case 'count':
        return formatCount(value);
      case 'percent':
        return formatPercent(value);
      case 'duration':
        return formatDuration(value);
      default:
        return formatValue(value);
    }
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'bigint') return value.toLocaleString('en-US');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** A cell as shown: its text, and its share as a percentage where the column has shares. */
export function formatResultCell(
  column: ResultColumn,
  rowIndex: number,
  value: unknown,
): { text: string; share?: string } {
  const kind = column.rowKinds?.[rowIndex] ?? column.kind;
  const text = formatAs(kind, value);
  const share = column.shares?.[rowIndex];
  return share === null || share === undefined ? { text } : { text, share: formatPercent(share) };
}

/**
 * A readable header from a camelCase id: 'conversionFromFirst' -> 'Conversion from first',
 * 'medianSecondsFromPrevious' -> 'Median time from previous' (its cells read as durations, not
 * seconds). Ids that are not words (a period '2024-03-04', a bucket) stay as they are.
 */
export function columnHeader(id: string): string {
  if (!/^[a-z][A-Za-z]*$/.test(id)) return id;
  const words = id
    .replace(/([A-Z])/g, ' $1')
    .toLowerCase()
    .split(' ')
    .map((w) => (w === 'seconds' ? 'time' : w));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The kind of every measure's numbers: counts of events or users, shares, measured values. */
export const MEASURE_KINDS: Record<TrendMeasure, ColumnKind> = {
  total: 'count',
  uniqueUsers: 'count',
  dau: 'count',
  wau: 'count',
  mau: 'count',
  perUser: 'value',
  sum: 'value',
  avg: 'value',
  min: 'value',
  max: 'value',
  median: 'value',
  stickiness: 'percent',
};

type Described = Partial<Record<string, { kind: ColumnKind; header?: string }>>;

const PERIOD_NAMES = { hour: 'Hour', day: 'Day', week: 'Week', month: 'Month' } as const;

/** A retention column as people read it: '1' -> 'Week 1', a bracket '3-6' -> 'Weeks 3-6'. */
export function retentionColumnHeader(
  period: 'hour' | 'day' | 'week' | 'month',
  column: string,
): string {
  const name = PERIOD_NAMES[period];
  return /^\d+$/.test(column) ? `${name} ${column}` : `${name}s ${column}`;
}

/**
 * The columns of a result's table (resultTable's, in its order) with their headers and kinds.
 * The spec the result answers tells each trend series' measure; without it those cells read as
 * measured values (still grouped, still without float noise).
 */
export function resultColumns(
  result: AnalysisResult,
  spec?: AnalysisSpec,
  table: ResultTable = resultTable(result),
): ResultColumn[] {
  const known = describe(result, spec, table);
  return table.columns.map((id) => {
    const d = known.columns[id];
    const kind = d?.kind ?? guessKind(table, id);
    const rowKinds = known.rowKinds?.get(id);
    const shares = known.shares?.get(id);
    return {
      id,
      header: d?.header ?? columnHeader(id),
      kind,
      ...(rowKinds === undefined ? {} : { rowKinds }),
      ...(shares === undefined ? {} : { shares }),
    };
  });
}

/** A column this module has not been told about: a number is a value, anything else text. */
function guessKind(table: ResultTable, id: string): ColumnKind {
  return table.rows.some((r) => typeof r[id] === 'number') ? 'value' : 'text';
}

interface Description {
  columns: Described;
  rowKinds?: Map<string, ColumnKind[]>;
  shares?: Map<string, (number | null)[]>;
}

function describe(
  result: AnalysisResult,
  spec: AnalysisSpec | undefined,
  table: ResultTable,
): Description {
  const text = { kind: 'text' } as const;
  const date = { kind: 'date' } as const;
  const count = { kind: 'count' } as const;
  switch (result.kind) {
    case 'eventTypes':
      return {
        columns: { event: text, events: count, users: count, firstSeen: date, lastSeen: date },
      };
    case 'trends': {
      const measures = spec?.kind === 'trends' ? spec.series : [];
      // Rows as the table lists them: a series' lines in its measure's kind, formulas as values.
      const kinds = trendsRows(result).map(({ line, formula }): ColumnKind => {
        const measure = formula ? undefined : measures[line.series]?.measure;
        return measure === undefined ? 'value' : MEASURE_KINDS[measure];
      });
      // One kind for the whole column when every series shares it; per row otherwise.
      const same = kinds.every((k) => k === kinds[0]);
      const kind = same ? (kinds[0] ?? 'value') : 'value';
      const columns: Described = { series: text, breakdown: text, range: text, total: { kind } };
      for (const p of result.periods) columns[p] = { kind };
      const valueColumns = ['total', ...result.periods];
      return {
        columns,
        ...(same ? {} : { rowKinds: new Map(valueColumns.map((c) => [c, kinds])) }),
      };
    }
    case 'funnel':
      return {
        columns: {
          breakdown: text,
          step: count,
          label: { kind: 'text', header: 'Step name' },
          [result.countBy]: count,
          conversionFromFirst: { kind: 'percent' },
          conversionFromPrevious: { kind: 'percent' },
          dropped: count,
          medianSecondsFromPrevious: { kind: 'duration' },
          medianSecondsFromFirst: { kind: 'duration' },
          previousCount: { kind: 'count', header: `${result.countBy} (range before)` },
          previousConversionFromFirst: { kind: 'percent', header: 'From first (range before)' },
        },
      };
    case 'retention': {
      const kind: ColumnKind = result.measure === 'users' ? 'count' : 'value';
      const columns: Described = {
        breakdown: text,
        cohort: date,
        size: count,
        [COMPLETE_COLUMNS]: count,
      };
      result.columns.forEach((c) => {
        columns[c] = { kind, header: retentionColumnHeader(result.period, c) };
      });
      if (result.measure !== 'users') return { columns };
      // Rows as resultTable lays them out: each group's cohorts, then its mean row (and the
      // previous range's mean row, with compare).
      const rows = result.groups.flatMap((g) => [
        ...g.cohorts.map((c) => c.percentages),
        g.mean.percentages,
        ...(g.previous === undefined ? [] : [g.previous.mean.percentages]),
      ]);
      const shares = new Map(
        result.columns.map((c, i) => [c, rows.map((percentages) => percentages[i] ?? null)]),
      );
      // A table laid out otherwise (a later resultTable) gets no shares rather than wrong ones.
      return rows.length === table.rows.length ? { columns, shares } : { columns };
    }
    case 'sessions':
      return {
        columns: {
          period: date,
          sessions: count,
          users: count,
          sessionsPerUser: { kind: 'value' },
          meanDuration: { kind: 'duration' },
          medianDuration: { kind: 'duration' },
          meanEvents: { kind: 'value' },
          medianEvents: { kind: 'value' },
          bounceRate: { kind: 'percent' },
          incomplete: text,
        },
      };
    case 'paths':
      return {
        columns: {
          fromStep: { kind: 'value' },
          from: text,
          toStep: { kind: 'value' },
          to: text,
          users: count,
          sessions: count,
        },
      };
    case 'lifecycle':
      return {
        columns: {
          period: date,
          new: count,
          returning: count,
          resurrecting: count,
          dormant: count,
          quickRatio: { kind: 'value' },
          incomplete: text,
        },
      };
    case 'stickiness': {
      const columns: Described = {
        period: date,
        to: date,
        incomplete: text,
        // The units the period could hold here: "Possible days" (4 of a week cut by the range).
        possibleUnits: { kind: 'count', header: `Possible ${result.unit}s` },
      };
      for (const k of result.buckets) {
        const units = `${result.unit}${k === 1 && !result.cumulative ? '' : 's'}`;
        columns[`${result.cumulative ? '>=' : ''}${k}`] = {
          kind: 'count',
          header: `${result.cumulative ? '≥ ' : ''}${k} ${units}`,
        };
      }
      return { columns };
    }
  }
}
