import { z } from 'zod';
import { strictObject } from './strict';
import { ANY_EVENT, eventFilterSchema, type EventFilter } from './common';
import { event, plural } from './words';
import { formatDuration } from '../format/numbers';

/**
 * Per-user behavioural metrics (DESIGN.md, "The per-user layer"): each one a named number per user
 * over an observation window, defined by names and numbers only. The metrics table, threshold
 * benchmarks, segments, scores, personas and exports all read these definitions, so a metric
 * means the same thing wherever it appears.
 */

/**
 * A metric's name becomes a column of the per-user table (and of every export), so it is a plain
 * identifier; these names are the table's own columns.
 */
export const RESERVED_METRIC_NAMES = ['uid', 'user_id', 'window_start', 'window_end', 'complete'];
const metricNameSchema = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]{0,62}$/,
    'a metric name is lower-case letters, digits and _ starting with a letter (it names a column)',
  )
  .refine((n) => !RESERVED_METRIC_NAMES.includes(n), {
    message: `a metric may not be named ${RESERVED_METRIC_NAMES.join(', ')}`,
  });

const eventList = z
  .array(eventFilterSchema)
  .min(1, 'name at least one event')
  .max(50, 'at most 50 events');
const anyEvent = (): EventFilter[] => [{ event: ANY_EVENT, where: [] }];
/** Per week of the window (an engagement frequency) or in the whole window. */
const perSchema = z.enum(['week', 'window']);
const statSchema = z.enum(['median', 'mean']);

const base = { name: metricNameSchema, label: z.string().min(1).max(200).optional() };

export const metricSchema = z.discriminatedUnion('type', [
  /**
   * Days with at least one of the events: local calendar days of a calendar window; since each
   * user's start, the window's own days (the k-th 24 hours of local wall time from the start).
   */
  strictObject(
    {
      ...base,
      type: z.literal('activeDays'),
      events: eventList.default(anyEvent),
      per: perSchema.default('week'),
    },
    'an activeDays metric',
  ),
  /** Sessions started in the window (the sessions cut at import). */
  strictObject(
    { ...base, type: z.literal('sessions'), per: perSchema.default('week') },
    'a sessions metric',
  ),
  /** Events matching any of the filters (a login count, responses such as share or comment). */
  strictObject(
    {
      ...base,
      type: z.literal('count'),
      events: eventList,
      per: perSchema.default('window'),
    },
    'a count metric',
  ),
  /** How many of a list of core features (events) the user did at least once, or the share. */
  strictObject(
    {
      ...base,
      type: z.literal('featureAdoption'),
      features: z
        .array(z.string().min(1))
        .min(1, 'name at least one feature event')
        .max(50, 'at most 50 features')
        .refine((f) => new Set(f).size === f.length, { message: 'a feature is listed twice' }),
      as: z.enum(['count', 'share']).default('count'),
    },
    'a featureAdoption metric',
  ),
  /** Seconds from a session's first to its last event, of the sessions started in the window. */
  strictObject(
    { ...base, type: z.literal('sessionLength'), stat: statSchema.default('median') },
    'a sessionLength metric',
  ),
  /** Events per session, of the sessions started in the window. */
  strictObject(
    { ...base, type: z.literal('sessionDepth'), stat: statSchema.default('mean') },
    'a sessionDepth metric',
  ),
  /**
   * A funnel done in order inside the window: 1 when every step was (completed), or the number
   * of steps reached in order (furthestStep). One event never fills two steps.
   */
  strictObject(
    {
      ...base,
      type: z.literal('funnel'),
      steps: z.array(eventFilterSchema).min(2, 'a funnel has at least 2 steps').max(10),
      as: z.enum(['completed', 'furthestStep']).default('completed'),
    },
    'a funnel metric',
  ),
  /** Days from the user's last event (of any kind) up to the window's end. */
  strictObject({ ...base, type: z.literal('recency') }, 'a recency metric'),
  /** Days from the user's first event up to the window's end. */
  strictObject({ ...base, type: z.literal('tenure') }, 'a tenure metric'),
  /**
   * The window's second half against its first: (second - first) / first, -1 = stopped, 0 = as
   * before; none when the first half holds no event.
   */
  strictObject(
    { ...base, type: z.literal('trend'), events: eventList.default(anyEvent) },
    'a trend metric',
  ),
  /** Sum, average, minimum or maximum of a numeric event property (revenue, items, duration). */
  strictObject(
    {
      ...base,
      type: z.literal('property'),
      events: eventList,
      property: z.string().min(1),
      agg: z.enum(['sum', 'avg', 'min', 'max']).default('sum'),
    },
    'a property metric',
  ),
  /** Days with one of the events, counted as activeDays counts them. */
  strictObject(
    { ...base, type: z.literal('distinctDays'), events: eventList },
    'a distinctDays metric',
  ),
  /** When the user first or last did one of the events: days after the window's start. */
  strictObject(
    {
      ...base,
      type: z.literal('time'),
      events: eventList,
      which: z.enum(['first', 'last']).default('first'),
    },
    'a time metric',
  ),
  /** One metric of the spec divided by another; none when the denominator is 0. */
  strictObject(
    {
      ...base,
      type: z.literal('ratio'),
      numerator: metricNameSchema,
      denominator: metricNameSchema,
    },
    'a ratio metric',
  ),
]);
export type MetricDefinition = z.infer<typeof metricSchema>;
export type MetricType = MetricDefinition['type'];

