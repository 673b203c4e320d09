import { useEffect, useMemo, useState } from 'react';
import type { TrendsResult } from '../../../../shared/specs/trends';
import { useApp } from '../../app-context';
import { Chart } from '../../components/Chart';
import { ErrorNote } from '../../components/ErrorNote';
import { formatNumber } from '../../lib/format';

/** Events per day over the workspace's whole range (a trends analysis, like any other). */
export function EventsPerDay() {
  const { api, info, theme } = useApp();
  const [result, setResult] = useState<TrendsResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  // The first and last local days of the data in the workspace zone: UTC dates would cut off
  // the first evening (or the last morning) of a workspace west (or east) of Greenwich.
  const from = info?.days?.from ?? null;
  const to = info?.days?.to ?? null;
  // The trend is the engine's, in the workspace's settings: a new zone re-cuts the days.
  const settings = JSON.stringify(info?.workspace.settings ?? null);

  useEffect(() => {
    if (from === null || to === null) return;
    setError(null);
    void api['analysis.run']({
      spec: {
        kind: 'trends',
        series: [{ events: { event: '$any', where: [] }, measure: 'total', label: 'Events' }],
        interval: 'day',
        dateRange: { type: 'absolute', from, to },
        filters: [],
      },
    }).then((r) => setResult(r as TrendsResult), setError);
  }, [api, from, to, settings]);

  const option = useMemo(() => {
    // The theme's accent (--accent); a period still under way is drawn faint and says so.
    const color = theme === 'dark' ? '#8b95ff' : '#4f5bd5';
    const incomplete = result?.incomplete ?? [];
    return {
      grid: { left: 56, right: 16, top: 16, bottom: 28 },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? formatNumber(v) : String(v)),
      },
      xAxis: { type: 'category', data: result?.periods ?? [], axisLabel: { hideOverlap: true } },
      yAxis: { type: 'value', splitLine: { lineStyle: { opacity: 0.4 } } },
      series: [
        {
          type: 'bar',
          name: 'Events',
          data: (result?.series[0]?.values ?? []).map((value, i) =>
            incomplete[i] === true
              ? { value, itemStyle: { color, opacity: 0.4 }, name: 'incomplete day' }
              : value,
          ),
          itemStyle: { color },
          barCategoryGap: '20%',
        },
      ],
    };
  }, [result, theme]);
  if (from === null) return <p className="muted">No events yet: import a file to see them.</p>;
  return (
    <>
      <ErrorNote error={error} title="Could not count events per day" />
      <Chart option={option} theme={theme} label="Events per day" height={220} />
    </>
  );
}
