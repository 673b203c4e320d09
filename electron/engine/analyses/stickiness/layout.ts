import type { WorkspaceSettings } from '../../../../shared/api/workspace-types';
import type { LocalDays } from '../../../../shared/calendar/local-days';
import type {
  StickinessPer,
  StickinessSpec,
  StickinessUnit,
} from '../../../../shared/specs/stickiness';
import type { PlanNotes } from '../../sql/notes';
import { checkPeriods, countPeriods, MAX_PERIODS, MAX_RESULT_CELLS } from '../../sql/period-limits';

/** The most units a calendar period holds: its buckets 1..N. */
const MOST: Partial<Record<StickinessPer, Partial<Record<StickinessUnit, number>>>> = {
  day: { hour: 24 },
  week: { hour: 7 * 24, day: 7 },
  month: { hour: 31 * 24, day: 31 },
  quarter: { hour: 92 * 24, day: 92, month: 3 },
  year: { hour: 366 * 24, day: 366, month: 12 },
};

/** Buckets of a spec: fixed by its period, or null for the whole range (its units decide). */
export function mostUnits(spec: StickinessSpec): number | null {
  if (spec.per === 'range') return null;
  if (spec.per === 'days') return (spec.perDays ?? 1) * (spec.unit === 'hour' ? 24 : 1);
  return MOST[spec.per]?.[spec.unit] ?? 1;
}

const count = (n: number): string => n.toLocaleString('en-US');
const dayNumber = (day: string): number => Date.parse(`${day}T00:00:00Z`) / 86_400_000;

/** Periods of a quarter, year or N days the range touches. */
function periodsOf(spec: StickinessSpec, days: LocalDays): number {
  const year = (d: string): number => Number(d.slice(0, 4));
  const month = (d: string): number => year(d) * 12 + Number(d.slice(5, 7)) - 1;
  if (spec.per === 'quarter')
    return Math.floor(month(days.to) / 3) - Math.floor(month(days.from) / 3) + 1;
  if (spec.per === 'year') return year(days.to) - year(days.from) + 1;
  return Math.ceil((dayNumber(days.to) - dayNumber(days.from) + 1) / (spec.perDays ?? 1));
}

/**
 * The guard rail of every analysis laid out on periods (sql/period-limits.ts), before any SQL runs: at
 * most MAX_PERIODS periods and MAX_RESULT_CELLS numbers (periods x buckets); over the whole
 * range, at most MAX_PERIODS buckets.
 */
export function checkLayout(
  notes: PlanNotes,
  spec: StickinessSpec,
  days: LocalDays,
  weekStart: WorkspaceSettings['weekStart'],
): void {
  const range = `from ${days.from} to ${days.to}`;
  const most = mostUnits(spec);
  if (spec.per === 'day' || spec.per === 'week' || spec.per === 'month') {
    checkPeriods(notes, {
      days,
      interval: spec.per,
      weekStart,
      intervals: spec.unit === 'hour' ? ['day', 'week', 'month'] : ['week', 'month'],
      path: 'per',
      cellsPerPeriod: most ?? 1,
      cellsAre: 'buckets',
    });
    return;
  }
  if (spec.per === 'range') {
    const units = countPeriods(days, spec.unit, weekStart);
    if (units > MAX_PERIODS) {
      notes.issue(
        'unit',
        `${count(units)} ${spec.unit}s ${range} are more buckets than the ${count(MAX_PERIODS)} one result can be laid out on; count longer units or choose a shorter range`,
      );
    }
    return;
  }
  const periods = periodsOf(spec, days);
  const cells = periods * (most ?? 1);
  const what = spec.per === 'days' ? `${spec.perDays ?? 1}-day intervals` : `${spec.per}s`;
  if (periods > MAX_PERIODS || cells > MAX_RESULT_CELLS) {
    notes.issue(
      'per',
      `${count(periods)} ${what} ${range} x ${count(most ?? 1)} buckets are ${count(cells)} numbers, more than the ${count(MAX_RESULT_CELLS)} one result can hold; choose a shorter range, longer units or a longer period`,
    );
  }
}
