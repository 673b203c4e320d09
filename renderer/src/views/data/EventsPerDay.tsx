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
  const range = info?.range ?? null;

  useEffect(() => {
    if (range === null) return;
    setError(null);
    void api['analysis.run']({
      spec: {
        kind: 'trends',
        series: [{ events: { event: '$any', where: [] }, measure: 'total', label: 'Events' }],
        interval: 'day',
        dateRange: { type: 'absolute', from: range.from.slice(0, 10), to: range.to.slice(0, 10) },
        filters: [],
      },
    }).then((r) => setResult(r as TrendsResult), setError);
  }, [api, range]);

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
  if (range === null) return <p className="muted">No events yet: import a file to see them.</p>;
  return (
    <>
      <ErrorNote error={error} title="Could not count events per day" />
      <Chart option={option} theme={theme} label="Events per day" height={220} />
    </>
  );
}
