import type { MetricDefinition } from '../../../../shared/specs/user-metrics';

/*
 * The per-user metrics a segment rule compares most often, as the builder offers them: each a
 * MetricDefinition with what the analyst picks (an event, core features, a property) filled in.
 */

export const METRIC_PRESETS = [
  ['countPerWeek', 'Times an event was done per week'],
  ['activeDaysPerWeek', 'Days active per week'],
  ['sessionsPerWeek', 'Sessions per week'],
  ['featureShare', 'Share of core features used'],
  ['recency', 'Days since last activity'],
  ['propertySum', 'Sum of an event property'],
] as const;
export type MetricPreset = (typeof METRIC_PRESETS)[number][0];

/** What a preset's metric is about, carried from one preset to the next. */
export interface MetricChoices {
  event: string;
  features: string[];
  property: string;
}

const only = (event: string) => [{ event, where: [] }];

export function presetMetric(preset: MetricPreset, c: MetricChoices): MetricDefinition {
  switch (preset) {
    case 'countPerWeek':
      return { name: 'count_per_week', type: 'count', events: only(c.event), per: 'week' };
    case 'activeDaysPerWeek':
      return {
        name: 'active_days_per_week',
        type: 'activeDays',
        events: only('$any'),
        per: 'week',
      };
    case 'sessionsPerWeek':
      return { name: 'sessions_per_week', type: 'sessions', per: 'week' };
    case 'featureShare':
      return {
        name: 'feature_adoption',
        label: 'share of core features used',
        type: 'featureAdoption',
        features: c.features,
        as: 'share',
      };
    case 'recency':
      return { name: 'recency_days', type: 'recency' };
    case 'propertySum':
      return {
        name: 'property_sum',
        type: 'property',
        events: only(c.event),
        property: c.property,
        agg: 'sum',
      };
  }
}

/** Which preset a metric is, or null when it is another kind (shown in words, kept as it is). */
export function presetOf(m: MetricDefinition): MetricPreset | null {
  switch (m.type) {
    case 'count':
      return m.per === 'week' && m.events.length === 1 ? 'countPerWeek' : null;
    case 'activeDays':
      return m.per === 'week' ? 'activeDaysPerWeek' : null;
    case 'sessions':
      return m.per === 'week' ? 'sessionsPerWeek' : null;
    case 'featureAdoption':
      return m.as === 'share' ? 'featureShare' : null;
    case 'recency':
      return 'recency';
    case 'property':
      return m.agg === 'sum' && m.events.length === 1 ? 'propertySum' : null;
    default:
      return null;
  }
}

/** The choices a metric holds, for the controls and for switching to another preset. */
export function choicesOf(m: MetricDefinition, fallback: MetricChoices): MetricChoices {
  const event =
    'events' in m && m.events[0] !== undefined && m.events[0].event !== '$any'
      ? m.events[0].event
      : fallback.event;
  return {
    event,
    features: m.type === 'featureAdoption' ? m.features : fallback.features,
    property: m.type === 'property' ? m.property : fallback.property,
  };
}

/** A share is compared as 0-1 by the engine; the builder shows and takes percentages. */
export const isShare = (m: MetricDefinition): boolean =>
  m.type === 'featureAdoption' && m.as === 'share';
