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

/** What a stickiness bucket counts, in the spec's unit: 'active 2 days per week'. */
function stickinessWords(spec: StickinessSpec | undefined, bucket: number): string {
  if (spec === undefined) return `active ${bucket} times`;
  return `active ${stickinessBucketWords(spec, bucket)} ${stickinessPerWords(spec)}`;
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
      const series = specOf(spec, 'trends')?.series[select.series ?? 0];
      const did = series === undefined ? '' : ` who did ${event(series.events)}`;
      return `Users${did} in ${select.period}, series ${(select.series ?? 0) + 1}${by(select.breakdown)}`;
    }
    case 'lifecycle':
      return `${LIFECYCLE_WORDS[select.status]} users in ${select.period}`;
    case 'stickiness': {
      const words = stickinessWords(specOf(spec, 'stickiness'), select.bucket);
      return `Users ${words}${select.period ? `, ${select.period}` : ''}`;
    }
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
      const when = select.period === undefined ? '' : ` in ${select.period}`;
      return select.measure === 'bounced'
        ? `Users with a bounced session${when}`
        : `Users with a session${when}`;
    }
  }
}
