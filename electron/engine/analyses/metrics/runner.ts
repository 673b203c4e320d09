import { sampledOf } from '../../../../shared/specs/common';
import type { MetricsResult, MetricsSpec } from '../../../../shared/specs/metrics';
import {
  metricLabel,
  metricUnit,
  metricWords,
  type MetricDefinition,
} from '../../../../shared/specs/user-metrics';
import { ApiError } from '../../../../shared/api/errors';
import { ident, join, query, sql, type Sql } from '../../sql/fragment';
import { PlanNotes } from '../../sql/notes';
import { metricsSql } from '../../users/metrics-sql';
import { metricSummaries } from '../../users/metric-summary';
import { resolveSegments } from '../../segments/segment-refs';
import type { AnalysisContext } from '../context';
import { defineRunner, type PlanBase } from '../runner';

interface MetricsPlan extends PlanBase {
  spec: MetricsSpec;
  table: Sql;
  days: { from: string; to: string } | null;
}

/**
 * The per-user metrics table (DESIGN.md, "The per-user layer"): its units are the table itself,
 * one row per user of the population with one column per metric, which thresholds, segments and
 * exports read; the summary is each metric's distribution.
 */
export const metricsRunner = defineRunner<'metrics', MetricsPlan>({
  async plan(ctx: AnalysisContext, spec: MetricsSpec): Promise<MetricsPlan> {
    const notes = new PlanNotes();
    const [segment] = await resolveSegments(
      ctx.c,
      spec.segment === undefined ? [] : [spec.segment],
      'segment',
    );
    const built = metricsSql(
      {
        catalog: ctx.catalog,
        settings: ctx.settings,
        now: ctx.now,
        observedUntil: ctx.observedUntil,
        window: spec.window,
        startRange: spec.startRange,
        filters: spec.filters,
        metrics: spec.metrics,
        fraction: spec.sample?.fraction,
        segment,
      },
      notes,
    );
    notes.throwIfIssues('metrics');
    for (const w of notes.warnings) ctx.notes.warn(w);
    const cal = { timezone: ctx.settings.timezone, weekStart: ctx.settings.weekStart };
    return {
      unitsKey: {
        spec,
        days: built.days,
        startDays: built.startDays,
        cal,
        observed: ctx.observedUntil.toISOString(),
        segment: segment ?? null,
      },
      spec,
      table: built.sql,
      days: built.days,
    };
  },

  units: (_ctx, plan) => ({ sql: plan.table }),
  storesUnits: true,

  async summarise(ctx, plan, units): Promise<MetricsResult> {
    const { spec } = plan;
    const [counts] = await query(
      ctx.c,
      sql`SELECT count(*) AS users, count(*) FILTER (WHERE complete) AS complete FROM ${units}`,
    );
    const summaries = await metricSummaries(
      ctx.c,
      units,
      spec.metrics.map((m) => ({ column: m.name, grain: valueGrain(m, spec.window.days) })),
    );
    return {
      kind: 'metrics',
      timezone: ctx.settings.timezone,
      window: {
        type: spec.window.type,
        days: spec.window.days,
        from: plan.days?.from ?? null,
        to: plan.days?.to ?? null,
        startEvent:
          spec.window.type === 'sinceStart' ? (spec.window.startEvent?.event ?? null) : null,
      },
      users: Number(counts?.users ?? 0),
      completeUsers: Number(counts?.complete ?? 0),
      metrics: spec.metrics.flatMap((m, i) => {
        const summary = summaries[i];
        return summary === undefined
          ? []
          : [
              {
                name: m.name,
                label: metricLabel(m),
                definition: metricWords(m),
                unit: metricUnit(m),
                ...summary,
              },
            ];
      }),
      sampled: sampledOf(spec.sample),
    };
  },

  select: (plan, pick) => {
    const names = plan.spec.metrics.map((m) => m.name);
    if (!names.includes(pick.metric)) {
      throw new ApiError(
        'INVALID_REQUEST',
        `No metric '${pick.metric}' in this spec; its metrics are ${names.join(', ')}.`,
        { field: 'select.metric' },
      );
    }
    return metricPredicate(pick);
  },
});

/**
 * The grid a metric's values lie on, for bars of one value each: 1 for whole values; a per-week
 * rate of a window of 7 x 2^k days is a count times 2^-k, exact in binary (a 10-day window's
 * sevenths are not); a share of 2^k features likewise. null for any other value.
 */
export function valueGrain(m: MetricDefinition, windowDays: number): number | null {
  switch (m.type) {
    case 'activeDays':
    case 'sessions':
    case 'count': {
      if (m.per === 'window') return 1;
      const weeks = windowDays / 7;
      return Number.isInteger(weeks) && (weeks & (weeks - 1)) === 0 ? 1 / weeks : null;
    }
    case 'distinctDays':
    case 'funnel':
    case 'recency':
    case 'tenure':
      return 1;
    case 'featureAdoption':
      // A share of 2^k features is a count of them times 2^-k, exact (5 x (3/5) is not 3).
      if (m.as === 'count') return 1;
      return Number.isInteger(Math.log2(m.features.length)) ? 1 / m.features.length : null;
    default:
      return null;
  }
}

/** Whether a metric only takes whole values (its benchmark values are then read exactly). */
export function integerValued(m: MetricDefinition, windowDays: number): boolean {
  return valueGrain(m, windowDays) === 1;
}

/** Users by one column's value: in [from, to) (to included when inclusive), or without a value. */
export function metricPredicate(pick: {
  metric: string;
  from?: number | undefined;
  to?: number | undefined;
  inclusive: boolean;
  missing: boolean;
}): Sql {
  const column = ident(pick.metric);
  if (pick.missing) return sql`${column} IS NULL`;
  const parts: Sql[] = [sql`${column} IS NOT NULL`];
  if (pick.from !== undefined) parts.push(sql`${column} >= ${pick.from}`);
  if (pick.to !== undefined)
    parts.push(pick.inclusive ? sql`${column} <= ${pick.to}` : sql`${column} < ${pick.to}`);
  return join(parts, ' AND ');
}