/** What a metric's numbers are, for formats and words. */
export type MetricUnit = 'count' | 'days' | 'seconds' | 'share' | 'value' | 'flag';

export function metricUnit(m: MetricDefinition): MetricUnit {
  switch (m.type) {
    case 'activeDays':
    case 'sessions':
    case 'count':
      return m.per === 'week' ? 'value' : 'count';
    case 'distinctDays':
    case 'sessionDepth':
      return m.type === 'sessionDepth' ? 'value' : 'count';
    case 'featureAdoption':
      return m.as === 'share' ? 'share' : 'count';
    case 'sessionLength':
      return 'seconds';
    case 'funnel':
      return m.as === 'completed' ? 'flag' : 'count';
    case 'recency':
    case 'tenure':
    case 'time':
      return 'days';
    case 'trend':
      return 'share';
    case 'property':
    case 'ratio':
      return 'value';
  }
}

function events(list: readonly EventFilter[]): string {
  return list.map(event).join(' or ');
}

/** A metric's definition in words, as the table and every export's notes state it. */
export function metricWords(m: MetricDefinition): string {
  const per = (p: 'week' | 'window'): string => (p === 'week' ? ' per week' : '');
  switch (m.type) {
    case 'activeDays':
      return `Days active${per(m.per)} (${events(m.events)})`;
    case 'sessions':
      return `Sessions${per(m.per)}`;
    case 'count':
      return `Times ${events(m.events)}${per(m.per)}`;
    case 'distinctDays':
      return `Days with ${events(m.events)}`;
    case 'featureAdoption':
      return m.as === 'share'
        ? `Share of ${plural(m.features.length, 'core feature')} used (${m.features.join(', ')})`
        : `Core features used, of ${m.features.length} (${m.features.join(', ')})`;
    case 'sessionLength':
      return `${m.stat === 'median' ? 'Median' : 'Mean'} session length (seconds)`;
    case 'sessionDepth':
      return `${m.stat === 'median' ? 'Median' : 'Mean'} events per session`;
    case 'funnel':
      return `${m.as === 'completed' ? 'Completed' : 'Steps reached of'} ${m.steps.map(event).join(' → ')} in order`;
    case 'recency':
      return 'Days since last activity';
    case 'tenure':
      return 'Days since first seen';
    case 'trend':
      return `Change of ${events(m.events)} in the second half vs the first`;
    case 'property':
      return `${{ sum: 'Sum', avg: 'Average', min: 'Minimum', max: 'Maximum' }[m.agg]} of ${m.property} on ${events(m.events)}`;
    case 'time':
      return `Days to the ${m.which} ${events(m.events)}`;
    case 'ratio':
      return `${m.numerator} ÷ ${m.denominator}`;
  }
}

/** The metric's label: the analyst's own, or its definition in words. */
export function metricLabel(m: MetricDefinition): string {
  return m.label ?? metricWords(m);
}

/**
 * Problems of a list of metrics that no single metric's schema sees: duplicate names, ratios of
 * metrics that are not in the list (or of ratios: one level, so no cycle can form).
 */
export function checkMetricList(
  metrics: readonly MetricDefinition[],
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  const names = new Map<string, MetricDefinition>();
  metrics.forEach((m, i) => {
    if (names.has(m.name)) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'name'],
        message: `two metrics are named ${m.name}`,
      });
    }
    names.set(m.name, m);
  });
  metrics.forEach((m, i) => {
    if (m.type !== 'ratio') return;
    for (const side of ['numerator', 'denominator'] as const) {
      const other = names.get(m[side]);
      if (other === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, i, side],
          message: `no metric named ${m[side]} in this spec`,
        });
      } else if (other.type === 'ratio') {
        ctx.addIssue({
          code: 'custom',
          path: [...path, i, side],
          message: `${m[side]} is itself a ratio; divide plain metrics`,
        });
      }
    }
  });
}

