import { BarChart, LineChart } from 'echarts/charts';
import {
  DatasetComponent,
  GridComponent,
  LegendComponent,
  TooltipComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { Theme } from '../app-context';

// Only the chart types and parts the views draw are bundled (all of ECharts is ~1 MB more).
echarts.use([
  BarChart,
  LineChart,
  GridComponent,
  TooltipComponent,
  LegendComponent,
  DatasetComponent,
  CanvasRenderer,
]);

/**
 * An ECharts chart that follows the app's theme and its container's size. The option is a pure
 * function of the data, built by the caller.
 */
export function Chart({
  option,
  theme,
  height = 240,
  label,
}: {
  option: echarts.EChartsCoreOption;
  theme: Theme;
  height?: number;
  label: string;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);

  useEffect(() => {
    if (element.current === null) return;
    const instance = echarts.init(element.current, theme === 'dark' ? 'dark' : undefined, {
      renderer: 'canvas',
    });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(element.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [theme]);

  useEffect(() => {
    chart.current?.setOption({ backgroundColor: 'transparent', ...option }, true);
  }, [option, theme]);

  return <div ref={element} className="chart" style={{ height }} role="img" aria-label={label} />;
}
