import type { AnalysisResult, ResultTable } from './analysis-spec';

/** Any analysis result as one table: what CSV export and grids show, column for column. */
export function resultTable(result: AnalysisResult): ResultTable {
  switch (result.kind) {
    case 'eventTypes':
      return {
        columns: ['event', 'events', 'users', 'firstSeen', 'lastSeen'],
        rows: result.rows,
      };
    case 'trends': {
      // One row per series (and breakdown value), one column per period: the grid analysts read.
      const hasBreakdown = result.series.some((s) => s.breakdown !== undefined);
      const columns = [
        'series',
        ...(hasBreakdown ? ['breakdown'] : []),
        'total',
        ...result.periods,
      ];
      const rows = result.series.map((s) => {
        const row: Record<string, unknown> = { series: s.label, total: s.total };
        if (hasBreakdown) row.breakdown = s.breakdown ?? '';
        result.periods.forEach((p, i) => {
          row[p] = s.values[i] ?? null;
        });
        return row;
      });
      return { columns, rows };
    }
    case 'funnel': {
      // One row per step (and breakdown value): counts, conversion and median times to convert.
      const hasBreakdown = result.groups.some((g) => g.breakdown !== undefined);
      const columns = [
        ...(hasBreakdown ? ['breakdown'] : []),
        'step',
        'label',
        result.countBy,
        'conversionFromFirst',
        'conversionFromPrevious',
        'dropped',
        'medianSecondsFromPrevious',
        'medianSecondsFromFirst',
      ];
      const rows = result.groups.flatMap((g) =>
        g.steps.map((s, i) => ({
          ...(hasBreakdown ? { breakdown: g.breakdown ?? '' } : {}),
          step: i + 1,
          label: s.label,
          [result.countBy]: s.count,
          conversionFromFirst: s.fromFirst,
          conversionFromPrevious: s.fromPrevious,
          dropped: s.dropped,
          medianSecondsFromPrevious: s.fromPreviousTime.median,
          medianSecondsFromFirst: s.fromFirstTime.median,
        })),
      );
      return { columns, rows };
    }
    case 'retention': {
      // One row per cohort (and breakdown value), then the mean row; a column per period.
      const hasBreakdown = result.groups.some((g) => g.breakdown !== undefined);
      const columns = [...(hasBreakdown ? ['breakdown'] : []), 'cohort', 'size', ...result.columns];
      const rows = result.groups.flatMap((g) => {
        const row = (
          cohort: string,
          size: number | null,
          values: (number | null)[],
        ): Record<string, unknown> => {
          const r: Record<string, unknown> = { cohort, size };
          if (hasBreakdown) r.breakdown = g.breakdown ?? '';
          result.columns.forEach((c, i) => {
            r[c] = values[i] ?? null;
          });
          return r;
        };
        return [
          ...g.cohorts.map((c) => row(c.cohort, c.size, c.values)),
          row('mean', null, g.mean.values),
        ];
      });
      return { columns, rows };
    }
    case 'sessions': {
      const columns = [
        'period',
        'sessions',
        'users',
        'sessionsPerUser',
        'meanDuration',
        'medianDuration',
        'meanEvents',
        'medianEvents',
        'bounceRate',
        'incomplete',
      ];
      return {
        columns,
        rows: [
          ...result.periods,
          { period: 'all periods', incomplete: false, ...result.total },
        ].map((p) => ({ ...p })),
      };
    }
    case 'paths':
      return {
        columns: ['source', 'target', 'users', 'sessions'],
        rows: result.links.map((l) => ({ ...l })),
      };
    case 'lifecycle':
      return {
        columns: [
          'period',
          'new',
          'returning',
          'resurrecting',
          'dormant',
          'quickRatio',
          'incomplete',
        ],
        rows: result.periods.map((period, i) => ({
          period,
          new: result.new[i],
          returning: result.returning[i],
          resurrecting: result.resurrecting[i],
          dormant: result.dormant[i],
          quickRatio: result.quickRatio[i],
          incomplete: result.incomplete[i],
        })),
      };
    case 'stickiness': {
      const columns = [
        'period',
        ...result.buckets.map((k) => `${result.cumulative ? '>=' : ''}${k}`),
      ];
      const row = (period: string, users: number[]): Record<string, unknown> => {
        const r: Record<string, unknown> = { period };
        result.buckets.forEach((k, i) => {
          r[`${result.cumulative ? '>=' : ''}${k}`] = users[i] ?? 0;
        });
        return r;
      };
      return {
        columns,
        rows: [
          ...result.periods.map((p) => row(p.period, p.users)),
          row('all periods', result.users),
        ],
      };
    }
  }
}