/** A spec's metrics list: at least one, at most 40, names unique, ratios of listed metrics. */
export const metricListSchema = z
  .array(metricSchema)
  .min(1, 'define at least one metric')
  .max(40, 'at most 40 metrics')
  .superRefine((list, ctx) => checkMetricList(list, ctx, []));

/**
 * The observation window each user's row is computed over:
 * - sinceStart: the first N days after the user's start (their first event, or their first
 *   startEvent): day 1 is the 24 hours from that moment, local wall time;
 * - calendar: the N local days up to and including asOf (default: the last day with data).
 */
export const observationWindowSchema = z.discriminatedUnion('type', [
  strictObject(
    {
      type: z.literal('sinceStart'),
      days: z.number().int().min(1).max(366, 'a window is at most 366 days').default(7),
      startEvent: eventFilterSchema.optional(),
    },
    'a window',
  ),
  strictObject(
    {
      type: z.literal('calendar'),
      days: z.number().int().min(1).max(3660, 'a window is at most 3,660 days').default(28),
      asOf: z.iso.date({ message: 'dates are written YYYY-MM-DD' }).optional(),
    },
    'a window',
  ),
]);
export type ObservationWindow = z.infer<typeof observationWindowSchema>;

export function windowWords(w: ObservationWindow): string {
  if (w.type === 'sinceStart') {
    const start = w.startEvent === undefined ? 'first event' : `first ${event(w.startEvent)}`;
    return `in the first ${plural(w.days, 'day')} after each user's ${start}`;
  }
  return `in the ${plural(w.days, 'day')} up to ${w.asOf ?? 'the last day with data'}`;
}

function amount(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : String(Math.round(n * 1000) / 1000);
}

/**
 * "Users who <reached the threshold>": a benchmark as an analyst says it ("did report_created at
 * least 3 times", "were active on at least 4 days per week"), for the finding's sentence.
 */
export function thresholdWords(m: MetricDefinition, t: number): string {
  const n = amount(t);
  const per = (p: 'week' | 'window'): string => (p === 'week' ? ' per week' : '');
  switch (m.type) {
    case 'activeDays':
      return `were active on at least ${n} ${t === 1 ? 'day' : 'days'}${per(m.per)}`;
    case 'distinctDays':
      return `did ${events(m.events)} on at least ${n} ${t === 1 ? 'day' : 'days'}`;
    case 'sessions':
      return `had at least ${n} ${t === 1 ? 'session' : 'sessions'}${per(m.per)}`;
    case 'count':
      return `did ${events(m.events)} at least ${t === 1 ? 'once' : `${n} times`}${per(m.per)}`;
    case 'featureAdoption':
      return m.as === 'share'
        ? `used at least ${Math.round(t * 100)}% of the ${m.features.length} core features`
        : `used at least ${n} of the ${m.features.length} core features`;
    case 'sessionLength':
      return `had a ${m.stat} session of at least ${formatDuration(t)}`;
    case 'sessionDepth':
      return `had a ${m.stat} of at least ${n} events per session`;
    case 'funnel':
      return m.as === 'completed'
        ? `completed ${m.steps.map(event).join(' → ')}`
        : `reached step ${n} of ${m.steps.map(event).join(' → ')}`;
    case 'recency':
      return `were last active at least ${n} ${t === 1 ? 'day' : 'days'} before the window's end`;
    case 'tenure':
      return `were first seen at least ${n} ${t === 1 ? 'day' : 'days'} before the window's end`;
    case 'trend':
      // -0.97 reads as "3% as often": the change as a share of the first half's activity.
      return `did ${events(m.events)} in the second half at least ${Math.round((1 + t) * 100)}% as often as in the first`;
    case 'property':
      return `had a ${{ sum: 'total', avg: 'average', min: 'minimum', max: 'maximum' }[m.agg]} ${m.property} of at least ${n}`;
    case 'time':
      return `did their ${m.which} ${events(m.events)} at least ${n} ${t === 1 ? 'day' : 'days'} in`;
    case 'ratio':
      return `had ${m.numerator} ÷ ${m.denominator} of at least ${n}`;
  }
}
