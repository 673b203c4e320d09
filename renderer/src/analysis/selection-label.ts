import { retentionColumnHeader } from '../../../shared/format/columns';
import type { AnalysisSpec } from '../../../shared/specs/analysis-spec';
import type { RetentionSpec } from '../../../shared/specs/retention';
import {
  stickinessBucketWords,
  stickinessPerWords,
  type StickinessSpec,
} from '../../../shared/specs/stickiness';
import type { UserSelection } from '../../../shared/specs/users-behind';
import { event } from '../../../shared/specs/words';

type SpecOf<K extends AnalysisSpec['kind']> = Extract<AnalysisSpec, { kind: K }>;

/** The spec when it is of the selection's kind (the panel always passes that one). */
function specOf<K extends AnalysisSpec['kind']>(
  spec: AnalysisSpec | undefined,
  kind: K,
): SpecOf<K> | undefined {
  return spec?.kind === kind ? (spec as SpecOf<K>) : undefined;
}

const LIFECYCLE_WORDS = {
  new: 'New',
  returning: 'Returning',
  resurrecting: 'Resurrecting',
  dormant: 'Dormant',
} as const;

/** A retention column in words, as the grid heads it: 'week 1', 'weeks 3-6', 'week 1 or later'. */
function retentionColumnWords(spec: RetentionSpec | undefined, column: number): string {
  if (spec === undefined) return `column ${column}`;
  let label = String(column);
  if (spec.criterion === 'brackets') {
    // The bracket's periods as the engine cuts them: from its start to the next one's, the
    // last up to `periods`.
    const b = spec.brackets ?? [];
    const lo = b[column] ?? column;
    const hi = column + 1 < b.length ? (b[column + 1] ?? lo + 1) - 1 : spec.periods;
    label = lo === hi ? String(lo) : `${lo}-${hi}`;
  }
  const words = retentionColumnHeader(spec.period, label).toLowerCase();
  return spec.criterion === 'on_or_after' ? `${words} or later` : words;
}

/**
 * A period as its label reads in a sentence: 'on 2024-03-04' (a day), 'in the week of
 * 2024-03-04', 'at 2024-03-04 13:00' (an hour); 'in 2024-03-04' when the period kind is unknown.
 */
export function periodWords(per: string | undefined, period: string): string {
  if (per === 'hour') return `at ${period}`;
  if (per === 'day') return `on ${period}`;
  if (per === 'week' || per === 'month' || per === 'quarter' || per === 'year')
    return `in the ${per} of ${period}`;
  return `in ${period}`;
}

/**
 * What a stickiness bucket counts, in the spec's unit: 'active 2 days per week' over every
 * period, 'active 2 days in the week of 2024-03-04' in one.
 */
function stickinessWords(
  spec: StickinessSpec | undefined,
  bucket: number,
  period: string | undefined,
): string {
  if (spec === undefined)
    return `active ${bucket} times${period === undefined ? '' : ` ${periodWords(undefined, period)}`}`;
  const units = stickinessBucketWords(spec, bucket);
  if (period === undefined) return `active ${units} ${stickinessPerWords(spec)}`;
  if (spec.per === 'range') return `active ${units} in the range`;
  if (spec.per === 'days')
    return `active ${units} in the ${spec.perDays ?? '?'}-day interval from ${period}`;
  return `active ${units} ${periodWords(spec.per, period)}`;
}

/**
 * Words for the users behind a clicked number, for the users panel's title and the segment's
 * default name: who they are, in the spec's terms ("Users active 2 days per week, 2024-03-04"),
 * never the engine's ("2 units").
 */
export function selectionLabel(select: UserSelection, spec?: AnalysisSpec): string {
  // A breakdown group by its value, or its values over several properties.
  const by = (value: string | string[] | undefined): string =>
    value === undefined || value.length === 0
      ? ''
      : ` (${Array.isArray(value) ? value.join(' · ') : value})`;
  switch (select.kind) {
    case 'funnel': {
      const step = specOf(spec, 'funnel')?.steps[select.step - 1];
      const named = step === undefined ? '' : `: ${event(step.events)}`;
      const before = select.range === 'previous' ? ', range before' : '';
      const entering = select.period === undefined ? '' : `, entering in ${select.period}`;
      return `${select.outcome === 'dropped' ? 'Users who dropped before' : 'Users who reached'} step ${select.step}${named}${by(select.breakdown)}${entering}${before}`;
    }
    case 'retention': {
      const r = specOf(spec, 'retention');
      const before = select.range === 'previous' ? ' (range before)' : '';
      const of =
        select.cohort === 'mean' ? `the complete cohorts${before}` : `cohort ${select.cohort}`;
      return select.column === 'size'
        ? `Users of ${of}${by(select.breakdown)}`
        : `Users of ${of} retained in ${retentionColumnWords(r, select.column)}${by(select.breakdown)}`;
    }
    case 'trends': {
      const t = specOf(spec, 'trends');
      const index = select.series ?? 0;
      const series = t?.series[index];
      const did = series === undefined ? '' : ` who did ${event(series.events)}`;
      // The series by its name, or by its number when there are several to tell apart.
      const which =
        series?.label !== undefined
          ? ` (${series.label})`
          : t === undefined || t.series.length > 1
            ? `, series ${index + 1}`
            : '';
      return `Users${did} ${periodWords(t?.interval, select.period)}${which}${by(select.breakdown)}`;
    }
    case 'lifecycle':
      return `${LIFECYCLE_WORDS[select.status]} users ${periodWords(specOf(spec, 'lifecycle')?.interval, select.period)}`;
    case 'stickiness':
      return `Users ${stickinessWords(specOf(spec, 'stickiness'), select.bucket, select.period)}`;
    case 'paths': {
      // An end event anchors the paths backward, as the engine reads them.
      const backward = specOf(spec, 'paths')?.end !== undefined;
      const at =
        select.step === 0
          ? backward
            ? 'at the end'
            : 'at the start'
          : select.step > 0
            ? `at step ${select.step}`
            : `${-select.step} step${select.step === -1 ? '' : 's'} before the end`;
      return `Users who did ${select.event} ${at}`;
    }
    case 'eventTypes':
      return `Users who did ${select.event}`;
    case 'sessions': {
      const interval = specOf(spec, 'sessions')?.interval;
      const when = select.period === undefined ? '' : ` ${periodWords(interval, select.period)}`;
      return select.measure === 'bounced'
        ? `Users with a bounced session${when}`
        : `Users with a session${when}`;
    }
  }
}
