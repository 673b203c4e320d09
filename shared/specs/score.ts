import { z } from 'zod';
import { strictObject } from './strict';
import { eventFilterSchema, MAX_YEAR, MIN_YEAR } from './common';
import { metricSchema, metricWords, type MetricDefinition } from './user-metrics';
import { event, plural } from './words';

/**
 * Per-user scores marketing can act on:
 * - behavioural: points per event over the N days up to the as-of day (1 per feature use, 5 per
 *   purchase), each rule's points capped, older events optionally worth less (a half-life);
 * - health: 0-100 from weighted components (frequency, adoption, recency, trend), each scaled by
 *   the user's percentile among everyone first seen by then, in bands with editable cut-offs.
 */

const day = z.iso
  .date({ message: 'dates are written YYYY-MM-DD' })
  .refine((d) => Number(d.slice(0, 4)) >= MIN_YEAR && Number(d.slice(0, 4)) <= MAX_YEAR, {
    message: `dates are between ${MIN_YEAR}-01-01 and ${MAX_YEAR}-12-31`,
  });
const windowDays = z.number().int().min(1).max(366, 'a window is at most 366 days').default(28);

export const pointsRuleSchema = strictObject(
  {
    event: eventFilterSchema,
    points: z.number().min(-1_000_000).max(1_000_000).refine(Number.isFinite, 'a finite number'),
    /** The most points this rule gives a user in the window. */
    cap: z.number().min(0).max(1_000_000_000).optional(),
  },
  'a points rule',
);
export type PointsRule = z.infer<typeof pointsRuleSchema>;

export const componentSchema = strictObject(
  {
    name: z.string().min(1).max(60),
    metric: metricSchema.refine((m) => m.type !== 'ratio', {
      message: 'a component is one metric; a ratio needs its two metrics in the same table',
    }),
    weight: z.number().min(0).max(1000),
    /** Recency: fewer days since the last event is better. */
    higherIsBetter: z.boolean().default(true),
  },
  'a health component',
);
export type HealthComponent = z.infer<typeof componentSchema>;

export const bandsSchema = strictObject(
  {
    /** At or above: healthy. */
    healthy: z.number().min(0).max(100).default(70),
    /** At or above (and below healthy): watch; below: at risk. */
    watch: z.number().min(0).max(100).default(40),
  },
  'the bands',
).refine((b) => b.watch <= b.healthy, {
  path: ['watch'],
  message: 'the watch cut-off is at most the healthy one',
});
export type Bands = z.infer<typeof bandsSchema>;

const any = [{ event: '$any', where: [] }];

/** The health score every workspace starts with: it needs no event names. */
export const DEFAULT_COMPONENTS: HealthComponent[] = [
  {
    name: 'frequency',
    metric: { name: 'frequency', type: 'activeDays', events: any, per: 'week' },
    weight: 0.35,
    higherIsBetter: true,
  },
  {
    name: 'depth',
    metric: { name: 'depth', type: 'sessionDepth', stat: 'mean' },
    weight: 0.15,
    higherIsBetter: true,
  },
  {
    name: 'recency',
    metric: { name: 'recency', type: 'recency' },
    weight: 0.3,
    higherIsBetter: false,
  },
  {
    name: 'trend',
    metric: { name: 'trend', type: 'trend', events: any },
    weight: 0.2,
    higherIsBetter: true,
  },
];

export const scoreSpecSchema = z.discriminatedUnion('type', [
  strictObject(
    {
      type: z.literal('behavioural'),
      version: z.literal(1).default(1),
      days: windowDays,
      asOf: day.optional(),
      rules: z.array(pointsRuleSchema).min(1, 'give points to at least one event').max(50),
      /** An event this many days old is worth half its points. */
      halfLifeDays: z.number().gt(0).max(3660).optional(),
    },
    'a behavioural score',
  ),
  strictObject(
    {
      type: z.literal('health'),
      version: z.literal(1).default(1),
      days: windowDays,
      asOf: day.optional(),
      components: z
        .array(componentSchema)
        .min(1, 'a health score needs a component')
        .max(12)
        .default(() => DEFAULT_COMPONENTS.map((c) => ({ ...c })))
        .refine((list) => list.some((c) => c.weight > 0), {
          message: 'give at least one component a weight above 0',
        })
        .refine((list) => new Set(list.map((c) => c.name)).size === list.length, {
          message: 'two components have the same name',
        }),
      bands: bandsSchema.default({ healthy: 70, watch: 40 }),
    },
    'a health score',
  ),
]);
export type ScoreSpec = z.infer<typeof scoreSpecSchema>;

export const BANDS = ['healthy', 'watch', 'at risk'] as const;
export type Band = (typeof BANDS)[number];

export function bandOf(score: number, bands: Bands): Band {
  return score >= bands.healthy ? 'healthy' : score >= bands.watch ? 'watch' : 'at risk';
}

/** A drop worth a look: the score (or the events) down more than this share month over month. */
export const DROP_SHARE = 0.1;
/** The validation's outcome: no event in this many days after the day the score was taken. */
export const CHURN_DAYS = 30;

export const scoreRunRequestSchema = z.object({
  spec: scoreSpecSchema,
  limit: z.number().int().min(1).max(100_000).default(100),
});

export const scoreHistoryRequestSchema = z.object({
  spec: scoreSpecSchema,
  weeks: z.number().int().min(2).max(52).default(12),
  /** One user's weekly scores as well. */
  userId: z.string().min(1).optional(),
});

export const scoreExportRequestSchema = z.object({
  spec: scoreSpecSchema,
  path: z.string().min(1),
});

export interface ScoredUser {
  user_id: string;
  email: string | null;
  score: number;
  band: Band | null;
  /** Health: each component's percentile (0-100) and value. */
  components: Record<string, { value: number | null; percentile: number | null }>;
}

export interface ScoreResult {
  type: ScoreSpec['type'];
  asOf: string;
  window: { from: string; to: string };
  users: number;
  mean: number | null;
  median: number | null;
  /** Users per band (health), in BANDS order. */
  bands: { band: Band; users: number }[] | null;
  histogram: { from: number; to: number; users: number }[];
  /** The highest and the lowest scores. */
  top: ScoredUser[];
  bottom: ScoredUser[];
  /**
   * Users whose score dropped by more than DROP_SHARE against the window before, and (`usage`)
   * those whose events did, whatever their score.
   */
  dropped: { users: number; usage: number; sample: (ScoredUser & { previous: number })[] };
  /** How well the score taken CHURN_DAYS before the data's end told who then churned. */
  validation: ScoreValidation | null;
  seconds: number;
  warnings: string[];
}

export interface ScoreValidation {
  /** The day the score was taken, CHURN_DAYS days before the last day with data. */
  asOf: string;
  users: number;
  churned: number;
  /**
   * The chance a churned user scored lower than one who stayed (ties count half): 0.5 tells
   * nothing, 1 separates them perfectly.
   */
  auc: number | null;
  /** Retained share by band (health). */
  byBand: { band: Band; users: number; retained: number }[] | null;
}

export interface ScoreHistoryPoint {
  asOf: string;
  mean: number | null;
  bands: { band: Band; users: number }[] | null;
  /** The user's own score that week (with userId). */
  user: number | null;
}

export function scoreWords(spec: ScoreSpec): string {
  const window = `over the ${plural(spec.days, 'day')} up to ${spec.asOf ?? 'the last day with data'}`;
  if (spec.type === 'behavioural') {
    const rules = spec.rules
      .map(
        (r) =>
          `${r.points} per ${event(r.event)}${r.cap === undefined ? '' : ` (at most ${r.cap})`}`,
      )
      .join(', ');
    const decay =
      spec.halfLifeDays === undefined
        ? ''
        : `, worth half after ${plural(spec.halfLifeDays, 'day')}`;
    return `points: ${rules}${decay}, ${window}`;
  }
  const total = spec.components.reduce((n, c) => n + c.weight, 0);
  const parts = spec.components
    .filter((c) => c.weight > 0)
    .map(
      (c) =>
        `${c.name} ${Math.round((100 * c.weight) / total)}% (${metricWordsOf(c.metric)}${c.higherIsBetter ? '' : ', lower is better'})`,
    )
    .join(', ');
  return `health 0-100 from percentiles: ${parts}, ${window}; healthy from ${spec.bands.healthy}, watch from ${spec.bands.watch}`;
}

function metricWordsOf(m: MetricDefinition): string {
  return m.label ?? metricWords(m);
}
